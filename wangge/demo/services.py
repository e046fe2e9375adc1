"""The demo data set, built in steps: territory, units, staff, points, calendar.

Each step is idempotent (it upserts by code or username and leaves what is already there alone),
reads what earlier steps stored rather than recomputing it, and returns a :class:`StepResult`.
``DEMO_STEPS`` lists them in order; later steps (e.g. work-order history) are appended there.
:func:`demo_seed` runs them in one transaction: a build that fails part-way writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from wangge.accounts import services as accounts_services
from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import RoleGrant, Unit, User
from wangge.core import audit, caches
from wangge.core.actors import SystemActor, user_of
from wangge.core.crypto import blind_index
from wangge.core.errors import ValidationFailed
from wangge.core.geo import transform_geometry
from wangge.core.models import AuditEntry
from wangge.demo.catalogue import (
    CITY_CODE,
    CITY_NAME,
    COMMAND_CENTRE,
    COMPANIES,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEPARTMENTS,
    DISTRICTS,
    GRID_WORKERS,
    HAZARDS,
    DemoLogin,
    unit_code,
)
from wangge.demo.errors import ErrorCode
from wangge.demo.layout import (
    SYNTHETIC_SUFFIX,
    Node,
    plan_district,
    random_point_in,
    strip_suffix,
    synthetic_outline,
)
from wangge.demo.people import mobile_number, person_name, rng_for
from wangge.places.models import Point
from wangge.places.services import point_create, point_types_seed, point_update
from wangge.territory.choices import TerritoryKind
from wangge.territory.importing import territory_import_geojson
from wangge.territory.models import Territory
from wangge.workcalendar.services import office_windows_seed, seed_calendar

DEMO_ACTOR = SystemActor("demo")  # who the audit log names for what the demo builder writes

log = logging.getLogger(__name__)


@dataclass
class StepResult:
    name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    # Undo what the step wrote outside the database (files), run when the build is rolled back.
    on_rollback: list[Callable[[], None]] = field(default_factory=list, repr=False)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@dataclass(frozen=True)
class DemoOptions:
    boundaries: Path | None = None  # DataV GeoJSON of 平顶山市 (GCJ-02, properties adcode/name)
    cases: int = 0  # work-order history in 卫东区: brought up to this many cases (never duplicated)
    ledgers_full: bool = False  # ledgers for every grid of 卫东区, not only 华西社区's street (优越路街道)


# ---------------------------------------------------------------------------------------------
# Step 1: territory
# ---------------------------------------------------------------------------------------------


def _shape_wgs84(geometry: dict[str, Any], crs: str) -> BaseGeometry:
    geom = shape(transform_geometry(geometry, crs))
    return geom if geom.is_valid else shapely.make_valid(geom)


def demo_outlines(boundaries: Path | None) -> tuple[dict[str, BaseGeometry], BaseGeometry]:
    """(district outlines, city outline) in WGS-84.

    With ``boundaries`` (DataV export, GCJ-02) the real outlines of the demo districts are used and
    the city outline is the union of every district in the file; otherwise the synthetic outlines.
    """
    wanted = {d.code for d in DISTRICTS}
    if boundaries is None:
        outlines = {code: _shape_wgs84(mapping(synthetic_outline(code)), "gcj02") for code in sorted(wanted)}
        return outlines, shapely.union_all(list(outlines.values()))
    data = json.loads(Path(boundaries).read_text(encoding="utf-8"))
    found: dict[str, BaseGeometry] = {}
    every: list[BaseGeometry] = []
    for feature in data.get("features", []):
        props = feature.get("properties") or {}
        geom = _shape_wgs84(feature["geometry"], "gcj02")
        every.append(geom)
        code = str(props.get("adcode", ""))
        if code in wanted:
            found[code] = geom
    missing = sorted(wanted - set(found))
    if missing:
        raise ValidationFailed(
            gettext("边界文件中缺少区县：%(codes)s") % {"codes": ", ".join(missing)},
            code=ErrorCode.DEMO_BOUNDARIES_INCOMPLETE,
            details=[{"adcode": code, "reason": "missing"} for code in missing],
        )
    return found, shapely.union_all(every)


def demo_plan(boundaries: Path | None = None) -> list[Node]:
    """Every territory node of the demo, parents before children (pure; nothing is stored)."""
    outlines, city_outline = demo_outlines(boundaries)
    segments = tuple(settings.WANGGE_CODE_SEGMENTS)
    nodes = [Node(CITY_CODE, CITY_NAME, TerritoryKind.CITY, None, city_outline, False)]
    for spec in DISTRICTS:
        nodes.extend(plan_district(outlines[spec.code], spec, segments=segments, parent_code=CITY_CODE))
    return nodes


def _feature(node: Node) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {
            "code": node.code,
            "name": node.name,
            "kind": str(node.kind),
            "parent_code": node.parent_code,
            "is_synthetic": node.is_synthetic,
        },
        "geometry": mapping(node.geometry),
    }


def _stored_matches(nodes: list[Node]) -> bool:
    """Whether the stored tree already holds exactly these nodes (name, kind, flag and outline)."""
    stored = {
        t.code: t
        for t in Territory.objects.filter(code__in=[n.code for n in nodes]).only(
            "code", "name", "kind", "is_synthetic", "geometry"
        )
    }
    for node in nodes:
        t = stored.get(node.code)
        if t is None or (t.name, t.kind, t.is_synthetic) != (node.name, node.kind, node.is_synthetic):
            return False
        if not t.geometry or not np.array_equal(
            shapely.get_coordinates(shape(t.geometry)), shapely.get_coordinates(node.geometry)
        ):
            return False
    return True


def demo_territory_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """Import the planned tree in one validated import, unless it is stored already.

    The whole tree goes in as demo data (``synthetic=True``); the city, the districts and the
    streets and communities named in the sources are then marked as real divisions.
    """
    result = StepResult("territory")
    nodes = demo_plan(options.boundaries)
    result.notes.append("real boundaries" if options.boundaries else "synthetic outlines")
    if _stored_matches(nodes):
        result.unchanged = len(nodes)
        return result
    data = {"type": "FeatureCollection", "features": [_feature(n) for n in nodes]}
    with transaction.atomic():
        imported = territory_import_geojson(actor=actor, data=data, crs="wgs84", synthetic=True)
        real = [n.code for n in nodes if not n.is_synthetic]
        marked = Territory.objects.filter(code__in=real, is_synthetic=True).update(is_synthetic=False)
        if marked:
            audit.record(
                actor=actor,
                action="demo.territory_mark_real",
                note=f"{marked} named divisions marked as real: {', '.join(real)}",
            )
    result.created = imported.created
    result.updated = imported.updated
    result.unchanged = imported.unchanged
    return result


# ---------------------------------------------------------------------------------------------
# Step 2: units
# ---------------------------------------------------------------------------------------------


def _office_name(street: Territory) -> str:
    base = strip_suffix(street.name)
    suffix = SYNTHETIC_SUFFIX if street.name.endswith(SYNTHETIC_SUFFIX) else ""
    office = "人民政府" if base.endswith(("乡", "镇")) else "办事处"
    return f"{base}{office}{suffix}"


def _committee_name(community: Territory) -> str:
    base = strip_suffix(community.name)
    suffix = SYNTHETIC_SUFFIX if community.name.endswith(SYNTHETIC_SUFFIX) else ""
    committee = "村民委员会" if base.endswith("村") else "居民委员会"
    return f"{base}{committee}{suffix}"


@dataclass(frozen=True)
class _UnitRow:
    code: str
    name: str
    kind: str
    territory: Territory
    parent_code: str | None = None


def demo_unit_rows() -> list[_UnitRow]:
    """The units of the demo, parents first: per district the command centre, departments and
    companies; per street its office; per community its committee (under the street office)."""
    rows: list[_UnitRow] = []
    districts = {t.code: t for t in Territory.objects.filter(code__in=[d.code for d in DISTRICTS])}
    for spec in DISTRICTS:
        district = districts[spec.code]
        d = spec.name
        rows.append(
            _UnitRow(unit_code(spec.code, "zhzx"), COMMAND_CENTRE.format(d=d), UnitKind.COMMAND_CENTRE, district)
        )
        for key, template in DEPARTMENTS:
            rows.append(_UnitRow(unit_code(spec.code, key), template.format(d=d), UnitKind.DEPARTMENT, district))
        for key, template in COMPANIES:
            rows.append(_UnitRow(unit_code(spec.code, key), template.format(d=d), UnitKind.COMPANY, district))
        subtree = Territory.objects.filter(path__startswith=district.path)
        for street in subtree.filter(kind=TerritoryKind.STREET).order_by("code"):
            rows.append(_UnitRow(unit_code(street.code, "jdb"), _office_name(street), UnitKind.STREET_OFFICE, street))
        for community in subtree.filter(kind=TerritoryKind.COMMUNITY).order_by("code"):
            rows.append(
                _UnitRow(
                    unit_code(community.code, "jwh"),
                    _committee_name(community),
                    UnitKind.COMMUNITY_COMMITTEE,
                    community,
                    parent_code=unit_code(community.code[: _code_length(TerritoryKind.STREET)], "jdb"),
                )
            )
    return rows


def _code_length(kind: str) -> int:
    """Length of a code of ``kind`` (district, street, community, grid) under the configured segments."""
    levels = [TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY, TerritoryKind.GRID]
    return sum(list(settings.WANGGE_CODE_SEGMENTS)[: levels.index(TerritoryKind(kind)) + 1])


def demo_units_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    result = StepResult("units")
    rows = demo_unit_rows()
    existing = {u.code: u for u in Unit.objects.filter(code__in=[r.code for r in rows])}
    for row in rows:
        if row.code in existing:
            result.unchanged += 1
            continue
        parent = existing.get(row.parent_code) if row.parent_code else None
        existing[row.code] = accounts_services.unit_create(
            actor=actor, code=row.code, name=row.name, kind=row.kind, territory=row.territory, parent=parent
        )
        result.created += 1
    return result


# ---------------------------------------------------------------------------------------------
# Step 3: staff (grid workers and one demo login per role)
# ---------------------------------------------------------------------------------------------


def grid_worker_plan(district: Territory, total: int) -> list[tuple[str, Territory]]:
    """(username, grid) for ``total`` grid workers: one per grid, and the rest spread evenly over
    the grids in code order (a second worker for every few grids, a third … if ever needed).

    The plan depends on the grid codes only, never on their outlines, so switching between the
    synthetic and the real boundaries keeps the same workers on the same grids.
    """
    grids = list(
        Territory.objects.filter(path__startswith=district.path, kind=TerritoryKind.GRID)
        .only("id", "code", "path")
        .order_by("code")
    )
    n = len(grids)
    if n == 0 or total < n:
        raise ValidationFailed(
            gettext("%(district)s的网格员人数（%(workers)d）少于网格数（%(grids)d）")
            % {"district": district.name, "workers": total, "grids": n},
            code=ErrorCode.DEMO_TOO_FEW_WORKERS,
        )
    plan: list[tuple[str, Territory]] = []
    for i, grid in enumerate(grids):
        # grid i gets the workers numbered floor(i·total/n) … floor((i+1)·total/n) - 1
        for k in range(1, (i + 1) * total // n - i * total // n + 1):
            plan.append((f"gw_{grid.code}_{k}", grid))
    return plan


def _committee_for(grid: Territory, units: dict[str, Unit]) -> Unit | None:
    community_code = grid.code[: _code_length(TerritoryKind.COMMUNITY)]
    return units.get(unit_code(community_code, "jwh"))


def demo_staff_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """Grid workers in bulk (no password: they are records, not logins), then the demo logins
    through the account services, all sharing the demo password."""
    result = StepResult("staff")
    units = {u.code: u for u in Unit.objects.all()}
    districts = {t.code: t for t in Territory.objects.filter(code__in=[d.code for d in DISTRICTS])}
    with transaction.atomic():
        for spec in DISTRICTS:
            plan = grid_worker_plan(districts[spec.code], GRID_WORKERS[spec.code])
            _bulk_grid_workers(actor=actor, plan=plan, units=units, result=result)
        created = [_demo_login(actor=actor, login=login, units=units, result=result) for login in DEMO_LOGINS]
        _set_demo_password(actor=actor, users=[u for u in created if u is not None])
    return result


def _audit_rows(actor: Any, rows: list[tuple[str, Any, dict[str, Any]]]) -> None:
    """One audit entry per (action, object, after) in one bulk insert: the same rows
    :func:`wangge.core.audit.record` writes, batched because a district has a thousand staff."""
    actor_obj = user_of(actor)
    actor_name = str(getattr(actor, "username", "") or actor)[:150]
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=actor_obj,
                actor_name=actor_name,
                action=action,
                app_label=obj._meta.app_label,
                model=obj._meta.model_name or "",
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                after=after,
            )
            for action, obj, after in rows
        ],
        batch_size=500,
    )


def _bulk_grid_workers(
    *, actor: Any, plan: list[tuple[str, Territory]], units: dict[str, Unit], result: StepResult
) -> None:
    """Create the planned grid workers and their grants that are missing. The demo grid-worker
    login stands in for the first worker of its grid (it is created with the other logins)."""
    stand_ins = {f"gw_{x.territory_code}_1": x.username for x in DEMO_LOGINS if x.role == Role.GRID_WORKER}
    plan = [(stand_ins.get(username, username), grid) for username, grid in plan]
    usernames = [u for u, _ in plan]
    have = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    new_users: list[User] = []
    for username, grid in plan:
        if username in have or username in stand_ins.values():
            continue
        mobile = mobile_number(username)
        user = User(
            username=username,
            display_name=person_name(username),
            mobile=mobile,
            mobile_index=blind_index(mobile),
            unit=_committee_for(grid, units),
            is_demo=True,
        )
        user.set_unusable_password()
        user.password_changed_at = None
        new_users.append(user)
    created = User.objects.bulk_create(new_users, batch_size=500)
    if any(u.pk is None for u in created):  # backends that do not return ids from bulk_create
        created = list(User.objects.filter(username__in=[u.username for u in new_users]))
    _audit_rows(actor, [("accounts.staff_create", u, audit.snapshot(u) or {}) for u in created])
    result.created += len(created)
    result.unchanged += len([u for u in usernames if u in have and u not in stand_ins.values()])

    users = {u.username: u for u in User.objects.filter(username__in=usernames).only("id", "username")}
    have_grants = set(
        RoleGrant.objects.filter(user__in=users.values(), role=Role.GRID_WORKER, unit=None).values_list(
            "user_id", "territory_id"
        )
    )
    new_grants = [
        RoleGrant(user=users[u], role=Role.GRID_WORKER, territory=g)
        for u, g in plan
        if u in users and (users[u].pk, g.pk) not in have_grants
    ]
    grants = RoleGrant.objects.bulk_create(new_grants, batch_size=500)
    _audit_rows(
        actor,
        [
            (
                "accounts.role_grant",
                grant.user,
                {"grant_id": grant.pk, "role": grant.role, "territory": grant.territory.code, "unit": None},  # type: ignore[union-attr]
            )
            for grant in grants
        ],
    )
    result.created += len(grants)


def _demo_login(*, actor: Any, login: DemoLogin, units: dict[str, Unit], result: StepResult) -> User | None:
    """The login and its grant, created when missing; returns the user when it was created."""
    unit = units.get(login.unit_code) if login.unit_code else None
    user = User.objects.filter(username=login.username).first()
    created = None
    if user is None:
        user = created = accounts_services.staff_create(
            actor=actor,
            username=login.username,
            display_name=f"演示{login.role_label}",
            mobile=mobile_number(login.username),
            unit=unit,
            is_demo=True,
        )
        result.created += 1
    else:
        result.unchanged += 1
    if login.role == Role.ADMIN and not (user.is_staff and user.is_superuser):
        # The administrator manages every registry in the admin site.
        User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
        audit.record(actor=actor, action="demo.admin_flags", obj=user, after={"is_staff": True, "is_superuser": True})
        result.updated += 1
    territory = Territory.objects.get(code=login.territory_code) if login.territory_code else None
    grant_unit = unit if login.grant_on_unit else None
    if not RoleGrant.objects.filter(user=user, role=login.role, territory=territory, unit=grant_unit).exists():
        accounts_services.role_grant(actor=actor, user=user, role=login.role, territory=territory, unit=grant_unit)
        result.created += 1
    return created


def _set_demo_password(*, actor: Any, users: list[User]) -> None:
    """Give new demo logins the shared password, checked against the password policy for each.

    The password is public (it is printed and documented), so one hash serves every login: the
    production hasher takes about a second per hash, and ten of them would dominate the run.
    """
    if not users:
        return
    for user in users:
        try:
            password_validation.validate_password(DEMO_PASSWORD, user)
        except ValidationError as exc:
            raise ValidationFailed(
                gettext("演示密码不符合密码策略"),
                code=ErrorCode.WEAK_PASSWORD,
                details=[{"reason": m} for m in exc.messages],
            ) from exc
    users[0].set_password(DEMO_PASSWORD)
    for user in users:
        user.password = users[0].password
        user.password_changed_at = users[0].password_changed_at
    User.objects.bulk_update(users, ["password", "password_changed_at"])
    for user in users:
        audit.record(
            actor=actor,
            action="accounts.password_set",
            obj=user,
            after={"password_changed_at": user.password_changed_at.isoformat() if user.password_changed_at else None},
            only_changes=False,
        )


# ---------------------------------------------------------------------------------------------
# Step 4: points (hazard list and bridges)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedPoint:
    code: str
    name: str
    type_key: str
    lng: float  # WGS-84
    lat: float
    address: str
    responsible_name: str
    responsible_phone: str
    unit_code: str


# Keep points this far inside their grid (degrees, about 15 m) so no rounding puts them over a border.
POINT_MARGIN = 1.5e-4


def demo_point_plan() -> list[PlannedPoint]:
    """Where each hazard point goes: named ones inside their community, the rest in grids drawn at
    random (without repeats per type) from the district; a random spot inside the chosen grid."""
    planned: list[PlannedPoint] = []
    names = dict(
        Territory.objects.filter(kind__in=[TerritoryKind.STREET, TerritoryKind.COMMUNITY]).values_list("code", "name")
    )
    street_len, community_len = _code_length(TerritoryKind.STREET), _code_length(TerritoryKind.COMMUNITY)
    for spec in DISTRICTS:
        district = Territory.objects.get(code=spec.code)
        grids = list(
            Territory.objects.filter(path__startswith=district.path, kind=TerritoryKind.GRID)
            .only("code", "geometry")
            .order_by("code")
        )
        community_of = {code: name for code, name in names.items() if len(code) == community_len}
        for hazard in HAZARDS.get(spec.code, ()):
            rng = rng_for(f"points:{spec.code}:{hazard.type_key}")
            order = [grids[i] for i in rng.permutation(len(grids))]
            used: dict[str, int] = {}
            for seq in range(1, hazard.count + 1):
                if seq <= len(hazard.named):
                    base, community_name = hazard.named[seq - 1]
                    grid = next(g for g in order if community_of.get(g.code[:community_len]) == community_name)
                else:
                    grid = order[(seq - 1) % len(order)]
                    base = ""
                lng, lat = random_point_in(shape(grid.geometry), rng, margin=POINT_MARGIN)
                community = strip_suffix(community_of.get(grid.code[:community_len], ""))
                street = strip_suffix(names.get(grid.code[:street_len], ""))
                if not base:
                    stem = f"{community}{hazard.label}"
                    used[stem] = used.get(stem, 0) + 1
                    base = stem if used[stem] == 1 else f"{stem}{used[stem]}"
                code = f"{spec.code}-{hazard.type_key}-{seq:03d}"
                planned.append(
                    PlannedPoint(
                        code=code,
                        name=f"{base}{SYNTHETIC_SUFFIX}",
                        type_key=hazard.type_key,
                        lng=round(lng, 7),
                        lat=round(lat, 7),
                        address=f"{spec.name}{street}{community}",
                        responsible_name=person_name(code),
                        responsible_phone=mobile_number(code),
                        unit_code=unit_code(spec.code, hazard.unit_key),
                    )
                )
    return planned


def demo_points_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """Hazard points with a responsible person each; a stored point is moved only when the
    territory changed under it (e.g. after switching to the real boundaries)."""
    result = StepResult("points")
    result.created += point_types_seed()
    planned = demo_point_plan()
    stored = {p.code: p for p in Point.objects.filter(code__in=[p.code for p in planned])}
    units = {u.code: u for u in Unit.objects.filter(code__in={p.unit_code for p in planned})}
    for p in planned:
        point = stored.get(p.code)
        if point is None:
            point_create(
                actor=actor,
                code=p.code,
                name=p.name,
                type=p.type_key,
                lng=p.lng,
                lat=p.lat,
                address=p.address,
                responsible_name=p.responsible_name,
                responsible_phone=p.responsible_phone,
                responsible_unit=units.get(p.unit_code),
                is_synthetic=True,
            )
            result.created += 1
        elif abs(point.lng - p.lng) > 5e-7 or abs(point.lat - p.lat) > 5e-7 or point.name != p.name:
            point_update(actor=actor, point=point, lng=p.lng, lat=p.lat, name=p.name, address=p.address)
            result.updated += 1
        else:
            result.unchanged += 1
    return result


# ---------------------------------------------------------------------------------------------
# Step 5: calendar
# ---------------------------------------------------------------------------------------------


def demo_calendar_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """The working calendar (official schedules, rule-based years after them) and office hours."""
    result = StepResult("calendar")
    report = seed_calendar(actor=actor)
    windows = office_windows_seed()
    result.created = report.created + windows
    result.updated = report.updated + report.deleted
    years = report.official_years + report.rule_years
    if years:
        result.notes.append(f"{min(years)}–{max(years)}: {len(report.official_years)} official years")
    return result


def demo_categories_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """The category dictionary (数字城管 event/component classes and 12345 subject areas)."""
    from wangge.workorders import catalog
    from wangge.workorders.models import CategorySet

    result = StepResult("categories")
    existed = CategorySet.objects.exists()
    cs = catalog.category_seed()
    if existed:
        result.unchanged += 1
    else:
        result.created += cs.categories.count()
    return result


DEMO_WAITING_CASES = 12  # calls of the past three hours awaiting dispatch, so the dispatcher's queue is not empty


def demo_cases_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """Work-order history over the past year through the real loop, up to ``options.cases`` in 卫东区."""
    from wangge.demo.history import generate_history
    from wangge.workorders.models import WorkOrder

    result = StepResult("cases")
    district = Territory.objects.filter(code=DISTRICTS[0].code).first()
    if not options.cases or district is None:
        return result
    have = WorkOrder.objects.filter(district=district).count()
    missing = options.cases - have
    if missing <= 0:
        result.unchanged += have
        return result
    waiting = min(DEMO_WAITING_CASES, missing) if not have else 0
    counts = generate_history(district=district, count=missing, seed=20231 + have, waiting=waiting)
    result.created += missing
    result.notes.append(", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return result


def demo_classifier_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """A category classifier trained on 卫东区's closed demo cases and made active, so intake and dispatch show
    suggestions; left alone when a classifier is already active (an operator's own model is never replaced)."""
    from wangge.intel import services as intel
    from wangge.intel import textclf
    from wangge.intel.models import ClassifierModel

    result = StepResult("classifier")
    if ClassifierModel.objects.filter(is_active=True).exists():
        result.unchanged += 1
        return result
    district = Territory.objects.filter(code=DISTRICTS[0].code).first()
    # Trained on the cases closed before last month, so that the dispatches since are judged by a model that
    # never saw them (the suggestion accuracy page has them, and the retrain compares on last month).
    cutoff: dt.datetime | None = timezone.make_aware(
        dt.datetime.combine((timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1), dt.time())
    )
    table = intel.training_table_from_cases(district=district, until=cutoff)
    if len(set(table.labels or [])) < 2:
        cutoff, table = None, intel.training_table_from_cases(district=district)
    if len(set(table.labels or [])) < 2:
        result.notes.append("too few closed cases")
        return result
    assert table.labels is not None
    model = textclf.train(table.texts, table.labels, taxonomy=intel.taxonomy_from_categories(table.labels))
    row = intel.classifier_register(actor=actor, path_or_model=model, activate=True, name="演示：卫东区已结案工单")
    row.metrics = {**row.metrics, "trained_until": (cutoff or timezone.now()).isoformat()}
    row.save(update_fields=["metrics"])
    storage, name = row.file.storage, row.file.name
    if name:
        result.on_rollback.append(lambda: storage.delete(name))
    result.created += 1
    result.notes.append(f"{len(table.texts)} cases, {len(model.labels)} categories")
    if cutoff is not None:
        from wangge.intel.feedback import replay_dispatches

        recorded = replay_dispatches(since=cutoff, district=district)
        result.notes.append(f"{recorded} dispatches since {cutoff:%Y-%m-%d} judged")
    return result


DEMO_PATROL_STREET = "410403001"  # 优越路街道: its grid workers patrol and keep their logs in the demo
DEMO_PATROL_DAYS = 45  # calendar days back: the whole previous month is there for its assessment
PATROL_NOTES = (
    "巡查网格内道路和楼道，未发现问题",
    "劝导商户规范摆放，已整改",
    "检查消防通道，发现杂物已通知物业清理",
    "走访独居老人，情况良好",
    "检查雨水井和积水点，排水正常",
    "发现小广告，已清除",
)
LOG_TEXTS = (
    "上午巡查网格，下午入户走访，协助社区做好矛盾纠纷排查。",
    "完成网格巡查两次，上报问题一件，跟进上周工单办理情况。",
    "巡查重点点位，检查防汛物资，更新基础台账。",
)


@transaction.atomic
def demo_patrols_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """一日志: the grid workers of one street check in twice a working day inside their grid and write their
    daily log (most days), over the past weeks, so the patrol pages and the monthly assessment have records.
    Left alone once that street has check-ins."""
    from wangge.reports.models import PatrolCheckin
    from wangge.reports.services import daily_log_save, patrol_checkin
    from wangge.workcalendar.arithmetic import get_calendar

    result = StepResult("patrols")
    street = Territory.objects.filter(code=DEMO_PATROL_STREET).first()
    if street is None or not options.cases:
        return result
    if PatrolCheckin.objects.filter(scope_path__startswith=street.path).exists():
        result.unchanged += 1
        return result
    grants = (
        RoleGrant.objects.filter(
            role=Role.GRID_WORKER, territory__path__startswith=street.path, territory__kind=TerritoryKind.GRID
        )
        .select_related("user", "territory")
        .order_by("user__username")
    )
    calendar = get_calendar()
    today = timezone.localdate()
    days = [today - dt.timedelta(days=n) for n in range(DEMO_PATROL_DAYS, 0, -1)]
    days = [d for d in days if calendar.is_working_day(d)]
    tz = timezone.get_current_timezone()
    for grant in grants:
        rng = rng_for(f"patrol:{grant.user.username}")
        diligence = float(rng.uniform(0.6, 1.0))  # some workers patrol every day, some skip
        grid = grant.territory
        if grid is None or not grid.geometry:
            continue
        grid_shape = shape(grid.geometry)
        inside = grid_shape.representative_point()
        for day in days:
            if rng.random() > diligence:
                continue
            for hour in (9, 15):
                at = dt.datetime(day.year, day.month, day.day, hour, int(rng.integers(0, 59)), tzinfo=tz)
                x, y = _point_in(rng, grid_shape, inside)
                patrol_checkin(actor=grant.user, lng=x, lat=y, note=str(rng.choice(PATROL_NOTES)), at=at)
                result.created += 1
            if rng.random() < 0.9:
                evening = dt.datetime(day.year, day.month, day.day, 18, 10, tzinfo=tz)
                daily_log_save(actor=grant.user, date=day, summary=str(rng.choice(LOG_TEXTS)), now=evening)
    result.notes.append(f"{grants.count()} grid workers, {len(days)} working days")
    return result


def _point_in(rng: np.random.Generator, geom: BaseGeometry, fallback: Any) -> tuple[float, float]:
    minx, miny, maxx, maxy = geom.bounds
    for _ in range(20):
        x, y = float(rng.uniform(minx, maxx)), float(rng.uniform(miny, maxy))
        if geom.contains(shapely.Point(x, y)):
            return x, y
    return float(fallback.x), float(fallback.y)


@transaction.atomic
def demo_supervision_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """督办: the inspector puts a yellow card on some of the open cases that are overdue and a red card on the
    longest overdue, so the bulletin's 督办 list and the workbench show them. Left alone once any open case
    is under supervision."""
    from wangge.workorders.choices import OPEN_STATUSES
    from wangge.workorders.models import WorkOrder
    from wangge.workorders.services import work_order_transition
    from wangge.workorders.workflow import TRANSITIONS, available

    result = StepResult("supervision")
    inspector = User.objects.filter(username="demo_inspector").first()
    if inspector is None or not options.cases:
        return result
    if WorkOrder.objects.filter(status__in=OPEN_STATUSES).exclude(supervision="").exists():
        result.unchanged += 1
        return result
    now = timezone.now()
    overdue = list(
        WorkOrder.objects.filter(status__in=OPEN_STATUSES, step_due_at__lt=now, parent__isnull=True).order_by(
            "step_due_at"
        )[:6]
    )
    for i, wo in enumerate(overdue):
        if TRANSITIONS["supervise"] not in available(inspector, wo):
            continue
        level = "red" if i == 0 else "yellow"
        note = "超期未办结，请立即办理并反馈" if level == "red" else "临近或超过办理时限，请加快办理"
        work_order_transition(actor=inspector, work_order_id=wo.pk, name="supervise", level=level, note=note)
        result.created += 1
    return result


def demo_ledgers_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """五本台账: buildings, households, residents, merchants, hazard findings and key persons (``demo.ledgers``)."""
    from wangge.demo.ledgers import ledgers_seed

    return ledgers_seed(actor=actor, options=options)


def demo_knowledge_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """知识库: a dozen published answers to common 咨询 calls (``demo.knowledge``), added once."""
    from wangge.demo.knowledge import knowledge_seed

    result = StepResult("knowledge")
    result.created, result.unchanged = knowledge_seed(actor=actor)
    return result


def demo_bulletins_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """日通报 of the past days of the demo's history, as the schedule would have generated them
    (``demo.bulletins``); an existing one is left alone. Only with a case history."""
    from wangge.demo.bulletins import bulletins_seed

    result = StepResult("bulletins")
    if options.cases:
        result.created, result.unchanged = bulletins_seed(actor=actor, district_code=DISTRICTS[0].code)
    return result


def demo_mediation_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """Three years of disputes in 卫东区 with their mediators (三调联动)."""
    from wangge.demo.mediation import mediation_seed

    result = StepResult("mediation")
    result.created, result.unchanged = mediation_seed(actor=actor, options=options)
    return result


def demo_legalservice_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """Legal advisers, 法律明白人, liaisons and legal-aid points and cases."""
    from wangge.demo.legalservice import legalservice_seed

    result = StepResult("legalservice")
    result.created, result.unchanged = legalservice_seed(actor=actor, options=options)
    return result


def demo_inspections_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """巡查体检: 卫东区 105 处防汛隐患点汛期一周的日巡查（部分漏巡、不合格转工单）."""
    from wangge.demo.inspections import inspections_seed

    result = StepResult("inspections")
    result.created, result.unchanged = inspections_seed(actor=actor, options=options)
    return result


def demo_campaigns_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """专项整治: 湛河区 29 座桥涵的整治专项及其整治量."""
    from wangge.demo.campaigns import campaigns_seed

    result = StepResult("campaigns")
    result.created, result.unchanged = campaigns_seed(actor=actor, options=options)
    return result


def demo_emergency_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """预警: 卫东区一次橙色暴雨预警及部分确认."""
    from wangge.demo.emergency import emergency_seed

    result = StepResult("emergency")
    result.created, result.unchanged = emergency_seed(actor=actor, options=options)
    return result


def demo_duty_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """值班表、防汛物资、抢险队伍、预案、演练与会商记录."""
    from wangge.demo.duty import duty_seed

    result = StepResult("duty")
    result.created, result.unchanged = duty_seed(actor=actor, options=options)
    return result


def demo_meetings_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """每日 18:00 调度会及其交办事项."""
    from wangge.demo.meetings import meetings_seed

    result = StepResult("meetings")
    result.created, result.unchanged = meetings_seed(actor=actor, options=options)
    return result


def demo_projects_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """湛河区 8 个道路项目和 30 个民生项目."""
    from wangge.demo.projects import projects_seed

    result = StepResult("projects")
    result.created, result.unchanged = projects_seed(actor=actor, options=options)
    return result


def demo_hall_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """政务服务大厅: 卫东区政务服务中心、便民服务中心，事项清单、窗口与办件."""
    from wangge.demo.hall import hall_seed

    result = StepResult("hall")
    result.created, result.unchanged = hall_seed(actor=actor, options=options)
    return result


def demo_queueing_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """预约与云叫号: 预约时段、取号、叫号与潮汐窗口（上午高峰）."""
    from wangge.demo.queueing import queueing_seed

    result = StepResult("queueing")
    result.created, result.unchanged = queueing_seed(actor=actor, options=options)
    return result


def demo_evaluations_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """好差评: 办件评价、差评整改与申诉、月度回访抽样."""
    from wangge.demo.evaluations import evaluations_seed

    result = StepResult("evaluations")
    result.created, result.unchanged = evaluations_seed(actor=actor, options=options)
    return result


def demo_enterprises_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """助企包联: 企业、三级包联干部、走访、服务日与政银企对接."""
    from wangge.demo.enterprises import enterprises_seed

    result = StepResult("enterprises")
    result.created, result.unchanged = enterprises_seed(actor=actor, options=options)
    return result


def demo_volunteers_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """志愿服务: 志愿者、队伍、活动与时长，护学岗等岗位与上岗签到."""
    from wangge.demo.volunteers import volunteers_seed

    result = StepResult("volunteers")
    result.created, result.unchanged = volunteers_seed(actor=actor, options=options)
    return result


def demo_party_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """党组织: 华西社区的党组织树、党员与联户."""
    from wangge.demo.party import party_seed

    result = StepResult("party")
    result.created, result.unchanged = party_seed(actor=actor, options=options)
    return result


def demo_cogovernance_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """共商共治: 议事会议与决议落实、红色物业小区、分包责任."""
    from wangge.demo.cogovernance import cogovernance_seed

    result = StepResult("cogovernance")
    result.created, result.unchanged = cogovernance_seed(actor=actor, options=options)
    return result


def demo_workforce_seed(*, actor: Any, options: DemoOptions) -> StepResult:
    """网格队伍: 五长一员、下沉人员、专项任务、阶梯晋级与绩效."""
    from wangge.demo.workforce import workforce_seed

    result = StepResult("workforce")
    result.created, result.unchanged = workforce_seed(actor=actor, options=options)
    return result


# ---------------------------------------------------------------------------------------------
# All steps
# ---------------------------------------------------------------------------------------------

Step = Callable[..., StepResult]

DEMO_STEPS: list[tuple[str, Step]] = [
    ("territory", demo_territory_seed),
    ("units", demo_units_seed),
    ("staff", demo_staff_seed),
    ("points", demo_points_seed),
    ("calendar", demo_calendar_seed),
    ("categories", demo_categories_seed),
    ("cases", demo_cases_seed),
    ("classifier", demo_classifier_seed),
    ("patrols", demo_patrols_seed),
    ("ledgers", demo_ledgers_seed),
    ("knowledge", demo_knowledge_seed),
    ("mediation", demo_mediation_seed),
    ("legalservice", demo_legalservice_seed),
    ("inspections", demo_inspections_seed),
    ("campaigns", demo_campaigns_seed),
    ("emergency", demo_emergency_seed),
    ("duty", demo_duty_seed),
    ("meetings", demo_meetings_seed),
    ("projects", demo_projects_seed),
    ("hall", demo_hall_seed),
    ("queueing", demo_queueing_seed),
    ("evaluations", demo_evaluations_seed),
    ("enterprises", demo_enterprises_seed),
    ("volunteers", demo_volunteers_seed),
    ("workforce", demo_workforce_seed),
    ("party", demo_party_seed),
    ("cogovernance", demo_cogovernance_seed),
    ("bulletins", demo_bulletins_seed),
    ("supervision", demo_supervision_seed),
]


def demo_seed(
    *, actor: Any = DEMO_ACTOR, options: DemoOptions | None = None, steps: list[tuple[str, Step]] | None = None
) -> list[StepResult]:
    """Run the demo steps in order, as the system building the demo; each is timed and idempotent.

    All or nothing: the steps run in one transaction, so a step that fails leaves the database as it was
    before the build (and the process caches are emptied, since they may hold what was rolled back). What
    the steps defer to the commit (tasks, cache invalidations) runs once, after the last step."""
    options = options or DemoOptions()
    results: list[StepResult] = []
    current = ""
    try:
        with transaction.atomic():
            for current, step in steps or DEMO_STEPS:
                started = time.perf_counter()
                res = step(actor=actor, options=options)
                res.name = current
                res.seconds = time.perf_counter() - started
                results.append(res)
    except BaseException:
        log.error("demo step %s failed: the build is rolled back, nothing was written", current)
        for done in results:
            for undo in done.on_rollback:
                undo()
        caches.reset_all()
        raise
    return results


def demo_login_table() -> list[tuple[str, str, str]]:
    """(username, role, scope) of every demo login, for the README and the command's output."""
    rows = [(login.username, login.role_label, login.scope) for login in DEMO_LOGINS]
    # A login made by a module step, with the same password: a liaison cadre of 助企包联.
    rows.append(("demo_cadre", "包联干部", "卫东区 5 家包联企业（我的包联企业）"))
    return rows
