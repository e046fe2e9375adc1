"""The register of mediation organisations and mediators, and the mediators' declared conflicts (回避)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import is_system, require
from wangge.core.crypto import blind_index
from wangge.core.errors import PermissionDenied
from wangge.core.validators import normalise_id_number, normalise_phone, validate_id_number, validate_phone
from wangge.mediation.choices import (
    MediatorKind,
    OrganisationKind,
)
from wangge.mediation.errors import ErrorCode
from wangge.mediation.models import (
    MediationOrganisation,
    Mediator,
    MediatorConflict,
)
from wangge.mediation.services.common import (
    _problem,
    _refuse,
    _text,
)
from wangge.territory.models import Territory

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
