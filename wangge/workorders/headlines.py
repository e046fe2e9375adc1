"""The headline figures of the closed loop, one definition each: every screen that shows one calls this module.

The home page, the workbench's links, the map, the 大屏, the 日通报, the monthly rankings and the API all count
cases through these functions, so the same figure reads the same on every screen (``tests/test_headlines.py``
and ``web/tests/test_number_agreement.py`` hold them to it). Each definition carries its name and a one-line
explanation in Chinese (:data:`DEFINITIONS`) that the screens show beside the figure (a tooltip or a note), so
where two screens rightly count different things each says what it counts.

- **在办** (:func:`open_cases`): cases not yet closed — every status of ``OPEN_STATUSES`` (待派遣 to 待回访,
  suspended included), dispatched or not, with a position or without one.
- **超期** (:func:`overdue_cases`): the open cases whose handling deadline (办结时限) has passed with no reply from
  the unit yet (``clocks.deadline_overdue``). The running step clock running out (签收、处置 … took too long) is
  a different thing, named **环节超时** wherever it is shown.
- **受理** (:func:`received_cases`): cases received in the period (every case, whatever became of it).
- **结案** (:func:`closed_cases`): cases closed in the period (status 已结案, ``closed_at`` in the period).
- **应结案** (:func:`period_measures`): the measures of ``workorders.measures`` over the period *up to the moment
  of counting*: a case whose deadline is still ahead is not yet due. Its ``closed`` is "应结案中已结案", the
  numerator of 结案率 — not the same as 本月结案 above, and the screens name it so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wangge.workorders.choices import OPEN_STATUSES, Status, SupervisionLevel
from wangge.workorders.clocks import deadline_overdue
from wangge.workorders.measures import Measures, measures
from wangge.workorders.models import WorkOrder

StrOrPromise = str | Promise

# name → (label, what it counts): shown beside the figure on every screen.
DEFINITIONS: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    "open": (_("在办"), _("尚未结案、未作废、未合并的工单（含待派遣、已挂起；有无坐标均计）")),
    "overdue": (_("超期"), _("在办工单中办结时限已过、承办单位尚未答复的")),
    "step_overdue": (
        _("环节超时"),
        _("当前环节（派遣、签收、处置、核查或回访）已过本环节时限的；与“超期”（过办结时限）不同"),
    ),
    "received": (_("受理"), _("期间内受理登记的工单")),
    "closed": (_("结案"), _("期间内结案的工单（按结案时间）")),
    "due": (_("应结案"), _("办结时限落在期间内、截至统计时点已到期的工单（主工单与整改工单，不含作废、合并）")),
    "due_closed": (_("应结案中已结案"), _("应结案工单中已结案的，即结案率的分子")),
    "supervised": (_("督办中"), _("在办工单中挂黄牌或红牌督办的")),
    "unplaced": (_("未定位"), _("在办工单中没有坐标、无法标在地图上的")),
}


def label(name: str) -> str:
    return str(DEFINITIONS[name][0])


def definition(name: str) -> str:
    """ "在办：尚未结案的工单…" — the text a screen shows as the figure's tooltip or note."""
    title, text = DEFINITIONS[name]
    return gettext("%(title)s：%(text)s") % {"title": title, "text": text}


def open_q() -> Q:
    return Q(status__in=OPEN_STATUSES)


def open_cases(qs: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    """在办."""
    return qs.filter(open_q())


def overdue_cases(qs: QuerySet[WorkOrder], now: dt.datetime) -> QuerySet[WorkOrder]:
    """超期 at ``now``."""
    return qs.filter(deadline_overdue(now))


def received_cases(qs: QuerySet[WorkOrder], start: dt.datetime, end: dt.datetime) -> QuerySet[WorkOrder]:
    """受理 in ``[start, end)``."""
    return qs.filter(received_at__gte=start, received_at__lt=end)


def closed_cases(qs: QuerySet[WorkOrder], start: dt.datetime, end: dt.datetime) -> QuerySet[WorkOrder]:
    """结案 in ``[start, end)``."""
    return qs.filter(status=Status.CLOSED, closed_at__gte=start, closed_at__lt=end)


def supervised_cases(qs: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    """督办中: open cases under a yellow or red card."""
    return open_cases(qs).filter(supervision__in=[SupervisionLevel.YELLOW, SupervisionLevel.RED])


def unplaced_cases(qs: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    """在办 cases the map cannot place (no coordinates); 在办 = placed + unplaced."""
    return open_cases(qs).filter(Q(lng__isnull=True) | Q(lat__isnull=True))


def placed_cases(qs: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    return qs.filter(lng__isnull=False, lat__isnull=False)


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def day_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """[00:00, next 00:00) of ``now``'s day in the platform's time zone."""
    day = timezone.localtime(now).date()
    return _local_midnight(day), _local_midnight(day + dt.timedelta(days=1))


def month_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """[00:00 of the 1st, 00:00 of the next 1st) of ``now``'s month in the platform's time zone."""
    first = timezone.localtime(now).date().replace(day=1)
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return _local_midnight(first), _local_midnight(following)


def period_measures(
    qs: QuerySet[WorkOrder],
    start: dt.datetime,
    end: dt.datetime,
    *,
    now: dt.datetime,
    group_by: str | None = None,
) -> list[Measures]:
    """应结案 and the other measures of ``[start, end)`` counted at ``now``: a period still running is cut at ``now``
    (a deadline still ahead is not yet due) and 超期未结 is taken at the end of the counted span."""
    as_of = min(end, now)
    return measures(qs, start, as_of, group_by=group_by, now=as_of)


@dataclass(frozen=True)
class Headlines:
    """The headline figures of a scope at a moment (what the home page and the 大屏 show)."""

    open: int
    overdue: int
    supervised: int
    today_received: int
    month_received: int
    month_closed: int
    month: Measures  # 应结案 … of the month so far


def headlines(qs: QuerySet[WorkOrder], now: dt.datetime) -> Headlines:
    """The headline figures of the (already scoped) cases ``qs`` at ``now``."""
    start, end = month_bounds(now)
    today_start, today_end = day_bounds(now)
    return Headlines(
        open=open_cases(qs).count(),
        overdue=overdue_cases(qs, now).count(),
        supervised=supervised_cases(qs).count(),
        today_received=received_cases(qs, today_start, today_end).count(),
        month_received=received_cases(qs, start, end).count(),
        month_closed=closed_cases(qs, start, end).count(),
        month=period_measures(qs, start, end, now=now)[0],
    )
