"""Read-side queries of the staff pages: whose queue holds which cases, clock colours, role of the home page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, F, Q, QuerySet, Value, When
from django.utils import timezone

from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import Unit
from wangge.accounts.selectors import user_grant_rows
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders.choices import CLOCK_COLOURS, Status
from wangge.workorders.clocks import clock_state
from wangge.workorders.models import WorkOrder

# Statuses where a holder of the role, over the case's territory, has an action to take (from the
# transition table in wangge.workorders.workflow; supervising is possible everywhere and is not a queue).
ROLE_QUEUE_STATUSES: dict[str, frozenset[str]] = {
    Role.DISPATCHER: frozenset({Status.REGISTERED, Status.RETURNED, Status.REPLIED, Status.CALLBACK, Status.TO_CLOSE}),
    Role.ADMIN: frozenset({Status.REGISTERED, Status.RETURNED, Status.REPLIED, Status.CALLBACK, Status.TO_CLOSE}),
    Role.CALL_TAKER: frozenset({Status.REGISTERED, Status.RETURNED, Status.CALLBACK}),
    Role.INSPECTOR: frozenset({Status.REPLIED, Status.CALLBACK}),
    Role.GRID_WORKER: frozenset({Status.REGISTERED, Status.REPLIED}),
    Role.GRID_LEADER: frozenset({Status.REGISTERED, Status.REPLIED}),
}
# Roles that decide on extension requests (cases in handling with a pending request).
EXTENSION_DECIDERS = frozenset({Role.DISPATCHER, Role.ADMIN})
# A unit acts on what is dispatched to it until it replies.
UNIT_QUEUE_STATUSES = frozenset({Status.DISPATCHED, Status.HANDLING, Status.SUSPENDED})

HOME_DISPATCH, HOME_UNIT, HOME_GRID, HOME_OVERVIEW = "dispatch", "unit", "grid", "overview"


def roles_of(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return {role for role, _path, _unit in user_grant_rows(user)}


def unit_ids_of(user: Any) -> set[int]:
    ids = {unit for _role, _path, unit in user_grant_rows(user) if unit}
    if user.unit_id:
        ids.add(user.unit_id)
    return ids


def home_kind(user: Any) -> str:
    """Which home page a user lands on: the command centre's dispatch queue, a unit's queue, a grid
    worker's cases, or the overview (leaders, inspectors and everyone else)."""
    roles = roles_of(user)
    if user.is_superuser or roles & {Role.DISPATCHER, Role.CALL_TAKER, Role.ADMIN}:
        return HOME_DISPATCH
    if roles & {Role.GRID_WORKER, Role.GRID_LEADER}:
        return HOME_GRID
    if Role.DEPT_HANDLER in roles or (roles <= {Role.COMMUNITY_STAFF, Role.STREET_STAFF} and unit_ids_of(user)):
        return HOME_UNIT
    return HOME_OVERVIEW


def queue_q(user: Any) -> Q:
    """The cases that wait for an action of ``user``: per grant, the statuses the role acts on inside the
    grant's subtree; per unit membership, what the unit has to accept, handle or resume."""
    q = Q(pk__in=[])
    if user.is_superuser:
        q |= Q(status__in=ROLE_QUEUE_STATUSES[Role.ADMIN]) | Q(status=Status.HANDLING, extension_pending__isnull=False)
    for role, path, _unit in user_grant_rows(user):
        if not path:
            continue
        statuses = ROLE_QUEUE_STATUSES.get(role)
        if statuses:
            q |= Q(scope_path__startswith=path, status__in=statuses)
        if role in EXTENSION_DECIDERS:
            q |= Q(scope_path__startswith=path, status=Status.HANDLING, extension_pending__isnull=False)
    units = unit_ids_of(user)
    if units:
        q |= Q(assigned_unit_id__in=sorted(units), status__in=UNIT_QUEUE_STATUSES)
    return q


def action_queue(user: Any) -> QuerySet[WorkOrder]:
    """待我处理: cases in scope that need this user's action, due soonest first."""
    return WorkOrder.objects.restrict(user).filter(queue_q(user)).order_by(*DUE_ORDER)


DUE_ORDER = (F("step_due_at").asc(nulls_last=True), "received_at", "pk")
NEWEST_ORDER = ("-received_at", "-pk")

# The columns a case row of a list shows (lists sort and page many rows: keep them narrow).
LIST_COLUMNS = (
    "tracking_code",
    "title",
    "status",
    "version",
    "urgency",
    "supervision",
    "step_due_at",
    "step_warn_at",
    "paused_at",
    "received_at",
    "category__name",
    "grid__name",
    "assigned_unit__name",
)


def list_rows(qs: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    return qs.select_related("category", "grid", "assigned_unit").only(*LIST_COLUMNS)


def time_left(wo: WorkOrder, now: dt.datetime | None = None) -> dt.timedelta | None:
    if wo.step_due_at is None:
        return None
    return wo.step_due_at - (now or timezone.now())


def decorate(cases: list[WorkOrder], now: dt.datetime | None = None) -> list[WorkOrder]:
    """Attach ``clock`` (state), ``clock_label``, ``clock_colour`` and ``left`` to each case of a page."""
    now = now or timezone.now()
    for wo in cases:
        state = clock_state(wo, now)
        wo.clock = state  # type: ignore[attr-defined]
        wo.clock_label = state.label if state else ""  # type: ignore[attr-defined]
        wo.clock_colour = CLOCK_COLOURS[state] if state else "grey"  # type: ignore[attr-defined]
        wo.left = time_left(wo, now) if state else None  # type: ignore[attr-defined]
    return cases


def status_counts(qs: QuerySet[WorkOrder]) -> dict[str, int]:
    from django.db.models import Count

    return {row["status"]: row["n"] for row in qs.order_by().values("status").annotate(n=Count("pk"))}


def intake_districts(user: Any) -> QuerySet[Territory]:
    """The districts a staff member registers cases in: those in their scope, else the districts above their
    grants (a grid worker's case without coordinates belongs to the worker's district)."""
    visible = Territory.objects.restrict(user).filter(kind=TerritoryKind.DISTRICT)
    if visible.exists():
        return visible.order_by("path")
    step = Territory.steplen
    prefixes: set[str] = set()
    for _role, path, _unit in user_grant_rows(user):
        for i in range(step, len(path or "") + 1, step):
            prefixes.add(path[:i])  # type: ignore[index]
    return Territory.objects.filter(path__in=prefixes, kind=TerritoryKind.DISTRICT).order_by("path")


def dispatch_units(paths: list[str] | None) -> QuerySet[Unit]:
    """The active units a case in one of the territories at ``paths`` is sent to: the units inside those
    territories and the units of the nodes above them (a city bureau); ``None`` means every unit. A 卫东区
    dispatcher is not offered 湛河区's departments."""
    qs = Unit.objects.filter(is_active=True).select_related("territory")
    if paths is not None:
        step = Territory.steplen
        q = Q(pk__in=[])
        for path in paths:
            above = [path[:i] for i in range(step, len(path), step)]
            q |= Q(territory__path__startswith=path) | Q(territory__path__in=above)
        qs = qs.filter(q)
    kind_order = {kind.value: i for i, kind in enumerate(UnitKind)}
    return qs.order_by(
        Case(*(When(kind=k, then=Value(i)) for k, i in kind_order.items()), default=Value(len(kind_order))),
        "code",
    )


def dispatch_paths(user: Any) -> list[str] | None:
    """The territories a user dispatches in (their dispatcher and administrator grants); None for a superuser."""
    if user.is_superuser:
        return None
    roles = {Role.DISPATCHER, Role.ADMIN}
    return sorted({path for role, path, _unit in user_grant_rows(user) if path and role in roles})
