"""What a territory node must satisfy wherever it is written (the GeoJSON import, the admin): its code and its
place in the tree.

Codes are digits whose length is fixed by ``settings.WANGGE_CODE_SEGMENTS`` for their kind (区 the first
segment, 街道 the first two, …); 省/市 use 6-digit GB/T 2260 codes ending in 0000 / 00. A node's code starts
with its parent's; districts, cities and provinces may be roots.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.utils.translation import gettext as _

from wangge.territory.choices import ALLOWED_CHILDREN, CODED_KINDS, TerritoryKind
from wangge.territory.models import Territory

# Kinds that may sit at the top of the tree (no parent).
ROOT_KINDS = frozenset({TerritoryKind.PROVINCE, TerritoryKind.CITY, TerritoryKind.DISTRICT})

KIND_LABELS = dict(TerritoryKind.choices)


def code_length(kind: str) -> int | None:
    """The length of a code of ``kind`` under the configured segments; None when not configured."""
    if kind in (TerritoryKind.PROVINCE, TerritoryKind.CITY):
        return 6
    segments: Sequence[int] = settings.WANGGE_CODE_SEGMENTS
    position = CODED_KINDS.index(TerritoryKind(kind))
    if position >= len(segments):
        return None
    return sum(segments[: position + 1])


def implied_parent_codes(code: str, kind: str) -> list[str]:
    """Codes the parent would have, by the code structure, most specific first."""
    if kind == TerritoryKind.PROVINCE:
        return []
    if kind == TerritoryKind.CITY:
        return [code[:2] + "0000"]
    if kind == TerritoryKind.DISTRICT:
        return [code[:4] + "00", code[:2] + "0000"]
    segments: Sequence[int] = settings.WANGGE_CODE_SEGMENTS
    position = CODED_KINDS.index(TerritoryKind(kind))
    return [code[: sum(segments[:position])]]


def code_fits_parent(code: str, kind: str, parent_code: str, parent_kind: str) -> bool:
    if parent_kind == TerritoryKind.PROVINCE:
        return code[:2] == parent_code[:2]
    if parent_kind == TerritoryKind.CITY:
        return code[:4] == parent_code[:4]
    return code.startswith(parent_code) and len(code) > len(parent_code)


def code_problem(code: str, kind: str) -> str | None:
    """Why ``code`` cannot be the code of a node of ``kind``, or None."""
    if not code.isdigit():
        return _("编码只能由数字组成 (code must be digits only)")
    expected = code_length(kind)
    if expected is None:
        return _("未为层级“%(kind)s”配置编码段 (no code segment configured for this kind)") % {
            "kind": KIND_LABELS[kind]
        }
    if len(code) != expected:
        return _("%(kind)s编码应为 %(n)d 位，实际 %(m)d 位 (code length must be %(n)d for this kind)") % {
            "kind": KIND_LABELS[kind],
            "n": expected,
            "m": len(code),
        }
    if kind == TerritoryKind.PROVINCE and not code.endswith("0000"):
        return _("省级编码应以 0000 结尾 (province codes end in 0000)")
    if kind == TerritoryKind.CITY and (not code.endswith("00") or code.endswith("0000")):
        return _("市级编码应以 00 结尾且不以 0000 结尾 (city codes end in 00 but not 0000)")
    return None


def placement_problem(*, code: str, kind: str, parent: Territory | None) -> str | None:
    """Why a node of ``kind``/``code`` cannot sit under ``parent`` (None: at the top), or None."""
    if parent is None:
        if kind not in ROOT_KINDS:
            return _("“%(kind)s”不能作为顶级节点 (kind cannot be a root)") % {"kind": KIND_LABELS.get(kind, kind)}
        return None
    if kind not in ALLOWED_CHILDREN.get(parent.kind, set()):
        return _("“%(kind)s”不能直接隶属于“%(pkind)s” %(p)s (kind not allowed under this parent)") % {
            "kind": KIND_LABELS.get(kind, kind),
            "pkind": KIND_LABELS.get(parent.kind, parent.kind),
            "p": parent.code,
        }
    if not code_fits_parent(code, kind, parent.code, parent.kind):
        return _("编码 %(c)s 应以上级编码 %(p)s 开头 (code not prefixed by its parent's code)") % {
            "c": code,
            "p": parent.code,
        }
    return None
