"""Excel 台账 as people know them: merged title, frozen header, number formats, print-ready A4 landscape."""

from __future__ import annotations

import datetime as dt
import io
import math
import unicodedata
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from wangge.core.spreadsheets import write_cell
from wangge.reports import layout
from wangge.reports.layout import Column, Table

FONT = "宋体"
TITLE_FONT = "黑体"
# Numbers keep a space's width from the right border ("_ "): LibreOffice ignores an indent on the right.
NUMBER_FORMATS = {
    layout.INT: "#,##0_ ",
    layout.PCT: "0.00%_ ",
    layout.DAYS: "0.0_ ",
    layout.DEC2: "0.00_ ",
    layout.WHEN: "yyyy-mm-dd hh:mm",
    layout.SIGNED_INT: "+#,##0_ ;-#,##0_ ;0_ ",
    layout.SIGNED_PCT: "+0.00%_ ;-0.00%_ ;0.00%_ ",
    layout.TEXT: "@",
}
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
TITLE_ROW, SUBTITLE_ROW = 1, 2
MISSING = "—"


def _cell_value(value: Any, fmt: str) -> Any:
    if value is None:
        return None
    if fmt == layout.WHEN and isinstance(value, str):
        return layout.when(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def write_table(
    ws: Worksheet,
    table: Table,
    *,
    subtitle: str,
    header_text: str,
    footer_text: str,
) -> None:
    """One table per sheet: title (merged), subtitle (merged), header, rows, total row, notes, print set-up."""
    ncols = len(table.columns)
    last = get_column_letter(ncols)
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    title = write_cell(ws, TITLE_ROW, 1, table.heading)
    title.font = Font(name=TITLE_FONT, size=16, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[TITLE_ROW].height = 32
    ws.merge_cells(f"A{SUBTITLE_ROW}:{last}{SUBTITLE_ROW}")
    sub = write_cell(ws, SUBTITLE_ROW, 1, subtitle)
    sub.font = Font(name=FONT, size=10, color="404040")
    sub.alignment = Alignment(horizontal="right", vertical="center")
    ws.row_dimensions[SUBTITLE_ROW].height = 18

    header_row = SUBTITLE_ROW + 1
    for i, col in enumerate(table.columns, start=1):
        c = write_cell(ws, header_row, i, col.title)
        c.font = Font(name=FONT, size=10, bold=True)
        c.fill = HEADER_FILL
        c.border = BORDER
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = col.width
    # Tall enough for headers that wrap in narrow columns ("巡查签到（15）").
    header_lines = max(math.ceil(text_width(col.title) / max(1.0, col.width - 1.5)) for col in table.columns)
    ws.row_dimensions[header_row].height = max(24.0, header_lines * LINE_HEIGHT + 6)

    row_no = header_row
    for row in table.rows:
        row_no += 1
        _write_row(ws, row_no, table.columns, row)
    if table.total is not None:
        row_no += 1
        _write_row(ws, row_no, table.columns, table.total, total=True)
    if not table.rows:
        row_no += 1
        for i in range(1, ncols + 1):  # a merged cell draws the borders of the cells it covers
            ws.cell(row_no, i).border = BORDER
        ws.merge_cells(start_row=row_no, start_column=1, end_row=row_no, end_column=ncols)
        c = write_cell(ws, row_no, 1, "（无）")
        c.alignment = Alignment(horizontal="center", vertical="center")
        c.font = Font(name=FONT, size=10, color="808080")
        ws.row_dimensions[row_no].height = 20
    for note in table.notes:
        row_no += 2 if note is table.notes[0] else 1
        ws.merge_cells(start_row=row_no, start_column=1, end_row=row_no, end_column=ncols)
        c = write_cell(ws, row_no, 1, note)
        c.font = Font(name=FONT, size=9, color="404040")
        c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row_no].height = max(18, 15 * (1 + len(note) // max(1, int(_total_width(table) / 1.1))))

    ws.freeze_panes = ws.cell(header_row + 1, table.freeze_cols + 1).coordinate
    _print_setup(ws, header_row, header_text, footer_text)


def _total_width(table: Table) -> float:
    return sum(c.width for c in table.columns)


def text_width(text: str) -> int:
    """Width in spreadsheet column units: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


LINE_HEIGHT = 14.0  # points per line of 10-point text


def _write_row(ws: Worksheet, row_no: int, columns: list[Column], row: dict[str, Any], total: bool = False) -> None:
    lines = 1
    for i, col in enumerate(columns, start=1):
        fmt = col.format_of(row)
        value = col.get(row)
        if col.wrap and isinstance(value, str):
            # Spreadsheets do not grow rows for wrapped text on their own: size the row for the longest cell.
            lines = max(lines, math.ceil(text_width(value) / max(1.0, col.width - 1.5)))
        cell_value = _cell_value(value, fmt)
        align = col.align_of(fmt)
        if cell_value is None and fmt != layout.TEXT:
            # No figure (a rate without a denominator): a dash, as the page and the PDF show it.
            cell_value, align = MISSING, "center"
        c = write_cell(ws, row_no, i, cell_value)
        c.number_format = NUMBER_FORMATS.get(fmt, "General") if cell_value is not MISSING else "@"
        c.border = BORDER
        c.font = Font(name=FONT, size=10, bold=total)
        c.alignment = Alignment(
            horizontal=align, vertical="center", wrap_text=col.wrap, indent=1 if align == "left" else 0
        )
        if total:
            c.fill = TOTAL_FILL
    ws.row_dimensions[row_no].height = max(18.0, lines * LINE_HEIGHT + 4)


def _print_setup(ws: Worksheet, header_row: int, header_text: str, footer_text: str) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddHeader.center.text = header_text
    ws.oddHeader.center.size = 9
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9
    ws.oddFooter.right.text = footer_text
    ws.oddFooter.right.size = 8


def workbook(
    tables: Iterable[Table], *, subtitle: str, header_text: str, footer_text: str, properties_title: str
) -> bytes:
    wb = Workbook()
    first = True
    for table in tables:
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        ws.title = table.title[:31]
        write_table(ws, table, subtitle=subtitle, header_text=header_text, footer_text=footer_text)
        first = False
    wb.properties.title = properties_title
    wb.properties.creator = "Wangge"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def bulletin_subtitle(data: dict[str, Any]) -> str:
    return (
        f"统计范围：{data['scope']['name']}　统计截至：{layout.as_of_text(data)}"
        f"　满意率口径：{data['satisfaction_label']}"
    )


def bulletin_xlsx(bulletin: Any) -> bytes:
    data = bulletin.data
    if data.get("period") == "week":
        return workbook(
            layout.weekly_tables(data),
            subtitle=bulletin_subtitle(data),
            header_text=f"{data['scope']['name']}网格化服务管理周通报（{layout.week_text(data)}）",
            footer_text=f"第 {bulletin.version} 版　生成于 {layout.display(bulletin.generated_at, layout.WHEN)}",
            properties_title=f"{data['scope']['name']}周通报 {data['week']}",
        )
    day = dt.date.fromisoformat(data["date"])
    return workbook(
        layout.bulletin_tables(data),
        subtitle=bulletin_subtitle(data),
        header_text=f"{data['scope']['name']}网格化服务管理日通报（{day.year}年{day.month}月{day.day}日）",
        footer_text=f"第 {bulletin.version} 版　生成于 {layout.display(bulletin.generated_at, layout.WHEN)}",
        properties_title=f"{data['scope']['name']}日通报 {data['date']}",
    )


def assessments_xlsx(rows: list[Any], *, year: int, month: int) -> bytes:
    """网格员月度考评表: one row per worker, every item's score, total, grade, ladder."""
    from wangge.reports import conf
    from wangge.reports.assessment import grade_label, is_pending
    from wangge.reports.choices import AssessmentStatus

    auto = conf.auto_items()
    manual = conf.manual_items()

    def auto_score(key: str) -> Any:
        return lambda r: (r["a"].auto_items.get(key) or {}).get("score")  # 不适用 items score full (assessment)

    def manual_score(key: str) -> Any:
        return lambda r: float(r["a"].manual_items[key]) if key in (r["a"].manual_items or {}) else None

    columns = [
        Column("序号", lambda r: r["_n"], layout.INT, 6, align="center"),
        Column("街道", lambda r: r["a"].street.name, layout.TEXT, 12, wrap=True),
        Column("社区", lambda r: r["a"].community.name, layout.TEXT, 12, wrap=True),
        Column("网格", lambda r: r["a"].grid.name, layout.TEXT, 12, wrap=True),
        Column("网格员", lambda r: str(r["a"].worker), layout.TEXT, 10),
    ]
    columns += [
        Column(f"{cfg['label']}（{cfg['points']}）", auto_score(key), layout.DEC2, 10, wrap=True)
        for key, cfg in auto.items()
    ]
    columns.append(Column("自动得分", lambda r: float(r["a"].auto_score), layout.DEC2, 9))
    columns += [
        Column(f"{i['label']}（{i['points']}）", manual_score(i["key"]), layout.DEC2, 10, wrap=True) for i in manual
    ]
    columns += [
        Column("人工得分", lambda r: float(r["a"].manual_score), layout.DEC2, 9),
        Column("总分", lambda r: None if is_pending(r["a"]) else float(r["a"].total), layout.DEC2, 8),
        Column("等次", lambda r: grade_label(r["a"]), layout.TEXT, 9),
        Column("街道排名", lambda r: r["a"].street_rank, layout.INT, 8),
        Column("阶梯晋级", lambda r: "晋级" if r["a"].promoted else "", layout.TEXT, 8),
        Column("状态", lambda r: str(AssessmentStatus(r["a"].status).label), layout.TEXT, 10),
    ]
    table = Table(
        "网格员考评",
        "网格员考评",
        f"网格员月度考评结果表（{year}年{month}月）",
        columns,
        [{"a": a, "_n": i} for i, a in enumerate(rows, start=1)],
        notes=[
            f"百分制：自动考评项按工作记录计算，人工考评项由社区评分、街道审核确认；"
            f"{conf.reward_score():g} 分及以上积分定优，{conf.pass_score():g} 分以下为不合格；"
            f"阶梯晋级按各街道网格员总数的 {conf.ladder_proportion():.0%} 确定。",
            "人工考评项尚未评分的，总分留空、等次为“待评分”；自动考评项本月无可计量内容的为“不适用”，按满分计。",
        ],
        freeze_cols=5,
    )
    return workbook(
        [table],
        subtitle=f"共 {len(rows)} 人",
        header_text=f"网格员月度考评结果表（{year}年{month}月）",
        footer_text="",
        properties_title=f"网格员考评 {year}-{month:02d}",
    )
