"""Near-duplicate appeals at intake (重复诉求提示): the same issue, nearby, recently reported.

A dispatcher about to dispatch a new case sees the open (or recently closed) cases of the same district
that look like the same appeal, so the new one can be merged (合并) into the earlier case instead of
being handled twice.

Public functions
----------------
``find_duplicates(subject, *, limit=5) -> list[DuplicateMatch]``
    ``subject`` is a saved :class:`WorkOrder` or an :class:`Appeal` (or a plain tuple
    ``(text, lng, lat, received_at, district)``) for a case not yet saved. Each match unpacks as
    ``(work_order, score, reasons)``; ``reasons`` are short Chinese phrases for the dispatcher.
``suggest_duplicates(work_order, *, user=None) -> list[DuplicateMatch]``
    The intake facade: nothing for a case already merged or closed, else ``find_duplicates`` over the
    cases ``user`` may see (all cases without a user).
``text_similarity(a, b) -> float`` and ``similarity_to(query, texts) -> ndarray``
    The text measure alone (0 … 1).
``evaluate(pairs, texts, *, cut)``
    Precision and recall on labelled pairs (``manage.py duplicates --evaluate`` prints them).

How a match is decided
----------------------
1. Candidates come from the database by index: same district, received within
   ``WANGGE_DUPLICATE_WINDOW_DAYS`` (default 7) of the subject, open, or closed within that window;
   never the subject itself, a merged or an invalid case. When the subject has coordinates, only
   candidates inside a bounding box of ``WANGGE_DUPLICATE_DISTANCE_M`` (default 500 m) or without
   coordinates are read.
2. Place: with coordinates on both sides the haversine distance (WGS-84) must be within the limit
   (the same text 2 km away is another problem at another place). Otherwise the cases must share a
   point, a similar address, a grid or a community; cases in different communities, or with clearly
   different addresses, are not compared. When one side has no place information at all, or the two
   cannot be compared (coordinates only against an address only), the text decides alone.
3. Text: cosine similarity of character 2–3-gram vectors (sublinear term frequency, no IDF, so the
   measure does not depend on which cases happen to be in the pool) over the normalised title and
   description (their first ``TEXT_CHARS`` = 400 characters). A candidate is kept when the similarity
   reaches ``WANGGE_DUPLICATE_THRESHOLD`` (default 0.19, calibrated on 414 hand-labelled pairs of real
   citizen messages; see ``tests/fixtures/duplicate_pairs.csv``, ``tests/test_duplicates.py`` and
   ``manage.py duplicates --evaluate``).
4. Ranking score = text similarity × (0.8 + 0.2 × proximity), proximity being 1 at the same spot
   and falling to 0 at the distance limit (same grid 0.7, same community 0.5, unknown 0).

The settings are read with defaults; none has to be configured.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize

from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders.choices import OPEN_STATUSES, Status
from wangge.workorders.models import WorkOrder

# Compared: the first 400 characters of title and description. Long letters add cost, not accuracy
# (on the labelled pairs precision and recall are the same or slightly better than on full texts).
TEXT_CHARS = 400
DEFAULT_WINDOW_DAYS = 7
DEFAULT_DISTANCE_M = 500.0
# The threshold with the best F1 on the 414 labelled pairs; chosen per fold in 5-fold cross-validation
# it lands on 0.17–0.19 (figures in tests/test_duplicates.py).
DEFAULT_THRESHOLD = 0.19
EARTH_RADIUS_M = 6_371_008.8  # mean radius of the WGS-84 ellipsoid

_SPACES = re.compile(r"\s+")
_URL = re.compile(r"https?://\S+")
_EXCEL_ESCAPE = re.compile(r"_x[0-9a-fA-F]{4}_")

_vectorizer = HashingVectorizer(
    analyzer="char",
    ngram_range=(2, 3),
    n_features=2**20,
    alternate_sign=False,
    norm=None,
    lowercase=False,
)


def window_days() -> int:
    return int(getattr(settings, "WANGGE_DUPLICATE_WINDOW_DAYS", DEFAULT_WINDOW_DAYS))


def max_distance_m() -> float:
    return float(getattr(settings, "WANGGE_DUPLICATE_DISTANCE_M", DEFAULT_DISTANCE_M))


def threshold() -> float:
    return float(getattr(settings, "WANGGE_DUPLICATE_THRESHOLD", DEFAULT_THRESHOLD))


# --- text -----------------------------------------------------------------------------------------


def normalize_text(text: str) -> str:
    """Full-width to half-width (NFKC), lower case, no whitespace, no links or spreadsheet escapes."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _EXCEL_ESCAPE.sub("", text)
    text = _URL.sub("", text)
    return _SPACES.sub("", text).lower()


def appeal_text(title: str, description: str) -> str:
    """The text compared: title and description, as one string."""
    return f"{(title or '').strip()}。{(description or '').strip()}"


def text_vectors(texts: Sequence[str]) -> sparse.csr_matrix:
    """Unit-length character 2–3-gram vectors with sublinear term frequency (1 + ln tf) of the first
    ``TEXT_CHARS`` characters of each normalised text."""
    matrix = _vectorizer.transform([normalize_text(t)[:TEXT_CHARS] for t in texts]).tocsr()
    matrix.data = 1.0 + np.log(matrix.data)
    return normalize(matrix, norm="l2", copy=False)


def similarity_to(query: str, texts: Sequence[str]) -> npt.NDArray[np.float64]:
    """Cosine similarity of ``query`` to each of ``texts``."""
    if not texts:
        return np.zeros(0)
    matrix = text_vectors([query, *texts])
    return np.asarray((matrix[1:] @ matrix[0].T).toarray()).ravel()


def text_similarity(a: str, b: str) -> float:
    return float(similarity_to(a, [b])[0])


# --- place ----------------------------------------------------------------------------------------


def haversine_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _bounding_box(lng: float, lat: float, metres: float) -> tuple[float, float, float, float]:
    dlat = math.degrees(metres / EARTH_RADIUS_M)
    dlng = dlat / max(math.cos(math.radians(lat)), 1e-6)
    return lng - dlng, lat - dlat, lng + dlng, lat + dlat


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def address_similarity(a: str, b: str) -> float:
    """Share of the shorter address's character bigrams found in the longer one (0 … 1)."""
    na, nb = normalize_text(a), normalize_text(b)
    if not na or not nb:
        return 0.0
    ga, gb = _bigrams(na), _bigrams(nb)
    return len(ga & gb) / min(len(ga), len(gb))


@dataclass(frozen=True)
class Appeal:
    """A case not yet saved, as much as duplicate detection needs of it."""

    text: str
    lng: float | None
    lat: float | None
    received_at: dt.datetime
    district: Territory | int
    community_id: int | None = None
    grid_id: int | None = None
    point_id: int | None = None
    address: str = ""
    pk: int | None = None

    @classmethod
    def of(cls, wo: WorkOrder) -> Appeal:
        return cls(
            text=appeal_text(wo.title, wo.description),
            lng=wo.lng,
            lat=wo.lat,
            received_at=wo.received_at,
            district=wo.district_id,
            community_id=wo.community_id,
            grid_id=wo.grid_id,
            point_id=wo.point_id,
            address=wo.address,
            pk=wo.pk,
        )

    @property
    def district_id(self) -> int:
        return self.district.pk if isinstance(self.district, Territory) else int(self.district)

    @property
    def has_coordinates(self) -> bool:
        return self.lng is not None and self.lat is not None

    @property
    def has_place(self) -> bool:
        return self.has_coordinates or bool(self.community_id or self.grid_id or self.point_id or self.address.strip())


class PlaceRelation(NamedTuple):
    compatible: bool
    proximity: float  # 1 = same spot … 0 = at the distance limit or unknown
    reason: str


def place_relation(subject: Appeal, other: Appeal, *, limit_m: float) -> PlaceRelation:
    """Whether two cases can be at the same place, and how close they are."""
    if subject.has_coordinates and other.has_coordinates:
        d = haversine_m(subject.lng, subject.lat, other.lng, other.lat)  # type: ignore[arg-type]
        if d > limit_m:
            return PlaceRelation(False, 0.0, _("相距%(m)d米") % {"m": round(d)})
        return PlaceRelation(True, 1.0 - d / limit_m, _("相距%(m)d米") % {"m": round(d)})
    if subject.community_id and other.community_id and subject.community_id != other.community_id:
        return PlaceRelation(False, 0.0, _("不在同一社区"))
    if subject.point_id and subject.point_id == other.point_id:
        return PlaceRelation(True, 1.0, _("同一点位"))
    if subject.address.strip() and other.address.strip() and address_similarity(subject.address, other.address) >= 0.8:
        return PlaceRelation(True, 0.9, _("地址相近"))
    if subject.grid_id and subject.grid_id == other.grid_id:
        return PlaceRelation(True, 0.7, _("同一网格"))
    if subject.community_id and subject.community_id == other.community_id:
        return PlaceRelation(True, 0.5, _("同一社区"))
    if subject.address.strip() and other.address.strip():
        return PlaceRelation(False, 0.0, _("地址不同"))
    if not subject.has_place or not other.has_place:
        return PlaceRelation(True, 0.0, _("位置不明，仅比对内容"))
    return PlaceRelation(True, 0.0, _("位置无法比对，仅比对内容"))


# --- matching -------------------------------------------------------------------------------------


class DuplicateMatch(NamedTuple):
    work_order: WorkOrder
    score: float
    reasons: list[str]


def _as_appeal(subject: WorkOrder | Appeal | tuple[Any, ...]) -> Appeal:
    if isinstance(subject, WorkOrder):
        return Appeal.of(subject)
    if isinstance(subject, Appeal):
        return subject
    text, lng, lat, received_at, district = subject
    community_id = grid_id = None
    if lng is not None and lat is not None:
        community_id, grid_id = _community_and_grid(float(lng), float(lat))
    return Appeal(
        text=text,
        lng=lng,
        lat=lat,
        received_at=received_at,
        district=district,
        community_id=community_id,
        grid_id=grid_id,
    )


def _community_and_grid(lng: float, lat: float) -> tuple[int | None, int | None]:
    """The community and grid holding a WGS-84 point, as work-order intake would record them."""
    from wangge.territory import locator

    node = locator.locate(lng, lat)
    if node is None:
        return None, None
    steplen = Territory.steplen
    prefixes = [node.path[:i] for i in range(steplen, len(node.path) + 1, steplen)]
    kinds = dict(
        Territory.objects.filter(path__in=prefixes, kind__in=[TerritoryKind.COMMUNITY, TerritoryKind.GRID]).values_list(
            "kind", "id"
        )
    )
    return kinds.get(TerritoryKind.COMMUNITY), kinds.get(TerritoryKind.GRID)


def candidates(
    subject: Appeal, *, days: int, limit_m: float, within: QuerySet[WorkOrder] | None = None
) -> list[WorkOrder]:
    """Cases of the same district and time window that may be duplicates (index-backed query)."""
    window = dt.timedelta(days=days)
    t = subject.received_at
    base = WorkOrder.objects.all() if within is None else within
    qs = (
        base.filter(
            district_id=subject.district_id,
            received_at__gte=t - window,
            received_at__lte=t + window,
        )
        .filter(Q(status__in=OPEN_STATUSES) | Q(status=Status.CLOSED, closed_at__gte=t - window))
        .only(
            "id",
            "tracking_code",
            "title",
            "description",
            "status",
            "lng",
            "lat",
            "address",
            "received_at",
            "district_id",
            "community_id",
            "grid_id",
            "point_id",
        )
        .order_by("-received_at")
    )
    if subject.pk is not None:
        qs = qs.exclude(pk=subject.pk)
    # The same place rules as place_relation, as far as an index helps: nearby, or unlocated in the same
    # community (a case in another community is never a duplicate).
    same_community = Q()
    if subject.community_id:
        same_community = Q(community_id=subject.community_id) | Q(community__isnull=True)
    if subject.has_coordinates:
        west, south, east, north = _bounding_box(subject.lng, subject.lat, limit_m)  # type: ignore[arg-type]
        unlocated = (Q(lng__isnull=True) | Q(lat__isnull=True)) & same_community
        qs = qs.filter(Q(lng__range=(west, east), lat__range=(south, north)) | unlocated)
    else:
        qs = qs.filter(same_community)
    return list(qs)


def _age(subject: Appeal, other: WorkOrder) -> str:
    seconds = (subject.received_at - other.received_at).total_seconds()
    if abs(seconds) < 3600:
        minutes = max(1, round(abs(seconds) / 60))
        return (_("%(n)d分钟前受理") if seconds >= 0 else _("%(n)d分钟后受理")) % {"n": minutes}
    if abs(seconds) < 86400:
        hours = round(abs(seconds) / 3600)
        return (_("%(n)d小时前受理") if seconds >= 0 else _("%(n)d小时后受理")) % {"n": hours}
    days = round(abs(seconds) / 86400)
    return (_("%(n)d天前受理") if seconds >= 0 else _("%(n)d天后受理")) % {"n": days}


def find_duplicates(
    subject: WorkOrder | Appeal | tuple[Any, ...],
    *,
    limit: int = 5,
    days: int | None = None,
    distance_m: float | None = None,
    min_similarity: float | None = None,
    within: QuerySet[WorkOrder] | None = None,
) -> list[DuplicateMatch]:
    """Cases that look like the same appeal as ``subject``, best first (at most ``limit``).

    ``within`` narrows the cases looked at, e.g. ``WorkOrder.objects.restrict(user)``."""
    appeal = _as_appeal(subject)
    days = window_days() if days is None else days
    limit_m = max_distance_m() if distance_m is None else distance_m
    floor = threshold() if min_similarity is None else min_similarity
    pool: list[tuple[WorkOrder, PlaceRelation]] = []
    for wo in candidates(appeal, days=days, limit_m=limit_m, within=within):
        relation = place_relation(appeal, Appeal.of(wo), limit_m=limit_m)
        if relation.compatible:
            pool.append((wo, relation))
    if not pool:
        return []
    sims = similarity_to(appeal.text, [appeal_text(wo.title, wo.description) for wo, _r in pool])
    matches: list[DuplicateMatch] = []
    for (wo, relation), sim in zip(pool, sims, strict=True):
        if sim < floor:
            continue
        score = round(float(sim) * (0.8 + 0.2 * relation.proximity), 4)
        reasons = [
            _("内容相似度%(pct)d%%") % {"pct": round(float(sim) * 100)},
            relation.reason,
            _age(appeal, wo),
            str(wo.get_status_display()),
        ]
        matches.append(DuplicateMatch(wo, score, reasons))
    matches.sort(key=lambda m: (-m.score, -m.work_order.received_at.timestamp()))
    return matches[:limit]


def suggest_duplicates(work_order: WorkOrder, *, user: Any = None) -> list[DuplicateMatch]:
    """At intake or dispatch: cases this one could be merged into (empty once merged or final). With
    ``user``, only cases in that user's scope are suggested."""
    if work_order.parent_id is not None or work_order.status in {Status.MERGED, Status.INVALID, Status.CLOSED}:
        return []
    within = None if user is None else WorkOrder.objects.restrict(user)
    return find_duplicates(work_order, within=within)


def open_nearby(
    *, lng: float, lat: float, category_id: int, distance_m: float | None = None, limit: int = 5
) -> list[tuple[WorkOrder, int]]:
    """已有人反映: the open cases of one category within ``distance_m`` (default ``WANGGE_DUPLICATE_DISTANCE_M``)
    of a WGS-84 point, nearest first, each with its distance in metres. Shown to a citizen before they file,
    so they may add their voice to one instead (no text is compared: they have not written it yet)."""
    limit_m = max_distance_m() if distance_m is None else distance_m
    west, south, east, north = _bounding_box(lng, lat, limit_m)
    rows = (
        WorkOrder.objects.filter(
            category_id=category_id,
            status__in=OPEN_STATUSES,
            lng__range=(west, east),
            lat__range=(south, north),
        )
        .select_related("category")
        .order_by("-received_at")[:200]
    )
    found = [
        (wo, round(haversine_m(lng, lat, float(wo.lng), float(wo.lat))))
        for wo in rows
        if wo.lng is not None and wo.lat is not None
    ]
    near = [(wo, d) for wo, d in found if d <= limit_m]
    near.sort(key=lambda pair: (pair[1], -pair[0].received_at.timestamp()))
    return near[:limit]


# --- calibration ----------------------------------------------------------------------------------

LABELLED_PAIRS = Path(__file__).parent / "tests" / "fixtures" / "duplicate_pairs.csv"


@dataclass(frozen=True)
class Evaluation:
    pairs: int
    positives: int
    threshold: float
    precision: float
    recall: float
    cv_precision: float  # thresholds chosen by best F1 on the other folds
    cv_recall: float
    cv_thresholds: tuple[float, ...]


def load_messages(path: Path) -> dict[str, str]:
    """留言编号 → title and description of the real messages (ids that repeat are left out)."""
    texts: dict[str, str] = {}
    repeated: set[str] = set()
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = (row.get("留言编号") or "").strip()
            if key in texts or key in repeated:
                repeated.add(key)
                texts.pop(key, None)
                continue
            texts[key] = appeal_text(row.get("留言主题") or "", row.get("留言详情") or "")
    return texts


def load_pairs(path: Path = LABELLED_PAIRS) -> list[tuple[str, str, int]]:
    with path.open(encoding="utf-8") as f:
        return [(r["id_a"], r["id_b"], int(r["is_duplicate"])) for r in csv.DictReader(f)]


def pair_scores(pairs: Sequence[tuple[str, str, int]], texts: dict[str, str]) -> npt.NDArray[np.float64]:
    order = sorted({x for a, b, _label in pairs for x in (a, b)})
    row = {k: i for i, k in enumerate(order)}
    vectors = text_vectors([texts[k] for k in order])
    left = vectors[[row[a] for a, _b, _label in pairs]]
    right = vectors[[row[b] for _a, b, _label in pairs]]
    return np.asarray(left.multiply(right).sum(axis=1)).ravel()


def _counts(scores: npt.NDArray[np.float64], labels: npt.NDArray[np.int64], cut: float) -> tuple[int, int, int]:
    predicted = scores >= cut
    tp = int((predicted & (labels == 1)).sum())
    fp = int((predicted & (labels == 0)).sum())
    fn = int((~predicted & (labels == 1)).sum())
    return tp, fp, fn


def best_f1_threshold(scores: npt.NDArray[np.float64], labels: npt.NDArray[np.int64]) -> float:
    """The threshold (0.05 … 0.59 by 0.01) with the best F1; the lowest one on ties."""
    best, best_f1 = 0.0, -1.0
    for cut in np.round(np.arange(0.05, 0.60, 0.01), 2):
        tp, fp, fn = _counts(scores, labels, float(cut))
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best_f1 + 1e-12:
            best, best_f1 = float(cut), f1
    return best


def evaluate(
    pairs: Sequence[tuple[str, str, int]], texts: dict[str, str], *, cut: float, folds: int = 5, seed: int = 0
) -> Evaluation:
    """Precision and recall of ``cut`` on the labelled pairs, and of a threshold chosen by cross-validation."""
    from sklearn.model_selection import StratifiedKFold

    scores = pair_scores(pairs, texts)
    labels = np.array([label for _a, _b, label in pairs], dtype=np.int64)
    tp, fp, fn = _counts(scores, labels, cut)
    cv_tp = cv_fp = cv_fn = 0
    chosen: list[float] = []
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(scores, labels):
        fold_cut = best_f1_threshold(scores[train], labels[train])
        chosen.append(fold_cut)
        a, b, c = _counts(scores[test], labels[test], fold_cut)
        cv_tp, cv_fp, cv_fn = cv_tp + a, cv_fp + b, cv_fn + c
    return Evaluation(
        pairs=len(pairs),
        positives=int(labels.sum()),
        threshold=cut,
        precision=tp / max(1, tp + fp),
        recall=tp / max(1, tp + fn),
        cv_precision=cv_tp / max(1, cv_tp + cv_fp),
        cv_recall=cv_tp / max(1, cv_tp + cv_fn),
        cv_thresholds=tuple(chosen),
    )
