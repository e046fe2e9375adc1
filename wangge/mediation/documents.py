"""The 调解协议书 of a written agreement, as a PDF (reportlab, A4 portrait, the CJK font embedded).

Font, as the bulletin PDFs: ``WANGGE_PDF_FONT`` ("path" or "path#index") if set, otherwise the first
TrueType font fontconfig lists for Chinese (e.g. WenQuanYi Zen Hei of fonts-wqy-zenhei), embedded as a
subset so the document reads the same on any machine; last resort the built-in CID font STSong-Light, which
viewers draw with their own font. The parties' identity numbers and phones are printed masked (the signed
paper copy carries the full numbers written by hand); numbers typed into the facts and terms are masked too.

A .docx is not produced: python-docx is not installed (the PDF is the document).
"""

from __future__ import annotations

import io
import logging
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from wangge.core.errors import Conflict
from wangge.core.masking import mask_numbers
from wangge.core.pdffonts import font_name
from wangge.core.validators import mask_id_number, mask_phone
from wangge.mediation.choices import AgreementKind, PartySide, Track
from wangge.mediation.errors import ErrorCode
from wangge.mediation.models import Dispute

log = logging.getLogger(__name__)
TITLES: dict[str, str] = {
    Track.PEOPLE: "人民调解协议书",
    Track.ADMINISTRATIVE: "行政调解协议书",
    Track.JUDICIAL: "诉前调解协议书",
}


def _p(text: str) -> str:
    return escape(text).replace("\n", "<br/>")


def agreement_pdf(dispute: Dispute) -> bytes:
    """The 调解协议书 of ``dispute`` (a written agreement): number, both parties with masked numbers, the facts,
    the terms, how it is performed and the signature area."""
    if dispute.agreement_kind != AgreementKind.WRITTEN:
        raise Conflict(_("该纠纷没有书面调解协议"), code=ErrorCode.NO_AGREEMENT)
    f = font_name()
    title = ParagraphStyle("t", fontName=f, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=3 * mm)
    sub = ParagraphStyle("s", fontName=f, fontSize=10, leading=14, alignment=TA_CENTER)
    h2 = ParagraphStyle("h", fontName=f, fontSize=12.5, leading=18, spaceBefore=5 * mm, spaceAfter=2 * mm)
    body = ParagraphStyle("b", fontName=f, fontSize=11, leading=19, firstLineIndent=22, wordWrap="CJK")
    cell = ParagraphStyle("c", fontName=f, fontSize=10, leading=14, wordWrap="CJK")
    side_labels = dict(PartySide.choices)
    parties = list(dispute.parties.order_by("id"))
    story: list = [
        Paragraph(_p(TITLES.get(dispute.track, "调解协议书")), title),
        Paragraph(_p(f"编号：{dispute.agreement_no or dispute.code}"), sub),
        Paragraph(_p("当事人"), h2),
    ]
    rows = [[Paragraph(_p(x), cell) for x in ("身份", "姓名/名称", "公民身份号码", "联系电话", "住址")]]
    for party in parties:
        rows.append(
            [
                Paragraph(_p(str(side_labels.get(party.side, party.side))), cell),
                Paragraph(_p(party.name), cell),
                Paragraph(_p(mask_id_number(party.id_number or "") or "—"), cell),
                Paragraph(_p(mask_phone(party.phone or "") or "—"), cell),
                Paragraph(_p(mask_numbers(party.address) or "—"), cell),
            ]
        )
    table = Table(rows, colWidths=[20 * mm, 32 * mm, 45 * mm, 30 * mm, 55 * mm], repeatRows=1)
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
    story.append(table)
    organisation = dispute.organisation.name if dispute.organisation else ""
    mediator = dispute.mediator.name if dispute.mediator else ""
    story += [
        Paragraph(_p("纠纷主要事实、争议事项"), h2),
        Paragraph(_p(mask_numbers(dispute.description or dispute.title)), body),
        Paragraph(_p("经调解，自愿达成如下协议"), h2),
        Paragraph(_p(mask_numbers(dispute.agreement_terms)), body),
        Paragraph(_p("履行方式、时限"), h2),
        Paragraph(
            _p(
                "各方当事人应按上述约定的方式和期限自觉履行。本协议自各方当事人签名（盖章）、调解员签名并加盖"
                f"调解组织印章之日起生效，一式 {len(parties) + 1} 份，当事人各执一份，"
                f"{organisation or '调解组织'}留存一份。"
                "当事人可自本协议生效之日起三十日内共同向人民法院申请司法确认。"
            ),
            body,
        ),
        Spacer(1, 8 * mm),
    ]
    day = timezone.localtime(dispute.resolved_at or timezone.now())
    signs = [[Paragraph(_p(f"{side_labels.get(p.side, p.side)}（签名/盖章）："), cell), "", ""] for p in parties]
    signs += [
        [Paragraph(_p(f"调解员（签名）：{mediator}"), cell), "", ""],
        [Paragraph(_p(f"调解组织（盖章）：{organisation}"), cell), "", ""],
        [Paragraph(_p(f"{day.year} 年 {day.month} 月 {day.day} 日"), cell), "", ""],
    ]
    sign_table = Table(signs, colWidths=[80 * mm, 50 * mm, 50 * mm], rowHeights=[12 * mm] * len(signs))
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
        title=TITLES.get(dispute.track, "调解协议书"),
        author=organisation,
    )
    doc.build(story)
    return buffer.getvalue()
