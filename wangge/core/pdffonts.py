"""The Chinese font of every PDF the platform writes (bulletins, 调解协议书, 交办单, 专项通报 …), found once.

``WANGGE_PDF_FONT`` (``path`` or ``path#index``) names a TrueType file; otherwise fontconfig's TrueType faces that
cover Simplified Chinese are tried, proportional faces before monospaced ones, and the first that reportlab can
load is embedded. Without any, reportlab's built-in CID font ``STSong-Light`` is used: it is not embedded, so the
PDF reads right only where a reader supplies the face.
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

log = logging.getLogger(__name__)

FONT_NAME = "WanggeCJK"
FALLBACK_CID = "STSong-Light"


def configured() -> list[tuple[str, int]]:
    raw = str(getattr(settings, "WANGGE_PDF_FONT", "") or "")
    if not raw:
        return []
    path, _sep, index = raw.partition("#")
    return [(path, int(index or 0))]


def fontconfig_candidates() -> list[tuple[str, int]]:
    """fontconfig's TrueType faces for zh-cn, proportional faces first (monospaced and bitmap-like last)."""
    if not shutil.which("fc-list"):
        return []
    try:
        out = subprocess.run(
            ["fc-list", "-f", "%{file}|%{index}|%{fontformat}|%{family}\n", ":lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    ranked = []
    for line in sorted(set(out.splitlines())):
        parts = line.split("|")
        if len(parts) < 4 or parts[2] != "TrueType":
            continue
        family = parts[3]
        penalty = int("Mono" in family or "Sharp" in family or "等宽" in family)
        ranked.append((penalty, parts[0], int(parts[1] or 0)))
    return [(path, index) for _penalty, path, index in sorted(ranked)]


@functools.cache
def font_name() -> str:
    """Register and return the font every string of a PDF uses."""
    for path, index in configured() + fontconfig_candidates():
        try:
            pdfmetrics.registerFont(TTFont(FONT_NAME, path, subfontIndex=index))
            log.info("PDF font: %s#%d", path, index)
            return FONT_NAME
        except (TTFError, OSError) as exc:
            log.debug("PDF font %s#%d unusable: %s", path, index, exc)
    pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_CID))
    log.info("PDF font: built-in CID font %s (not embedded)", FALLBACK_CID)
    return FALLBACK_CID
