"""A warning's life as a table (``wangge.core.workflow``, docs/adr/0004-workflows.md): 发布 (the creation) →
升级 / 降级 (a new level: a new round, everyone told again and asked to acknowledge again; the levels are kept in
the history) → 解除. The command centre over the warning's nodes takes the steps: 派遣员, 领导, 管理员.

``emergency.services.warning_transition`` is the only code that changes a warning's status or level.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from wangge.accounts import permissions
from wangge.accounts.choices import Role
from wangge.core.workflow import CHOICE, LONG_TEXT, REGISTRY, Input, Transition, Workflow
from wangge.emergency.choices import Level, WarningStatus
from wangge.emergency.models import Warning

__all__ = ["COMMAND", "EVENT_LABELS", "TRANSITIONS", "WORKFLOW", "available"]

# Who issues, changes and lifts warnings over a node: the command centre.
COMMAND = frozenset({Role.DISPATCHER, Role.LEADER, Role.ADMIN})

ACTIVE = frozenset({WarningStatus.ACTIVE})

NOTE = Input("note", LONG_TEXT, _("说明"), max_length=2000)
LEVEL = Input("new_level", CHOICE, _("新的预警级别"), required=True, choices=Level, radio=True)

_T = [
    Transition(
        "upgrade",
        _("升级预警"),
        ACTIVE,
        ACTIVE,
        COMMAND,
        inputs=(LEVEL, NOTE),
        colour="danger",
        queue=False,
    ),
    Transition(
        "downgrade",
        _("降级预警"),
        ACTIVE,
        ACTIVE,
        COMMAND,
        inputs=(LEVEL, NOTE),
        colour="warning",
        queue=False,
    ),
    Transition(
        "lift",
        _("解除预警"),
        ACTIVE,
        frozenset({WarningStatus.LIFTED}),
        COMMAND,
        inputs=(NOTE,),
        colour="success",
        queue=False,
    ),
]


def _path_of(w: Warning) -> str:
    return w.scope_path


WORKFLOW = REGISTRY.add(
    Workflow(
        name="emergency",
        statuses=WarningStatus,
        transitions=_T,
        permissions=permissions,
        path_of=_path_of,
        created_label=_("发布"),
    )
)
TRANSITIONS: dict[str, Transition] = WORKFLOW.transitions
EVENT_LABELS: dict[str, Any] = {
    **WORKFLOW.labels(),
    "issue": _("发布"),
    "escalate": _("未确认上报"),
}


def available(user: Any, warning: Warning) -> list[Transition]:
    """The steps this user may take on this warning now: the buttons a page shows."""
    return WORKFLOW.available(user, warning, warning.status)
