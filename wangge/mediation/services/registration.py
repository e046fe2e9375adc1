"""Registering a dispute (排查登记 and every other source) and converting a work order into one (转调解)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
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
from wangge.mediation import risk
from wangge.mediation.choices import (
    CauseClass,
    DisputeSource,
    DisputeStatus,
    PartyKind,
    PartySide,
    RiskLevel,
)
from wangge.mediation.errors import ErrorCode
from wangge.mediation.models import (
    Dispute,
    DisputeParty,
    DisputeType,
)
from wangge.mediation.services.common import (
    MAX_PARTIES,
    MAX_PEOPLE,
    _event,
    _insert_with_code,
    _problem,
    _refuse,
    _text,
)
from wangge.territory.choices import TerritoryKind
from wangge.territory.locator import grid_of, locate
from wangge.territory.models import Territory

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
