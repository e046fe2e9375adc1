"""The 交办单 of a unit (PDF, reportlab, A4 portrait, the CJK font embedded) and the task list as .xlsx (through
the one safe spreadsheet writer, ``core.spreadsheets``).

Font, as the bulletin PDFs: ``WANGGE_PDF_FONT`` ("path" or "path#index") if set, otherwise the first TrueType font
fontconfig lists for Chinese (e.g. WenQuanYi Zen Hei), embedded as a subset; last resort the built-in CID font
STSong-Light, which viewers draw with their own font.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from xml.sax.saxutils import escape

from django.utils import timezone
from openpyxl import Workbook
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from wangge.accounts.models import Unit
from wangge.core.pdffonts import font_name
from wangge.core.spreadsheets import write_row
from wangge.meetings.choices import TaskStatus
from wangge.meetings.deadlines import is_overdue
from wangge.meetings.models import Meeting, Task

log = logging.getLogger(__name__)
XLSX_HEADERS = (
    "交办编号",
    "会议日期",
    "会议",
    "议题",
    "责任单位",
    "交办要求",
    "办结时限",
    "状态",
    "超期",
    "签收时间",
    "反馈办结时间",
    "核销时间",
    "办理结果",
)


def _p(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


def unit_sheet_pdf(meeting: Meeting, unit: Unit, tasks: Iterable[Task]) -> bytes:
    """The 交办单 of ``unit`` for ``meeting``: the meeting, each task with its issue, requirement and deadline, and
    the receipt line (签收人、签收时间) the unit signs."""
    f = font_name()
    title = ParagraphStyle("t", fontName=f, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=3 * mm)
    sub = ParagraphStyle("s", fontName=f, fontSize=10, leading=15, alignment=TA_CENTER)
    body = ParagraphStyle("b", fontName=f, fontSize=11, leading=18, wordWrap="CJK")
    cell = ParagraphStyle("c", fontName=f, fontSize=10, leading=14, wordWrap="CJK")
    rows = list(tasks)
    story: list = [
        Paragraph(_p("交 办 单"), title),
        Paragraph(_p(f"{meeting.title} · {meeting.held_on:%Y年%m月%d日} {meeting.starts_at:%H:%M}"), sub),
        Spacer(1, 4 * mm),
        Paragraph(_p(f"责任单位：{unit.name}"), body),
        Paragraph(_p(f"交办事项：{len(rows)} 项。请于收到后签收，按时限办结并反馈，逾期未办结的列入每日通报。"), body),
        Spacer(1, 3 * mm),
    ]
    table_rows = [[Paragraph(_p(x), cell) for x in ("序号", "交办编号", "议题", "交办要求", "办结时限")]]
    for i, t in enumerate(rows, start=1):
        table_rows.append(
            [
                Paragraph(str(i), cell),
                Paragraph(_p(t.code), cell),
                Paragraph(_p(t.issue.title), cell),
                Paragraph(_p(t.requirement), cell),
                Paragraph(_p(f"{t.deadline:%Y-%m-%d}"), cell),
            ]
        )
    table = Table(table_rows, colWidths=[12 * mm, 30 * mm, 38 * mm, 70 * mm, 24 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("FONTNAME", (0, 0), (-1, -1), f),
            ]
        )
    )
    story += [table, Spacer(1, 12 * mm)]
    signs = [
        [Paragraph(_p("签收人（签名）："), cell), Paragraph(_p("签收时间：    年    月    日    时"), cell)],
        [Paragraph(_p(f"交办单位：{meeting.territory.name}"), cell), Paragraph(_p("（盖章）"), cell)],
    ]
    sign_table = Table(signs, colWidths=[87 * mm, 87 * mm], rowHeights=[14 * mm] * len(signs))
    sign_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("FONTNAME", (0, 0), (-1, -1), f)]))
    story.append(sign_table)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"交办单 {unit.name}",
        author=meeting.territory.name,
    )
    doc.build(story)
    return buffer.getvalue()


def tasks_xlsx(tasks: Iterable[Task]) -> tuple[bytes, int]:
    """The tasks as one sheet (text never becomes a formula); the bytes and the row count."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("交办事项")
    write_row(ws, XLSX_HEADERS)
    now = timezone.now()
    n = 0

    def when(v: object) -> str:
        return f"{timezone.localtime(v):%Y-%m-%d %H:%M}" if v else ""  # type: ignore[arg-type]

    for t in tasks:
        write_row(
            ws,
            (
                t.code,
                t.meeting.held_on,
                t.meeting.title,
                t.issue.title,
                t.unit.name,
                t.requirement,
                t.deadline,
                str(TaskStatus(t.status).label),
                "是" if is_overdue(t, now) else "",
                when(t.signed_at),
                when(t.reported_at),
                when(t.closed_at),
                t.result,
            ),
        )
        n += 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), n
