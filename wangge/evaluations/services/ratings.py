"""好差评: a rating of a finished 办件, once (一次一评), by the window's static QR code or by the online link.

By the QR code the rater proves they hold the 办件: its number plus the last four digits of the applicant's phone,
or the six-digit code printed on the receipt (:func:`receipt_code`). Failed checks are counted per 办件 number
(``conf.check_rate``) so the digits cannot be tried one after another; the pages and the API also count ratings
per address (``conf.rating_rate``). The online link carries a signed token (:func:`rating_link_token`) valid
``conf.link_days()`` days. A 差评 opens its rectification in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit, crypto, ratelimit
from wangge.core.actors import require
from wangge.core.errors import Conflict, NotFound, ValidationFailed
from wangge.core.validators import normalise_phone, validate_phone
from wangge.evaluations import conf
from wangge.evaluations.choices import BAD_LEVELS, EvaluationChannel, Reason
from wangge.evaluations.errors import ErrorCode
from wangge.evaluations.models import Evaluation
from wangge.evaluations.services.rectifications import rectification_open
from wangge.hall.choices import ApplicationStatus
from wangge.hall.models import Application, Window

__all__ = ["application_for_token", "evaluation_create", "rating_link_token", "receipt_code"]

LINK_SALT = "wangge.evaluations.link"


def receipt_code(application: Application) -> str:
    """The six digits printed on the 办件's receipt (回执) for the QR rating page."""
    digest = salted_hmac("wangge.evaluations.receipt", application.code).hexdigest()
    return f"{int(digest[:12], 16) % 1_000_000:06d}"


def rating_link_token(application: Application) -> str:
    """The signed token of the 办件's online rating link."""
    return signing.dumps({"a": application.code}, salt=LINK_SALT, compress=True)


def application_for_token(token: str) -> Application:
    """The 办件 an online rating link names; a forged or expired token is refused."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=conf.link_days() * 86400)
    except signing.BadSignature as exc:
        raise NotFound(_("评价链接无效或已过期"), code=ErrorCode.LINK_INVALID) from exc
    app = Application.objects.select_related("hall", "item").filter(code=str(data.get("a", ""))).first()
    if app is None:
        raise NotFound(_("评价链接无效或已过期"), code=ErrorCode.LINK_INVALID)
    return app


def rating_hit(address: str) -> ratelimit.Decision:
    """Count one rating attempt from a client address (the public page and the API): refused past
    ``conf.rating_rate()``."""
    return ratelimit.hit("evaluations.rate", address or "-", conf.rating_rate())


def _not_found() -> NotFound:
    return NotFound(_("办件编号或验证信息不正确"), code=ErrorCode.APPLICATION_NOT_FOUND)


def _checked(code: str, phone_last4: str, receipt: str) -> Application:
    key = code.strip().upper()
    rate = conf.check_rate()
    if not ratelimit.check("evaluations.check", key, rate).allowed:
        raise ValidationFailed(_("验证失败次数过多，请稍后再试"), code=ErrorCode.TOO_MANY_TRIES)
    app = Application.objects.select_related("hall", "item").filter(code=key).first()
    ok = False
    if app is not None:
        digits = "".join(ch for ch in (app.applicant_phone or "") if ch.isdigit())
        given = phone_last4.strip()
        ok = (len(given) == 4 and len(digits) >= 4 and digits[-4:] == given) or (
            bool(receipt.strip()) and receipt.strip() == receipt_code(app)
        )
    if not ok:
        ratelimit.hit("evaluations.check", key, rate)
        raise _not_found()
    assert app is not None
    return app


def evaluation_create(
    *,
    actor: ActorLike,
    level: int,
    channel: str = EvaluationChannel.QR,
    code: str = "",
    phone_last4: str = "",
    receipt: str = "",
    token: str = "",
    window: Window | None = None,
    reasons: Iterable[str] = (),
    comment: str = "",
    rater_name: str = "",
    rater_phone: str = "",
    is_complaint: bool = False,
    now: dt.datetime | None = None,
) -> Evaluation:
    """Rate a finished 办件 once. By the QR code (``channel=qr``): ``code`` with ``phone_last4`` or ``receipt``,
    and the ``window`` whose code was scanned (it must be of the 办件's hall); online: the link's ``token``.
    A name with a phone makes the rating real-name; a complaint (投诉) must be real-name. A 差评 opens its
    rectification. Raises NotFound (no such 办件, the check failed, a bad link), ValidationFailed (bad input, too
    many failed checks, another hall's window, not finished) and Conflict (already rated)."""
    require(actor)
    if channel not in EvaluationChannel.values:
        raise ValidationFailed(_("评价渠道不正确"), code=ErrorCode.INVALID_RATING, details=[{"field": "channel"}])
    app = application_for_token(token) if channel == EvaluationChannel.ONLINE else _checked(code, phone_last4, receipt)
    problems: list[dict[str, str]] = []
    try:
        value = int(level)
    except (TypeError, ValueError):
        value = 0
    if value not in range(1, 6):
        problems.append({"field": "level", "reason": "invalid"})
    picked = [str(r) for r in reasons]
    if any(r not in Reason.values for r in picked):
        problems.append({"field": "reasons", "reason": "unknown_reason"})
    name = rater_name.strip()[:50]
    phone = normalise_phone(rater_phone) if rater_phone.strip() else ""
    if phone:
        try:
            validate_phone(phone)
        except ValidationError:
            problems.append({"field": "rater_phone", "reason": "invalid_phone"})
    if is_complaint and not (name and phone):
        problems.append({"field": "rater_phone", "reason": "complaint_needs_real_name"})
    if problems:
        raise ValidationFailed(_("评价信息不完整或格式不正确"), code=ErrorCode.INVALID_RATING, details=problems)
    if window is not None and window.hall_id != app.hall_id:
        raise ValidationFailed(_("该办件不是在本大厅办理的"), code=ErrorCode.WRONG_WINDOW)
    if app.status != ApplicationStatus.FINISHED:
        raise ValidationFailed(_("办件办结后才能评价"), code=ErrorCode.NOT_FINISHED)
    at = now or timezone.now()
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=app.pk)
            if Evaluation.objects.filter(application=locked).exists():
                raise Conflict(_("该办件已评价（一次一评）"), code=ErrorCode.ALREADY_RATED)
            ev = Evaluation.objects.create(
                code=f"PJ{locked.code}"[:32],
                application=locked,
                hall_id=locked.hall_id,
                window_id=locked.window_id or (window.pk if window is not None else None),
                staff_id=locked.staff_id,
                item_id=locked.item_id,
                department_id=locked.department_id,
                level=value,
                is_bad=value in BAD_LEVELS,
                reasons=sorted(set(picked)),
                comment=comment.strip()[:2000],
                channel=channel,
                is_complaint=is_complaint,
                rater_name=name,
                rater_phone=phone,
                rater_phone_index=crypto.blind_index(phone),
                is_real_name=bool(name and phone),
                rated_at=at,
            )
            audit.record(actor=actor, action="evaluations.rate", obj=ev, after=audit.snapshot(ev))
            if ev.is_bad:
                rectification_open(actor=actor, application=locked, at=at, evaluation=ev, problem=ev.comment)
    except IntegrityError as exc:  # two ratings at once: the one-to-one link keeps the second out
        raise Conflict(_("该办件已评价（一次一评）"), code=ErrorCode.ALREADY_RATED) from exc
    return ev
