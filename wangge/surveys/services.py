"""Writes of 一表: templates, their versions, and the forms grid workers fill in on patrol.

A template's fields live in versions. Publishing makes a new version (the next number); earlier versions stay
as they were, and a filled form keeps the version it was filled on, so it always reads against its own fields.
Only an administrator (the ``administer`` action somewhere, or the system) creates templates and publishes
versions; the engine (``surveys.engine``) checks every version before it is saved.

A submission (:func:`submission_create`) is one transaction: the submitter must hold ``record`` over the grid
(which comes from the target row, the given grid or the position); the photos are sanitised; the answers are
cleaned by the engine against the template's current version; then its actions run — answers mapped to the
ledger (``maps_to``) are written to the target row, a household form stamps the household's
``last_visited_at``, and a version whose ``actions.open_case_when`` holds opens a case through the one intake
service. Any refusal writes nothing. Every write is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.roles import ADMINISTER, RECORD
from wangge.core import audit, uploads
from wangge.core.actors import is_system, require, user_of
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.scoping import VIEW, scope_for
from wangge.ledgers import services as ledgers
from wangge.ledgers.models import Building, Household, Merchant, Resident
from wangge.surveys import engine
from wangge.surveys.choices import FieldKind, FormTarget
from wangge.surveys.errors import ErrorCode
from wangge.surveys.models import FormSubmission, FormTemplate, FormVersion, SubmissionPhoto
from wangge.territory.choices import TerritoryKind
from wangge.territory.locator import grid_of, locate
from wangge.territory.models import Territory
from wangge.workorders.choices import AppealType, Channel
from wangge.workorders.models import Category, WorkOrder
from wangge.workorders.services.intake import work_order_create

__all__ = [
    "check_definition",
    "current_version",
    "submission_create",
    "template_create",
    "version_publish",
]

# The ledger row of each target, and the FormSubmission field that holds it.
TARGET_MODELS: dict[str, type[Any]] = {
    FormTarget.HOUSEHOLD: Household,
    FormTarget.BUILDING: Building,
    FormTarget.MERCHANT: Merchant,
    FormTarget.RESIDENT: Resident,
}
PICKER_MODELS: dict[str, type[Any]] = {
    FieldKind.RESIDENT: Resident,
    FieldKind.BUILDING: Building,
    FieldKind.MERCHANT: Merchant,
}


def _require_administer(actor: Any) -> None:
    require(actor)
    if is_system(actor) or not scope_for(actor, ADMINISTER).empty:
        return
    raise PermissionDenied(_("只有管理员可以维护表单模板"), code=ErrorCode.TEMPLATE_FORBIDDEN)


def check_definition(fields: Any, actions: Any, *, target: str) -> None:
    """Raise ValidationFailed (``invalid_definition``, every problem in ``details``) unless the version's fields and
    actions are sound for a template about ``target`` and the case category of the actions exists."""
    problems = engine.definition_problems(fields, actions, target=target)
    code = (actions or {}).get("category_code") if isinstance(actions, Mapping) else None
    if not problems and code and not _active_category(code):
        problems.append(
            engine.problem(
                "actions.category_code",
                ErrorCode.UNKNOWN_CATEGORY,
                _("分类编码不在当前生效的分类字典中：%(code)s") % {"code": code},
            )
        )
    if problems:
        raise ValidationFailed(problems[0]["reason"], code=ErrorCode.INVALID_DEFINITION, details=problems)


def _active_category(code: str) -> Category | None:
    return Category.objects.filter(category_set__is_active=True, code=code).first()


@transaction.atomic
def template_create(
    *,
    actor: Any,
    key: str,
    name: str,
    target: str = FormTarget.NONE,
    fields: list[dict[str, Any]],
    actions: dict[str, Any] | None = None,
    description: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> FormTemplate:
    """A new template with its first version, published."""
    _require_administer(actor)
    problems: list[dict[str, Any]] = []
    if not key or len(key) > 40 or not engine.NAME_RE.match(key.replace("-", "_")):
        problems.append(engine.problem("key", ErrorCode.BAD_FIELD, _("表单键须为小写字母开头的字母、数字、下划线")))
    elif FormTemplate.objects.filter(key=key).exists():
        problems.append(engine.problem("key", ErrorCode.KEY_TAKEN, _("表单键已被使用")))
    if not name.strip() or len(name) > 100:
        problems.append(engine.problem("name", ErrorCode.BAD_FIELD, _("表单名称须为 1 至 100 个字符")))
    if target not in FormTarget.values:
        problems.append(engine.problem("target", ErrorCode.BAD_FIELD, _("未知的关联对象")))
    if problems:
        raise ValidationFailed(problems[0]["reason"], code=ErrorCode(problems[0]["error"]), details=problems)
    template = FormTemplate.objects.create(key=key, name=name.strip(), target=target, description=description)
    audit.record(actor=actor, action="surveys.template_create", obj=template, after=audit.snapshot(template))
    version_publish(actor=actor, template=template, fields=fields, actions=actions, note=note, at=at)
    return template


@transaction.atomic
def version_publish(
    *,
    actor: Any,
    template: FormTemplate,
    fields: list[dict[str, Any]],
    actions: dict[str, Any] | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> FormVersion:
    """Publish the next version of ``template``; earlier versions (and the forms filled on them) stay as they are."""
    _require_administer(actor)
    template = FormTemplate.objects.select_for_update().get(pk=template.pk)
    check_definition(fields, actions or {}, target=template.target)
    number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = FormVersion.objects.create(
        template=template,
        number=number,
        fields=fields,
        actions=actions or {},
        note=note[:200],
        created_by=user_of(actor),
        published_at=at or timezone.now(),
    )
    audit.record(
        actor=actor,
        action="surveys.version_publish",
        obj=template,
        after={"version": version.pk, "number": number, "fields": len(fields), "note": version.note},
        only_changes=False,
    )
    return version


def current_version(template: FormTemplate) -> FormVersion | None:
    """The newest published version of ``template``."""
    return template.versions.filter(published_at__isnull=False).order_by("-number").first()


# --- submissions ------------------------------------------------------------------------------------------


def _target_row(actor: Any, template: FormTemplate, given: Mapping[str, Any]) -> Any:
    """The row the form is about, seen by the actor (out of scope reads as missing)."""
    for kind, row in given.items():
        if row is not None and kind != template.target:
            raise ValidationFailed(
                _("该表单不关联%(kind)s") % {"kind": FormTarget(kind).label},
                code=ErrorCode.TARGET_MISMATCH,
                details=[engine.problem(kind, ErrorCode.TARGET_MISMATCH, _("该表单不关联此类对象"))],
            )
    if template.target == FormTarget.NONE:
        return None
    row = given.get(template.target)
    if row is None:
        label = FormTarget(template.target).label
        raise ValidationFailed(
            _("请选择%(kind)s") % {"kind": label},
            code=ErrorCode.TARGET_REQUIRED,
            details=[engine.problem(template.target, ErrorCode.TARGET_REQUIRED, _("请选择%(kind)s") % {"kind": label})],
        )
    model = TARGET_MODELS[template.target]
    qs = model.objects.select_related("grid").filter(pk=row.pk)
    found = qs.first() if is_system(actor) else qs.restrict(actor, VIEW).first()
    if found is None:
        raise NotFound(_("对象不存在"), code=ErrorCode.TARGET_NOT_FOUND)
    return found


def _grid_for(row: Any, grid: Territory | None, lng: float | None, lat: float | None) -> Territory:
    if row is not None:
        found: Territory = row.grid
        return found
    if grid is None and lng is not None and lat is not None:
        grid = grid_of(locate(lng, lat))
    if grid is None or grid.kind != TerritoryKind.GRID:
        raise ValidationFailed(
            _("请选择网格，或在网格内定位"),
            code=ErrorCode.GRID_REQUIRED,
            details=[engine.problem("grid", ErrorCode.GRID_REQUIRED, _("请选择网格，或在网格内定位"))],
        )
    return grid


def _require_record(actor: Any, grid: Territory) -> None:
    if is_system(actor) or scope_for(actor, RECORD).covers_path(grid.path):
        return
    if scope_for(actor, VIEW).covers_path(grid.path):
        raise PermissionDenied(_("您无权在该网格填报"), code=ErrorCode.RECORD_FORBIDDEN)
    raise NotFound(_("网格不存在"), code=ErrorCode.TARGET_NOT_FOUND)


def _pickable(actor: Any) -> engine.Pickable:
    def pickable(kind: str, pk: int) -> bool:
        qs = PICKER_MODELS[kind].objects.filter(pk=pk)
        return bool((qs if is_system(actor) else qs.restrict(actor, VIEW)).exists())

    return pickable


def _check_position(lng: float | None, lat: float | None) -> tuple[float, float] | None:
    if lng is None and lat is None:
        return None
    pair = engine.parse_location({"lng": lng, "lat": lat})
    if pair is None:
        raise ValidationFailed(
            _("位置须为经度(-180~180)、纬度(-90~90)"),
            code=ErrorCode.BAD_LOCATION,
            details=[engine.problem("location", ErrorCode.BAD_LOCATION, _("位置须为经度(-180~180)、纬度(-90~90)"))],
        )
    return pair


def _ledger_failed(field: str, reason: str) -> ValidationFailed:
    return ValidationFailed(
        reason,
        code=ErrorCode.LEDGER_UPDATE_FAILED,
        details=[engine.problem(field, ErrorCode.LEDGER_UPDATE_FAILED, reason)],
    )


def _append_note(old: str, text: str, stamp: str) -> str:
    line = f"[{stamp}] {text}"
    return f"{old.rstrip()}\n{line}" if old.strip() else line


# The ledgers' own update service of each target (they check the scope, clean the values, keep the phone's
# blind index and write the ledger's audit entry).
LEDGER_UPDATES: dict[str, Callable[..., Any]] = {
    "household": ledgers.household_update,
    "resident": ledgers.resident_update,
    "building": ledgers.building_update,
    "merchant": ledgers.merchant_update,
}


def _apply_ledger(
    *, actor: Any, submission: FormSubmission, row: Any, version: FormVersion, clean: Mapping[str, Any]
) -> list[str]:
    """Write the answers mapped to the ledger (``maps_to``) onto the target row (and, for ``household.head.phone``,
    the household's head) through the ledgers' services; a value their rules refuse refuses the submission, named
    at the form's field. Returns the attributes written."""
    updates = engine.ledger_updates(version.fields, clean)
    if not updates or row is None:
        return []
    field_of = {f.get("maps_to"): f["name"] for f in version.fields if f.get("maps_to")}
    stamp = f"{timezone.localtime(submission.submitted_at):%Y-%m-%d} {submission.template.name}"
    calls: dict[tuple[str, int], dict[str, Any]] = {}
    targets: dict[tuple[str, int], Any] = {}
    for key, value in updates.items():
        kind, attr = key.split(".", 1)
        obj = row
        if attr == "head.phone":
            obj = Resident.objects.filter(pk=row.head_id).first()
            if obj is None:
                raise _ledger_failed(field_of[key], _("该户未登记户主，无法写入户主联系电话"))
            kind, attr = "resident", "phone"
        if attr == "notes":
            value = _append_note(obj.notes, value, stamp)
        ident = (kind, obj.pk)
        targets[ident] = obj
        calls.setdefault(ident, {})[attr] = (key, value)
    for ident, given in calls.items():
        kind = ident[0]
        try:
            LEDGER_UPDATES[kind](actor=actor, **{kind: targets[ident]}, **{a: v for a, (_k, v) in given.items()})
        except ValidationFailed as exc:
            problems = exc.details if isinstance(exc.details, list) else []
            attr = next((str(p.get("field")) for p in problems if isinstance(p, dict)), "")
            key = given[attr][0] if attr in given else next(iter(given.values()))[0]
            raise _ledger_failed(field_of[key], exc.message) from exc
    return sorted(updates)


def _district_of(grid: Territory) -> Territory | None:
    prefixes = [grid.path[:i] for i in range(Territory.steplen, len(grid.path) + 1, Territory.steplen)]
    district: Territory | None = Territory.objects.filter(path__in=prefixes, kind=TerritoryKind.DISTRICT).first()
    return district


def _row_position(row: Any) -> tuple[float | None, float | None]:
    for candidate in (row, getattr(row, "building", None)):
        if candidate is not None and getattr(candidate, "lng", None) is not None and candidate.lat is not None:
            return candidate.lng, candidate.lat
    return None, None


def _open_case(
    *,
    actor: Any,
    submission: FormSubmission,
    row: Any,
    version: FormVersion,
    clean: Mapping[str, Any],
    photos: list[uploads.CleanFile],
    at: dt.datetime,
) -> WorkOrder:
    """A case through the one intake service, at the row's position (or the form's, or the row's address)."""
    actions = version.actions
    template = submission.template
    title_field = actions.get("title_field")
    title = str(clean.get(title_field) or "") if title_field else ""
    place = str(getattr(row, "address", "") or "") if row is not None else ""
    title = (title or f"{template.name}：{place or submission.grid.name}").strip()
    desc_field = actions.get("description_field")
    lines = [str(clean[desc_field])] if desc_field and clean.get(desc_field) else []
    for spec in engine.visible_fields(version.fields, clean):
        if spec["name"] in clean and spec["kind"] != FieldKind.PHOTO:
            lines.append(f"{spec['label']}：{engine.display_value(spec, clean[spec['name']])}")
    lines.append(_("来源：%(form)s（填报记录 %(pk)s）") % {"form": template.name, "pk": submission.pk})
    lng, lat = _row_position(row) if row is not None else (None, None)
    if lng is None:
        lng, lat = submission.lng, submission.lat
    code = actions.get("category_code")
    category = _active_category(code) if code else None
    if code and category is None:
        raise ValidationFailed(
            _("分类编码不在当前生效的分类字典中：%(code)s") % {"code": code}, code=ErrorCode.UNKNOWN_CATEGORY
        )
    return work_order_create(
        actor=actor,
        channel=Channel.PATROL,
        appeal_type=AppealType.REPORT,
        title=title[:200],
        description="\n".join(lines),
        category=category,
        lng=lng,
        lat=lat,
        address=place[:200] or submission.grid.name,
        district=None if lng is not None else _district_of(submission.grid),
        photos=[ContentFile(p.content, name=p.name) for p in photos],
        now=at,
    )


def submission_create(
    *,
    actor: Any,
    template: FormTemplate,
    grid: Territory | None = None,
    household: Household | None = None,
    building: Building | None = None,
    merchant: Merchant | None = None,
    resident: Resident | None = None,
    answers: Mapping[str, Any],
    lng: float | None = None,
    lat: float | None = None,
    photos: Mapping[str, Iterable[Any]] | None = None,
    at: dt.datetime | None = None,
    is_synthetic: bool = False,
) -> FormSubmission:
    """File one filled form and run its actions — all or nothing.

    Raises NotFound (the target row or grid out of the actor's scope), PermissionDenied (seen but no ``record``
    right there), ValidationFailed (``submission_invalid`` with every problem of the answers in ``details``,
    or a target, grid, position, photo or ledger refusal)."""
    require(actor)
    at = at or timezone.now()
    version = current_version(template) if template.is_active else None
    if version is None:
        raise ValidationFailed(_("该表单未启用"), code=ErrorCode.TEMPLATE_INACTIVE)
    given: dict[str, Any] = {
        FormTarget.HOUSEHOLD: household,
        FormTarget.BUILDING: building,
        FormTarget.MERCHANT: merchant,
        FormTarget.RESIDENT: resident,
    }
    row = _target_row(actor, template, given)
    position = _check_position(lng, lat)
    the_grid = _grid_for(row, grid, *(position or (None, None)))
    _require_record(actor, the_grid)
    files = {name: [f for f in batch or () if f] for name, batch in (photos or {}).items()}
    files = {name: batch for name, batch in files.items() if batch}
    clean, problems = engine.validate_answers(
        version.fields, answers, photos={k: len(v) for k, v in files.items()}, pickable=_pickable(actor)
    )
    if problems:
        raise ValidationFailed(
            _("填报内容有误：%(reason)s") % problems[0], code=ErrorCode.SUBMISSION_INVALID, details=problems
        )
    order = [(name, upload) for name, batch in files.items() for upload in batch]
    cleaned = uploads.sanitise_all([u for _n, u in order])
    with transaction.atomic():
        submission = FormSubmission.objects.create(
            version=version,
            template=template,
            grid=the_grid,
            answers=clean,
            lng=position[0] if position else None,
            lat=position[1] if position else None,
            submitted_by=user_of(actor),
            submitted_by_name=str(getattr(actor, "display_name", "") or actor)[:150],
            submitted_at=at,
            is_synthetic=is_synthetic,
            **({template.target: row} if row is not None else {}),
        )
        stored: dict[str, list[int]] = {}
        for (name, _upload), clean_file in zip(order, cleaned, strict=True):
            photo = SubmissionPhoto.objects.create(
                submission=submission, field=name, file=clean_file.as_file(), content_type=clean_file.content_type
            )
            stored.setdefault(name, []).append(photo.pk)
        if stored:
            submission.answers = {**clean, **stored}
            submission.save(update_fields=["answers"])
        changed = _apply_ledger(actor=actor, submission=submission, row=row, version=version, clean=clean)
        stamped = None
        if template.target == FormTarget.HOUSEHOLD and row is not None:
            # The visit counts toward 入户排查 coverage; a form entered late never moves the stamp back.
            stamped = (
                Household.objects.filter(pk=row.pk)
                .filter(Q(last_visited_at__isnull=True) | Q(last_visited_at__lt=at))
                .update(last_visited_at=at)
            )
        if engine.wants_case(version.actions, clean):
            submission.work_order = _open_case(
                actor=actor, submission=submission, row=row, version=version, clean=clean, photos=cleaned, at=at
            )
            submission.save(update_fields=["work_order"])
        audit.record(
            actor=actor,
            action="surveys.submission_create",
            obj=submission,
            after={
                "template": template.key,
                "version": version.number,
                "grid": the_grid.code,
                "target": template.target,
                "target_id": row.pk if row is not None else None,
                "photos": sum(len(v) for v in stored.values()),
                "ledger": changed,
                "last_visited_at": at.isoformat() if stamped else None,
                "work_order": submission.work_order_id,
            },
            only_changes=False,
        )
    return submission
