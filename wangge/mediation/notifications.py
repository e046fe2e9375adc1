"""Who hears of a mediation step: the notice each step declares in ``mediation.workflow`` (a high-risk dispute
escalated to the command centre reaches its dispatchers; a 督办 reaches the mediation staff over the dispute),
delivered through the one notification service after the step's transaction commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet

from wangge.accounts.choices import Role
from wangge.accounts.models import User
from wangge.mediation.models import Dispute
from wangge.mediation.workflow import MEDIATION_STAFF, TO_COMMAND_CENTRE, TO_MEDIATION_STAFF, WORKFLOW
from wangge.notifications.services import notify

GROUP_ROLES: dict[str, frozenset[str]] = {
    TO_COMMAND_CENTRE: frozenset({Role.DISPATCHER}),
    TO_MEDIATION_STAFF: MEDIATION_STAFF - {Role.ADMIN},
}


def role_holders_over(path: str, roles: Iterable[str]) -> QuerySet[User]:
    """Active users holding one of ``roles`` on a node whose subtree contains ``path``."""
    prefixes = [path[:i] for i in range(4, len(path) + 1, 4)]
    return User.objects.filter(
        is_active=True, grants__role__in=list(roles), grants__territory__path__in=prefixes
    ).distinct()


def on_step(dispute: Dispute, name: str, at: dt.datetime) -> None:
    """The notice step ``name`` declares, if any, to its recipient groups (once per dispute, step and time)."""
    notice = WORKFLOW.notices(WORKFLOW[name], dispute)
    if notice is None:
        return
    path = dispute.grid.path
    recipients = {u.pk: u for group in notice.to for u in role_holders_over(path, GROUP_ROLES[group])}
    notify(
        key=f"mediation:{dispute.pk}:{name}:{at.isoformat()}",
        subject=str(notice.subject).format(code=dispute.code, title=dispute.title),
        body=dispute.title,
        link=f"/mediation/disputes/{dispute.pk}/",
        recipients=recipients.values(),
        territory_path=path,
    )
