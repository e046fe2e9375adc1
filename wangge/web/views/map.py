"""The map page (Leaflet): territory outlines, cases, points, and a side panel per grid."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import shapely
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wangge.accounts.models import User
from wangge.cogovernance.selectors import territory_assignments
from wangge.core import geo
from wangge.core.tracking import normalise_tracking_code
from wangge.hazards.choices import OPEN_STATUSES as HAZARD_OPEN_STATUSES
from wangge.hazards.choices import HazardStatus
from wangge.hazards.models import HazardFinding
from wangge.ledgers.choices import MerchantKind, MerchantStatus, RecordStatus
from wangge.ledgers.models import Building, Estate, Merchant
from wangge.party.selectors import territory_party
from wangge.places.models import Point, PointType
from wangge.territory import locator
from wangge.territory.choices import TerritoryKind
from wangge.territory.maps import (
    display_point,
    display_points,
    map_settings,
    public_collection,
    territory_collection,
)
from wangge.territory.models import Territory
from wangge.volunteers.selectors import posts_for_territory
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
        "names": _("地名标注"),
        "search_none": _("未找到，请换个说法：地址、网格编码或名称、点位名称、工单查询码"),
        "search_unplaced": _("（无坐标，打开详情）"),
        "search_more": _("结果较多，只列出前几条，请输入更完整的名称"),
        "search_failed": _("搜索失败，请稍后再试"),
        **ledger_layer_labels(),
        "geojson_layers": geojson_layers(),
        "members_of": _("党员 %(n)s 名"),
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
        "party": territory_party(request.user, node),
        "assignments": territory_assignments(request.user, node),
        "posts": list(posts_for_territory(request.user, node)[:30]),
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


def _list_url_or_blank(name: str) -> str:
    """A URL without arguments, or "" where that endpoint is not installed."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def geojson_layers() -> list[dict[str, str]]:
    """The GeoJSON layers of the modules (党组织, 分包, 护学岗): toggles of the layer control, off until chosen.
    Each answers a FeatureCollection scoped to the user, in the tiles' datum, whose features carry ``name``,
    ``kind`` (and ``kind_label``), ``url`` and optionally ``colour``; a module not installed draws none."""
    specs = (
        ("web:party_map", _("党组织"), "#c92a2a"),
        ("web:cogov_assignments_map", _("分包责任"), "#5f3dc4"),
        ("web:volunteer_posts_geojson", _("护学岗等志愿岗位"), "#2b8a3e"),
    )
    return [
        {"url": url, "label": str(label), "colour": colour}
        for name, label, colour in specs
        if (url := _list_url_or_blank(name))
    ]


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


# -- 地图搜索: one box for places, grids, points, ledger rows and cases, in the user's territories ----------------

# At most this many results in all, and of one kind.
SEARCH_LIMIT = 20
SEARCH_PER_KIND = 8
SEARCH_MAX_CHARS = 50
# A tracking code is searched from this many characters on (its prefix is indexed).
CODE_MIN_CHARS = 6
KIND_ORDER = {"case": 0, "district": 1, "street": 2, "community": 3, "grid": 4, "building_node": 5}


def _rank(text: str, *values: str) -> int:
    """0: one value is the text, 1: starts with it, 2: contains it."""
    folded = text.casefold()
    best = 2
    for value in values:
        v = (value or "").casefold()
        if v == folded:
            return 0
        if v.startswith(folded):
            best = 1
    return best


def _bounds(geometry: dict[str, Any] | None) -> list[float] | None:
    """West, south, east, north of a stored outline, in the tiles' datum (its WGS-84 box with the corners shifted:
    across a street the shift varies by well under a metre, nothing a map fitted to the box can show)."""
    if not geometry:
        return None
    coords = np.asarray(shapely.get_coordinates(shapely.from_geojson(json.dumps(geometry))))
    if not len(coords):
        return None
    (west, south), (east, north) = coords.min(axis=0), coords.max(axis=0)
    xs, ys = display_points([float(west), float(east)], [float(south), float(north)])
    return [xs[0], ys[0], xs[1], ys[1]]


def _point(lng: float | None, lat: float | None) -> list[float] | None:
    return list(display_point(lng, lat)) if lng is not None and lat is not None else None


def _names(paths: set[str]) -> dict[str, str]:
    """Name of each node by path (one query for all)."""
    return dict(Territory.objects.filter(path__in=paths).values_list("path", "name")) if paths else {}


def _search_territories(user: Any, text: str) -> list[dict[str, Any]]:
    rows = list(
        Territory.objects.restrict(user)
        .filter(Q(name__icontains=text) | Q(code__icontains=text))
        .order_by("depth", "code")
        .values_list("pk", "name", "code", "kind", "path")[: SEARCH_PER_KIND * 4]
    )
    step = Territory.steplen
    parents = _names({path[:-step] for *_rest, path in rows if len(path) > step})
    return [
        {
            "type": kind,
            "type_label": str(TerritoryKind(kind).label),
            "name": name,
            "detail": " · ".join(v for v in (parents.get(path[:-step], ""), code) if v),
            "bounds_of": pk,
            "outline": pk if kind in OUTLINE_KINDS else None,
            "rank": _rank(text, name, code),
        }
        for pk, name, code, kind, path in rows
    ]


def _search_points(user: Any, text: str) -> list[dict[str, Any]]:
    rows: list[tuple[Any, ...]] = list(
        Point.objects.restrict(user)
        .filter(Q(name__icontains=text) | Q(code__icontains=text) | Q(address__icontains=text))
        .order_by("code")
        .values_list("code", "name", "address", "lng", "lat", "type__name")[: SEARCH_PER_KIND * 2]
    )
    return [
        {
            "type": "point",
            "type_label": type_name,
            "name": name,
            "detail": address or code,
            "point": _point(lng, lat),
            "rank": _rank(text, name, code, address),
        }
        for code, name, address, lng, lat, type_name in rows
    ]


def _search_buildings(user: Any, text: str) -> list[dict[str, Any]]:
    rows: list[tuple[Any, ...]] = list(
        Building.objects.restrict(user)
        .filter(Q(name__icontains=text) | Q(code__icontains=text) | Q(address__icontains=text))
        .order_by("code")
        .values_list("pk", "code", "name", "address", "lng", "lat", "grid_id", "grid__name")[: SEARCH_PER_KIND * 2]
    )
    pattern = ledger_layer_urls()["building"]
    return [
        {
            "type": "building",
            "type_label": str(_("楼栋")),
            "name": name,
            "detail": " · ".join(v for v in (address, grid_name) if v),
            "point": _point(lng, lat),
            "bounds_of": grid_id if lng is None or lat is None else None,  # no position: its grid
            "url": pattern.replace("/0/", f"/{pk}/") if pattern else None,
            "rank": _rank(text, name, code, address),
        }
        for pk, code, name, address, lng, lat, grid_id, grid_name in rows
    ]


def _search_estates(user: Any, text: str) -> list[dict[str, Any]]:
    rows: list[tuple[Any, ...]] = list(
        Estate.objects.restrict(user)
        .filter(Q(name__icontains=text) | Q(address__icontains=text))
        .order_by("code")
        .values_list("pk", "name", "address", "community_id", "community__name")[:SEARCH_PER_KIND]
    )
    pattern = _url_or_blank("web:ledger_estate")
    return [
        {
            "type": "estate",
            "type_label": str(_("小区")),
            "name": name,
            "detail": " · ".join(v for v in (address, community_name) if v),
            "bounds_of": community_id,  # an estate has no outline of its own: its community's
            "url": pattern.replace("/0/", f"/{pk}/") if pattern else None,
            "rank": _rank(text, name, address),
        }
        for pk, name, address, community_id, community_name in rows
    ]


def _search_merchants(user: Any, text: str) -> list[dict[str, Any]]:
    rows: list[tuple[Any, ...]] = list(
        Merchant.objects.restrict(user)
        .filter(Q(name__icontains=text) | Q(address__icontains=text))
        .order_by("name")
        .values_list("pk", "name", "address", "lng", "lat", "grid_id", "grid__name")[:SEARCH_PER_KIND]
    )
    pattern = ledger_layer_urls()["merchant"]
    return [
        {
            "type": "merchant",
            "type_label": str(_("商户/单位")),
            "name": name,
            "detail": " · ".join(v for v in (address, grid_name) if v),
            "point": _point(lng, lat),
            "bounds_of": grid_id if lng is None or lat is None else None,
            "url": pattern.replace("/0/", f"/{pk}/") if pattern else None,
            "rank": _rank(text, name, address),
        }
        for pk, name, address, lng, lat, grid_id, grid_name in rows
    ]


def _search_cases(user: Any, text: str) -> list[dict[str, Any]]:
    code = normalise_tracking_code(text)
    if len(code) < CODE_MIN_CHARS or not code.isalnum() or not code.isascii():
        return []
    rows: list[tuple[int, str, str, str, float | None, float | None]] = list(
        WorkOrder.objects.restrict(user)
        .filter(tracking_code__startswith=code)
        .order_by("tracking_code")
        .values_list("pk", "tracking_code", "title", "status", "lng", "lat")[:SEARCH_PER_KIND]
    )
    return [
        {
            "type": "case",
            "type_label": str(_("工单")),
            "name": tracking_code,
            "detail": f"{title} · {Status(status).label}",
            "point": _point(lng, lat),
            "url": reverse("web:case_detail", args=[pk]),
            "rank": 0 if tracking_code == code else 1,
        }
        for pk, tracking_code, title, status, lng, lat in rows
    ]


SEARCHES = (
    _search_cases,
    _search_territories,
    _search_points,
    _search_buildings,
    _search_estates,
    _search_merchants,
)


def search_places(user: Any, text: str) -> tuple[list[dict[str, Any]], bool]:
    """What ``text`` names in ``user``'s territories, best first (the text itself, then what starts with it, then
    what contains it; cases, outlines from the district down, then points and ledger rows), and whether more
    matched than are returned. Coordinates are in the tiles' datum; outlines are read for the results kept only."""
    found: list[dict[str, Any]] = []
    more = False
    for i, find in enumerate(SEARCHES):
        rows = find(user, text)
        rows.sort(key=lambda r: r["rank"])
        more = more or len(rows) > SEARCH_PER_KIND
        for row in rows[:SEARCH_PER_KIND]:
            row["order"] = (row.pop("rank"), i, KIND_ORDER.get(row["type"], 9))
            found.append(row)
    found.sort(key=lambda r: r["order"])
    more = more or len(found) > SEARCH_LIMIT
    kept = found[:SEARCH_LIMIT]
    wanted = {row["bounds_of"] for row in kept if row.get("bounds_of")}
    outlines = dict(Territory.objects.filter(pk__in=wanted).values_list("pk", "geometry")) if wanted else {}
    results = []
    for row in kept:
        row.pop("order")
        bounds = _bounds(outlines.get(row.pop("bounds_of", None)))
        results.append({"point": None, "url": None, "outline": None, "detail": "", **row, "bounds": bounds})
    return results, more


@login_required
@require_GET
def map_search(request: HttpRequest) -> JsonResponse:
    """``?q=``: places, grids, points, ledger rows and cases the user may see (``search_places``)."""
    text = " ".join(request.GET.get("q", "").split())[:SEARCH_MAX_CHARS]
    if not text:
        return JsonResponse({"query": "", "results": [], "truncated": False})
    results, more = search_places(request.user, text)
    return JsonResponse({"query": text, "results": results, "truncated": more})


# -- Where a picked position lies, by name (citizen and staff pickers) -------------------------------------------


@require_GET
def map_place(request: HttpRequest) -> JsonResponse:
    """``?lng=&lat=&crs=``: the district, street, community and grid holding the point, root first, or
    ``inside: false``. Public (the citizen's appeal page): names only, from the in-memory locator."""
    try:
        lng, lat = float(request.GET.get("lng", "")), float(request.GET.get("lat", ""))
    except ValueError:
        return JsonResponse({"error": _("经纬度无效")}, status=400)
    crs = request.GET.get("crs", "wgs84")
    if crs not in geo.CRS_CHOICES or not (math.isfinite(lng) and math.isfinite(lat)) or abs(lat) > 90 or abs(lng) > 180:
        return JsonResponse({"error": _("经纬度无效")}, status=400)
    node = locator.locate(lng, lat, crs)
    if node is None:
        response = JsonResponse({"inside": False, "names": [], "label": ""})
    else:
        nodes = locator.chain(node)
        if nodes is None:
            step = Territory.steplen
            prefixes = [node.path[:i] for i in range(step, len(node.path) + 1, step)]
            nodes = list(Territory.objects.filter(path__in=prefixes).order_by("depth"))
        names = [n.name for n in nodes if n.kind in PLACE_KINDS]
        response = JsonResponse({"inside": True, "names": names, "label": " ".join(names)})
    response["Cache-Control"] = "public, max-age=300"
    return response


PLACE_KINDS = (TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY, TerritoryKind.GRID)

routes = [
    path("map/search.json", map_search, name="map_search"),
    path("map/place.json", map_place, name="map_place"),
]
