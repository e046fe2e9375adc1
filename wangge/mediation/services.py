"""Writes on the dispute ledger and the mediation workflow (三调联动).

- :func:`dispute_register` files a dispute (排查登记 and every other source) with its parties; the grid comes
  from the place (the point-in-grid locator, or the grid named), the registrant must keep the ledgers of that
  grid; ID numbers and phones are stored encrypted with blind indexes; the risk level follows ``risk.assess``.
- :func:`dispute_from_work_order` converts a hotline or appeal work order into a dispute: the dispute names
  the work order, and the work order closes through its declared 转调解 step (``refer_to_mediation``), whose
  history row names the dispute — the link both ways, in one transaction.
- :func:`dispute_transition` takes one declared step of ``mediation.workflow`` — the only code that changes
  a dispute's status. Referring a failed mediation to another track keeps the same dispute, so its history
  shows both tracks and the figures count it once.
- :func:`organisation_create`, :func:`mediator_create` and :func:`mediator_declare_conflict` keep the register;
  an assignment refuses a mediator who declared a conflict with a party.

Every write is atomic, writes its history row and an audit entry; a refusal writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.accounts.roles import RECORD
from wangge.core import audit
from wangge.core.actors import is_system, label_of, require, user_of
from wangge.core.crypto import blind_index
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.validators import normalise_id_number, normalise_phone, validate_id_number, validate_phone
from wangge.ledgers.models import Resident
from wangge.mediation import conf, risk
from wangge.mediation.choices import (
    ORGANISATION_TRACK,
    REFERRAL_TRACK,
    AgreementKind,
    CauseClass,
    Confirmation,
    DisputeSource,
    DisputeStatus,
    MediatorKind,
    OrganisationKind,
    Outcome,
    PartyKind,
    PartySide,
    Referral,
    RiskLevel,
    Track,
)
from wangge.mediation.errors import ErrorCode
from wangge.mediation.models import (
    Dispute,
    DisputeEvent,
    DisputeParty,
    DisputeSession,
    DisputeStint,
    DisputeType,
    MediationOrganisation,
    Mediator,
    MediatorConflict,
)
from wangge.mediation.workflow import WORKFLOW
from wangge.territory.choices import TerritoryKind
from wangge.territory.locator import grid_of, locate
from wangge.territory.models import Territory

__all__ = [
    "dispute_from_work_order",
    "dispute_register",
    "dispute_transition",
    "mediator_create",
    "mediator_declare_conflict",
    "new_code",
    "organisation_create",
    "party_keys",
]

CODE_PREFIX = "TJ"
MAX_PARTIES = 50
MAX_PEOPLE = 100000


def new_code(at: dt.datetime) -> str:
    """The next dispute code of the local day of ``at``: ``TJ`` + date + a four-digit sequence."""
    stem = f"{CODE_PREFIX}{timezone.localtime(at):%Y%m%d}"
    last = Dispute.objects.filter(code__startswith=stem).order_by("-code").values_list("code", flat=True).first()
    tail = last[len(stem) :] if last else ""
    seq = int(tail) + 1 if tail.isdigit() else 1
    return f"{stem}{seq:04d}"


def _problem(field: str, error: ErrorCode, reason: str) -> dict[str, Any]:
    return {"field": field, "error": error, "reason": reason}


def _refuse(problems: list[dict[str, Any]]) -> ValidationFailed:
    first = problems[0]
    return ValidationFailed(first["reason"], code=ErrorCode(first["error"]), details=problems)


def _text(value: Any, field: str, limit: int, problems: list[dict[str, Any]], *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        problems.append(_problem(field, ErrorCode.INVALID_DISPUTE, _("请填写此项")))
    elif len(text) > limit:
        problems.append(_problem(field, ErrorCode.INVALID_DISPUTE, _("不能超过 %(n)s 个字") % {"n": limit}))
    return text


def _event(
    dispute: Dispute,
    action: str,
    actor: ActorLike,
    at: dt.datetime,
    from_status: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> DisputeEvent:
    return DisputeEvent.objects.create(
        dispute=dispute,
        action=action,
        from_status=from_status,
        to_status=dispute.status,
        at=at,
        actor=user_of(actor),
        actor_name=label_of(actor)[:150],
        note=note,
        data=data or {},
    )


# --- parties --------------------------------------------------------------------------------------------


def party_keys(parties: Iterable[DisputeParty]) -> set[str]:
    """What identifies each party across disputes: the blind index of the ID number, else the name."""
    return {p.id_number_index or f"name:{p.name}" for p in parties}


def _clean_parties(raw: Sequence[Mapping[str, Any]], problems: list[dict[str, Any]]) -> list[DisputeParty]:
    """The parties as unsaved rows; each problem names its row (``parties[i].field``)."""
    parties: list[DisputeParty] = []
    if len(raw) < 2:
        problems.append(_problem("parties", ErrorCode.PARTIES_REQUIRED, _("至少需要两方当事人")))
    if len(raw) > MAX_PARTIES:
        problems.append(
            _problem("parties", ErrorCode.PARTIES_REQUIRED, _("当事人不能超过 %(n)s 方") % {"n": MAX_PARTIES})
        )
    for i, row in enumerate(raw[:MAX_PARTIES]):
        field = f"parties[{i}]"
        resident = row.get("resident")
        if resident is not None and not isinstance(resident, Resident):
            resident = None
        name = str(row.get("name") or (resident.name if resident else "")).strip()
        if not name:
            problems.append(_problem(f"{field}.name", ErrorCode.PARTIES_REQUIRED, _("请填写当事人姓名或名称")))
        elif len(name) > 100:
            problems.append(_problem(f"{field}.name", ErrorCode.INVALID_DISPUTE, _("不能超过 100 个字")))
        kind = str(row.get("kind") or PartyKind.PERSON)
        if kind not in PartyKind.values:
            problems.append(_problem(f"{field}.kind", ErrorCode.INVALID_DISPUTE, _("当事人类别不正确")))
        side = str(row.get("side") or (PartySide.APPLICANT if i == 0 else PartySide.RESPONDENT))
        if side not in PartySide.values:
            problems.append(_problem(f"{field}.side", ErrorCode.INVALID_DISPUTE, _("当事人身份不正确")))
        id_number = normalise_id_number(str(row.get("id_number") or ""))
        if not id_number and resident is not None:
            id_number = resident.id_number or ""
        if resident is None and id_number and kind == PartyKind.PERSON:
            resident = Resident.objects.filter(id_number_index=blind_index(id_number)).first()  # the ledger's person
        if id_number and kind == PartyKind.PERSON:
            try:
                validate_id_number(id_number)
            except ValidationError:
                problems.append(_problem(f"{field}.id_number", ErrorCode.INVALID_ID_NUMBER, _("公民身份号码不正确")))
        elif len(id_number) > 32:
            problems.append(_problem(f"{field}.id_number", ErrorCode.INVALID_DISPUTE, _("证件号码过长")))
        phone = normalise_phone(str(row.get("phone") or ""))
        if not phone and resident is not None:
            phone = resident.phone or ""
        if phone:
            try:
                validate_phone(phone)
            except ValidationError:
                problems.append(_problem(f"{field}.phone", ErrorCode.INVALID_PHONE, _("电话号码格式不正确")))
        address = str(row.get("address") or (resident.address if resident else "") or "").strip()[:200]
        parties.append(
            DisputeParty(
                side=side,
                kind=kind,
                name=name[:100],
                resident=resident,
                id_number=id_number,
                id_number_index=blind_index(id_number),
                phone=phone,
                phone_index=blind_index(phone),
                address=address,
            )
        )
    return parties


def _is_repeat(parties: list[DisputeParty], exclude: int | None = None) -> bool:
    """An earlier dispute shares at least two of these parties (by ID number, or by name without one)."""
    keys = party_keys(parties)
    indexes = [k for k in keys if not k.startswith("name:")]
    names = [k[5:] for k in keys if k.startswith("name:")]
    rows = DisputeParty.objects.filter(id_number_index__in=indexes).values_list("dispute_id", "id_number_index")
    by_dispute: dict[int, set[str]] = {}
    for dispute_id, key in rows:
        by_dispute.setdefault(dispute_id, set()).add(key)
    if names:
        for dispute_id, name in DisputeParty.objects.filter(name__in=names, id_number_index="").values_list(
            "dispute_id", "name"
        ):
            by_dispute.setdefault(dispute_id, set()).add(f"name:{name}")
    return any(len(found) >= 2 for dispute_id, found in by_dispute.items() if dispute_id != exclude)


# --- place -------------------------------------------------------------------------------------------------


def _place_grid(grid: Territory | None, lng: float | None, lat: float | None) -> Territory:
    located: Territory | None = None
    if lng is not None and lat is not None:
        located = grid_of(locate(float(lng), float(lat)))
        if located is None:
            raise ValidationFailed(
                _("该位置不在本平台任何网格内"),
                code=ErrorCode.OUTSIDE_TERRITORY,
                details=[_problem("location", ErrorCode.OUTSIDE_TERRITORY, _("该位置不在本平台任何网格内"))],
            )
    if grid is not None and grid.kind != TerritoryKind.GRID:
        raise ValidationFailed(
            _("所在网格须为网格一级"),
            code=ErrorCode.PLACE_REQUIRED,
            details=[_problem("grid", ErrorCode.PLACE_REQUIRED, _("所在网格须为网格一级"))],
        )
    if grid is not None and located is not None and grid.pk != located.pk:
        raise ValidationFailed(
            _("所选网格与定位位置不在同一网格"),
            code=ErrorCode.PLACE_MISMATCH,
            details=[_problem("grid", ErrorCode.PLACE_MISMATCH, _("所选网格与定位位置不在同一网格"))],
        )
    found = located or grid
    if found is None:
        raise ValidationFailed(
            _("请选择纠纷所在网格，或提供位置"),
            code=ErrorCode.PLACE_REQUIRED,
            details=[_problem("place", ErrorCode.PLACE_REQUIRED, _("缺少纠纷地点"))],
        )
    return found


def _check_recorder(actor: ActorLike, grid: Territory) -> None:
    if is_system(actor):
        return
    if not Territory.objects.restrict(actor, RECORD).filter(pk=grid.pk).exists():
        raise PermissionDenied(
            _("该地点不在您负责登记的网格内"),
            code=ErrorCode.PLACE_OUT_OF_SCOPE,
            details=[_problem("place", ErrorCode.PLACE_OUT_OF_SCOPE, _("不在登记范围内"))],
        )


def _amount(value: Any, problems: list[dict[str, Any]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        problems.append(_problem("amount", ErrorCode.INVALID_DISPUTE, _("涉及金额须为数字")))
        return None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        problems.append(_problem("amount", ErrorCode.INVALID_DISPUTE, _("涉及金额须为 0 至 1 万亿元")))
        return None
    return amount.quantize(Decimal("0.01"))


def _insert_with_code(dispute: Dispute, at: dt.datetime) -> None:
    """Insert ``dispute`` under the next code of the day, retrying when another writer took it meanwhile."""
    for _attempt in range(5):
        dispute.code = new_code(at)
        try:
            with transaction.atomic():
                dispute.save()
            return
        except IntegrityError:
            if not Dispute.objects.filter(code=dispute.code).exists():
                raise
    dispute.code = f"{new_code(at)[:-4]}{timezone.localtime(at):%H%M%S%f}"[:32]
    dispute.save()


# --- registering ------------------------------------------------------------------------------------------


def _register(
    *,
    actor: ActorLike,
    check_recorder: bool,
    title: str,
    source: str,
    cause_class: str,
    type: DisputeType | None,
    parties: Sequence[Mapping[str, Any]],
    grid: Territory | None,
    lng: float | None,
    lat: float | None,
    address: str,
    description: str,
    amount: Any,
    people_count: int | None,
    threat_of_violence: bool,
    petition_risk: bool,
    declared_risk: str,
    found_at: dt.datetime | None,
    source_reference: str,
    work_order: Any,
    at: dt.datetime,
    action: str,
) -> Dispute:
    found = found_at or at
    problems: list[dict[str, Any]] = []
    if not isinstance(type, DisputeType) or not type.is_active:
        problems.append(_problem("type", ErrorCode.UNKNOWN_DISPUTE_TYPE, _("纠纷类型不存在或已停用")))
    if source not in DisputeSource.values:
        problems.append(_problem("source", ErrorCode.INVALID_DISPUTE, _("来源不正确")))
    if cause_class not in CauseClass.values:
        problems.append(_problem("cause_class", ErrorCode.INVALID_DISPUTE, _("请选择成因类别")))
    if declared_risk not in RiskLevel.values:
        problems.append(_problem("declared_risk", ErrorCode.INVALID_DISPUTE, _("风险等级不正确")))
    title = _text(title, "title", 200, problems, required=True)
    address = _text(address, "address", 200, problems)
    source_reference = _text(source_reference, "source_reference", 100, problems)
    description = str(description or "").strip()
    money = _amount(amount, problems)
    rows = _clean_parties(list(parties), problems)
    count: Any = len(rows) if people_count is None else people_count
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_PEOPLE:
        problems.append(_problem("people_count", ErrorCode.INVALID_DISPUTE, _("涉及人数须为 1 至 100000")))
        count = len(rows)
    elif count < len(rows):
        problems.append(_problem("people_count", ErrorCode.INVALID_DISPUTE, _("涉及人数不能少于当事人数")))
    if found > at:
        problems.append(_problem("found_at", ErrorCode.FOUND_IN_FUTURE, _("发现时间不能晚于当前时间")))
    if problems:
        raise _refuse(problems)
    place = _place_grid(grid, lng, lat)
    if check_recorder:
        _check_recorder(actor, place)
    repeat = _is_repeat(rows)
    assessed = risk.assess(
        declared=declared_risk,
        party_count=len(rows),
        people_count=int(count),
        threat_of_violence=bool(threat_of_violence),
        petition_risk=bool(petition_risk),
        is_repeat=repeat,
    )
    dispute = Dispute(
        title=title,
        description=description,
        source=source,
        work_order=work_order,
        source_reference=source_reference,
        cause_class=cause_class,
        type=type,
        amount=money,
        people_count=int(count),
        party_count=len(rows),
        threat_of_violence=bool(threat_of_violence),
        petition_risk=bool(petition_risk),
        is_repeat=repeat,
        declared_risk=declared_risk,
        risk_level=assessed.level,
        risk_reasons=assessed.reasons,
        grid=place,
        address=address,
        lng=lng,
        lat=lat,
        found_at=found,
        registered_by=user_of(actor),
        registered_by_name=label_of(actor)[:150],
        status=DisputeStatus.REGISTERED,
    )
    _insert_with_code(dispute, at)
    for row in rows:
        row.dispute = dispute
    DisputeParty.objects.bulk_create(rows)
    data = {"work_order": work_order.tracking_code} if work_order is not None else {}
    _event(dispute, action, actor, at, "", note=title, data=data)
    audit.record(
        actor=actor,
        action="mediation.register",
        obj=dispute,
        after={**(audit.snapshot(dispute) or {}), "parties": [p.pk for p in rows]},
    )
    return dispute


def dispute_register(
    *,
    actor: ActorLike,
    title: str,
    cause_class: str,
    type: DisputeType | None,
    parties: Sequence[Mapping[str, Any]],
    source: str = DisputeSource.PATROL,
    grid: Territory | None = None,
    lng: float | None = None,
    lat: float | None = None,
    address: str = "",
    description: str = "",
    amount: Any = None,
    people_count: int | None = None,
    threat_of_violence: bool = False,
    petition_risk: bool = False,
    declared_risk: str = RiskLevel.LOW,
    found_at: dt.datetime | None = None,
    source_reference: str = "",
    now: dt.datetime | None = None,
) -> Dispute:
    """File a dispute with its parties (each a mapping: ``side``, ``kind``, ``name``, ``id_number``, ``phone``,
    ``address``, or ``resident`` — a person of the 基础台账 whose name and numbers are taken when not typed).

    Raises ValidationFailed (a missing or bad field, a bad ID number or phone, fewer than two parties, a place in
    no grid) and PermissionDenied (the grid is not one the actor keeps the ledgers of)."""
    require(actor)
    at = now or timezone.now()
    with transaction.atomic():
        return _register(
            actor=actor,
            check_recorder=True,
            title=title,
            source=source,
            cause_class=cause_class,
            type=type,
            parties=parties,
            grid=grid,
            lng=lng,
            lat=lat,
            address=address,
            description=description,
            amount=amount,
            people_count=people_count,
            threat_of_violence=threat_of_violence,
            petition_risk=petition_risk,
            declared_risk=declared_risk,
            found_at=found_at,
            source_reference=source_reference,
            work_order=None,
            at=at,
            action="register",
        )


def dispute_from_work_order(
    *,
    actor: ActorLike,
    work_order: Any,
    cause_class: str,
    type: DisputeType | None,
    parties: Sequence[Mapping[str, Any]],
    title: str = "",
    description: str = "",
    amount: Any = None,
    people_count: int | None = None,
    threat_of_violence: bool = False,
    petition_risk: bool = False,
    declared_risk: str = RiskLevel.LOW,
    note: str = "",
    now: dt.datetime | None = None,
) -> Dispute:
    """转调解: file a dispute from an open work order (its place, text and caller) and close the work order
    through its 转调解 step. The dispute names the work order and the work order's history names the dispute.

    The actor must see the work order and may take its ``refer_to_mediation`` step (the work order's workflow
    decides: state 409, who acts 403). Raises NotFound, InvalidTransition, PermissionDenied, ValidationFailed."""
    from wangge.workorders.models import WorkOrder
    from wangge.workorders.services.transitions import work_order_transition

    require(actor)
    at = now or timezone.now()
    pk = work_order.pk if isinstance(work_order, WorkOrder) else int(work_order)
    with transaction.atomic():
        qs = WorkOrder.objects.select_for_update(of=("self",))
        if not is_system(actor):
            qs = qs.restrict(actor)
        wo = qs.select_related("grid").filter(pk=pk).first()
        if wo is None:
            raise NotFound(_("工单不存在"))
        if Dispute.objects.filter(work_order=wo).exists():
            raise ValidationFailed(
                _("该工单已转为矛盾纠纷"),
                code=ErrorCode.WORK_ORDER_ALREADY_CONVERTED,
                details=[{"field": "work_order"}],
            )
        grid = wo.grid if wo.grid is not None and wo.grid.kind == TerritoryKind.GRID else None
        has_xy = grid is None and wo.lng is not None and wo.lat is not None
        dispute = _register(
            actor=actor,
            check_recorder=False,  # the work order's own step decides who may convert it
            title=title or wo.title,
            source=DisputeSource.HOTLINE,
            cause_class=cause_class,
            type=type,
            parties=parties,
            grid=grid,
            lng=wo.lng if has_xy else None,
            lat=wo.lat if has_xy else None,
            address=wo.address,
            description=description or wo.description,
            amount=amount,
            people_count=people_count,
            threat_of_violence=threat_of_violence,
            petition_risk=petition_risk,
            declared_risk=declared_risk,
            found_at=min(wo.received_at, at),
            source_reference=wo.tracking_code,
            work_order=wo,
            at=at,
            action="convert",
        )
        text = _("转调解：矛盾纠纷 %(code)s") % {"code": dispute.code}
        work_order_transition(
            actor=actor,
            work_order_id=wo.pk,
            name="refer_to_mediation",
            now=at,
            note=f"{text}\n{note}".strip(),
            dispute=dispute.code,
        )
    return dispute


# --- the register: organisations and mediators -------------------------------------------------------------


def organisation_create(
    *,
    actor: ActorLike,
    name: str,
    kind: str,
    territory: Territory,
    unit: Any = None,
    address: str = "",
    phone: str = "",
) -> MediationOrganisation:
    """Add a mediation organisation in a territory node the actor may change (community/street staff, admins)."""
    require(actor)
    problems: list[dict[str, Any]] = []
    name = _text(name, "name", 100, problems, required=True)
    if kind not in OrganisationKind.values:
        problems.append(_problem("kind", ErrorCode.INVALID_ORGANISATION, _("组织类型不正确")))
    if problems:
        raise _refuse(problems)
    if not is_system(actor) and not Territory.objects.restrict(actor, "change").filter(pk=territory.pk).exists():
        raise PermissionDenied(_("该辖区不在您的管理范围内"), code=ErrorCode.INVALID_ORGANISATION)
    with transaction.atomic():
        org = MediationOrganisation.objects.create(
            name=name, kind=kind, territory=territory, unit=unit, address=str(address)[:200], phone=str(phone)[:32]
        )
        audit.record(actor=actor, action="mediation.organisation_create", obj=org, after=audit.snapshot(org))
    return org


def mediator_create(
    *,
    actor: ActorLike,
    organisation: MediationOrganisation,
    name: str,
    kind: str,
    communities: Iterable[Territory] = (),
    phone: str = "",
    title: str = "",
) -> Mediator:
    """Add a mediator to an organisation the actor may change."""
    require(actor)
    problems: list[dict[str, Any]] = []
    name = _text(name, "name", 50, problems, required=True)
    title = _text(title, "title", 100, problems)
    if kind not in MediatorKind.values:
        problems.append(_problem("kind", ErrorCode.INVALID_MEDIATOR, _("调解员类型不正确")))
    number = normalise_phone(phone) if phone else ""
    if number:
        try:
            validate_phone(number)
        except ValidationError:
            problems.append(_problem("phone", ErrorCode.INVALID_PHONE, _("电话号码格式不正确")))
    if problems:
        raise _refuse(problems)
    if (
        not is_system(actor)
        and not MediationOrganisation.objects.restrict(actor, "change").filter(pk=organisation.pk).exists()
    ):
        raise PermissionDenied(_("该调解组织不在您的管理范围内"), code=ErrorCode.INVALID_ORGANISATION)
    with transaction.atomic():
        mediator = Mediator.objects.create(organisation=organisation, name=name, kind=kind, phone=number, title=title)
        mediator.communities.set(list(communities))
        audit.record(actor=actor, action="mediation.mediator_create", obj=mediator, after=audit.snapshot(mediator))
    return mediator


def mediator_declare_conflict(
    *, actor: ActorLike, mediator: Mediator, person_name: str, relation: str, id_number: str = ""
) -> MediatorConflict:
    """Record that ``mediator`` is related to a person (回避): an assignment to a dispute naming that person
    (by ID number when declared, else by name) is refused."""
    require(actor)
    problems: list[dict[str, Any]] = []
    person_name = _text(person_name, "person_name", 100, problems, required=True)
    relation = _text(relation, "relation", 50, problems, required=True)
    number = normalise_id_number(id_number)
    if number:
        try:
            validate_id_number(number)
        except ValidationError:
            problems.append(_problem("id_number", ErrorCode.INVALID_ID_NUMBER, _("公民身份号码不正确")))
    if problems:
        raise _refuse(problems)
    if not is_system(actor) and not Mediator.objects.restrict(actor, "change").filter(pk=mediator.pk).exists():
        raise PermissionDenied(_("该调解员不在您的管理范围内"), code=ErrorCode.INVALID_MEDIATOR)
    with transaction.atomic():
        conflict = MediatorConflict.objects.create(
            mediator=mediator, person_name=person_name, relation=relation, id_number_index=blind_index(number)
        )
        audit.record(
            actor=actor,
            action="mediation.conflict_declare",
            obj=mediator,
            after={"conflict": conflict.pk, "person_name": person_name, "relation": relation},
        )
    return conflict


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
    return locked
