from django.urls import path, re_path

from wangge.web.views import (
    auth,
    basemaps,
    campaigns,
    cases,
    citizen,
    classifier,
    duty,
    emergency,
    enterprises,
    escalation,
    evaluations,
    fieldwork,
    hall,
    hazards,
    home,
    imports,
    inbox,
    inspections,
    keypersons,
    knowledge,
    ledgers,
    legalservice,
    map,
    mediation,
    meetings,
    offline,
    projects,
    qr,
    queueing,
    registry,
    surveys,
    volunteers,
    workbench,
)

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    *offline.routes,  # the service worker and the manifest sit at the site root (their scope is the site)
    path("password/", auth.password_change, name="password_change"),
    # Staff: workbench and cases.
    path("workbench/", workbench.workbench, name="workbench"),
    path("workbench/dispatch/", workbench.bulk_dispatch, name="bulk_dispatch"),
    path("workbench/views/", workbench.saved_view_create, name="saved_view_create"),
    path("workbench/views/<int:pk>/delete/", workbench.saved_view_delete, name="saved_view_delete"),
    path("cases/new/", cases.case_report, name="case_report"),
    path("cases/intake/", cases.case_intake, name="case_intake"),
    path("cases/intake/suggest/", cases.case_intake_suggest, name="case_intake_suggest"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/dispatch/", cases.case_dispatch, name="case_dispatch"),
    path("cases/<int:pk>/act/<slug:name>/", cases.case_act, name="case_act"),
    path("cases/<int:pk>/files/<int:attachment_pk>/", cases.case_attachment, name="case_attachment"),
    path("cases/<int:pk>/phone/", cases.case_reveal_phone, name="case_reveal_phone"),
    # In-app messages.
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read/", inbox.inbox_read, name="inbox_read"),
    # Map.
    path("map/", map.map_page, name="map"),
    path("map/territories.geojson", map.map_territories, name="map_territories"),
    path("map/cases.json", map.map_cases, name="map_cases"),
    path("map/points.json", map.map_points, name="map_points"),
    path("map/territory/<int:pk>/", map.map_grid_panel, name="map_panel"),
    path("map/public-outlines.geojson", map.map_public_outlines, name="public_outlines"),
    *map.routes,
    *basemaps.routes,  # map search, the place of a position, the platform's own tiles
    # Registries.
    path("registry/<slug:key>/", registry.registry_list, name="registry"),
    # Citizens (no login).
    path("appeal/", citizen.appeal, name="appeal"),
    path("appeal/done/", citizen.appeal_done, name="appeal_done"),
    *citizen.routes,  # before track/<code>/: track/phone/ and track/mine/ are not codes
    path("track/", citizen.track, name="track"),
    path("track/<str:code>/", citizen.track_detail, name="track_detail"),
    path("track/<str:code>/rate/", citizen.rate, name="rate"),
    path("qr/", qr.qr_codes, name="qr_codes"),
    re_path(r"^qr/point/(?P<code>[\w.-]+)\.(?P<fmt>png|svg)$", qr.point_qr, name="qr_point"),
    re_path(r"^qr/window/(?P<window>[\w-]{1,60})\.(?P<fmt>png|svg)$", qr.window_qr, name="qr_window"),
    # The ledgers (五本台账) and 一表.
    *ledgers.routes,
    *hazards.routes,
    *keypersons.routes,
    *surveys.routes,
    # The command centre's tools.
    *escalation.routes,
    *knowledge.routes,
    *imports.routes,
    # 三调联动 and the public legal service.
    *mediation.routes,
    *legalservice.routes,
    *classifier.routes,  # 智能建议准确率
    # 巡查体检, 专项整治, 预警与应急, 值班备勤, 调度会交办, 项目台账.
    *fieldwork.routes,
    *inspections.routes,
    *hall.routes,
    *queueing.routes,
    *evaluations.routes,
    *enterprises.routes,
    *volunteers.routes,
    *campaigns.routes,
    *emergency.routes,
    *duty.routes,
    *meetings.routes,
    *projects.routes,
]
