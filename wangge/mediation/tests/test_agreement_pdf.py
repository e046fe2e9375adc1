"""The 调解协议书: both parties with masked ID numbers, the terms, in Chinese, the font embedded."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from wangge.core.errors import Conflict
from wangge.mediation.documents import agreement_pdf

from .conftest import mediating, step


def _text(pdf: bytes, tmp_path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "agreement.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_agreement_pdf_shows_both_parties_masked_and_the_terms(mw: SimpleNamespace, tmp_path: Path) -> None:
    d = mediating(mw)
    d = step(
        mw, d, "agree", hours=3, agreement_kind="written", terms="钱小红于2025年6月10日前赔偿赵大明修缮费人民币3000元。"
    )
    pdf = agreement_pdf(d)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf, tmp_path)
    assert "人民调解协议书" in text
    assert "赵大明" in text and "钱小红" in text
    assert "410403********" + mw.id_a[-4:] in text and "410403********" + mw.id_b[-4:] in text
    assert mw.id_a not in text and mw.id_b not in text and "13800001111" not in text
    assert "138****1111" in text
    assert "赔偿赵大明修缮费人民币3000元" in text.replace(" ", "").replace("\n", "")
    assert "签名" in text and "测试社区人民调解委员会" in text


def test_the_font_is_embedded(mw: SimpleNamespace, tmp_path: Path) -> None:
    if not shutil.which("pdffonts"):
        pytest.skip("pdffonts (poppler-utils) is not installed")
    from wangge.core.pdffonts import FALLBACK_CID, font_name

    if font_name() == FALLBACK_CID:
        pytest.skip("no TrueType CJK font on this machine (install fonts-wqy-zenhei)")
    d = step(mw, mediating(mw), "agree", hours=3, agreement_kind="written", terms="赔偿")
    path = tmp_path / "a.pdf"
    path.write_bytes(agreement_pdf(d))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    # Every page's resources list reportlab's standard Helvetica (never drawn with); the CJK face is embedded.
    truetype = [line.split() for line in fonts.splitlines()[2:] if "TrueType" in line]
    assert truetype and all(r[-5] == "yes" for r in truetype), fonts  # the "emb" column


def test_no_document_without_a_written_agreement(mw: SimpleNamespace) -> None:
    d = step(mw, mediating(mw), "agree", hours=3, agreement_kind="oral")
    with pytest.raises(Conflict) as refused:
        agreement_pdf(d)
    assert refused.value.code == "no_agreement"
