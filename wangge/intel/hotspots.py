"""Hot issues (热点诉求): what many people are complaining about, where, and whether it is growing.

Public function (stable; the daily bulletin calls it)
-----------------------------------------------------
``hot_issues(queryset, *, start, end, top=10) -> list[HotIssue]``
    ``queryset`` is any :class:`WorkOrder` queryset, already scoped by the caller (a district, a
    user's ``restrict``); invalid cases are left out, merged ones count (each is someone reporting).
    Cases received in ``[start, end)`` are clustered; the window of the same length just before
    ``start`` gives the growth. Returns at most ``top`` issues, hottest first. :class:`HotIssue` holds
    ``label``, ``keywords``, ``size``, ``previous``, ``growth``, ``support``, ``heat``, ``places``
    (name, cases), ``community_id``, ``case_ids``, ``representatives`` (case id, title) and the
    first and last reception times.

``trend(current, baseline) -> "rising" | "steady" | "falling"``
    上升 / 持平 / 下降, decided by one rule for every table that shows a trend (the bulletin's hot spots
    against the previous week's daily average, hot issues against the previous window).

``rank_hot_issues(records, *, start, end, top=10)`` does the same on plain :class:`AppealRecord`
values (no database), for callers that already hold the cases.

Method
------
1. Text: title and the opening of the description (``TEXT_CHARS``), cut into words with jieba
   (stop words, numbers and single characters dropped), TF-IDF with sublinear term frequency fitted
   on both windows.
2. Topic: average-linkage agglomerative clustering on cosine distance, cut at ``CUT_DISTANCE`` (the
   members of a cluster have a mean cosine similarity of at least 0.15 to each other). Very large
   windows are first split into coarse groups with MiniBatchKMeans so memory stays bounded.
3. Place: each topic cluster is split by community (cases not located form their own group).
4. Growth: each case of the previous window joins the group whose centroid it is most similar to,
   if that similarity reaches the same 0.15 (the average-linkage criterion for one more member).
5. Heat = distinct reporters + 0.5 × max(0, cases now − cases in the previous window). Groups with
   fewer than ``MIN_SIZE`` cases are not issues. Keywords are the heaviest words of the group's
   centroid; representatives are the cases closest to it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.cluster import MiniBatchKMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from wangge.intel.duplicates import normalize_text
from wangge.workorders.choices import Status
from wangge.workorders.models import WorkOrder

TEXT_CHARS = 300  # of the description; titles and openings carry the topic, and long letters are slow to cut
CUT_DISTANCE = 0.85
JOIN_SIMILARITY = 1.0 - CUT_DISTANCE
MIN_SIZE = 2
MAX_DENSE = 2500  # above this many cases, cluster within MiniBatchKMeans groups of about this size
KEYWORDS = 5
REPRESENTATIVES = 3

# Function words and the formulas of petition letters; they say nothing about the topic.
_STOP_WORD_TEXT = """
一个 一些 一直 一下 不是 不能 不会 不要 严重 为了 为什么 主要 之前 也是 什么 今天 今年 他们 以及 以后 以前 但是
你们 你好 您好 您们 作为 具体 关于 其他 其中 出现 发现 可以 同时 同志 后来 告知 咨询 因为 回复 多次 大家 如何
如果 存在 尊敬 导致 就是 已经 市民 希望 平台 应该 开始 当时 怎么 总是 情况 感谢 成为 我们 或者 所以 所有 按照
提出 提供 政府 无法 时候 是否 是不是 有关 有没有 本人 来说 此事 没有 然后 现在 目前 直接 相关 知道 能否 自己
至今 解决 认为 请问 谢谢 调查 这个 这些 这样 这里 这种 进行 那个 那些 那里 部门 问题 问政 需要 非常 领导 书记
市长 局长 县长 区长 主任 处理 反映 投诉 举报 要求 办理 工作 居民 业主 百姓 老百姓 群众 给予 得到 还是 还有 而且
虽然 并且 只是 只有 不过 甚至 曾经 据说 听说 一样 一般 很多 许多 比较 特别 经常 马上 尽快 及时 立即 相应 对此
对于 根据 通过 由于 其实 以来 以上 以下
"""
STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
_HAS_ASCII_ALNUM = re.compile(r"[0-9a-z]")


@dataclass(frozen=True)
class AppealRecord:
    """One case as the clustering needs it."""

    id: int
    title: str
    description: str
    received_at: dt.datetime
    reporter: str  # any stable key of the person (blind phone index, account); "" when unknown
    community_id: int | None = None
    community_name: str = ""
    grid_name: str = ""


@dataclass
class HotIssue:
    label: str  # the three heaviest keywords, joined with "·"
    keywords: list[str]
    size: int  # cases in the window
    previous: int  # similar cases in the window of the same length before it
    growth: float | None  # (size − previous) / previous; None when nothing similar came before
    support: int  # distinct reporters
    heat: float
    places: list[tuple[str, int]]  # community, then grids, with their case counts; [] when not located
    community_id: int | None
    case_ids: list[int]
    representatives: list[tuple[int, str]]  # (case id, title), closest to the centroid first
    first_received: dt.datetime | None = None
    last_received: dt.datetime | None = None

    @property
    def trend(self) -> str:
        """上升 / 持平 / 下降 of ``size`` against ``previous`` (:func:`trend`)."""
        return trend(self.size, self.previous)


# --- trend ----------------------------------------------------------------------------------------

RISING, STEADY, FALLING = "rising", "steady", "falling"  # the values of ``reports.choices.Trend``
TREND_FACTOR = 1.5  # default of WANGGE_BULLETIN_RISING_FACTOR
TREND_MIN_CHANGE = MIN_SIZE  # default of WANGGE_BULLETIN_RISING_MIN_INCREASE: the fewest cases of a hot issue


def trend_thresholds() -> tuple[float, float]:
    """(factor, least change in cases) of :func:`trend`, from the settings."""
    factor = float(getattr(settings, "WANGGE_BULLETIN_RISING_FACTOR", TREND_FACTOR))
    least = float(getattr(settings, "WANGGE_BULLETIN_RISING_MIN_INCREASE", TREND_MIN_CHANGE))
    return factor, least


def trend(current: float, baseline: float) -> str:
    """上升 / 持平 / 下降 of a count against its baseline (a previous window, a daily average), the one rule of
    every table that shows a trend (hot spots and hot issues alike).

    上升 when ``current`` is at least FACTOR × ``baseline`` *and* at least LEAST cases more; 下降 the same the other
    way round; 持平 otherwise — a change of fewer than LEAST cases is never a trend, whatever its ratio. From
    nothing (``baseline`` 0) every count of LEAST or more is 上升 (with the defaults: 2 vs 0 and 3 vs 0 alike;
    1 vs 0 is 持平).
    """
    factor, least = trend_thresholds()
    if current >= baseline * factor and current - baseline >= least:
        return RISING
    if baseline >= current * factor and baseline - current >= least:
        return FALLING
    return STEADY


def trend_rule_text() -> str:
    """The rule of :func:`trend` in words, for the note under a table that shows it."""
    factor, least = trend_thresholds()
    return _(
        "趋势：件数达到比较基数的 %(factor)s 倍及以上且多出至少 %(least)s 件为“上升”，"
        "降至比较基数的 1/%(factor)s 及以下且少了至少 %(least)s 件为“下降”，其余为“持平”。"
    ) % {"factor": f"{factor:g}", "least": f"{least:g}"}


# --- text -----------------------------------------------------------------------------------------


def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(60)
    return jieba


def tokenize(text: str) -> list[str]:
    """Content words of a text: jieba words of two or more characters, no stop words or numbers."""
    words = _jieba().lcut(normalize_text(text))
    return [
        w
        for w in words
        if len(w) >= 2 and w not in STOP_WORDS and _HAS_CJK.search(w) and not _HAS_ASCII_ALNUM.search(w)
    ]


def _text_of(record: AppealRecord) -> str:
    return f"{record.title}。{(record.description or '')[:TEXT_CHARS]}"


def _identity(tokens: list[str]) -> list[str]:
    return tokens


# --- clustering -----------------------------------------------------------------------------------


def _average_linkage(vectors: sparse.csr_matrix) -> npt.NDArray[np.int64]:
    """Cluster labels (0-based) of the rows, cut at ``CUT_DISTANCE``."""
    n = vectors.shape[0]
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    similarity = (vectors @ vectors.T).toarray()
    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    return np.asarray(fcluster(tree, CUT_DISTANCE, criterion="distance"), dtype=np.int64) - 1


def cluster_topics(vectors: sparse.csr_matrix) -> npt.NDArray[np.int64]:
    """Topic label per row; windows larger than ``MAX_DENSE`` are split coarsely first."""
    n = vectors.shape[0]
    if n <= MAX_DENSE:
        return _average_linkage(vectors)
    groups = MiniBatchKMeans(n_clusters=math.ceil(n / MAX_DENSE), random_state=0, n_init=3).fit_predict(vectors)
    labels = np.empty(n, dtype=np.int64)
    offset = 0
    for g in np.unique(groups):
        rows = np.flatnonzero(groups == g)
        sub = _average_linkage(vectors[rows])
        labels[rows] = sub + offset
        offset += int(sub.max()) + 1
    return labels


def _heat(support: int, size: int, previous: int) -> float:
    return support + 0.5 * max(0, size - previous)


def _places(members: Sequence[AppealRecord]) -> list[tuple[str, int]]:
    community = Counter(r.community_name for r in members if r.community_name)
    grids = Counter(r.grid_name for r in members if r.grid_name)
    return community.most_common() + grids.most_common()


def rank_hot_issues(
    records: Iterable[AppealRecord], *, start: dt.datetime, end: dt.datetime, top: int = 10
) -> list[HotIssue]:
    """Hot issues among ``records`` received in ``[start, end)``; see the module docstring."""
    length = end - start
    records = list(records)
    current = [r for r in records if start <= r.received_at < end]
    earlier = [r for r in records if start - length <= r.received_at < start]
    if len(current) < MIN_SIZE:
        return []
    tokens = [tokenize(_text_of(r)) for r in current + earlier]
    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(tokens)
    except ValueError:  # no content word at all
        return []
    if matrix.shape[1] == 0:
        return []
    matrix = normalize(matrix.tocsr())
    vocabulary = np.asarray(vectorizer.get_feature_names_out())
    now_vectors, before_vectors = matrix[: len(current)], matrix[len(current) :]
    topics = cluster_topics(now_vectors)

    # Split every topic by community; the group key is (topic, community or None).
    groups: dict[tuple[int, int | None], list[int]] = defaultdict(list)
    for i, (topic, record) in enumerate(zip(topics.tolist(), current, strict=True)):
        groups[(topic, record.community_id)].append(i)
    keys = [k for k, rows in groups.items() if len(rows) >= MIN_SIZE]
    if not keys:
        return []
    centroids = np.vstack([np.asarray(now_vectors[groups[k]].mean(axis=0)).ravel() for k in keys])

    previous = Counter[int]()
    if before_vectors.shape[0]:
        sims = np.asarray(before_vectors @ centroids.T)
        for j, record in enumerate(earlier):
            allowed = [g for g, k in enumerate(keys) if k[1] is None or k[1] == record.community_id]
            if not allowed:
                continue
            best = max(allowed, key=lambda g: sims[j, g])
            if sims[j, best] >= JOIN_SIMILARITY:
                previous[best] += 1

    issues: list[HotIssue] = []
    for g, key in enumerate(keys):
        rows = groups[key]
        members = [current[i] for i in rows]
        centroid = centroids[g]
        heaviest = [i for i in np.argsort(-centroid)[:KEYWORDS] if centroid[i] > 0]
        keywords = [str(vocabulary[i]) for i in heaviest]
        closeness = np.asarray(now_vectors[rows] @ centroid).ravel()
        reps = [members[i] for i in np.argsort(-closeness)[:REPRESENTATIVES]]
        reporters = {r.reporter or f"case:{r.id}" for r in members}
        size, before = len(members), previous[g]
        received = [r.received_at for r in members]
        issues.append(
            HotIssue(
                label="·".join(keywords[:3]) or _("未命名"),
                keywords=keywords,
                size=size,
                previous=before,
                growth=(size - before) / before if before else None,
                support=len(reporters),
                heat=_heat(len(reporters), size, before),
                places=_places(members),
                community_id=key[1],
                case_ids=sorted(r.id for r in members),
                representatives=[(r.id, r.title) for r in reps],
                first_received=min(received),
                last_received=max(received),
            )
        )
    issues.sort(key=lambda h: (-h.heat, -h.size, -(h.last_received or start).timestamp()))
    return issues[:top]


# --- database adapter -----------------------------------------------------------------------------


def _reporter_key(wo: Mapping[str, Any]) -> str:
    if wo["reporter_phone_index"]:
        return f"phone:{wo['reporter_phone_index']}"
    if wo["reporter_user_id"]:
        return f"user:{wo['reporter_user_id']}"
    return ""


def records_of(
    queryset: QuerySet[WorkOrder], *, start: dt.datetime, end: dt.datetime, limit: int | None = None
) -> list[AppealRecord]:
    """The cases of both windows as :class:`AppealRecord` values; with ``limit``, at most that many of each
    window, the latest ones (so a very busy week costs a bounded time)."""
    if limit is None:
        return _records(queryset, start - (end - start), end, None)
    return _records(queryset, start - (end - start), start, limit) + _records(queryset, start, end, limit)


def _records(
    queryset: QuerySet[WorkOrder], start: dt.datetime, end: dt.datetime, limit: int | None
) -> list[AppealRecord]:
    rows = (
        queryset.filter(received_at__gte=start, received_at__lt=end)
        .exclude(status=Status.INVALID)
        .order_by("-received_at", "-id")
        .values(
            "id",
            "title",
            "description",
            "received_at",
            "reporter_phone_index",
            "reporter_user_id",
            "community_id",
            "community__name",
            "grid__name",
        )
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        AppealRecord(
            id=row["id"],
            title=row["title"],
            description=row["description"],
            received_at=row["received_at"],
            reporter=_reporter_key(row),
            community_id=row["community_id"],
            community_name=row["community__name"] or "",
            grid_name=row["grid__name"] or "",
        )
        for row in rows
    ]


def hot_issues(
    queryset: QuerySet[WorkOrder], *, start: dt.datetime, end: dt.datetime, top: int = 10, limit: int | None = None
) -> list[HotIssue]:
    """The ``top`` hottest issues among the cases of ``queryset`` received in ``[start, end)`` (with ``limit``:
    among the latest ``limit`` cases of each window)."""
    records = records_of(queryset, start=start, end=end, limit=limit)
    return rank_hot_issues(records, start=start, end=end, top=top)
