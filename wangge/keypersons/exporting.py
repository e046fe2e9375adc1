"""Export of the 重点人员 ledger to a workbook (.xlsx), through the one safe spreadsheet writer.

Only the key persons the actor's key-person grants cover are written, with the resident's 公民身份号码 and
phone masked (an export never carries full numbers). Every export is written to the access log (the ids, the
filters, the count and the channel) and to the audit trail (``keypersons.export``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from wangge.core import audit
from wangge.core.spreadsheets import write_row, write_rows
from wangge.core.validators import mask_id_number, mask_phone
from wangge.keypersons import schedule
from wangge.keypersons.access import AccessChannel, log_access
from wangge.keypersons.choices import AccessAction
from wangge.keypersons.models import KeyPerson
from wangge.keypersons.selectors import key_person_scope, visible_key_persons

EXPORT_LIMIT = 50_000


def _headers() -> list[str]:
    return [
        _("编号"),
        _("姓名"),
        _("公民身份号码"),
        _("联系电话"),
        _("所在网格"),
        _("网格编码"),
        _("类别"),
        _("关注等级"),
        _("状态"),
        _("纳入管控日期"),
        _("解除日期"),
        _("走访周期(天)"),
        _("最近走访"),
        _("下次走访期限"),
        _("逾期天数"),
        _("帮扶人(其他)"),
    ]


def _rows(people: list[KeyPerson]) -> Iterator[list[Any]]:
    on = schedule.today()
    for kp in people:
        resident = kp.resident
        yield [
            kp.pk,
            resident.name,
            mask_id_number(resident.id_number or ""),
            mask_phone(resident.phone or ""),
            kp.grid.name,
            kp.grid.code,
            kp.category.name,
            kp.get_level_display(),
            kp.get_status_display(),
            kp.started_on,
            kp.ended_on,
            schedule.interval_days(kp),
            kp.last_visit_at.replace(tzinfo=None) if kp.last_visit_at else None,
            kp.next_visit_due,
            schedule.days_overdue(kp, on) or "",
            kp.helper_names,
        ]


def key_persons_export_xlsx(
    *,
    user: Any,
    channel: AccessChannel | str,
    rows: QuerySet[KeyPerson] | None = None,
    query: Mapping[str, Any] | None = None,
) -> bytes:
    """The key persons of ``rows`` (already filtered; all visible by default) the user may see, as a workbook
    with a frozen header. Logged whatever it holds (an empty export is logged too)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    visible = visible_key_persons(user)
    qs = visible if rows is None else (rows & visible)
    people = list(qs.select_related("resident", "category", "grid").order_by("grid__code", "id")[:EXPORT_LIMIT])
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("重点人员")
    write_row(sheet, _headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    count = write_rows(sheet, _rows(people))
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    log_access(
        user,
        AccessAction.EXPORT,
        [kp.pk for kp in people],
        query=query,
        channel=channel,
        count=count,
        fallback_paths=key_person_scope(user).territory_paths,
    )
    audit.record_export(
        actor=user,
        action="keypersons.export",
        what="keypersons.keyperson",
        fmt="xlsx",
        count=count,
        filters=dict(query or {}),
    )
    return out.getvalue()
