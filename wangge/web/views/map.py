"""The map page (Leaflet): territory outlines, cases, points, and a side panel per grid."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wangge.accounts.models import User
from wangge.hazards.choices import OPEN_STATUSES as HAZARD_OPEN_STATUSES
from wangge.hazards.choices import HazardStatus
from wangge.hazards.models import HazardFinding
from wangge.ledgers.choices import MerchantKind, MerchantStatus, RecordStatus
from wangge.ledgers.models import Building, Merchant
from wangge.places.models import Point, PointType
from wangge.territory.choices import TerritoryKind
from wangge.territory.maps import display_points, map_settings, public_collection, territory_collection
from wangge.territory.models import Territory
from wangge.web import selectors
from wangge.workorders import headlines
from wangge.workorders.choices import ClockState, Status
from wangge.workorders.clocks import clock_annotation
from wangge.workorders.models import WorkOrder

# Closed cases on the heat/cluster layer: at most this many, newest first.
MAX_CASES = 20_000
# Open cases without coordinates listed under the map: at most this many, due soonest first.
MAX_UNPLACED = 200
OUTLINE_KINDS = [TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY, TerritoryKind.GRID]


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    point_types = list(PointType.objects.order_by("pk"))
    labels = {
        "outlines": _("辖区边界"),
        "cases": _("在办工单"),
        "unplaced_suffix": _("，另 %(n)s 件无坐标"),
        "modes": {"cluster": _("聚合"), "markers": _("散点"), "heat": _("热力")},
        "points": _("点位"),
        "responsible_of": _("责任人：%(name)s"),
        "status": {s.value: str(s.label) for s in Status},
        # The colours are the step clock's: its running out is 环节超时, not 超期 (the handling deadline).
        "clock": {c.value: str(c.label) for c in ClockState}
        | {ClockState.OVERDUE.value: headlines.label("step_overdue")},
        "point_types": [{"key": t.key, "name": t.name} for t in point_types],
        **ledger_layer_labels(),
    }
    in_scope: QuerySet[WorkOrder] = WorkOrder.objects.restrict(request.user)
    context = {
        "map": map_settings(),
        "point_types": point_types,
        "labels": labels,
        "ledger_urls": ledger_layer_urls(),
        **unplaced_context(in_scope),
    }
    return render(request, "web/map.html", context)


def unplaced_context(in_scope: QuerySet[WorkOrder]) -> dict[str, Any]:
    """在办 = on the map + not placed: the figures under the map and the list of the cases it cannot place."""
    open_total = headlines.open_cases(in_scope).count()
    unplaced = headlines.unplaced_cases(in_scope)
    unplaced_total = unplaced.count()
    rows = list(selectors.list_rows(unplaced).order_by(*selectors.DUE_ORDER)[:MAX_UNPLACED])
    return {
        "open_total": open_total,
        "placed_total": open_total - unplaced_total,
        "unplaced_total": unplaced_total,
        "unplaced_cases": selectors.decorate(rows, timezone.now()),
        "open_definition": headlines.definition("open"),
        "step_definition": headlines.definition("step_overdue"),
        "unplaced_definition": headlines.definition("unplaced"),
    }


@login_required
@require_GET
def map_territories(request: HttpRequest) -> JsonResponse:
    kinds = [k for k in request.GET.get("kinds", ",".join(OUTLINE_KINDS)).split(",") if k]
    return JsonResponse(territory_collection(request.user, kinds))


def columns(rows: list[tuple[Any, ...]], names: tuple[str, ...], xy: tuple[int, int]) -> dict[str, Any]:
    """Rows as one list per column (no container per row: ten thousand markers stay cheap to build and send),
    the coordinates in the datum of the tiles."""
    out: dict[str, Any] = {"count": len(rows)}
    for i, name in enumerate(names):
        out[name] = [r[i] for r in rows]
    out[names[xy[0]]], out[names[xy[1]]] = display_points(
        [float(v or 0) for v in out[names[xy[0]]]], [float(v or 0) for v in out[names[xy[1]]]]
    )
    return out


@login_required
@require_GET
def map_cases(request: HttpRequest) -> JsonResponse:
    """Cases with a position as compact rows: open ones by default, ``?scope=all`` adds the closed ones."""
    in_scope: QuerySet[WorkOrder] = WorkOrder.objects.restrict(request.user)
    qs = headlines.placed_cases(in_scope)
    open_only = request.GET.get("scope") != "all"
    if open_only:
        qs = headlines.open_cases(qs)
    rows = list(
        qs.annotate(clock=clock_annotation(timezone.now()))
        .order_by("-received_at")
        .values_list("pk", "lng", "lat", "status", "clock", "tracking_code")[:MAX_CASES]
    )
    out = columns(rows, ("id", "lng", "lat", "status", "clock", "code"), xy=(1, 2))
    # 在办 = the open cases placed here + those without coordinates (listed under the map).
    out["unplaced"] = headlines.unplaced_cases(in_scope).count()
    out["open_total"] = headlines.open_cases(in_scope).count()
    return JsonResponse(out)


@login_required
@require_GET
def map_points(request: HttpRequest) -> JsonResponse:
    qs: QuerySet[Point] = Point.objects.restrict(request.user).select_related("type")
    if request.GET.get("type"):
        qs = qs.filter(type__key=request.GET["type"])
    rows = list(qs.values_list("pk", "code", "name", "lng", "lat", "type__key", "type__name", "responsible_name"))
    names = ("id", "code", "name", "lng", "lat", "type", "type_name", "responsible")
    return JsonResponse(columns(rows, names, xy=(3, 4)))


@login_required
@require_GET
def map_grid_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """Side panel of one grid (or any node): its staff, its points and its open cases."""
    node = Territory.objects.restrict(request.user).filter(pk=pk).first()
    if node is None:
        raise Http404
    staff = (
        User.objects.filter(grants__territory=node, is_active=True)
        .prefetch_related("grants")
        .order_by("display_name")
        .distinct()
    )
    people = []
    for person in staff[:50]:
        roles = sorted({g.get_role_display() for g in person.grants.all() if g.territory_id == node.pk})
        people.append({"name": str(person), "roles": "、".join(str(r) for r in roles)})
    field = "grid" if node.kind == TerritoryKind.GRID else None
    points: QuerySet[Point] = Point.objects.restrict(request.user).select_related("type")
    cases: QuerySet[WorkOrder] = headlines.open_cases(WorkOrder.objects.restrict(request.user))
    if field:
        points, cases = points.filter(grid=node), cases.filter(grid=node)
    else:
        points = points.filter(territory__path__startswith=node.path)
        cases = cases.filter(scope_path__startswith=node.path)
    open_cases = list(selectors.list_rows(cases).order_by(*selectors.DUE_ORDER)[:30])
    context = {
        "node": node,
        "area_km2": node.area_m2 / 1e6 if node.area_m2 else None,
        "people": people,
        "points": list(points.order_by("code")[:50]),
        "point_count": points.count(),
        "cases": selectors.decorate(open_cases),
        "case_count": cases.count(),
    }
    return render(request, "web/partials/grid_panel.html", context)


@require_GET
def map_public_outlines(request: HttpRequest) -> JsonResponse:
    """Public (citizen pages): district, street and community outlines, no personal data."""
    response = JsonResponse(public_collection())
    response["Cache-Control"] = "public, max-age=600"
    return response


# -- Ledger layers: buildings, merchants and hazard sites (only rows with coordinates, scoped like the points) --


def ledger_layer_labels() -> dict[str, Any]:
    return {
        "buildings": _("楼栋"),
        "merchants": _("商户/单位"),
        "hazards": _("治安隐患"),
        "households_of": _("%(n)s 户"),
        "head_of": _("楼栋长：%(name)s"),
        "overdue": _("已超期"),
        "merchant_kinds": {k.value: str(k.label) for k in MerchantKind},
        "merchant_status": {s.value: str(s.label) for s in MerchantStatus},
        "hazard_status": {s.value: str(s.label) for s in HazardStatus},
    }


def _url_or_blank(name: str) -> str:
    """A detail URL pattern with a 0 placeholder, or "" where that page is not installed."""
    try:
        return reverse(name, args=[0])
    except NoReverseMatch:
        return ""


def ledger_layer_urls() -> dict[str, str]:
    return {
        "building": _url_or_blank("web:ledger_building"),
        "merchant": _url_or_blank("web:ledger_merchant"),
        "hazard": _url_or_blank("web:hazard_detail"),
    }


@login_required
@require_GET
def map_buildings(request: HttpRequest) -> JsonResponse:
    """Buildings in use with a position, with their household count and 楼栋长 (name only)."""
    qs: QuerySet[Building] = Building.objects.restrict(request.user).filter(
        status=RecordStatus.ACTIVE, lng__isnull=False, lat__isnull=False
    )
    rows = list(
        qs.annotate(households_n=Count("households", distinct=True))
        .order_by("code")
        .values_list("pk", "code", "name", "lng", "lat", "head_name", "households_n")
    )
    return JsonResponse(columns(rows, ("id", "code", "name", "lng", "lat", "head", "households"), xy=(3, 4)))


@login_required
@require_GET
def map_merchants(request: HttpRequest) -> JsonResponse:
    """Merchants and organisations with a position; closed ones only with ``?scope=all``."""
    qs: QuerySet[Merchant] = Merchant.objects.restrict(request.user).filter(lng__isnull=False, lat__isnull=False)
    if request.GET.get("scope") != "all":
        qs = qs.exclude(status=MerchantStatus.CLOSED)
    rows = list(qs.order_by("grid_id", "name").values_list("pk", "name", "lng", "lat", "kind", "status"))
    return JsonResponse(columns(rows, ("id", "name", "lng", "lat", "kind", "status"), xy=(2, 3)))


@login_required
@require_GET
def map_hazards(request: HttpRequest) -> JsonResponse:
    """Hazard findings with a position: open ones (待整改/待核查) by default, ``?scope=all`` adds the closed ones;
    ``overdue`` marks an open finding past its deadline."""
    qs: QuerySet[HazardFinding] = HazardFinding.objects.restrict(request.user).filter(
        lng__isnull=False, lat__isnull=False
    )
    if request.GET.get("scope") != "all":
        qs = qs.filter(status__in=HAZARD_OPEN_STATUSES)
    now = timezone.now()
    rows = [
        (*row[:-1], row[-1] is not None and row[-1] < now and row[5] in HAZARD_OPEN_STATUSES)
        for row in qs.order_by("-found_at").values_list(
            "pk", "code", "title", "lng", "lat", "status", "type__name", "due_at"
        )[:MAX_CASES]
    ]
    names = ("id", "code", "title", "lng", "lat", "status", "type", "overdue")
    return JsonResponse(columns(rows, names, xy=(3, 4)))
