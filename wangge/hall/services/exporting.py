"""The 办件 ledger as a workbook: the rows the actor may view (of the ones asked for), the applicant's numbers
masked, every cell through the safe writer, one audit entry per file."""

from __future__ import annotations

import io
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.permissions import ActorLike
from wangge.core import audit
from wangge.core.actors import is_system, require
from wangge.core.spreadsheets import write_row
from wangge.core.validators import mask_id_number, mask_phone
from wangge.hall.models import Application

__all__ = ["applications_export"]

MAX_ROWS = 50_000


def _headers() -> list[str]:
    return [
        _("办件编号"),
        _("事项编码"),
        _("事项名称"),
        _("实施部门"),
        _("大厅"),
        _("窗口"),
        _("申请渠道"),
        _("申请人类型"),
        _("申请人"),
        _("证件号码/统一社会信用代码"),
        _("联系电话"),
        _("状态"),
        _("收件时间"),
        _("受理时间"),
        _("承诺办结期限"),
        _("办结时间"),
        _("超期"),
        _("经办人"),
    ]


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _row(a: Application) -> list[Any]:
    return [
        a.code,
        a.item.code,
        a.item.name,
        a.department.name if a.department_id else "",
        a.hall.name,
        f"{a.window.number} {a.window.name}" if a.window is not None else "",
        a.get_channel_display(),
        a.get_applicant_kind_display(),
        a.applicant_name,
        mask_id_number(a.applicant_id_number or ""),
        mask_phone(a.applicant_phone or ""),
        a.get_status_display(),
        _when(a.received_at),
        _when(a.accepted_at),
        _when(a.due_at),
        _when(a.finished_at),
        _("是") if a.is_overdue else "",
        (a.staff.display_name or a.staff.username) if a.staff is not None else "",
    ]


def applications_export(
    *,
    actor: ActorLike,
    applications: QuerySet[Application] | None = None,
    filters: dict[str, Any] | None = None,
    ip: str | None = None,
) -> bytes:
    """The 办件 (``applications``, all by default) the actor may view, as an .xlsx, newest first; the ID number
    and phone masked. Written to the audit trail with the filters and the row count."""
    from openpyxl import Workbook

    require(actor)
    qs = applications if applications is not None else Application.objects.all()
    if not is_system(actor):
        qs = qs.filter(pk__in=Application.objects.restrict(actor).values("pk"))
    qs = qs.select_related("item", "department", "hall", "window", "staff").order_by("-received_at", "-id")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("办件台账"))
    ws.freeze_panes = "A2"
    write_row(ws, _headers())
    count = 0
    for a in qs[:MAX_ROWS].iterator(chunk_size=500):
        write_row(ws, _row(a))
        count += 1
    buffer = io.BytesIO()
    wb.save(buffer)
    audit.record_export(
        actor=actor,
        action="hall.ledger_export",
        what="hall.application",
        fmt="xlsx",
        count=count,
        filters=filters,
        ip=ip,
    )
    return buffer.getvalue()
