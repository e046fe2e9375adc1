"""Read-side queries of work orders shared by the pages, the API and the reports: the action queues (from the
declared workflow), list rows, counts by status, the units a case may be sent to and the districts one files in.
Every query starts from the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, F, Q, QuerySet, Value, When

from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import Unit
from wangge.accounts.permissions import unit_ids
from wangge.accounts.selectors import user_grant_rows
from wangge.core.workflow import UNIT
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders.choices import Status
from wangge.workorders.models import Category, WorkOrder
from wangge.workorders.workflow import WORKFLOW

# Statuses where a holder of the role, over the case's territory, has a step to take: read off the declared
# workflow (steps marked ``queue=False`` — supervising, merging, reopening, deciding extensions — are possible
# but do not put a case in anyone's queue).
ROLE_QUEUE_STATUSES: dict[str, frozenset[str]] = {
    role: statuses for role in Role.values if (statuses := WORKFLOW.queue_statuses({role}))
}
# Roles that decide on extension requests (cases in handling with a pending request).
EXTENSION_DECIDERS = WORKFLOW["approve_extension"].roles
# A unit acts on what is dispatched to it until it replies.
UNIT_QUEUE_STATUSES = WORKFLOW.queue_statuses((), actors=(UNIT,))


def cases_for(user: Any, action: str = "view") -> QuerySet[WorkOrder]:
    """The cases ``user`` may ``action``: where every read of cases starts."""
    return WorkOrder.objects.restrict(user, action)


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
    units = unit_ids(user)
    if units:
        q |= Q(assigned_unit_id__in=sorted(units), status__in=UNIT_QUEUE_STATUSES)
    return q


def action_queue(user: Any) -> QuerySet[WorkOrder]:
    """待我处理: cases in scope that need this user's action, due soonest first."""
    return cases_for(user).filter(queue_q(user)).order_by(*DUE_ORDER)


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
    "escalation_level",
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


def status_counts(qs: QuerySet[WorkOrder]) -> dict[str, int]:
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
    districts: QuerySet[Territory] = Territory.objects.filter(path__in=prefixes, kind=TerritoryKind.DISTRICT)
    return districts.order_by("path")


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


def measure_labels(group_by: str | None, keys: list[Any]) -> dict[Any, str]:
    """The names of the groups of a measures table (units, categories or territory nodes)."""
    wanted = [k for k in keys if k is not None]
    if not group_by or not wanted:
        return {}
    if group_by == "unit":
        return dict(Unit.objects.filter(pk__in=wanted).values_list("pk", "name"))
    if group_by == "category":
        return dict(Category.objects.filter(pk__in=wanted).values_list("pk", "name"))
    return dict(Territory.objects.filter(pk__in=wanted).values_list("pk", "name"))
