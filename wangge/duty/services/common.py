"""What the duty services share: who may keep a node's records, people on duty named by account or by name and
phone, and the small checks every form of input goes through."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from wangge.accounts.models import User
from wangge.core.actors import is_system
from wangge.core.errors import PermissionDenied, ValidationFailed
from wangge.core.scoping import CHANGE
from wangge.core.validators import normalise_phone, validate_phone
from wangge.duty.errors import ErrorCode
from wangge.territory.models import Territory


def problem(field: str, error: ErrorCode, reason: str) -> dict[str, Any]:
    return {"field": field, "error": error, "reason": reason}


def refuse(field: str, error: ErrorCode, reason: str) -> ValidationFailed:
    return ValidationFailed(reason, code=ErrorCode(error), details=[problem(field, error, reason)])


def may_keep(actor: Any, node: Territory) -> bool:
    """Whether ``actor`` keeps the duty and flood records of ``node``: the ``change`` action over it."""
    if is_system(actor):
        return True
    return bool(Territory.objects.restrict(actor, CHANGE).filter(pk=node.pk).exists())


def check_keeper(actor: Any, node: Territory) -> None:
    if not may_keep(actor, node):
        raise PermissionDenied(
            _("您不负责%(node)s的值班与防汛记录") % {"node": node.name},
            code=ErrorCode.NODE_OUT_OF_SCOPE,
            details=[problem("territory", ErrorCode.NODE_OUT_OF_SCOPE, _("不在您的管理范围内"))],
        )


def text(value: Any, field: str, limit: int, error: ErrorCode, *, required: bool = False) -> str:
    out = str(value or "").strip()
    if required and not out:
        raise refuse(field, error, _("请填写此项"))
    if len(out) > limit:
        raise refuse(field, error, _("不能超过 %(n)s 个字") % {"n": limit})
    return out


def phone_or_blank(value: Any, field: str, error: ErrorCode) -> str:
    phone = normalise_phone(str(value or "").strip()) if value else ""
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            raise refuse(field, error, _("电话号码格式不正确")) from exc
    return phone


def quantity(value: Any, field: str, *, positive: bool = False) -> Decimal:
    """A quantity of supplies: a decimal with at most two places, not negative (``positive``: above zero)."""
    try:
        q = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise refuse(field, ErrorCode.INVALID_QUANTITY, _("数量格式不正确")) from exc
    if not q.is_finite() or q < 0 or (positive and q == 0) or q != q.quantize(Decimal("0.01")) or q >= 10**10:
        raise refuse(field, ErrorCode.INVALID_QUANTITY, _("数量须为不小于 0 的数，至多两位小数"))
    return q.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Person:
    """Someone on duty: a staff account (name and phone taken from it), or a name with a phone."""

    name: str
    phone: str = ""
    user: User | None = None

    def same_as(self, user_id: int | None, name: str, phone: str) -> bool:
        if self.user is not None or user_id is not None:
            return self.user is not None and self.user.pk == user_id
        return self.name == name and self.phone == phone


def person_of(value: Any, field: str = "person") -> Person:
    """A :class:`Person` from an account, a ``{"user": …}`` / ``{"name": …, "phone": …}`` mapping or a Person."""
    if isinstance(value, Person):
        return value
    if isinstance(value, User):
        return Person(name=str(value)[:50], phone=value.mobile or "", user=value)
    if isinstance(value, dict):
        user = value.get("user")
        if isinstance(user, User):
            return person_of(user, field)
        name = text(value.get("name"), field, 50, ErrorCode.INVALID_PERSON, required=True)
        return Person(name=name, phone=phone_or_blank(value.get("phone"), field, ErrorCode.INVALID_PERSON))
    raise refuse(field, ErrorCode.INVALID_PERSON, _("请选择值班人员或填写姓名"))


def local_day(at: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localtime(at).date()
