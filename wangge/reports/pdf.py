"""PDF of a bulletin with Chinese glyphs (reportlab), A4 landscape, page header and "第 x 页 共 y 页" footer.

Font: ``WANGGE_PDF_FONT`` ("path" or "path#index" of a TrueType font or collection) if set; otherwise the
first TrueType font fontconfig lists for Chinese (e.g. WenQuanYi Zen Hei from fonts-wqy-zenhei), embedded
as a subset so the PDF reads the same on any machine. reportlab cannot embed fonts with PostScript (CFF)
outlines, which is what fonts-noto-cjk ships, so those are skipped. Last resort: the built-in CID font
STSong-Light, which viewers draw with their own Chinese font.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as PdfTable

from wangge.core.pdffonts import font_name
from wangge.reports import conf, layout
from wangge.reports.layout import Table

log = logging.getLogger(__name__)
PAGE = landscape(A4)
MARGIN = 14 * mm


def _styles() -> dict[str, ParagraphStyle]:
    f = font_name()
    return {
        "title": ParagraphStyle("title", fontName=f, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=2 * mm),
        "subtitle": ParagraphStyle(
            "subtitle", fontName=f, fontSize=9.5, leading=13, alignment=TA_CENTER, textColor=colors.HexColor("#555555")
        ),
        "h2": ParagraphStyle(
            "h2",
            fontName=f,
            fontSize=13,
            leading=18,
            spaceBefore=5 * mm,
            spaceAfter=2 * mm,
            textColor=colors.HexColor("#14325c"),
        ),
        "body": ParagraphStyle("body", fontName=f, fontSize=11, leading=18, firstLineIndent=22, wordWrap="CJK"),
        "note": ParagraphStyle(
            "note", fontName=f, fontSize=8.5, leading=12, textColor=colors.HexColor("#444444"), wordWrap="CJK"
        ),
        "cell": ParagraphStyle("cell", fontName=f, fontSize=8.5, leading=11, wordWrap="CJK"),
        "head": ParagraphStyle("head", fontName=f, fontSize=8.5, leading=11, alignment=TA_CENTER, wordWrap="CJK"),
    }


class _NumberedCanvas(pdfcanvas.Canvas):
    """Draws the running header and "第 x 页 共 y 页" once the page count is known."""

    header_text = ""
    footer_text = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        width, height = PAGE
        self.saveState()
        self.setFont(font_name(), 8.5)
        self.setFillColor(colors.HexColor("#555555"))
        self.drawString(MARGIN, height - 9 * mm, self.header_text)
        self.drawRightString(width - MARGIN, height - 9 * mm, self.footer_text)
        self.setStrokeColor(colors.HexColor("#999999"))
        self.setLineWidth(0.5)
        self.line(MARGIN, height - 10.5 * mm, width - MARGIN, height - 10.5 * mm)
        self.drawCentredString(width / 2, 8 * mm, f"第 {self._pageNumber} 页　共 {total} 页")
        self.restoreState()


CELL_SIZE = 8.5
CELL_PADDING = 12  # reportlab's default left + right padding


def _column_widths(table: Table, rows: list[dict[str, Any]]) -> list[float]:
    """Columns that do not wrap get the width of their widest text; wrapping columns share the rest in the
    proportions of the layout. If that leaves too little, every column scales with the layout instead."""
    usable = PAGE[0] - 2 * MARGIN
    font = font_name()
    needs: list[float | None] = []
    for col in table.columns:
        if col.wrap:
            needs.append(None)
            continue
        texts = [col.title] + [layout.display(col.get(r), col.format_of(r)) for r in rows]
        needs.append(max(pdfmetrics.stringWidth(t, font, CELL_SIZE) for t in texts) + CELL_PADDING)
    fixed = sum(n for n in needs if n is not None)
    wrap_units = sum(c.width for c, n in zip(table.columns, needs, strict=True) if n is None)
    rest = usable - fixed
    if wrap_units and rest >= wrap_units * 3:
        return [n if n is not None else c.width / wrap_units * rest for c, n in zip(table.columns, needs, strict=True)]
    if not wrap_units and fixed <= usable:
        return [(n or 0.0) * usable / fixed for n in needs]
    scale = usable / sum(c.width for c in table.columns)
    return [c.width * scale for c in table.columns]


def _table(table: Table, styles: dict[str, ParagraphStyle]) -> PdfTable:
    rows = list(table.rows) + ([table.total] if table.total is not None else [])
    col_widths = _column_widths(table, rows)
    head = [Paragraph(escape(c.title), styles["head"]) for c in table.columns]
    body: list[list[Any]] = [head]
    for row in rows:
        cells: list[Any] = []
        for col in table.columns:
            text = layout.display(col.get(row), col.format_of(row))
            cells.append(Paragraph(escape(text), styles["cell"]) if col.wrap else text)
        body.append(cells)
    if not rows:
        body.append(["（无）"] + [""] * (len(table.columns) - 1))
    t = PdfTable(body, colWidths=col_widths, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), font_name(), CELL_SIZE),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#808080")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for i, col in enumerate(table.columns):
        fmt = col.fmt if isinstance(col.fmt, str) else layout.INT
        style.append(("ALIGN", (i, 1), (i, -1), col.align_of(fmt).upper()))
    for r in range(2, len(body), 2):
        style.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#F7F9FC")))
    if table.total is not None:
        style.append(("BACKGROUND", (0, len(body) - 1), (-1, len(body) - 1), colors.HexColor("#EDEDED")))
    if not rows:
        style += [("SPAN", (0, 1), (-1, 1)), ("ALIGN", (0, 1), (-1, 1), "CENTER")]
    t.setStyle(TableStyle(style))
    return t


def document(
    *,
    title: str,
    subtitle: str,
    intro: Iterable[str],
    tables: Iterable[Table],
    header_text: str,
    footer_text: str,
    pdf_title: str,
) -> bytes:
    styles = _styles()
    story: list[Any] = [Paragraph(escape(title), styles["title"]), Paragraph(escape(subtitle), styles["subtitle"])]
    story.append(Spacer(1, 4 * mm))
    for text in intro:
        story.append(Paragraph(escape(text), styles["body"]))
    for number, table in enumerate(tables, start=1):
        heading = Paragraph(escape(f"{_chinese_number(number)}、{table.heading}"), styles["h2"])
        story.append(KeepTogether([heading, _table(table, styles)]) if len(table.rows) < 12 else heading)
        if len(table.rows) >= 12:
            story.append(_table(table, styles))
        for note in table.notes:
            story.append(Spacer(1, 1.5 * mm))
            story.append(Paragraph(escape(note), styles["note"]))
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=15 * mm,
        bottomMargin=14 * mm,
        title=pdf_title,
        author="Wangge",
    )

    class _Canvas(_NumberedCanvas):
        pass

    _Canvas.header_text = header_text
    _Canvas.footer_text = footer_text
    doc.build(story, canvasmaker=_Canvas)
    return out.getvalue()


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


def bulletin_pdf(bulletin: Any) -> bytes:
    from wangge.reports.bulletins import headline
    from wangge.reports.xlsx import bulletin_subtitle

    data = bulletin.data
    if data.get("period") == "week":
        return _weekly_pdf(bulletin)
    day = dt.date.fromisoformat(data["date"])
    date_text = f"{day.year}年{day.month}月{day.day}日"
    tables = layout.bulletin_tables(data)
    tables[0].heading = "主要指标"
    cap = conf.bulletin_pdf_rows()
    for table in tables:
        if table.key in {"overdue", "supervised"} and len(table.rows) > cap:
            table.notes.append(f"PDF 版列出前 {cap} 件，完整清单（{len(table.rows)} 件）见 Excel 版。")
            table.rows = table.rows[:cap]
    return document(
        title=f"{data['scope']['name']}网格化服务管理日通报",
        subtitle=f"{date_text}　{bulletin_subtitle(data)}",
        intro=[headline(data)],
        tables=tables,
        header_text=f"{data['scope']['name']}网格化服务管理日通报（{date_text}）",
        footer_text=f"第 {bulletin.version} 版　生成于 {layout.display(bulletin.generated_at, layout.WHEN)}",
        pdf_title=f"{data['scope']['name']}日通报 {data['date']}",
    )


def _weekly_pdf(bulletin: Any) -> bytes:
    from wangge.reports import weekly
    from wangge.reports.xlsx import bulletin_subtitle

    data = bulletin.data
    period = layout.week_text(data)
    tables = layout.weekly_tables(data)
    tables[0].heading = "主要指标"
    cap = conf.bulletin_pdf_rows()
    for table in tables:
        if len(table.rows) > cap and table.key not in {"summary", "days"}:
            table.notes.append(f"PDF 版列出前 {cap} 行，完整清单（{len(table.rows)} 行）见 Excel 版。")
            table.rows = table.rows[:cap]
    return document(
        title=f"{data['scope']['name']}网格化服务管理周通报",
        subtitle=f"{period}　{bulletin_subtitle(data)}",
        intro=[weekly.headline(data)],
        tables=tables,
        header_text=f"{data['scope']['name']}网格化服务管理周通报（{data['week']}）",
        footer_text=f"第 {bulletin.version} 版　生成于 {layout.display(bulletin.generated_at, layout.WHEN)}",
        pdf_title=f"{data['scope']['name']}周通报 {data['week']}",
    )
