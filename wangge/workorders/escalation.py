"""Automatic 催办 and escalation of a case whose step runs late: the policy and the sweep that applies it.

**The policy** is the setting ``WANGGE_ESCALATION_STEPS``: a list of steps, each a dict with

- ``name``: what the step is called on the pages and in the history (催办, 超期催办, 黄牌, 红牌 …);
- ``after``: when it is reached — ``"warn"`` at the step's warning instant (``step_warn_at``), ``0`` as soon as
  the step deadline has passed, ``N`` once the case is N working days overdue: the deadline's own office day and
  N more working days of the working calendar have ended (``WorkingCalendar.add_working_days``, the rule the
  deadlines in working days follow), so a weekend or a holiday does not count;
- ``notify``: whom it tells, among ``RECIPIENTS`` (assignee, unit, unit_leader, dispatcher, supervisor, leader);
- ``card`` (optional): ``"yellow"`` or ``"red"`` — the step is a 黄牌 / 红牌 and the case shows the badge.

The steps' ``after`` strictly increase (``"warn"`` only first). A step's level is its position (1 for the first);
``WorkOrder.escalation_level`` is the highest level a case has reached in its current step run (0: none). An
empty list turns escalation off. ``escalation_policy_check`` (a system check) refuses a malformed setting at startup.

**The sweep** (``escalate_due``, run by the deadline sweep every minute) raises every open case with a running
step clock — including one dispatched and never accepted (待签收) or never dispatched — to the highest level due,
by a conditional UPDATE: a concurrent sweep, or a case that moved on meanwhile, updates nothing and notifies
nobody. A case that skipped levels (the sweep was down for days) is raised once, to the highest level due. Each
raise writes an ``escalate`` row in the case's history (the level, the step's name, the card and the recipients in
``data``; the actor is the system) and notifies the step's recipients after commit.

**A new step starts afresh**: starting a step clock (``services.steps``) puts the level back to 0, and so does
anything that moves the running step's deadline (an approved extension, a resumption after a pause): the
escalation belongs to one deadline, and the history keeps the earlier rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wangge.accounts.choices import Role
from wangge.accounts.models import User
from wangge.core.actors import SystemActor, label_of
from wangge.workcalendar import arithmetic
from wangge.workorders.choices import OPEN_STATUSES, ClockState, Status
from wangge.workorders.clocks import clock_q
from wangge.workorders.models import Event, WorkOrder

WARN = "warn"
SETTING = "WANGGE_ESCALATION_STEPS"

ASSIGNEE, UNIT, UNIT_LEADER, DISPATCHER, SUPERVISOR, LEADER = (
    "assignee",
    "unit",
    "unit_leader",
    "dispatcher",
    "supervisor",
    "leader",
)
RECIPIENTS: dict[str, Any] = {
    ASSIGNEE: _("承办人（未签收时为承办单位人员；未派遣时为派遣员）"),
    UNIT: _("承办单位全体人员"),
    UNIT_LEADER: _("承办单位的分管领导（单位所在辖区的领导）"),
    DISPATCHER: _("指挥中心派遣员"),
    SUPERVISOR: _("督查员"),
    LEADER: _("工单所在辖区的领导"),
}
CARDS: dict[str, Any] = {"": "", "yellow": _("黄牌"), "red": _("红牌")}

# Cases whose step clock runs: waiting for dispatch, for acceptance (never accepted), being handled, checked or
# called back. A suspended case's clock is paused; a case waiting to close has none.
CLOCKED = [s for s in OPEN_STATUSES if s not in {Status.SUSPENDED, Status.TO_CLOSE}]

DEFAULT_STEPS: list[dict[str, Any]] = [
    {"name": "催办", "after": WARN, "notify": [ASSIGNEE]},
    {"name": "超期催办", "after": 0, "notify": [ASSIGNEE, UNIT_LEADER, DISPATCHER]},
    {"name": "黄牌", "after": 1, "notify": [ASSIGNEE, UNIT_LEADER, DISPATCHER, SUPERVISOR], "card": "yellow"},
    {"name": "红牌", "after": 3, "notify": [ASSIGNEE, UNIT_LEADER, DISPATCHER, SUPERVISOR, LEADER], "card": "red"},
]


@dataclass(frozen=True)
class EscalationStep:
    level: int
    name: str
    after: str | int  # WARN, or working days past the step deadline
    notify: tuple[str, ...]
    card: str = ""

    @property
    def card_label(self) -> str:
        return str(CARDS.get(self.card, ""))

    def describe(self) -> str:
        """When the step is reached, in words (the escalation page's legend)."""
        if self.after == WARN:
            return gettext("到达预警时间")
        if self.after == 0:
            return gettext("环节超期")
        return gettext("超期 %(n)s 个工作日") % {"n": self.after}


class PolicyError(ValueError):
    """A malformed ``WANGGE_ESCALATION_STEPS``; ``problems`` lists each fault in words."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_policy(raw: Any) -> tuple[EscalationStep, ...]:
    """The steps of a policy setting, checked; raises PolicyError naming every fault."""
    if not isinstance(raw, (list, tuple)):
        raise PolicyError([f"{SETTING} must be a list of steps (dicts), got {type(raw).__name__}"])
    problems: list[str] = []
    steps: list[EscalationStep] = []
    last = -2
    names: set[str] = set()
    for i, item in enumerate(raw, start=1):
        where = f"{SETTING}[{i - 1}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: a step must be a dict with name, after and notify")
            continue
        unknown = set(item) - {"name", "after", "notify", "card"}
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}: 'name' must be a non-empty text")
        elif name in names:
            problems.append(f"{where}: the name {name!r} is used twice")
        else:
            names.add(name)
        after = item.get("after")
        order: int | None = None
        if after == WARN:
            if i == 1:
                order = -1
            else:
                problems.append(f"{where}: 'after': 'warn' may only be the first step")
        elif isinstance(after, int) and not isinstance(after, bool) and after >= 0:
            order = after
        else:
            problems.append(f"{where}: 'after' must be 'warn' or a whole number of working days >= 0, got {after!r}")
        if order is not None:
            if order <= last:
                problems.append(f"{where}: 'after' must come strictly later than the step before")
            last = order
        notify = item.get("notify")
        if not isinstance(notify, (list, tuple)) or not notify:
            problems.append(f"{where}: 'notify' must be a non-empty list of {sorted(RECIPIENTS)}")
            notify = ()
        else:
            bad = [r for r in notify if r not in RECIPIENTS]
            if bad:
                problems.append(f"{where}: unknown recipients {bad}; known: {sorted(RECIPIENTS)}")
        card = item.get("card", "")
        if card not in CARDS:
            problems.append(f"{where}: 'card' must be 'yellow', 'red' or empty, got {card!r}")
        if not problems:
            steps.append(EscalationStep(i, str(name), after, tuple(notify), str(card)))  # type: ignore[arg-type]
    if problems:
        raise PolicyError(problems)
    return tuple(steps)


def policy() -> tuple[EscalationStep, ...]:
    """The configured policy (``DEFAULT_STEPS`` when the setting is absent)."""
    return parse_policy(getattr(settings, SETTING, DEFAULT_STEPS))


def step_of(level: int, steps: Sequence[EscalationStep] | None = None) -> EscalationStep | None:
    """The step of a level (None for 0, or a level the policy no longer has)."""
    steps = policy() if steps is None else steps
    return steps[level - 1] if 0 < level <= len(steps) else None


def level_choices() -> list[tuple[int, str]]:
    return [(0, gettext("未升级")), *((s.level, s.name) for s in policy())]


# --- the pure rule -------------------------------------------------------------------------------------------


def reached_at(step: EscalationStep, warn_at: dt.datetime | None, due_at: dt.datetime) -> dt.datetime | None:
    """The instant from which ``step`` is due for a step clock with these warning and due instants (None:
    never — a step at the warning instant of a clock without one)."""
    if step.after == WARN:
        return warn_at
    assert isinstance(step.after, int)
    if step.after == 0:
        return due_at
    return arithmetic.get_calendar().add_working_days(due_at, step.after).value  # type: ignore[no-any-return]


def is_reached(step: EscalationStep, warn_at: dt.datetime | None, due_at: dt.datetime, now: dt.datetime) -> bool:
    """A warning step from its instant on; an overdue step once its instant is strictly past (as 超期 is)."""
    at = reached_at(step, warn_at, due_at)
    if at is None:
        return False
    return at <= now if step.after == WARN else at < now


def due_step(
    steps: Sequence[EscalationStep], warn_at: dt.datetime | None, due_at: dt.datetime | None, now: dt.datetime
) -> EscalationStep | None:
    """The highest step reached at ``now`` by a running clock (None: none, or no clock)."""
    if due_at is None:
        return None
    found = None
    for step in steps:
        if not is_reached(step, warn_at, due_at, now):
            break
        found = step
    return found


# --- whom a step tells ---------------------------------------------------------------------------------------


def _active(users: Iterable[Any]) -> list[Any]:
    return [u for u in users if u is not None and u.is_active]


def _unit_leaders(wo: WorkOrder) -> list[Any]:
    """Leaders granted on the unit's own node, else on the nearest node above it that has any."""
    unit = wo.assigned_unit
    territory = getattr(unit, "territory", None)
    if territory is None:
        return []
    path = territory.path
    for end in range(len(path), 3, -4):
        found = list(User.objects.filter(is_active=True, grants__role=Role.LEADER, grants__territory__path=path[:end]))
        if found:
            return found
    return []


def recipients_of(wo: WorkOrder, roles: Iterable[str]) -> list[Any]:
    """The people of the policy's recipient roles for ``wo``, each once, in the roles' order."""
    from wangge.workorders.notifications import role_holders_over, unit_members

    people: dict[int, Any] = {}
    for role in roles:
        if role == ASSIGNEE:
            if wo.assignee_id:
                found = _active([wo.assignee])
            elif wo.assigned_unit_id:  # dispatched, never accepted: whoever should accept it
                found = list(unit_members(wo.assigned_unit_id))
            else:  # never dispatched: it is the dispatchers' turn
                found = list(role_holders_over(wo.scope_path, [Role.DISPATCHER]))
        elif role == UNIT:
            found = list(unit_members(wo.assigned_unit_id))
        elif role == UNIT_LEADER:
            found = _unit_leaders(wo)
        elif role == DISPATCHER:
            found = list(role_holders_over(wo.scope_path, [Role.DISPATCHER]))
        elif role == SUPERVISOR:
            found = list(role_holders_over(wo.scope_path, [Role.INSPECTOR]))
        elif role == LEADER:
            found = list(role_holders_over(wo.scope_path, [Role.LEADER]))
        else:
            raise ValueError(f"unknown recipient role {role!r}")
        for user in found:
            people.setdefault(user.pk, user)
    return list(people.values())


# --- the sweep -----------------------------------------------------------------------------------------------


def _running(now: dt.datetime) -> Q:
    """Open cases with a running step clock that has reached its warning instant or is overdue."""
    return Q(status__in=CLOCKED) & (clock_q(ClockState.APPROACHING, now) | clock_q(ClockState.OVERDUE, now))


def escalation_actor() -> SystemActor:
    return SystemActor(gettext("自动催办"))


def escalate_case(pk: int, step: EscalationStep, now: dt.datetime, *, due_at: dt.datetime, notify: bool = True) -> bool:
    """Raise one case to ``step`` at ``now`` unless it already is there, has moved on (another deadline) or no
    longer runs a clock. Returns whether this call raised it (and wrote the history row and the notices)."""
    from wangge.workorders import notifications

    with transaction.atomic():
        guard = _running(now) & Q(pk=pk, step_due_at=due_at, escalation_level__lt=step.level)
        if not WorkOrder.objects.filter(guard).update(escalation_level=step.level, escalated_at=now):
            return False
        wo = WorkOrder.objects.select_related("assignee", "assigned_unit__territory").get(pk=pk)
        people = recipients_of(wo, step.notify)
        overdue_days = step.after if isinstance(step.after, int) else None
        note = gettext("%(name)s：%(when)s；通知 %(who)s") % {
            "name": step.name,
            "when": step.describe(),
            "who": "、".join(str(p) for p in people) or gettext("（无人可通知）"),
        }
        # The history row (as ``services.records.record_event`` writes one; the filters import this module, and
        # the layers keep them below the services): no status change, the system as the actor.
        Event.objects.create(
            work_order=wo,
            name="escalate",
            actor=None,
            actor_label=label_of(escalation_actor()),
            at=now,
            from_status=wo.status,
            to_status=wo.status,
            note=note,
            data={
                "level": step.level,
                "name": step.name,
                "card": step.card,
                "after": step.after,
                "overdue_working_days": overdue_days,
                "step_due_at": due_at.isoformat(),
                "roles": list(step.notify),
                "recipients": [{"id": p.pk, "name": str(p)} for p in people],
                "notified": notify,
            },
        )
        if notify:
            notifications.on_escalation(wo, step, people)
    return True


def escalate_due(now: dt.datetime | None = None, *, notify: bool = True) -> dict[int, int]:
    """Raise every case due for a higher level at ``now``; returns how many cases reached each level."""
    now = now or timezone.now()
    steps = policy()
    counts: dict[int, int] = {}
    if not steps:
        return counts
    qs = WorkOrder.objects.filter(_running(now), escalation_level__lt=len(steps))
    rows = list(qs.values_list("pk", "escalation_level", "step_warn_at", "step_due_at"))
    for pk, level, warn_at, due_at in rows:
        step = due_step(steps, warn_at, due_at, now)
        if step is None or due_at is None or step.level <= level:
            continue
        if escalate_case(pk, step, now, due_at=due_at, notify=notify):
            counts[step.level] = counts.get(step.level, 0) + 1
    return counts


def catch_up(pk: int, until: dt.datetime, *, notify: bool = True) -> int:
    """Escalate one case as a sweep running all along would have, up to ``until``: each level at the instant it
    was reached, never before its step run began (a level already due when the run began — a rework on a
    deadline already past — is reached at its start, and of the levels due at one instant only the highest is
    raised, as ``escalate_due`` does). The demo history uses it between the steps it takes. Returns how many
    levels were raised."""
    row = (
        WorkOrder.objects.filter(pk=pk)
        .values("escalation_level", "step_started_at", "step_warn_at", "step_due_at", "paused_at")
        .first()
    )
    if not row or row["step_due_at"] is None or row["paused_at"] is not None:
        return 0
    due: list[tuple[EscalationStep, dt.datetime]] = []
    for step in policy()[row["escalation_level"] :]:
        at = reached_at(step, row["step_warn_at"], row["step_due_at"])
        if at is None:
            continue
        if step.after != WARN:
            at += dt.timedelta(seconds=1)  # strictly past the instant
        if row["step_started_at"] is not None:
            at = max(at, row["step_started_at"])
        if at > until:
            break
        due.append((step, at))
    raised = 0
    for i, (step, at) in enumerate(due):
        if i + 1 < len(due) and due[i + 1][1] <= at:
            continue  # a higher level is due at the same instant
        if escalate_case(pk, step, at, due_at=row["step_due_at"], notify=notify):
            raised += 1
    return raised


def escalation_policy_check(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """System check (registered by the app): a malformed ``WANGGE_ESCALATION_STEPS`` stops the start-up."""
    from django.core.checks import Error

    try:
        policy()
    except PolicyError as exc:
        return [
            Error(
                f"{SETTING} is not a valid escalation policy: {problem}",
                hint=(
                    "Each step: {'name': '黄牌', 'after': 'warn' | working days >= 0 (strictly increasing), "
                    f"'notify': [one or more of {sorted(RECIPIENTS)}], 'card': '' | 'yellow' | 'red'}}; "
                    "see config/settings/base.py."
                ),
                id="workorders.E001",
            )
            for problem in exc.problems
        ]
    return []
