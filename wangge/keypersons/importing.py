"""The ``key_persons`` ledger kind: importing a list of 重点人员 (e.g. the 社区矫正 list a 司法所 hands over) from
a workbook, all or nothing, and exporting the ledger with ``ledger_export``.

Headers: 公民身份号码, 类别 (required), 关注等级, 纳入管控日期, 走访周期(天), 帮扶人, 管控情况. A row names a resident
already in the 基础台账 by ID number (found through the blind index) within the importer's key-person grants
(the command line acts as the system and may name any resident); the resident must be current and not already
under 管控 in that category. Each row is written through ``services.key_person_create``, so each addition is in
the access log; an export is logged there too, and never carries full numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from wangge.core.actors import is_system
from wangge.core.crypto import blind_index
from wangge.core.validators import mask_id_number, normalise_id_number
from wangge.keypersons import schedule
from wangge.keypersons.access import AccessChannel, log_access
from wangge.keypersons.choices import AccessAction, AttentionLevel, KeyPersonStatus
from wangge.keypersons.errors import ErrorCode
from wangge.keypersons.models import KeyPerson, KeyPersonCategory
from wangge.keypersons.scope import key_person_scope
from wangge.keypersons.selectors import pickable_residents
from wangge.keypersons.services import key_person_create
from wangge.ledgers.choices import ResidentStatus
from wangge.ledgers.importing.cells import problem
from wangge.ledgers.importing.codes import ImportCode
from wangge.ledgers.kinds import Column, LedgerKind, Problem, Record
from wangge.ledgers.models import Resident
from wangge.ledgers.records import as_date, as_text

COLUMNS: tuple[Column, ...] = (
    Column("id_number", "公民身份号码", True, ("id_number", "身份证号"), "须为基础台账中已登记的在册居民"),
    Column("category", "类别", True, ("category", "人员类别"), ""),
    Column("level", "关注等级", False, ("level",), "一般关注、重点关注、高度关注；留空为一般关注"),
    Column("started_on", "纳入管控日期", False, ("started_on",), "如 2025-06-03；留空为今天"),
    Column("visit_interval_days", "走访周期(天)", False, ("走访周期", "visit_interval_days"), "留空则按类别的走访周期"),
    Column("helper_names", "帮扶人", False, ("helper_names", "帮扶人(其他)"), "最多200字"),
    Column("notes", "管控情况", False, ("notes",), ""),
)
EXAMPLE = ("410403199001010017", "社区矫正对象", "一般关注", "2025-06-03", 30, "社区民警、网格员", "每月报到")


@dataclass
class _Row:
    row: int
    resident: Resident
    category: KeyPersonCategory
    fields: dict[str, Any]


def _categories() -> dict[str, KeyPersonCategory]:
    by: dict[str, KeyPersonCategory] = {}
    for category in KeyPersonCategory.objects.filter(is_active=True):
        by[category.key.lower()] = category
        by.setdefault(category.name, category)
    return by


def _level(text: str) -> str | None:
    if not text:
        return str(AttentionLevel.NORMAL)
    for member in AttentionLevel:
        if text in (member.value, str(member.label)):
            return str(member.value)
    return None


def _residents(actor: Any, records: list[Record]) -> dict[str, Resident]:
    """The residents the rows name, by blind index, among those the importer may place under 管控."""
    indexes = {blind_index(normalise_id_number(as_text(raw.get("id_number")))) for _row, raw in records}
    pool = Resident.objects.all() if is_system(actor) else pickable_residents(actor, current_only=False)
    found: dict[str, Resident] = {}
    wanted = sorted(i for i in indexes if i)
    for start in range(0, len(wanted), 500):
        for resident in pool.filter(id_number_index__in=wanted[start : start + 500]).select_related("grid"):
            found[resident.id_number_index] = resident
    return found


def validate(actor: Any, records: list[Record]) -> tuple[list[_Row], list[Problem]]:
    categories = _categories()
    residents = _residents(actor, records)
    active = set(
        KeyPerson.objects.filter(
            status=KeyPersonStatus.ACTIVE, resident__in=[r.pk for r in residents.values()]
        ).values_list("resident_id", "category_id")
    )
    first_row: dict[tuple[int, int], int] = {}
    plan: list[_Row] = []
    problems: list[Problem] = []
    today = schedule.today()
    for row, raw in records:
        found: list[Problem] = []
        fields: dict[str, Any] = {}
        number = normalise_id_number(as_text(raw.get("id_number")))
        resident = residents.get(blind_index(number)) if number else None
        if not number:
            found.append(problem(row, "id_number", ErrorCode.REQUIRED, _("公民身份号码不能为空")))
        elif resident is None:
            reason = _("基础台账中没有此身份证号的居民（或不在您的管控范围内）")
            found.append(problem(row, "id_number", ErrorCode.RESIDENT_NOT_FOUND, reason))
        elif resident.status != ResidentStatus.CURRENT:
            found.append(problem(row, "id_number", ErrorCode.RESIDENT_ARCHIVED, _("该居民已迁出或死亡（已归档）")))
        text = as_text(raw.get("category"))
        category = categories.get(text) or categories.get(text.lower())
        if category is None:
            reason = _("无法识别类别“%(t)s”，可填：%(v)s") % {
                "t": text,
                "v": "、".join(sorted({c.name for c in categories.values()})),
            }
            found.append(problem(row, "category", ErrorCode.CATEGORY_INACTIVE, reason))
        level = _level(as_text(raw.get("level")))
        if level is None:
            labels = "、".join(str(m.label) for m in AttentionLevel)
            found.append(problem(row, "level", ErrorCode.INVALID_CHOICE, _("关注等级可填：%(v)s") % {"v": labels}))
        fields["level"] = level
        try:
            started = as_date(raw.get("started_on")) or today
        except ValueError:
            found.append(problem(row, "started_on", ErrorCode.INVALID_DATE, _("日期格式不正确（应为 2025-06-03）")))
        else:
            if started > today:
                found.append(problem(row, "started_on", ErrorCode.INVALID_DATE, _("纳入管控日期不能晚于今天")))
            fields["started_on"] = started
        interval = as_text(raw.get("visit_interval_days"))
        fields["visit_interval_days"] = None
        if interval:
            try:
                days = float(interval)
                if not days.is_integer() or not schedule.MIN_INTERVAL_DAYS <= days <= schedule.MAX_INTERVAL_DAYS:
                    raise ValueError(interval)
                fields["visit_interval_days"] = int(days)
            except ValueError:
                reason = _("走访周期须为 %(low)d 至 %(high)d 之间的整数") % {
                    "low": schedule.MIN_INTERVAL_DAYS,
                    "high": schedule.MAX_INTERVAL_DAYS,
                }
                found.append(problem(row, "visit_interval_days", ErrorCode.INVALID_INTERVAL, reason))
        for key, limit in (("helper_names", 200), ("notes", 2000)):
            value = as_text(raw.get(key))
            if len(value) > limit:
                found.append(problem(row, key, ErrorCode.TOO_LONG, _("不能超过 %(n)d 个字") % {"n": limit}))
            fields[key] = value
        if resident is not None and category is not None:
            pair = (resident.pk, category.pk)
            if pair in first_row:
                reason = _("与第 %(row)d 行重复（同一居民、同一类别）") % {"row": first_row[pair]}
                found.append(problem(row, "id_number", ImportCode.DUPLICATE_IN_FILE, reason))
            else:
                first_row[pair] = row
                if pair in active:
                    reason = _("该居民已在此类别下管控")
                    found.append(problem(row, "category", ErrorCode.ALREADY_ACTIVE, reason))
        problems.extend(found)
        if not found and resident is not None and category is not None:
            plan.append(_Row(row, resident, category, fields))
    return plan, problems


def write(actor: Any, plan: list[_Row], source: str) -> int:
    """Each row through the service (one access-log entry per addition), inside the import's transaction."""
    for item in plan:
        key_person_create(
            actor=actor,
            resident=item.resident,
            category=item.category,
            level=item.fields["level"],
            helper_names=item.fields["helper_names"],
            visit_interval_days=item.fields["visit_interval_days"],
            started_on=item.fields["started_on"],
            notes=item.fields["notes"],
            channel=AccessChannel.CLI,
        )
    return len(plan)


def key_person_row(kp: KeyPerson, reveal: bool) -> list[Any]:
    """The import's columns; the numbers are always masked (the restricted ledger never exports them)."""
    return [
        mask_id_number(kp.resident.id_number or ""),
        kp.category.name,
        kp.get_level_display(),
        kp.started_on,
        kp.visit_interval_days,
        kp.helper_names,
        kp.notes,
    ]


def key_persons_queryset() -> QuerySet[Any]:
    return KeyPerson.objects.select_related("resident", "category").order_by("grid__path", "id")


def log_export(actor: Any, queryset: QuerySet[Any], fmt: str) -> None:
    """An export of the kind, in the access log with the ids it held."""
    ids = list(queryset.values_list("pk", flat=True))
    log_access(
        actor,
        AccessAction.EXPORT,
        ids,
        query={"format": fmt},
        channel=AccessChannel.CLI,
        count=len(ids),
        fallback_paths=key_person_scope(actor).territory_paths,
    )


def may_import(actor: Any) -> bool:
    """The system, or a holder of the key-person role (``record`` gives nothing here)."""
    return is_system(actor) or not key_person_scope(actor).empty


def _notes() -> list[tuple[str, str]]:
    names = "、".join(KeyPersonCategory.objects.filter(is_active=True).values_list("name", flat=True))
    return [("类别", _("可填：%(v)s") % {"v": names}), ("公民身份号码", _("导出时号码始终脱敏"))]


def key_person_kind() -> LedgerKind:
    return LedgerKind(
        key="key_persons",
        label=_("重点人员"),
        columns=COLUMNS,
        validate=validate,
        write=write,
        queryset=key_persons_queryset,
        export_row=key_person_row,
        example=EXAMPLE,
        instructions=_notes,
        audit_what="keypersons.keyperson",
        on_export=log_export,
        may_import=may_import,
    )
