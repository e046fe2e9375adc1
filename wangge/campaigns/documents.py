"""The campaign bulletin (专项整治通报, 通报责任主体) as files: .xlsx through ``core.spreadsheets`` (the one safe
writer) and PDF with reportlab, A4 landscape, the CJK font embedded.

Font, as the bulletin PDFs of the reports app (which this app may not import): ``WANGGE_PDF_FONT`` ("path" or
"path#index") if set, otherwise the first TrueType font fontconfig lists for Chinese (e.g. WenQuanYi Zen Hei),
embedded as a subset; last resort the built-in CID font STSong-Light, which viewers draw with their own font.
Every figure comes from ``campaigns.selectors.campaign_bulletin``.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from wangge.campaigns.models import Campaign
from wangge.campaigns.selectors import DEFINITIONS, campaign_bulletin, quantity_rows
from wangge.core.pdffonts import font_name
from wangge.core.spreadsheets import write_row

log = logging.getLogger(__name__)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BY_LABELS = {"territory": "按属地", "unit": "按责任单位"}


def number(value: Any) -> Any:
    """A Decimal quantity as the reader expects it: 53 rather than 53.00, 12.5 rather than 12.50."""
    if isinstance(value, Decimal):
        q = value.normalize()
        return int(q) if q == q.to_integral_value() else float(q)
    return value


def text_number(value: Any) -> str:
    n = number(value)
    return f"{n:g}" if isinstance(n, float) else str(n)


def file_stem(campaign: Campaign) -> str:
    return f"{campaign.code}-bulletin"


def headline(data: dict[str, Any]) -> str:
    t, c = data["totals"], data["campaign"]
    parts = [
        f"{c['name']}（{c['start_date']:%Y年%-m月%-d日}至{c['end_date']:%Y年%-m月%-d日}，{c['status_label']}）："
        f"应排查点位 {t['points']} 处，已排查 {t['inspected']} 处（{t['inspected_pct']}%），"
        f"排查记录 {t['findings']} 条，发现问题 {t['problem_findings']} 处；"
        f"专项工单 {t['cases']} 件，已结案 {t['closed']} 件，超期 {t['overdue']} 件"
    ]
    if t["quantities"]:
        parts.append(
            "；累计" + "，".join(f"{q['name']} {text_number(q['total'])} {q['unit']}" for q in t["quantities"])
        )
    return "".join(parts) + "。"


def _columns(data: dict[str, Any]) -> list[str]:
    return [
        "责任主体",
        "点位数",
        "已排查",
        "排查覆盖率(%)",
        "排查记录",
        "发现问题",
        "专项工单",
        "已结案",
        "超期",
        *[f"{i['name']}({i['unit']})" for i in data["items"]],
    ]


def _row_values(row: dict[str, Any], data: dict[str, Any]) -> list[Any]:
    return [
        row["name"],
        row["points"],
        row["inspected"],
        row["inspected_pct"],
        row["findings"],
        row["problem_findings"],
        row["cases"],
        row["closed"],
        row["overdue"],
        *[number(row["quantities"].get(i["key"], Decimal("0"))) for i in data["items"]],
    ]


def _total_values(data: dict[str, Any]) -> list[Any]:
    t = data["totals"]
    by_key = {q["key"]: q["total"] for q in t["quantities"]}
    return [
        "合计",
        t["points"],
        t["inspected"],
        t["inspected_pct"],
        t["findings"],
        t["problem_findings"],
        t["cases"],
        t["closed"],
        t["overdue"],
        *[number(by_key.get(i["key"], Decimal("0"))) for i in data["items"]],
    ]


def bulletins(campaign: Campaign, now: dt.datetime | None = None) -> dict[str, dict[str, Any]]:
    at = now or timezone.now()
    return {by: campaign_bulletin(campaign, by=by, now=at) for by in ("territory", "unit")}


def bulletin_xlsx(campaign: Campaign, *, now: dt.datetime | None = None) -> bytes:
    """概况, 按属地, 按责任单位 and 整治量明细 sheets."""
    data = bulletins(campaign, now)
    first = data["territory"]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "概况"
    write_row(ws, [f"{campaign.name}专项整治通报"])
    ws["A1"].font = Font(bold=True, size=14)
    write_row(ws, [headline(first)])
    write_row(ws, [f"生成时间：{timezone.localtime(first['generated_at']):%Y-%m-%d %H:%M}"])
    write_row(ws, [])
    write_row(ws, ["指标", "数值", "目标"])
    t = first["totals"]
    for label, value, target in (
        ("应排查点位", t["points"], None),
        ("已排查点位", t["inspected"], None),
        ("排查覆盖率(%)", t["inspected_pct"], t["target_inspected_pct"]),
        ("排查记录", t["findings"], None),
        ("发现问题", t["problem_findings"], None),
        ("专项工单", t["cases"], None),
        ("已结案", t["closed"], None),
        ("超期", t["overdue"], None),
        ("专项隐患", t["hazards"], None),
    ):
        write_row(ws, [label, value, target])
    write_row(ws, [])
    write_row(ws, ["整治项目", "计量单位", "累计", "目标", "完成率(%)"])
    for q in t["quantities"]:
        write_row(ws, [q["name"], q["unit"], number(q["total"]), number(q["target"]), q["pct"]])
    write_row(ws, [])
    for text in DEFINITIONS.values():
        write_row(ws, [text])
    ws.column_dimensions["A"].width = 28
    for by, bulletin in data.items():
        sheet = wb.create_sheet(BY_LABELS[by])
        write_row(sheet, _columns(bulletin))
        for row in bulletin["rows"]:
            write_row(sheet, _row_values(row, bulletin))
        write_row(sheet, _total_values(bulletin))
        sheet.column_dimensions["A"].width = 30
    detail = wb.create_sheet("整治量明细")
    write_row(detail, ["填报时间", "整治项目", "数量", "单位", "对象", "所在辖区", "责任主体", "填报人", "说明"])
    for q in quantity_rows(campaign):
        if q.work_order is not None:
            target = f"工单 {q.work_order.tracking_code}"
        elif q.finding is not None:
            target = f"排查 {q.finding.point.name}"
        else:
            target = f"隐患 {q.hazard.code}" if q.hazard is not None else ""
        write_row(
            detail,
            [
                timezone.localtime(q.recorded_at).replace(tzinfo=None),
                q.item.name,
                number(q.quantity),
                q.unit,
                target,
                q.territory.name,
                q.responsible_unit.name if q.responsible_unit is not None else "",
                q.recorded_by_name,
                q.note,
            ],
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- PDF ---------------------------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    f = font_name()
    return {
        "title": ParagraphStyle("title", fontName=f, fontSize=18, leading=26, alignment=TA_CENTER),
        "subtitle": ParagraphStyle(
            "subtitle", fontName=f, fontSize=9.5, leading=13, alignment=TA_CENTER, textColor=colors.HexColor("#555555")
        ),
        "h2": ParagraphStyle(
            "h2",
            fontName=f,
            fontSize=12.5,
            leading=18,
            spaceBefore=4 * mm,
            spaceAfter=2 * mm,
            textColor=colors.HexColor("#14325c"),
        ),
        "body": ParagraphStyle("body", fontName=f, fontSize=10.5, leading=17, firstLineIndent=21, wordWrap="CJK"),
        "note": ParagraphStyle(
            "note", fontName=f, fontSize=8, leading=11, textColor=colors.HexColor("#444444"), wordWrap="CJK"
        ),
        "cell": ParagraphStyle("cell", fontName=f, fontSize=8, leading=10, wordWrap="CJK"),
    }


def _table(header: list[str], rows: list[list[Any]], styles: dict[str, ParagraphStyle], *, total: bool) -> Table:
    body: list[list[Any]] = [[Paragraph(escape(h), styles["cell"]) for h in header]]
    for r in rows:
        body.append(
            [
                Paragraph(escape(str(v)), styles["cell"]) if i == 0 else ("" if v is None else str(v))
                for i, v in enumerate(r)
            ]
        )
    usable = landscape(A4)[0] - 28 * mm
    first = min(60 * mm, usable * 0.25)
    rest = (usable - first) / max(1, len(header) - 1)
    t = Table(body, colWidths=[first] + [rest] * (len(header) - 1), repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), font_name(), 8),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#808080")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
    ]
    if total:
        style.append(("BACKGROUND", (0, len(body) - 1), (-1, len(body) - 1), colors.HexColor("#EDEDED")))
    t.setStyle(TableStyle(style))
    return t


def bulletin_pdf(campaign: Campaign, *, now: dt.datetime | None = None) -> bytes:
    data = bulletins(campaign, now)
    first = data["territory"]
    c, t = first["campaign"], first["totals"]
    styles = _styles()
    story: list[Any] = [
        Paragraph(escape(f"{c['name']}专项整治通报"), styles["title"]),
        Paragraph(
            escape(
                f"{c['code']}　整治范围：{c['territory']}　牵头单位：{c['lead_unit'] or '—'}　"
                f"生成于 {timezone.localtime(first['generated_at']):%Y-%m-%d %H:%M}"
            ),
            styles["subtitle"],
        ),
        Spacer(1, 4 * mm),
        Paragraph(escape(headline(first)), styles["body"]),
        Paragraph(escape("一、整治量"), styles["h2"]),
        _table(
            ["整治项目", "计量单位", "累计", "目标", "完成率(%)"],
            [
                [
                    q["name"],
                    q["unit"],
                    text_number(q["total"]),
                    text_number(q["target"]) if q["target"] is not None else "—",
                    q["pct"] if q["pct"] is not None else "—",
                ]
                for q in t["quantities"]
            ]
            or [["（无）", "", "", "", ""]],
            styles,
            total=False,
        ),
    ]
    for n, (by, bulletin) in enumerate(data.items(), start=2):
        story.append(Paragraph(escape(f"{'二三'[n - 2]}、通报责任主体（{BY_LABELS[by]}）"), styles["h2"]))
        rows = [
            [text_number(v) if isinstance(v, (int, float)) else v for v in _row_values(r, bulletin)]
            for r in bulletin["rows"]
        ]
        rows.append([text_number(v) if isinstance(v, (int, float)) else v for v in _total_values(bulletin)])
        story.append(_table(_columns(bulletin), rows, styles, total=True))
    story.append(Spacer(1, 3 * mm))
    for text in DEFINITIONS.values():
        story.append(Paragraph(escape(text), styles["note"]))
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=f"{c['name']}专项整治通报",
        author="Wangge",
    )
    doc.build(story)
    return out.getvalue()
