"""The closed loop as a table: each transition's source statuses, target, who may take it and what it needs.

Transition names are part of the API contract. ``work_order_transition`` in services.py is the only code
that changes a work order's status; it reads this table for the source states and the permission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from wangge.accounts.choices import Role
from wangge.workorders.choices import OPEN_STATUSES, Status

if TYPE_CHECKING:
    from wangge.workorders.models import WorkOrder

# Who acts: "territory" roles must hold the role on a node covering the case; "unit" means a member of
# the case's assigned unit (any role); "citizen" is the public reporter, identified by the tracking code.
TERRITORY = "territory"
UNIT = "unit"
CITIZEN = "citizen"


@dataclass(frozen=True)
class Transition:
    name: str
    label: Any
    sources: frozenset[str]
    target: str | None  # None: decided by the handler (e.g. on-site resolution sampled or not)
    roles: frozenset[str] = frozenset()
    actors: frozenset[str] = frozenset({TERRITORY})
    requires: tuple[str, ...] = ()
    colour: str = "primary"
    extra: dict[str, Any] = field(default_factory=dict)


COMMAND = frozenset({Role.DISPATCHER, Role.ADMIN})
INTAKE = frozenset({Role.CALL_TAKER, Role.DISPATCHER, Role.ADMIN})
VERIFIERS = frozenset({Role.INSPECTOR, Role.DISPATCHER, Role.GRID_WORKER, Role.GRID_LEADER, Role.ADMIN})
CALLERS = frozenset({Role.CALL_TAKER, Role.DISPATCHER, Role.INSPECTOR, Role.ADMIN})
SUPERVISORS = frozenset({Role.INSPECTOR, Role.LEADER, Role.DISPATCHER, Role.ADMIN})
GRID = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})
WAITING_DISPATCH = frozenset({Status.REGISTERED, Status.RETURNED})

_T = [
    Transition("dispatch", _("派遣"), WAITING_DISPATCH, Status.DISPATCHED, COMMAND, requires=("unit",)),
    Transition("accept", _("签收"), frozenset({Status.DISPATCHED}), Status.HANDLING, actors=frozenset({UNIT})),
    Transition(
        "return",
        _("退回"),
        frozenset({Status.DISPATCHED, Status.HANDLING}),
        Status.RETURNED,
        actors=frozenset({UNIT}),
        requires=("note",),
        colour="warning",
    ),
    Transition(
        "request_extension",
        _("申请延期"),
        frozenset({Status.HANDLING}),
        Status.HANDLING,
        actors=frozenset({UNIT}),
        requires=("amount", "unit_of_time", "note"),
        colour="secondary",
    ),
    Transition("approve_extension", _("批准延期"), frozenset({Status.HANDLING}), Status.HANDLING, COMMAND),
    Transition(
        "reject_extension",
        _("驳回延期"),
        frozenset({Status.HANDLING}),
        Status.HANDLING,
        COMMAND,
        requires=("note",),
    ),
    Transition(
        "suspend",
        _("挂起"),
        frozenset({Status.HANDLING}),
        Status.SUSPENDED,
        actors=frozenset({UNIT}),
        requires=("note",),
        colour="secondary",
    ),
    Transition("resume", _("恢复办理"), frozenset({Status.SUSPENDED}), Status.HANDLING, actors=frozenset({UNIT})),
    Transition(
        "reply",
        _("办结反馈"),
        frozenset({Status.HANDLING}),
        Status.REPLIED,
        actors=frozenset({UNIT}),
        requires=("text", "result"),
        colour="success",
    ),
    Transition("verify_pass", _("核查通过"), frozenset({Status.REPLIED}), None, VERIFIERS, colour="success"),
    Transition(
        "verify_fail",
        _("核查不通过（返工）"),
        frozenset({Status.REPLIED}),
        Status.HANDLING,
        VERIFIERS,
        requires=("note",),
        colour="danger",
    ),
    Transition(
        "callback",
        _("回访评价"),
        frozenset({Status.CALLBACK}),
        Status.TO_CLOSE,
        CALLERS,
        actors=frozenset({TERRITORY, CITIZEN}),
        colour="success",
    ),
    Transition("close", _("结案"), frozenset({Status.TO_CLOSE}), Status.CLOSED, COMMAND, colour="success"),
    Transition(
        "reopen",
        _("重办"),
        frozenset({Status.TO_CLOSE, Status.CLOSED}),
        Status.HANDLING,
        COMMAND,
        requires=("note",),
        colour="danger",
    ),
    Transition(
        "merge",
        _("合并"),
        frozenset({Status.REGISTERED, Status.RETURNED, Status.DISPATCHED}),
        Status.MERGED,
        INTAKE,
        requires=("parent",),
        colour="secondary",
    ),
    Transition(
        "invalidate",
        _("作废（无效诉求）"),
        WAITING_DISPATCH,
        Status.INVALID,
        INTAKE,
        requires=("note",),
        colour="danger",
    ),
    Transition(
        "supervise",
        _("督办"),
        frozenset(OPEN_STATUSES),
        None,
        SUPERVISORS,
        requires=("level", "note"),
        colour="warning",
    ),
    Transition(
        "resolve_on_site",
        _("现场解决"),
        frozenset({Status.REGISTERED}),
        None,
        GRID,
        requires=("text",),
        colour="success",
    ),
]

TRANSITIONS: dict[str, Transition] = {t.name: t for t in _T}


@dataclass(frozen=True)
class Actor:
    """What the service knows about who is acting: roles on nodes and unit memberships."""

    user: Any
    grants: tuple[tuple[str, str | None, int | None], ...]  # (role, territory path, unit id)
    unit_id: int | None
    is_superuser: bool = False
    is_citizen: bool = False

    @classmethod
    def of(cls, user: Any) -> Actor:
        if user is None:
            return cls(user=None, grants=(), unit_id=None, is_citizen=True)
        if user.is_superuser:
            return cls(user=user, grants=(), unit_id=user.unit_id, is_superuser=True)
        grants = tuple(user.grants.values_list("role", "territory__path", "unit_id"))
        return cls(user=user, grants=grants, unit_id=user.unit_id, is_superuser=False)

    def has_role_over(self, roles: frozenset[str], path: str) -> bool:
        if self.is_superuser:
            return True
        return any(r in roles and p and path.startswith(p) for r, p, _u in self.grants)

    def in_unit(self, unit_id: int | None) -> bool:
        if unit_id is None:
            return False
        if self.is_superuser:
            return True
        return self.unit_id == unit_id or any(u == unit_id for _r, _p, u in self.grants)


def may(actor: Actor, t: Transition, wo: WorkOrder) -> bool:
    """Whether ``actor`` may take ``t`` on ``wo`` as far as roles go (the state is checked separately)."""
    if CITIZEN in t.actors and actor.is_citizen:
        return True
    if actor.is_citizen:
        return False
    if UNIT in t.actors and actor.in_unit(wo.assigned_unit_id):
        return True
    return TERRITORY in t.actors and actor.has_role_over(t.roles, wo.scope_path)


GUARD_MESSAGES: dict[str, Any] = {
    "no_extension_pending": _("没有待审批的延期申请"),
    "extension_already_pending": _("已有延期申请待审批"),
    "callback_not_failed": _("仅回访未解决或差评的工单可重办"),
    "merged_child": _("已合并的工单随主工单办结"),
    "self_verification": _("现场解决的抽查核查须由处置人以外的人员进行"),
}


def _resolved_on_site_by(wo: WorkOrder, user: Any) -> bool:
    from wangge.workorders.models import Event

    return Event.objects.filter(work_order=wo, name="resolve_on_site", actor=user).exists()


def guard(t: Transition, wo: WorkOrder, actor: Actor | None = None) -> str | None:
    """A rule beyond the source state; returns the reason it fails (a key of GUARD_MESSAGES), or None."""
    if t.name in {"approve_extension", "reject_extension"} and not wo.extension_pending:
        return "no_extension_pending"
    if t.name == "request_extension" and wo.extension_pending:
        return "extension_already_pending"
    if t.name == "reopen" and not (wo.resolved is False or (wo.rating is not None and wo.rating <= 2)):
        return "callback_not_failed"
    if t.name == "close" and wo.parent_id and wo.relation == "merged":
        return "merged_child"
    if (
        t.name in {"verify_pass", "verify_fail"}
        and wo.sampled_for_verification
        and wo.assigned_unit_id is None
        and actor is not None
        and actor.user is not None
        and _resolved_on_site_by(wo, actor.user)
    ):
        # A sampled on-site resolution is checked by someone other than the grid worker who did it.
        return "self_verification"
    return None


def available(user: Any, wo: WorkOrder) -> list[Transition]:
    """The transitions this user may take on this case now: the buttons a page shows."""
    actor = Actor.of(user)
    return [t for t in _T if wo.status in t.sources and may(actor, t, wo) and guard(t, wo, actor) is None]
