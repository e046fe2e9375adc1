"""The coverage of a warning as a workbook, through the one safe writer (``core.spreadsheets``), audited."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.core import audit
from wangge.core.spreadsheets import write_row, write_rows
from wangge.emergency.models import Warning
from wangge.emergency.selectors import coverage

HEADERS = (
    "网格编码",
    "网格",
    "应通知人数",
    "已通知",
    "须确认",
    "已确认",
    "确认率",
    "未送达",
    "发送中",
    "已上报",
    "住户数",
    "已发短信户数",
    "未送达户数",
)


def coverage_xlsx(*, actor: Any, warning: Warning, ip: str | None = None) -> bytes:
    """The coverage by grid of the warning's current round, with a total row; one audit entry."""
    from openpyxl import Workbook

    c = coverage(warning)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("覆盖情况"))
    write_row(sheet, [f"{warning.code} {warning.title}", timezone.localtime().replace(tzinfo=None, microsecond=0)])
    write_row(sheet, [_(h) for h in HEADERS])

    def share(v: float | None) -> Any:
        return round(v * 100, 1) if v is not None else ""

    rows = [
        [
            g["code"],
            g["name"],
            g["recipients"],
            g["notified"],
            g["must_ack"],
            g["acknowledged"],
            share(g["acknowledged_share"]),
            g["not_reached"],
            g["pending"],
            g["escalated"],
            g["households"],
            g["households_messaged"],
            g["households_not_reached"],
        ]
        for g in c["by_grid"]
    ]
    count = write_rows(sheet, rows)
    write_row(
        sheet,
        [
            _("合计"),
            "",
            c["recipients"],
            c["notified"],
            c["must_ack"],
            c["acknowledged"],
            share(c["acknowledged_share"]),
            c["not_reached"],
            c["pending"],
            c["escalated"],
            c["households"]["total"],
            c["households"]["messaged"],
            c["households"]["not_reached"],
        ],
    )
    out = io.BytesIO()
    book.save(out)
    audit.record_export(
        actor=actor,
        action="emergency.coverage_export",
        what="emergency.warningdelivery",
        fmt="xlsx",
        count=count,
        filters={"warning": warning.code, "revision": warning.revision},
        obj=warning,
        ip=ip,
    )
    return out.getvalue()
