"""The steps of the declared mediation workflow: one handler each, and ``dispute_transition``, the only code that
changes a dispute's status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import is_system, require, user_of
from wangge.core.errors import NotFound, ValidationFailed
from wangge.mediation import conf, notifications
from wangge.mediation.choices import (
    ORGANISATION_TRACK,
    REFERRAL_TRACK,
    AgreementKind,
    Confirmation,
    DisputeStatus,
    Outcome,
    Referral,
    Track,
)
from wangge.mediation.errors import ErrorCode
from wangge.mediation.models import (
    Dispute,
    DisputeParty,
    DisputeSession,
    DisputeStint,
    MediationOrganisation,
    Mediator,
    MediatorConflict,
)
from wangge.mediation.services.common import (
    _event,
)
from wangge.mediation.workflow import WORKFLOW

# --- the steps ------------------------------------------------------------------------------------------

Handler = Callable[[Dispute, ActorLike, dt.datetime, Mapping[str, Any]], tuple[str, dict[str, Any]]]


def _organisation(value: Any, dispute: Dispute) -> MediationOrganisation:
    org = value if isinstance(value, MediationOrganisation) else None
    if org is None and value not in (None, ""):
        try:
            org = MediationOrganisation.objects.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            org = None
    if org is None or not org.is_active:
        raise ValidationFailed(
            _("调解组织不存在或已停用"), code=ErrorCode.INVALID_ORGANISATION, details=[{"field": "organisation"}]
        )
    if not dispute.grid.path.startswith(org.territory.path):
        raise ValidationFailed(
            _("%(org)s不负责该纠纷所在辖区") % {"org": org.name},
            code=ErrorCode.INVALID_ORGANISATION,
            details=[{"field": "organisation"}],
        )
    return org


def _mediator(value: Any, org: MediationOrganisation) -> Mediator:
    mediator = value if isinstance(value, Mediator) else None
    if mediator is None and value not in (None, ""):
        try:
            mediator = Mediator.objects.filter(pk=int(value)).first()
        except (TypeError, ValueError):
            mediator = None
    if mediator is None or not mediator.is_active or mediator.organisation_id != org.pk:
        raise ValidationFailed(
            _("调解员不存在、已离岗或不属于所选调解组织"),
            code=ErrorCode.INVALID_MEDIATOR,
            details=[{"field": "mediator"}],
        )
    return mediator


def conflicts_of(mediator: Mediator, dispute: Dispute) -> list[tuple[DisputeParty, MediatorConflict]]:
    """The (party, declared conflict) pairs that bar ``mediator`` from ``dispute``."""
    declared = list(mediator.conflicts.all())
    if not declared:
        return []
    out = []
    for party in dispute.parties.all():
        for c in declared:
            same = c.id_number_index == party.id_number_index if c.id_number_index else c.person_name == party.name
            if same and (c.id_number_index or party.name):
                out.append((party, c))
    return out


def _start_stint(
    dispute: Dispute, track: str, org_value: Any, mediator_value: Any, days: Any, at: dt.datetime
) -> dict[str, Any]:
    if track not in Track.values:
        raise ValidationFailed(_("调解类型不正确"), code=ErrorCode.TRACK_MISMATCH, details=[{"field": "track"}])
    org = _organisation(org_value, dispute)
    if ORGANISATION_TRACK.get(org.kind) != track:
        raise ValidationFailed(
            _("%(org)s不承担%(track)s") % {"org": org.name, "track": Track(track).label},
            code=ErrorCode.TRACK_MISMATCH,
            details=[{"field": "organisation"}],
        )
    mediator = _mediator(mediator_value, org)
    barred = conflicts_of(mediator, dispute)
    if barred:
        party, conflict = barred[0]
        raise ValidationFailed(
            _("调解员%(mediator)s已申报与当事人%(party)s存在%(relation)s关系，应当回避，请另选调解员")
            % {"mediator": mediator.name, "party": party.name, "relation": conflict.relation},
            code=ErrorCode.MEDIATOR_CONFLICT,
            details=[{"field": "mediator", "party": party.name, "relation": conflict.relation}],
        )
    limit = conf.time_limit_days(track) if days in (None, "") else int(days)
    if not 1 <= limit <= conf.MAX_EXTENSION_DAYS:
        raise ValidationFailed(
            _("调解期限须为 1-90 个自然日"), code=ErrorCode.INVALID_EXTENSION, details=[{"field": "time_limit_days"}]
        )
    DisputeStint.objects.create(dispute=dispute, track=track, organisation=org, mediator=mediator, started_at=at)
    dispute.track = track
    dispute.organisation = org
    dispute.mediator = mediator
    dispute.time_limit_days = limit
    dispute.extended_days = 0
    dispute.due_at = at + dt.timedelta(days=limit)
    return {
        "track": track,
        "organisation": org.name,
        "mediator": mediator.name,
        "time_limit_days": limit,
        "due_at": dispute.due_at.isoformat(),
    }


def _end_stint(dispute: Dispute, at: dt.datetime, outcome: str) -> None:
    DisputeStint.objects.filter(dispute=dispute, ended_at__isnull=True).update(ended_at=at, outcome=outcome)


def _accept(d: Dispute, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    d.accepted_at = at
    return str(p.get("note") or ""), {}


def _reject(d: Dispute, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    d.closed_at = at
    return str(p["note"]).strip(), {}


def _assign(d: Dispute, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    data = _start_stint(d, str(p["track"]), p.get("organisation"), p.get("mediator"), p.get("time_limit_days"), at)
    return str(p.get("note") or ""), data


def _record_session(d: Dispute, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    raw = p["held_on"]
    if isinstance(raw, dt.datetime):
        held_on = timezone.localtime(raw).date() if timezone.is_aware(raw) else raw.date()
    elif isinstance(raw, dt.date):
        held_on = raw
    else:
        try:
            held_on = dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            raise ValidationFailed(
                _("调解日期须为 YYYY-MM-DD"), code=ErrorCode.INVALID_SESSION, details=[{"field": "held_on"}]
            ) from None
    if held_on > timezone.localtime(at).date():
        raise ValidationFailed(
            _("调解日期不能晚于今天"), code=ErrorCode.INVALID_SESSION, details=[{"field": "held_on"}]
        )
    stint = DisputeStint.objects.filter(dispute=d, ended_at__isnull=True).order_by("-started_at").first()
    session = DisputeSession.objects.create(
        dispute=d,
        stint=stint,
        held_on=held_on,
        place=str(p["place"]).strip()[:200],
        attendees=str(p["attendees"]).strip(),
        notes=str(p.get("minutes") or "").strip(),
        recorded_by=user_of(actor),
    )
    return str(p.get("minutes") or ""), {"session": session.pk, "held_on": held_on.isoformat(), "place": session.place}


def _extend(d: Dispute, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    if p.get("consent") is not True:
        raise ValidationFailed(
            _("延长调解期限须经双方当事人同意"), code=ErrorCode.CONSENT_REQUIRED, details=[{"field": "consent"}]
        )
    days = p["days"]
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= conf.MAX_EXTENSION_DAYS:
        raise ValidationFailed(_("延长天数须为 1-90"), code=ErrorCode.INVALID_EXTENSION, details=[{"field": "days"}])
    d.extended_days += days
    d.due_at = (d.due_at or at) + dt.timedelta(days=days)
    return str(p.get("note") or ""), {"days": days, "consent": True, "due_at": d.due_at.isoformat()}


def _agree(d: Dispute, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    kind = str(p["agreement_kind"])
    if kind not in AgreementKind.values:
        raise ValidationFailed(
            _("协议形式不正确"), code=ErrorCode.INVALID_DISPUTE, details=[{"field": "agreement_kind"}]
        )
    terms = str(p.get("terms") or "").strip()
    if kind == AgreementKind.WRITTEN and not terms:
        raise ValidationFailed(_("书面协议须填写协议内容"), code=ErrorCode.TERMS_REQUIRED, details=[{"field": "terms"}])
    d.agreement_kind = kind
    d.agreement_terms = terms
    d.outcome = Outcome.WRITTEN if kind == AgreementKind.WRITTEN else Outcome.ORAL
    d.resolved_at = at
    if kind == AgreementKind.WRITTEN:
        d.agreement_no = f"{d.code}-XY"
    _end_stint(d, at, d.outcome)
    return str(p.get("note") or ""), {"agreement_kind": kind, "track": d.track}


def _fail(d: Dispute, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    _end_stint(d, at, "failed")
    return str(p["note"]).strip(), {"track": d.track}


def _refer(d: Dispute, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    referral = str(p["referral"])
    if referral not in Referral.values:
        raise ValidationFailed(_("分流去向不正确"), code=ErrorCode.INVALID_DISPUTE, details=[{"field": "referral"}])
    track = REFERRAL_TRACK.get(referral)
    if track is not None:
        data = _start_stint(d, track, p.get("organisation"), p.get("mediator"), p.get("time_limit_days"), at)
        d.status = DisputeStatus.MEDIATING
        return str(p.get("note") or ""), {"referral": referral, **data}
    d.outcome = Outcome.LITIGATION if referral == Referral.LITIGATION else Outcome.ARBITRATION
    d.closed_at = at
    d.status = DisputeStatus.REFERRED
    return str(p.get("note") or ""), {"referral": referral}


def _request_confirmation(
    d: Dispute, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]
) -> tuple[str, dict[str, Any]]:
    d.confirmation = Confirmation.REQUESTED
    d.confirmation_requested_at = at
    return str(p.get("note") or ""), {}


def _record_confirmation(
    d: Dispute, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]
) -> tuple[str, dict[str, Any]]:
    confirmed = p["confirmed"] is True
    d.confirmation = Confirmation.CONFIRMED if confirmed else Confirmation.REFUSED
    d.confirmation_decided_at = at
    return str(p.get("note") or ""), {"confirmed": confirmed}


def _follow_up(d: Dispute, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    d.performed = p["performed"] is True
    d.followed_up_at = at
    d.closed_at = at
    return str(p.get("note") or ""), {"performed": d.performed}


def _escalate(d: Dispute, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    d.escalated_at = at
    return str(p["note"]).strip(), {"risk_level": d.risk_level}


def _supervise(d: Dispute, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    d.supervised = True
    d.supervised_at = at
    return str(p["note"]).strip(), {}


HANDLERS: dict[str, Handler] = {
    "accept": _accept,
    "reject": _reject,
    "assign": _assign,
    "record_session": _record_session,
    "extend": _extend,
    "agree": _agree,
    "fail": _fail,
    "refer": _refer,
    "request_confirmation": _request_confirmation,
    "record_confirmation": _record_confirmation,
    "follow_up": _follow_up,
    "escalate": _escalate,
    "supervise": _supervise,
}
assert set(HANDLERS) == set(WORKFLOW.transitions), "every mediation step needs a handler"


def dispute_transition(
    *,
    actor: ActorLike,
    dispute: Dispute | int,
    name: str,
    now: dt.datetime | None = None,
    **inputs: Any,
) -> Dispute:
    """Take step ``name`` of the declared workflow on a dispute. Locks the row in the actor's scope, checks the
    state (409), who acts (403), the guard (409) and the required inputs (400), runs the step, settles the status
    among the declared targets and writes the history row and the audit entry.

    Raises NotFound (missing or out of scope), InvalidTransition, PermissionDenied, ValidationFailed."""
    require(actor)
    t = WORKFLOW.get(name)
    if t is None:
        raise ValidationFailed(_("未知的操作：%(name)s") % {"name": name}, code=ErrorCode.UNKNOWN_TRANSITION)
    pk = dispute.pk if isinstance(dispute, Dispute) else int(dispute)
    at = now or timezone.now()
    with transaction.atomic():
        qs = Dispute.objects.select_for_update(of=("self",))
        if not is_system(actor):
            qs = qs.restrict(actor)
        locked = qs.select_related("grid", "type").filter(pk=pk).first()
        if locked is None:
            raise NotFound(_("纠纷不存在"), code=ErrorCode.DISPUTE_NOT_FOUND)
        WORKFLOW.check(t, locked, actor, locked.status, inputs)
        before = audit.snapshot(locked)
        from_status = locked.status
        note, data = HANDLERS[name](locked, actor, at, inputs)
        locked.status = WORKFLOW.settle(t, from_status, locked.status)
        locked.save()
        _event(locked, name, actor, at, from_status, note=note, data=data)
        audit.record(actor=actor, action=f"mediation.{name}", obj=locked, before=before, after=audit.snapshot(locked))
        notifications.on_step(locked, name, at)
    return locked
