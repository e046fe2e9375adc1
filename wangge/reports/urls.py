from django.urls import path

from wangge.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    # 日通报
    path("bulletins/", views.bulletin_list, name="bulletins"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<int:pk>/xlsx/", views.bulletin_xlsx_download, name="bulletin_xlsx"),
    path("bulletins/<int:pk>/pdf/", views.bulletin_pdf_download, name="bulletin_pdf"),
    # 月度排名
    path("rankings/", views.ranking_page, name="rankings"),
    # 大屏
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/data.json", views.dashboard_json, name="dashboard_data"),
    path("dashboard/grids.geojson", views.dashboard_grids, name="dashboard_grids"),
    # 一日志
    path("patrol/", views.patrol_page, name="patrol"),
    path("patrol/log/", views.daily_log_submit, name="daily_log"),
    path("patrol/checkins.json", views.checkins_json, name="checkins"),
    path("patrol/checkins/<int:pk>/photo/", views.checkin_photo, name="checkin_photo"),
    path("logs/", views.daily_logs, name="daily_logs"),
    path("logs/<int:worker_id>/<str:day>/", views.worker_day, name="worker_day"),
    # 一考评
    path("assessments/", views.assessment_list, name="assessments"),
    path("assessments/prepare/", views.assessment_prepare, name="assessment_prepare"),
    path("assessments/ladder/", views.assessment_ladder_view, name="assessment_ladder"),
    path("assessments/export.xlsx", views.assessment_export, name="assessment_export"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:pk>/score/", views.assessment_score_view, name="assessment_score"),
    path("assessments/<int:pk>/confirm/", views.assessment_confirm_view, name="assessment_confirm"),
    path("assessments/<int:pk>/return/", views.assessment_return_view, name="assessment_return"),
]
