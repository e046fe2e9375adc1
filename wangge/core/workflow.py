"""The one transition engine. A module declares its workflow as a table of :class:`Transition` rows — the
source statuses, the possible targets, who may take it, the inputs it needs (:class:`Input`), its guard, its
staff and public labels and who hears about it (:class:`Notice`) — and everything else is generated from
that table: the web form and the API payload serializer of each step (``wangge.web.workflow_forms``,
``wangge.api.workflow_serializers``), the citizen's labels, the notifications and the checks made by
:meth:`Workflow.check` before a handler runs and :meth:`Workflow.settle` after it.

A module's transition service then does only what is its own: lock the row in scope, call
``check``, run the step's handler, ``settle`` the status and write its history row. Adding a step touches
two files: the table (``<app>/workflow.py``) and the handler. See docs/adr/0004-workflows.md.

Who acts (``core.actors``) is checked through a :class:`Permissions` object the module passes in (the
accounts app's ``permissions`` module), so this engine imports no domain app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from django.utils.translation import gettext as _

from wangge.core.actors import is_citizen, is_system
from wangge.core.errors import DomainError, ErrorCode, PermissionDenied, ValidationFailed

# Who may act on a step: holders of the step's roles over the object's territory; members of the unit the
# object is with; the citizen who presents the object's tracking code.
TERRITORY = "territory"
UNIT = "unit"
CITIZEN = "citizen"

# Input kinds; each generator (web form, API serializer) knows how to build every one of them.
TEXT = "text"  # one line
LONG_TEXT = "long_text"  # a textarea
CHOICE = "choice"
INTEGER = "integer"
DECIMAL = "decimal"
BOOLEAN = "boolean"  # a check box (optional) or a yes/no choice (``yes_no=True``)
FILES = "files"  # images
REFERENCE = "reference"  # an object the channel resolves (the key of ``Input.ref``)
KINDS = frozenset({TEXT, LONG_TEXT, CHOICE, INTEGER, DECIMAL, BOOLEAN, FILES, REFERENCE})


class InvalidTransition(DomainError):
    """The object is not in a state where this step can be taken (often: someone else acted first)."""

    code = ErrorCode.INVALID_TRANSITION
    http_status = 409


@dataclass(frozen=True)
class Input:
    """One input of a step. ``required_unless`` names a boolean input that, when true, lifts the requirement
    (e.g. a callback's rating is not needed when the caller could not be reached)."""

    name: str
    kind: str
    label: Any
    required: bool = False
    choices: Any = None  # a Django ``Choices`` class or a sequence of (value, label)
    max_length: int | None = None
    min_value: Any = None
    max_value: Any = None
    max_files: int = 6  # as WANGGE_MAX_UPLOAD_FILES by default; the upload sanitiser enforces the setting
    decimal_places: int = 2
    initial: Any = None
    help: Any = ""
    radio: bool = False
    yes_no: bool = False
    ref: str = ""  # for REFERENCE: the name channels resolve ("unit", "category", "parent", ...)
    required_unless: str = ""

    def __post_init__(self) -> None:
        assert self.kind in KINDS, f"unknown input kind {self.kind!r} of {self.name!r}"
        assert self.kind != REFERENCE or self.ref, f"reference input {self.name!r} needs ref"
        assert self.kind != CHOICE or self.choices is not None, f"choice input {self.name!r} needs choices"

    def choice_pairs(self) -> list[tuple[Any, Any]]:
        choices = self.choices
        if choices is None:
            return []
        if hasattr(choices, "choices"):
            return [(v, label) for v, label in choices.choices if v not in ("", None)]
        return [(v, label) for v, label in choices]


@dataclass(frozen=True)
class Notice:
    """Who hears that a step was taken, and what they read. ``subject`` is formatted with the object's
    ``notice_context`` (e.g. ``{code}``); ``to`` names recipient groups the module resolves; ``when`` limits
    the notice to some outcomes."""

    subject: Any
    to: tuple[str, ...]
    when: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class Transition:
    name: str
    label: Any  # what staff see: the button, the history
    sources: frozenset[str]
    targets: frozenset[str]  # the statuses the step may end in; one, or the handler chooses among them
    roles: frozenset[str] = frozenset()
    actors: frozenset[str] = frozenset({TERRITORY})
    inputs: tuple[Input, ...] = ()
    # (object, actor) -> None, or the reason the step is refused: a member of the app's ErrorCode, which is also
    # the code of the refusal (its message is the workflow's ``guard_messages`` entry).
    guard: Callable[[Any, Any], StrEnum | None] | None = None
    public_label: Any = None  # what the citizen's tracking page says of this step; None: not shown
    notice: Notice | None = None
    colour: str = "primary"
    queue: bool = True  # False: possible, but not a reason for the case to sit in the actor's queue

    @property
    def target(self) -> str | None:
        """The target when there is only one (the handler need not choose)."""
        return next(iter(self.targets)) if len(self.targets) == 1 else None

    @property
    def requires(self) -> tuple[str, ...]:
        return tuple(i.name for i in self.inputs if i.required and not i.required_unless)

    def input(self, name: str) -> Input | None:
        return next((i for i in self.inputs if i.name == name), None)


class Permissions(Protocol):
    """What the engine asks of the accounts app."""

    def has_role_over(self, actor: Any, roles: Iterable[str], path: str | None) -> bool: ...

    def in_unit(self, actor: Any, unit_id: int | None) -> bool: ...


class Workflow:
    """A declared workflow: its transitions over one status field, and how to read an object's place (for the
    role checks) and its unit (for the unit members' steps)."""

    def __init__(
        self,
        *,
        name: str,
        statuses: Any,  # a Django Choices class (labels used in messages) or an iterable of values
        transitions: Iterable[Transition],
        permissions: Permissions,
        path_of: Callable[[Any], str | None],
        unit_of: Callable[[Any], int | None] = lambda obj: None,
        guard_messages: Mapping[StrEnum, Any] | None = None,
        created_label: Any = None,
        public_created_label: Any = None,
    ) -> None:
        self.name = name
        pairs = list(statuses.choices) if hasattr(statuses, "choices") else [(v, v) for v in statuses]
        self.statuses = frozenset(v for v, _label in pairs)
        self.status_labels = dict(pairs)
        self.transitions: dict[str, Transition] = {}
        for t in transitions:
            assert t.name not in self.transitions, f"{name}: transition {t.name!r} declared twice"
            assert t.sources and t.sources <= self.statuses, f"{name}.{t.name}: unknown source status"
            assert t.targets and t.targets <= self.statuses, f"{name}.{t.name}: unknown target status"
            names = [i.name for i in t.inputs]
            assert len(names) == len(set(names)), f"{name}.{t.name}: an input declared twice"
            self.transitions[t.name] = t
        self._check_inputs_agree()
        self.permissions = permissions
        self.path_of = path_of
        self.unit_of = unit_of
        self.guard_messages = dict(guard_messages or {})
        self.created_label = created_label
        self.public_created_label = public_created_label

    def _check_inputs_agree(self) -> None:
        """An input name means one thing across the workflow, so one API payload can carry any step."""
        seen: dict[str, Input] = {}
        for t in self.transitions.values():
            for i in t.inputs:
                first = seen.setdefault(i.name, i)
                assert (first.kind, first.ref, first.choices) == (i.kind, i.ref, i.choices), (
                    f"{self.name}: input {i.name!r} differs between steps"
                )

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def get(self, name: str) -> Transition | None:
        return self.transitions.get(name)

    def __iter__(self) -> Any:
        return iter(self.transitions.values())

    def all_inputs(self) -> list[Input]:
        """Every input of every step, once (the first declaration of a name)."""
        out: dict[str, Input] = {}
        for t in self.transitions.values():
            for i in t.inputs:
                out.setdefault(i.name, i)
        return list(out.values())

    # --- who may act -------------------------------------------------------------------------------

    def may(self, actor: Any, t: Transition, obj: Any) -> bool:
        """Whether ``actor`` may take ``t`` on ``obj`` as far as who acts goes (the state is checked apart)."""
        if is_system(actor):
            return True
        if is_citizen(actor):
            return (
                CITIZEN in t.actors
                and bool(actor.tracking_code)
                and actor.tracking_code == getattr(obj, "tracking_code", None)
            )
        if UNIT in t.actors and self.permissions.in_unit(actor, self.unit_of(obj)):
            return True
        return TERRITORY in t.actors and self.permissions.has_role_over(actor, t.roles, self.path_of(obj))

    def refusal(self, t: Transition, obj: Any, actor: Any) -> StrEnum | None:
        """The guard's reason key, or None when the step may be taken."""
        return t.guard(obj, actor) if t.guard is not None else None

    def available(self, actor: Any, obj: Any, status: str) -> list[Transition]:
        """The steps ``actor`` may take on ``obj`` now: the buttons a page shows."""
        return [
            t
            for t in self.transitions.values()
            if status in t.sources and self.may(actor, t, obj) and self.refusal(t, obj, actor) is None
        ]

    def queue_statuses(self, roles: Iterable[str], actors: Iterable[str] = (TERRITORY,)) -> frozenset[str]:
        """The statuses in which holders of ``roles`` (or the given actor kinds) have a step to take: a queue."""
        roles, kinds = frozenset(roles), frozenset(actors)
        out: set[str] = set()
        for t in self.transitions.values():
            if not t.queue:
                continue
            if (TERRITORY in t.actors and TERRITORY in kinds and t.roles & roles) or (t.actors - {TERRITORY}) & kinds:
                out |= t.sources
        return frozenset(out)

    def public_labels(self) -> dict[str, Any]:
        """Step name → what the citizen reads; the creation first."""
        labels = {"create": self.public_created_label} if self.public_created_label is not None else {}
        labels.update({t.name: t.public_label for t in self.transitions.values() if t.public_label is not None})
        return labels

    def labels(self) -> dict[str, Any]:
        """Step name → what staff read in the history."""
        labels = {"create": self.created_label} if self.created_label is not None else {}
        labels.update({t.name: t.label for t in self.transitions.values()})
        return labels

    # --- the checks around a handler ---------------------------------------------------------------

    def check(self, t: Transition, obj: Any, actor: Any, status: str, payload: Mapping[str, Any]) -> None:
        """Everything decided before the handler runs, in this order: state (409), who acts (403), the
        guard (409), the required inputs (400)."""
        if status not in t.sources:
            raise InvalidTransition(
                _("当前状态为“%(status)s”，不能执行“%(step)s”")
                % {"status": self.status_labels.get(status, status), "step": t.label},
                details={"status": status, "transition": t.name},
            )
        if not self.may(actor, t, obj):
            raise PermissionDenied(_("无权执行“%(step)s”") % {"step": t.label}, code=ErrorCode.TRANSITION_FORBIDDEN)
        reason = self.refusal(t, obj, actor)
        if reason:
            raise InvalidTransition(str(self.guard_messages.get(reason, reason)), code=reason)
        missing = [
            i.name
            for i in t.inputs
            if i.required
            and payload.get(i.name) in (None, "", [], ())
            and not (i.required_unless and payload.get(i.required_unless))
        ]
        if missing:
            raise ValidationFailed(
                _("缺少必填内容"),
                code=ErrorCode.MISSING_FIELDS,
                details=[{"field": f, "reason": "required"} for f in missing],
            )

    def settle(self, t: Transition, from_status: str, status: str) -> str:
        """The status after the handler: the single target unless the handler chose; asserts it is declared."""
        if status == from_status and t.target is not None:
            status = t.target
        assert status in t.targets, f"{self.name}.{t.name} ended in {status!r}, not one of {sorted(t.targets)}"
        return status

    def notices(self, t: Transition, obj: Any) -> Notice | None:
        n = t.notice
        if n is None or (n.when is not None and not n.when(obj)):
            return None
        return n


@dataclass
class Registry:
    """Every declared workflow by name (for the meta-tests and the docs)."""

    workflows: dict[str, Workflow] = field(default_factory=dict)

    def add(self, wf: Workflow) -> Workflow:
        self.workflows[wf.name] = wf
        return wf


REGISTRY = Registry()
