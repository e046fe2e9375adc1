"""Free-text address → territory (地址匹配网格), for hotline cases that come without coordinates.

Public functions
----------------
``match_address(text, *, district=None, limit=5) -> list[AddressMatch]``
    Candidate territory nodes for an address, best first. Each match unpacks as
    ``(territory, confidence, matched_on)``; ``matched_on`` lists the names found, e.g.
    ``["街道：优越路街道", "社区：华西社区"]``. ``district`` (a node) limits the search to its subtree.
``locate_by_address(address, district=None) -> tuple[Territory, float] | None``
    The intake facade: the best node when its confidence reaches ``LOCATE_MIN`` (0.5), else None.

How it matches
--------------
* Normalisation: full-width → half-width (NFKC), no spaces or punctuation, demo markers such as
  "（示例）" dropped from names, Chinese numerals before 号/栋/单元/网格/… made Arabic ("五号楼" → "5栋"),
  "第" dropped before numbers, 号楼/幢/座 → 栋, 街道办事处/街道办 → 街道, 社区居委会/居委会 → 社区,
  村委会/村民委员会 → 村.
* Index: every territory name (district, street, community, grid, building), its core without the
  level word ("优越路街道" → "优越路", "华西社区" → "华西"), the road stem of a street named after a
  road ("优越"), a grid's or building's number alone ("1网格", "5栋") and a community's name
  without its street's ("东安路第二社区" → "2社区") — these last only count when the level above
  (for a building: its grid or community) is matched too —,
  and the names (and numbered addresses) of registry points, each pointing at its node.
* A name matches when it occurs in the address (numbers are not matched inside longer numbers),
  or, for names of four or more characters without numbers, when at least 80 % of its character
  bigrams, weighted by their IDF over all names, occur in the address.
* Confidence of a node = 1 − Π(1 − weight × quality) over the node and its matched ancestors, with
  weights district 0.15, street 0.45, community 0.65, grid 0.75, building 0.55, point 0.7; a name
  shared by several nodes counts once, split among them, unless a matched ancestor tells them apart.
  So a community plus a grid, building or point beats a street alone, and the deepest node with
  evidence of its own comes first. A two-character core counts less (0.6 instead of 0.85), and when
  the address spells out a full name at some level, shortened names of other nodes of that level
  are ignored.

The index is built once per process and rebuilt when territories or points change.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db.models import Count, Max
from django.utils.translation import gettext as _

from wangge.core.caches import ProcessCache
from wangge.places.models import Point
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

LOCATE_MIN = 0.5
FUZZY_MIN = 0.8
FUZZY_MIN_LENGTH = 4

KIND_WEIGHT: dict[str, float] = {
    TerritoryKind.PROVINCE: 0.05,
    TerritoryKind.CITY: 0.1,
    TerritoryKind.DISTRICT: 0.15,
    TerritoryKind.STREET: 0.45,
    TerritoryKind.COMMUNITY: 0.65,
    TerritoryKind.GRID: 0.75,
    TerritoryKind.BUILDING: 0.55,
}
POINT_WEIGHT = 0.7
# Quality of a match by the variant of the name that was found.
QUALITY = {"name": 1.0, "core": 0.85, "stem": 0.6, "local": 1.0, "point": 1.0, "point_address": 0.9}
SHORT_CORE_QUALITY = 0.6
# A bare number or a name without its parent's counts only when one of these levels above is matched.
LOCAL_PARENTS: dict[str, tuple[str, ...]] = {
    TerritoryKind.COMMUNITY: (TerritoryKind.STREET,),
    TerritoryKind.GRID: (TerritoryKind.COMMUNITY,),
    TerritoryKind.BUILDING: (TerritoryKind.GRID, TerritoryKind.COMMUNITY),
}

KIND_LABEL: dict[str, str] = {
    TerritoryKind.PROVINCE: "省",
    TerritoryKind.CITY: "市",
    TerritoryKind.DISTRICT: "区",
    TerritoryKind.STREET: "街道",
    TerritoryKind.COMMUNITY: "社区",
    TerritoryKind.GRID: "网格",
    TerritoryKind.BUILDING: "楼栋",
}

# --- normalisation --------------------------------------------------------------------------------

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNIT_WORDS = "号楼|号|栋|幢|座|单元|楼|层|室|网格|组|期|街道|社区|片区"
_CN_NUMBER = re.compile(rf"([零〇一二两三四五六七八九十百]+)(?=(?:{_UNIT_WORDS}))")
_ORDINAL = re.compile(r"第(\d+)")
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】")
_NOT_WORD = re.compile(r"[^0-9a-z\u4e00-\u9fff]")
_SYNONYMS = (
    (re.compile(r"(社区|村)(?:村民委员会|村委会|居民委员会|居委会)"), r"\1"),
    (re.compile(r"街道办事处|街道办"), "街道"),
    (re.compile(r"社区居民委员会|社区居委会"), "社区"),
    (re.compile(r"居民委员会|居委会"), "社区"),
    (re.compile(r"村民委员会|村委会"), "村"),
    (re.compile(r"(\d+)(?:号楼|幢|座)"), r"\1栋"),
)
_CORE_SUFFIX = re.compile(r"(街道|办事处|乡|镇|社区|村|居委会)$")
_ROAD_STEM = re.compile(r"^(.{2,})(路|街|巷|大道)$")
_LOCAL_NUMBER = re.compile(r"(\d+(?:网格|栋|单元))$")
_HAS_DIGIT = re.compile(r"\d")


def _chinese_number(text: str) -> int:
    """ "十二" → 12, "二十" → 20, "一百零五" → 105, "五一" → 51 (digit by digit)."""
    if "十" not in text and "百" not in text:
        return int("".join(str(_DIGITS[c]) for c in text))
    total, current = 0, 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
    return total + current


def normalize_address(text: str, *, drop_brackets: bool = False) -> str:
    """The comparable form of an address or a name (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    if drop_brackets:
        text = _BRACKETED.sub("", text)
    text = _NOT_WORD.sub("", text)
    text = _CN_NUMBER.sub(lambda m: str(_chinese_number(m.group(1))), text)
    text = _ORDINAL.sub(r"\1", text)
    for pattern, replacement in _SYNONYMS:
        text = pattern.sub(replacement, text)
    return text


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)]


def _occurs(key: str, text: str) -> bool:
    """``key`` is in ``text``, and a number at either end of ``key`` is not part of a longer number."""
    start = text.find(key)
    while start != -1:
        end = start + len(key)
        before_ok = not (key[0].isdigit() and start > 0 and text[start - 1].isdigit())
        after_ok = not (key[-1].isdigit() and end < len(text) and text[end].isdigit())
        if before_ok and after_ok:
            return True
        start = text.find(key, start + 1)
    return False


# --- index ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    id: int
    path: str
    kind: str
    name: str


@dataclass(frozen=True)
class Entry:
    key: str  # normalised variant
    node_id: int
    variant: str  # name | core | stem | local | point | point_address
    label: str  # what the dispatcher reads in matched_on


@dataclass
class AddressIndex:
    nodes: dict[int, Node]
    entries: list[Entry]
    by_path: dict[str, int] = field(default_factory=dict)
    bigram_entries: dict[str, list[int]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    key_nodes: dict[str, set[int]] = field(default_factory=dict)
    stamp: tuple[Any, ...] = ()

    def ancestors(self, node: Node) -> list[Node]:
        steplen = Territory.steplen
        out = []
        for end in range(steplen, len(node.path), steplen):
            anc = self.by_path.get(node.path[:end])
            if anc is not None:
                out.append(self.nodes[anc])
        return out


def _variants(node: Node, parent_name: str) -> list[tuple[str, str]]:
    full = normalize_address(node.name, drop_brackets=True)
    out = [(full, "name")]
    if node.kind in (TerritoryKind.STREET, TerritoryKind.COMMUNITY, TerritoryKind.DISTRICT):
        core = _CORE_SUFFIX.sub("", full)
        if core != full and len(core) >= 2:
            out.append((core, "core"))
            stem = _ROAD_STEM.match(core)
            if node.kind == TerritoryKind.STREET and stem and len(stem.group(1)) >= 2:
                out.append((stem.group(1), "stem"))
    parent_core = _CORE_SUFFIX.sub("", normalize_address(parent_name, drop_brackets=True))
    if node.kind == TerritoryKind.COMMUNITY and len(parent_core) >= 2 and full.startswith(parent_core):
        rest = full[len(parent_core) :]
        if _HAS_DIGIT.search(rest) or len(rest) >= 3:
            out.append((rest, "local"))  # "东安路2社区" under 东安路街道 is also called "2社区" there
    if node.kind in (TerritoryKind.GRID, TerritoryKind.BUILDING):
        number = _LOCAL_NUMBER.search(full)
        if number and number.group(1) == full:
            out = [(full, "local")]  # the name is only a number: it needs a matched parent
        elif number:
            out.append((number.group(1), "local"))
        if number and node.kind == TerritoryKind.GRID and len(parent_core) >= 2:
            out.append((parent_core + number.group(1), "name"))
    return [(k, v) for k, v in dict.fromkeys(out) if k]


def _stamp() -> tuple[Any, ...]:
    t = Territory.objects.order_by().aggregate(n=Count("id"), m=Max("id"), u=Max("updated_at"))
    p = Point.objects.order_by().aggregate(n=Count("id"), m=Max("id"), u=Max("updated_at"))
    return (t["n"], t["m"], t["u"], p["n"], p["m"], p["u"])


def build_index(stamp: tuple[Any, ...] | None = None) -> AddressIndex:
    """A fresh index over every territory and point (``stamp``: the ``_stamp()`` it is built at)."""
    stamp = _stamp() if stamp is None else stamp
    nodes: dict[int, Node] = {}
    for pk, path, kind, name in Territory.objects.order_by("path").values_list("id", "path", "kind", "name"):
        nodes[pk] = Node(pk, path, kind, name)
    by_path = {n.path: n.id for n in nodes.values()}
    index = AddressIndex(nodes=nodes, entries=[], by_path=by_path, stamp=stamp)
    for node in nodes.values():
        parents = index.ancestors(node)
        parent_name = parents[-1].name if parents else ""
        display = _BRACKETED.sub("", unicodedata.normalize("NFKC", node.name))
        level = KIND_LABEL.get(node.kind, node.kind)
        if node.kind == TerritoryKind.COMMUNITY and display.endswith("村"):
            level = "村"
        label = f"{level}：{display}"
        for key, variant in _variants(node, parent_name):
            index.entries.append(Entry(key, node.id, variant, label))
    points = Point.objects.exclude(territory__isnull=True).values_list("name", "address", "territory_id")
    for name, address, territory_id in points:
        if territory_id not in nodes:
            continue
        display = _BRACKETED.sub("", unicodedata.normalize("NFKC", name))
        key = normalize_address(name, drop_brackets=True)
        if len(key) >= 2:
            index.entries.append(Entry(key, territory_id, "point", _("点位：%(n)s") % {"n": display}))
        addr = normalize_address(address or "", drop_brackets=True)
        if re.search(r"\d", addr) and len(addr) >= 4:
            index.entries.append(Entry(addr, territory_id, "point_address", _("点位地址：%(n)s") % {"n": display}))
    df: Counter[str] = Counter()
    for i, entry in enumerate(index.entries):
        index.key_nodes.setdefault(entry.key, set()).add(entry.node_id)
        grams = set(_bigrams(entry.key))
        df.update(grams)
        for g in grams:
            index.bigram_entries.setdefault(g, []).append(i)
    total = len(index.entries) or 1
    index.idf = {g: math.log((total + 1) / (n + 1)) + 1.0 for g, n in df.items()}
    return index


# Checked on every call: one aggregate query each over territories and points.
_index_cache: ProcessCache[AddressIndex] = ProcessCache("intel.geocode", build_index, fingerprint=_stamp)


def get_index() -> AddressIndex:
    """The process's index, rebuilt when territories or points changed (one aggregate query each)."""
    return _index_cache.get()


def invalidate() -> None:
    _index_cache.forget()


# --- matching -------------------------------------------------------------------------------------


class AddressMatch(NamedTuple):
    territory: Territory
    confidence: float
    matched_on: list[str]


def _quality(index: AddressIndex, entry: Entry, text: str, text_grams: set[str]) -> float:
    if _occurs(entry.key, text):
        if entry.variant == "core" and len(entry.key) == 2:
            return SHORT_CORE_QUALITY  # two characters ("地质", "华西") are often just a word
        return QUALITY[entry.variant]
    if entry.variant in ("local", "stem") or len(entry.key) < FUZZY_MIN_LENGTH or _HAS_DIGIT.search(entry.key):
        return 0.0  # short names, bare numbers and anything numbered must match exactly
    grams = _bigrams(entry.key)
    weight = sum(index.idf.get(g, 1.0) for g in grams)
    found = sum(index.idf.get(g, 1.0) for g in grams if g in text_grams)
    share = found / weight if weight else 0.0
    return 0.7 * QUALITY[entry.variant] * share if share >= FUZZY_MIN else 0.0


def _weight(entry: Entry, node: Node) -> float:
    if entry.variant in ("point", "point_address"):
        return POINT_WEIGHT
    return KIND_WEIGHT.get(node.kind, 0.3)


def match_address(text: str, *, district: Territory | None = None, limit: int = 5) -> list[AddressMatch]:
    """Candidate nodes for a free-text address, best first (see the module docstring)."""
    query = normalize_address(text)
    if len(query) < 2:
        return []
    index = get_index()
    prefix = district.path if district is not None else ""
    grams = set(_bigrams(query))
    candidate_entries = {i for g in grams for i in index.bigram_entries.get(g, ())}

    # Best (contribution, entry) per node from its own names and from the points inside it.
    found: dict[int, tuple[float, Entry]] = {}
    for i in candidate_entries:
        entry = index.entries[i]
        node = index.nodes[entry.node_id]
        if not node.path.startswith(prefix):
            continue
        quality = _quality(index, entry, query, grams)
        if quality <= 0:
            continue
        score = _weight(entry, node) * quality
        if score > found.get(node.id, (0.0, entry))[0]:
            found[node.id] = (score, entry)

    # Where the address spells out a full name at some level, shortened names of other nodes of that
    # level are word coincidences ("地质社区" in "…地质灾害点" next to "优越路第九社区").
    spelled = {index.nodes[n].kind for n, (_s, e) in found.items() if e.variant == "name" and _occurs(e.key, query)}
    found = {
        n: (score, e)
        for n, (score, e) in found.items()
        if not (e.variant in ("core", "stem") and index.nodes[n].kind in spelled)
    }

    # Top-down: a node's own contribution, and whether it stands (a bare number needs a matched parent).
    own: dict[int, float] = {}
    chains: dict[int, list[int]] = {}
    for node_id in sorted(found, key=lambda n: len(index.nodes[n].path)):
        score, entry = found[node_id]
        node = index.nodes[node_id]
        chain = [a.id for a in index.ancestors(node) if a.id in own]
        if entry.variant == "local" and not any(index.nodes[a].kind in LOCAL_PARENTS.get(node.kind, ()) for a in chain):
            continue  # "5栋" could be in any grid: it counts only under its matched grid or community
        # A name several nodes share counts once, split among those the matched ancestors do not exclude.
        within = index.nodes[chain[-1]].path if chain else prefix
        same = {n for n in index.key_nodes.get(entry.key, {node_id}) if index.nodes[n].path.startswith(within)}
        own[node_id] = score / max(1, len(same))
        chains[node_id] = chain

    results: list[tuple[float, int, Node, list[str]]] = []
    for node_id, chain in chains.items():
        miss = 1.0
        for member in [*chain, node_id]:
            miss *= 1.0 - own[member]
        labels = [found[member][1].label for member in [*chain, node_id]]
        node = index.nodes[node_id]
        results.append((1.0 - miss, len(node.path), node, labels))

    results.sort(key=lambda r: (-round(r[0], 6), -r[1], r[2].path))
    top = results[:limit]
    territories = Territory.objects.in_bulk([r[2].id for r in top])
    return [
        AddressMatch(territories[node.id], round(conf, 3), labels)
        for conf, _depth, node, labels in top
        if node.id in territories
    ]


def locate_by_address(address: str, district: Territory | None = None) -> tuple[Territory, float] | None:
    """The node a case without coordinates belongs to, if the address names it confidently enough."""
    matches = match_address(address, district=district, limit=1)
    if not matches or matches[0].confidence < LOCATE_MIN:
        return None
    return matches[0].territory, matches[0].confidence


__all__ = [
    "LOCATE_MIN",
    "AddressIndex",
    "AddressMatch",
    "build_index",
    "get_index",
    "invalidate",
    "locate_by_address",
    "match_address",
    "normalize_address",
]
