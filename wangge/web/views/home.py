"""The home page: what a user sees first depends on their role."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wangge.emergency import selectors as emergency_selectors
from wangge.inspections import selectors as inspection_selectors
from wangge.inspections.models import Round
from wangge.web import selectors
from wangge.workorders import headlines
from wangge.workorders.choices import OPEN_STATUSES, ClockState, Status
from wangge.workorders.clocks import clock_q
from wangge.workorders.models import WorkOrder


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    kind = selectors.home_kind(user)
    now = timezone.now()
    queue = selectors.action_queue(user)
    in_scope: QuerySet[WorkOrder] = WorkOrder.objects.restrict(user)
    open_cases = headlines.open_cases(in_scope)
    context: dict[str, object] = {
        "kind": kind,
        "queue_count": queue.count(),
        # The step clock of a case in the queue has run out: 环节超时, not 超期 (the handling deadline).
        "overdue_count": queue.filter(clock_q(ClockState.OVERDUE, now)).count(),
        "definitions": {name: headlines.definition(name) for name in headlines.DEFINITIONS},
        "approaching_count": queue.filter(clock_q(ClockState.APPROACHING, now)).count(),
        "roles": sorted(selectors.roles_of(user)),
    }
    if kind == selectors.HOME_DISPATCH and takes_calls_only(user):
        # 话务员: their intake and today's calls, not a dispatch queue they cannot act on.
        context.update(intake_home(user, now))
    elif kind == selectors.HOME_GRID:
        cases = list(selectors.list_rows(open_cases).order_by(*selectors.DUE_ORDER)[:20])
        context["cases"] = selectors.decorate(cases, now)
        context["cases_title"] = "grid"
        context["phone_actions"] = grid_actions(user, queue, now)
    elif kind == selectors.HOME_OVERVIEW:
        figures = headlines.headlines(in_scope, now)
        counts = selectors.status_counts(open_cases)
        context["status_rows"] = [(s.label, counts.get(s.value, 0), s.value) for s in Status if s in OPEN_STATUSES]
        context["open_total"] = figures.open
        context["open_overdue"] = figures.overdue
        month_start, _month_end = headlines.month_bounds(now)
        context["month_start"] = month_start
        context["open_querystring"] = urlencode([("status", s.value) for s in Status if s in OPEN_STATUSES])
        context["month_received"] = figures.month_received
        context["month_closed"] = figures.month_closed
        overdue = selectors.list_rows(headlines.overdue_cases(in_scope, now))
        # Longest past the handling deadline first, as the 日通报 lists them.
        context["cases"] = selectors.decorate(list(overdue.order_by("due_at", "pk")[:20]), now)
        context["cases_title"] = "overdue"
    else:
        context["cases"] = selectors.decorate(list(selectors.list_rows(queue)[:20]), now)
        context["cases_title"] = "queue"
    return render(request, "web/home.html", context)


HOME_INTAKE = "intake"


def grid_actions(user: Any, queue: QuerySet[WorkOrder], now: dt.datetime) -> list[dict[str, Any]]:
    """The grid worker's day as big buttons on the phone: 上报, 签到 (with today's count), 一日志 (whether
    today's log is in), 待核查 (replied cases of their grids awaiting their check); their whole queue is
    the 待我处理 figure below.
    Each button is one row here: 今日巡查 (the point rounds open to them today), and first of all, while a warning
    waits for their 收到, 预警待确认."""
    from wangge.reports import selectors as patrol

    today = timezone.localdate(now)
    checkins = patrol.checkins_for(user, worker_id=user.pk, day=today).count()
    log = patrol.daily_log_for(user, worker_id=user.pk, day=today)
    to_verify = queue.filter(status=Status.REPLIED).count()
    rounds = inspection_selectors.today_rounds(user, Round.objects.restrict(user), now=now).count()
    warnings = emergency_selectors.my_pending(user).count()
    actions: list[dict[str, Any]] = [
        {
            "key": "report",
            "url": reverse("web:case_report"),
            "label": _("上报事件"),
            "note": _("发现问题，随手上报"),
            "primary": True,
        },
        {
            "key": "checkin",
            "url": reverse("reports:patrol"),
            "label": _("巡查签到"),
            "note": ngettext("今日已签到 %(n)d 次", "今日已签到 %(n)d 次", checkins) % {"n": checkins},
        },
        {
            "key": "log",
            "url": reverse("reports:patrol") + "#daily-log",
            "label": _("一日志"),
            "note": _("今日日志已提交") if log and log.submitted_at else _("今日日志未提交"),
        },
        {
            "key": "verify",
            "url": reverse("web:workbench") + "?" + urlencode({"status": Status.REPLIED}),
            "label": _("待核查"),
            "count": to_verify,
        },
        {
            "key": "rounds",
            "url": reverse("web:inspection_home"),
            "label": _("今日巡查"),
            "count": rounds,
        },
    ]
    if warnings:  # a warning waiting for 收到 comes first: one tap to acknowledge
        actions.insert(
            0,
            {
                "key": "warnings",
                "url": reverse("web:warning_mine"),
                "label": _("预警待确认"),
                "count": warnings,
                "primary": True,
            },
        )
    return actions


def takes_calls_only(user: Any) -> bool:
    """A call taker (受理员/话务员) who is not also a dispatcher or an administrator."""
    from wangge.accounts.choices import Role

    roles = selectors.roles_of(user)
    return not user.is_superuser and Role.CALL_TAKER in roles and not roles & {Role.DISPATCHER, Role.ADMIN}


def intake_home(user: Any, now: dt.datetime) -> dict[str, Any]:
    """The call taker's home: the cases they filed today (newest first) with their status, and the counts."""
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    today = WorkOrder.objects.filter(filed_by=user, received_at__gte=start)
    rows = list(today.select_related("category").order_by("-received_at", "-pk")[:100])
    answered = set(today.filter(events__name="answer_direct").values_list("pk", flat=True))
    for wo in rows:
        wo.answered_directly = wo.pk in answered  # type: ignore[attr-defined]
    return {
        "kind": HOME_INTAKE,
        "today_start": start,
        "today_cases": rows,
        "today_total": today.count(),
        "today_answered": len(answered),
        "today_waiting": today.filter(status__in=(Status.REGISTERED, Status.RETURNED)).count(),
        "today_open": today.filter(status__in=OPEN_STATUSES).count(),
    }
