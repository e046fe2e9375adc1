"""The steps of a round: ``round_transition`` — the only code that changes a round's status — and its handlers.

Submitting (``submit_round``) records each item's result against the round's checklist version, keeps the photos
through the one upload sanitiser, takes the position the browser sent (WGS-84 unless ``crs`` says otherwise)
and flags — never refuses — a submission farther from the point than ``conf.max_distance_m()`` or without a
position, and one after the due time (late). Every failed item whose checklist says so opens a work order
through the one intake service (``work_order_create``), with the item's category, at the point (so it lands in
the point's grid and is routed like any other case), on the 检查发现 channel, with the item's photos; the
result row links the round and the case.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit, uploads
from wangge.core.actors import is_system, label_of, require, user_of
from wangge.core.errors import NotFound, ValidationFailed
from wangge.core.geo import to_wgs84
from wangge.core.workflow import InvalidTransition
from wangge.inspections import conf
from wangge.inspections.choices import ItemKind, Verdict
from wangge.inspections.errors import ErrorCode
from wangge.inspections.models import ChecklistItem, Round, RoundPhoto, RoundResult
from wangge.inspections.selectors import district_of
from wangge.inspections.services.common import event, problem, refuse
from wangge.inspections.workflow import WORKFLOW

__all__ = ["distance_m", "round_submit", "round_transition"]

Handler = Callable[[Round, ActorLike, dt.datetime, Mapping[str, Any]], tuple[str, dict[str, Any]]]
EARTH_RADIUS_M = 6371008.8


def distance_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle distance in metres between two WGS-84 positions."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "yes", "y", "是", "on", "pass", "ok"}:
        return True
    if text in {"false", "0", "no", "n", "否", "off", "fail"}:
        return False
    return None


def _evaluate(
    items: list[ChecklistItem], results: Mapping[str, Any], photos: Mapping[str, list[Any]]
) -> list[dict[str, Any]]:
    """Each item's value and whether it passed; raises ValidationFailed listing every problem."""
    problems: list[dict[str, Any]] = []
    keys = {i.key for i in items}
    for key in results:
        if key not in keys:
            problems.append(problem(f"results.{key}", ErrorCode.INVALID_RESULTS, _("体检表中没有该检查项")))
    out = []
    for item in items:
        field = f"results.{item.key}"
        raw = results.get(item.key)
        empty = raw is None or (isinstance(raw, str) and not raw.strip())
        row: dict[str, Any] = {"item": item, "value_bool": None, "value_number": None, "value_text": "", "passed": True}
        if item.kind == ItemKind.PHOTO:
            if item.required and not photos.get(item.key):
                problems.append(problem(field, ErrorCode.INVALID_RESULTS, _("请上传%(label)s") % {"label": item.label}))
            out.append(row)
            continue
        if empty:
            if item.required:
                problems.append(
                    problem(field, ErrorCode.INVALID_RESULTS, _("请填写：%(label)s") % {"label": item.label})
                )
            out.append(row)
            continue
        if item.kind == ItemKind.YES_NO:
            value = _as_bool(raw)
            if value is None:
                problems.append(problem(field, ErrorCode.INVALID_RESULTS, _("请选择是或否")))
            row["value_bool"] = value
            row["passed"] = value is not False
        elif item.kind == ItemKind.NUMBER:
            try:
                number = Decimal(str(raw).strip())
                if not number.is_finite() or abs(number) >= Decimal("1e10"):
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                problems.append(problem(field, ErrorCode.INVALID_RESULTS, _("请填写数字")))
                out.append(row)
                continue
            row["value_number"] = number.quantize(Decimal("0.01"))
            low, high = item.min_value, item.max_value
            row["passed"] = (low is None or number >= low) and (high is None or number <= high)
        else:
            text = str(raw).strip()
            if len(text) > 2000:
                problems.append(problem(field, ErrorCode.INVALID_RESULTS, _("不能超过 2000 字")))
            row["value_text"] = text[:2000]
        out.append(row)
    if problems:
        raise refuse(problems)
    return out


def _position(r: Round, p: Mapping[str, Any]) -> dict[str, Any]:
    lng, lat = p.get("lng"), p.get("lat")
    if lng in (None, "") or lat in (None, ""):
        return {"lng": None, "lat": None, "distance_m": None, "far_from_point": False, "no_position": True}
    try:
        lng_f, lat_f = float(lng), float(lat)
        if not (-180 <= lng_f <= 180 and -90 <= lat_f <= 90):
            raise ValueError
        wlng, wlat = to_wgs84(lng_f, lat_f, str(p.get("crs") or "wgs84"))
    except (TypeError, ValueError):
        raise ValidationFailed(
            _("定位坐标不正确"),
            code=ErrorCode.INVALID_RESULTS,
            details=[problem("location", ErrorCode.INVALID_RESULTS, _("定位坐标不正确"))],
        ) from None
    d = distance_m(wlng, wlat, r.point.lng, r.point.lat)
    return {
        "lng": wlng,
        "lat": wlat,
        "distance_m": round(d, 1),
        "far_from_point": d > conf.max_distance_m(),
        "no_position": False,
    }


def _category(code: str) -> Any:
    from wangge.workorders.models import Category

    if not code:
        return None
    return Category.objects.filter(code=code, is_active=True, category_set__is_active=True).first()


def _open_case(r: Round, row: RoundResult, actor: ActorLike, at: dt.datetime, photos: list[uploads.CleanFile]) -> Any:
    from wangge.workorders.choices import AppealType, Channel
    from wangge.workorders.services.intake import work_order_create

    point, item = r.point, row.item
    if item.kind == ItemKind.NUMBER:
        shown = f"{row.value_number}{item.unit}"
        bounds = "～".join(str(v) if v is not None else "" for v in (item.min_value, item.max_value))
        finding = _("%(label)s：%(value)s（合格范围 %(range)s%(unit)s）") % {
            "label": item.label,
            "value": shown,
            "range": bounds,
            "unit": item.unit,
        }
    else:
        finding = _("%(label)s：否") % {"label": item.label}
    lines = [
        _("%(type)s“%(point)s”（%(code)s）巡查体检不合格。")
        % {"type": point.type.name, "point": point.name, "code": point.code},
        finding,
        _("巡查周期：%(start)s 至 %(end)s；巡查人：%(who)s。")
        % {"start": r.period_start.isoformat(), "end": r.period_end.isoformat(), "who": label_of(actor)},
    ]
    if r.note:
        lines.append(r.note)
    return work_order_create(
        actor=actor,
        channel=Channel.INSPECTION,
        appeal_type=AppealType.REPORT,
        title=_("%(point)s：%(label)s不合格") % {"point": point.name, "label": item.label},
        description="\n".join(lines),
        category=_category(item.category_code),
        lng=point.lng,
        lat=point.lat,
        address=(point.address or point.name)[:200],
        district=district_of(r.grid),
        point=point,
        photos=[clean.as_file() for clean in photos],
        now=at,
    )


def _submit(r: Round, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    items = list(r.template.items.order_by("ordering", "id"))
    raw_photos: Mapping[str, Iterable[Any]] = p.get("photos") or {}
    photos = {k: [f for f in (v or ()) if f] for k, v in raw_photos.items()}
    evaluated = _evaluate(items, p.get("results") or {}, photos)
    unknown = [k for k in photos if k not in {i.key for i in items}]
    if unknown:
        raise refuse([problem(f"photos.{k}", ErrorCode.INVALID_RESULTS, _("体检表中没有该检查项")) for k in unknown])
    cleaned = {k: uploads.sanitise_all(v, accept=uploads.IMAGES) for k, v in photos.items() if v}
    if sum(len(v) for v in cleaned.values()) > uploads.max_files() * 2:
        raise ValidationFailed(
            _("每次巡查最多上传 %(n)s 张照片") % {"n": uploads.max_files() * 2}, code=ErrorCode.TOO_MANY_PHOTOS
        )
    where = _position(r, p)
    for k, v in where.items():
        setattr(r, k, v)
    accuracy = p.get("accuracy")
    try:
        r.accuracy_m = round(float(accuracy), 1) if accuracy not in (None, "") else None
    except (TypeError, ValueError):
        r.accuracy_m = None
    r.submitted_at = at
    r.submitted_by = user_of(actor)
    r.submitted_by_name = label_of(actor)[:150]
    r.is_late = at > r.due_at
    r.note = str(p.get("note") or "").strip()[:2000]
    by_key = {i.key: i for i in items}
    stored: dict[str, list[uploads.CleanFile]] = {}
    for key, batch in cleaned.items():
        stored[key] = batch
        RoundPhoto.objects.bulk_create(
            [
                RoundPhoto(
                    round=r, item=by_key[key], file=c.as_file(), content_type=c.content_type, uploaded_by=user_of(actor)
                )
                for c in batch
            ]
        )
    failed = opened = 0
    cases: list[str] = []
    for row in evaluated:
        result = RoundResult.objects.create(round=r, **row)
        if result.passed:
            continue
        failed += 1
        if result.item.opens_case:
            wo = _open_case(r, result, actor, at, stored.get(result.item.key, []))
            result.work_order = wo
            result.save(update_fields=["work_order"])
            opened += 1
            cases.append(wo.tracking_code)
    r.failed_items = failed
    r.cases_opened = opened
    data = {
        "late": r.is_late,
        "distance_m": r.distance_m,
        "far_from_point": r.far_from_point,
        "no_position": r.no_position,
        "failed_items": failed,
        "cases": cases,
        "photos": sum(len(v) for v in stored.values()),
    }
    return r.note, data


def _mark_missed(r: Round, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    if at <= r.closes_at:
        raise InvalidTransition(_("巡查任务尚未截止，不能记为漏巡"), code=ErrorCode.NOT_PAST_DUE)
    return "", {"closes_at": r.closes_at.isoformat()}


def _excuse(r: Round, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return str(p["note"]).strip(), {}


def _spot_check(r: Round, actor: ActorLike, at: dt.datetime, p: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    agree = p["agree"] is True or _as_bool(p["agree"]) is True
    r.verdict = Verdict.AGREE if agree else Verdict.DISAGREE
    r.checked_at = at
    r.checked_by = user_of(actor)
    r.check_note = str(p.get("note") or "").strip()[:2000]
    return r.check_note, {"verdict": r.verdict}


HANDLERS: dict[str, Handler] = {
    "submit_round": _submit,
    "mark_missed": _mark_missed,
    "excuse": _excuse,
    "spot_check": _spot_check,
}
assert set(HANDLERS) == set(WORKFLOW.transitions), "every round step needs a handler"


def round_transition(
    *,
    actor: ActorLike,
    round: Round | int,
    name: str,
    now: dt.datetime | None = None,
    **inputs: Any,
) -> Round:
    """Take step ``name`` of the declared workflow on a round. Locks the row in the actor's scope, checks the
    state (409), who acts (403), the guard (409) and the required inputs (400), runs the step, settles the status
    among the declared targets and writes the history row and the audit entry, all in one transaction.

    ``submit_round`` takes ``results`` ({item key: value}), ``photos`` ({item key: [files]}), ``lng``/``lat``
    (``crs``, ``accuracy``) and ``note``. Raises NotFound (missing or out of scope), InvalidTransition,
    PermissionDenied, ValidationFailed."""
    require(actor)
    t = WORKFLOW.get(name)
    if t is None:
        raise ValidationFailed(_("未知的操作：%(name)s") % {"name": name}, code=ErrorCode.UNKNOWN_TRANSITION)
    pk = round.pk if isinstance(round, Round) else int(round)
    at = now or timezone.now()
    with transaction.atomic():
        qs = Round.objects.select_for_update(of=("self",))
        if not is_system(actor):
            qs = qs.restrict(actor)
        locked = qs.select_related("grid", "point", "point__type", "template").filter(pk=pk).first()
        if locked is None:
            raise NotFound(_("巡查任务不存在"), code=ErrorCode.ROUND_NOT_FOUND)
        WORKFLOW.check(t, locked, actor, locked.status, inputs)
        before = audit.snapshot(locked)
        from_status = locked.status
        note, data = HANDLERS[name](locked, actor, at, inputs)
        locked.status = WORKFLOW.settle(t, from_status, locked.status)
        locked.save()
        event(locked, name, actor, at, from_status, note=note, data=data)
        audit.record(
            actor=actor,
            action=f"inspections.{name}",
            obj=locked,
            before=before,
            after={**(audit.snapshot(locked) or {}), **data},
        )
    return locked


def round_submit(
    *,
    actor: ActorLike,
    round: Round | int,
    results: Mapping[str, Any],
    photos: Mapping[str, Iterable[Any]] | None = None,
    lng: float | None = None,
    lat: float | None = None,
    crs: str = "wgs84",
    accuracy: float | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Round:
    """体检: submit a round (the ``submit_round`` step of :func:`round_transition`)."""
    return round_transition(
        actor=actor,
        round=round,
        name="submit_round",
        now=now,
        results=results,
        photos=dict(photos or {}),
        lng=lng,
        lat=lat,
        crs=crs,
        accuracy=accuracy,
        note=note,
    )
