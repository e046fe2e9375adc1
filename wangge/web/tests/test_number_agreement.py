"""One number on every screen: each headline figure of a small demo, read through every screen that shows it.

The demo (its territory, units, staff, calendar, categories and a short case history through the real loop, plus
the overdue, unplaced and 督办 cases its history avoids) is built once for the module at a frozen moment and
rolled back afterwards. Each test reads
one figure through the home page, the workbench's filtered list, the map, the 大屏, the 日通报, the monthly
rankings and the API measures, and asserts they agree — or, where a screen rightly counts something else, that
the difference is exactly what that screen says it leaves out.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time
from rest_framework.throttling import SimpleRateThrottle

from wangge.accounts.models import Unit, User
from wangge.core.actors import SYSTEM
from wangge.demo.catalogue import DISTRICTS, unit_code
from wangge.demo.services import (
    DemoOptions,
    demo_calendar_seed,
    demo_cases_seed,
    demo_categories_seed,
    demo_seed,
    demo_staff_seed,
    demo_territory_seed,
    demo_units_seed,
)
from wangge.reports import bulletins, rankings
from wangge.reports.dashboard import dashboard_data
from wangge.territory import locator
from wangge.territory.models import Territory
from wangge.workorders import catalog, headlines
from wangge.workorders.choices import OPEN_STATUSES, AppealType, Channel, Status
from wangge.workorders.models import Category, WorkOrder
from wangge.workorders.services import work_order_create, work_order_transition

pytestmark = pytest.mark.django_db

CASES = 32
# A Thursday afternoon in the middle of a month: the month so far holds deadlines met, missed and still ahead.
NOW = dt.datetime(2026, 11, 19, 15, 20, tzinfo=dt.timezone(dt.timedelta(hours=8)))
LEADER = "demo_leader"  # 领导 of 卫东区: the overview home page, the 大屏, the bulletins and rankings of the district

STEPS = [
    ("territory", demo_territory_seed),
    ("units", demo_units_seed),
    ("staff", demo_staff_seed),
    ("calendar", demo_calendar_seed),
    ("categories", demo_categories_seed),
    ("cases", demo_cases_seed),
]


def _add_what_the_demo_lacks() -> None:
    """What a short demo history may lack, added through the real loop so every figure has something to count: a
    call without a place awaiting dispatch, a case closed this month, and two cases the unit accepted and never
    answered — one without a place, one placed and under a yellow card."""
    code = DISTRICTS[0].code
    district = Territory.objects.get(code=code)
    users = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
    unit = Unit.objects.get(code=unit_code(code, "cgj"))
    category = Category.objects.filter(category_set=catalog.active_set(), parent__isnull=False).order_by("code")[0]

    def case(days_ago: int, placed: bool) -> WorkOrder:
        at = NOW - dt.timedelta(days=days_ago)
        where: dict[str, Any] = {"district": district}
        if placed:
            wo = WorkOrder.objects.filter(district=district, lng__isnull=False).order_by("pk")[0]
            where = {"lng": wo.lng, "lat": wo.lat}
        return work_order_create(
            actor=users["demo_call_taker"],
            channel=Channel.HOTLINE,
            appeal_type=AppealType.COMPLAINT,
            title="路灯不亮",
            description="小区门口的路灯一直不亮，晚上出行不便。",
            category=category,
            reporter_phone="13812341234",
            now=at,
            **where,
        )

    def stalled(days_ago: int, placed: bool) -> WorkOrder:
        wo = case(days_ago, placed)
        at = NOW - dt.timedelta(days=days_ago) + dt.timedelta(minutes=30)
        work_order_transition(actor=users["demo_dispatcher"], work_order_id=wo.pk, name="dispatch", now=at, unit=unit)
        return work_order_transition(
            actor=users["demo_dept_handler"], work_order_id=wo.pk, name="accept", now=at + dt.timedelta(hours=1)
        )

    def closed(days_ago: int) -> WorkOrder:
        wo = stalled(days_ago, placed=True)
        at = NOW - dt.timedelta(days=days_ago) + dt.timedelta(hours=3)
        steps: list[tuple[str, str, dict[str, Any]]] = [
            ("demo_dept_handler", "reply", {"text": "已修复", "result": "resolved"}),
            ("demo_inspector", "verify_pass", {}),
            ("demo_call_taker", "callback", {"rating": 5, "resolved": True}),
            ("demo_dispatcher", "close", {}),
        ]
        for i, (who, name, payload) in enumerate(steps):
            wo = work_order_transition(
                actor=users[who], work_order_id=wo.pk, name=name, now=at + dt.timedelta(hours=i), **payload
            )
        return wo

    case(2, placed=False)
    closed(8)
    stalled(40, placed=False)
    late = stalled(12, placed=True)
    work_order_transition(
        actor=users["demo_inspector"],
        work_order_id=late.pk,
        name="supervise",
        now=NOW - dt.timedelta(days=1),
        level="yellow",
        note="超期未办",
    )


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """The demo at ``NOW`` (time stands still for the module) and what each screen shows of it, read once;
    rolled back at the end."""
    with freeze_time(NOW), django_db_blocker.unblock(), transaction.atomic():
        locator.invalidate()
        demo_seed(actor=SYSTEM, options=DemoOptions(cases=CASES), steps=STEPS)
        _add_what_the_demo_lacks()
        leader = User.objects.get(username=LEADER)
        client = Client()
        client.force_login(leader)
        home = client.get(reverse("web:home"))
        assert home.status_code == 200 and home.context["kind"] == "overview"
        yield {
            "home": home.context,
            "map_page": client.get(reverse("web:map")).context,
            "map_json": client.get(reverse("web:map_cases")).json(),
            "dashboard": dashboard_data(leader, now=NOW),
            "bulletin": bulletins.compute(bulletins.resolve_scope(DISTRICTS[0].code), NOW.date(), now=NOW),
        }
        transaction.set_rollback(True)
    locator.invalidate()


@pytest.fixture
def screens(demo: dict[str, Any]) -> dict[str, Any]:
    return {**demo, "scoped": WorkOrder.objects.restrict(User.objects.get(username=LEADER))}


@pytest.fixture
def client_(monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    """The leader's browser at ``NOW``."""
    with freeze_time(NOW):
        # The API's rate limit reads the clock through a class attribute, which a frozen clock would bind.
        monkeypatch.setattr(SimpleRateThrottle, "timer", staticmethod(time.time))
        c = Client()
        c.force_login(User.objects.get(username=LEADER))
        yield c


def workbench_count(client: Client, params: list[tuple[str, str]]) -> int:
    response = client.get(f"{reverse('web:workbench')}?{urlencode([('tab', 'all'), *params])}")
    assert response.status_code == 200
    return int(response.context["page"].paginator.count)


def api_count(client: Client, params: list[tuple[str, str]]) -> int:
    response = client.get(f"{reverse('api:work-order-list')}?{urlencode(params)}")
    assert response.status_code == 200, response.content
    return int(response.json()["count"])


def api_measures(client: Client, start: dt.date, end: dt.date, **extra: str) -> list[dict[str, Any]]:
    response = client.get(reverse("api:measures"), {"start": start.isoformat(), "end": end.isoformat(), **extra})
    assert response.status_code == 200, response.content
    return list(response.json())


def test_the_demo_has_figures_worth_comparing(screens: dict[str, Any]) -> None:
    figures = headlines.headlines(screens["scoped"], NOW)
    assert figures.open > 0 and figures.overdue > 0 and figures.month_closed > 0 and figures.month.due > 0
    assert figures.supervised > 0 and headlines.unplaced_cases(screens["scoped"]).count() == 2


def test_open_cases_read_the_same_on_home_workbench_map_and_dashboard(screens: dict[str, Any], client_: Client) -> None:
    expected = headlines.open_cases(screens["scoped"]).count()
    open_filter = [("status", s.value) for s in Status if s in OPEN_STATUSES]

    assert screens["home"]["open_total"] == expected
    assert workbench_count(client_, open_filter) == api_count(client_, open_filter) == expected
    assert screens["dashboard"]["kpis"]["open"] == expected
    # The map: the cases it places plus the ones it lists beside it as not placed.
    placed, page = screens["map_json"], screens["map_page"]
    assert placed["count"] + placed["unplaced"] == placed["open_total"] == expected
    assert page["open_total"] == expected and page["placed_total"] + page["unplaced_total"] == expected
    assert page["placed_total"] == placed["count"] and page["unplaced_total"] == placed["unplaced"]
    assert {wo.tracking_code for wo in page["unplaced_cases"]} <= set(
        headlines.unplaced_cases(screens["scoped"]).values_list("tracking_code", flat=True)
    )


def test_overdue_reads_the_same_on_home_workbench_dashboard_and_bulletin(
    screens: dict[str, Any], client_: Client
) -> None:
    expected = headlines.overdue_cases(screens["scoped"], NOW).count()

    assert screens["home"]["open_overdue"] == expected
    assert workbench_count(client_, [("overdue", "true")]) == api_count(client_, [("overdue", "true")]) == expected
    assert screens["dashboard"]["kpis"]["overdue"] == expected
    assert screens["bulletin"]["overdue"]["total"] == expected
    # The home page's 环节超时 (the step clock) is a different figure with a different name.
    assert "环节超时" in screens["home"]["definitions"]["step_overdue"]


def test_supervised_reads_the_same_on_dashboard_and_bulletin(screens: dict[str, Any]) -> None:
    expected = headlines.supervised_cases(screens["scoped"]).count()

    assert screens["dashboard"]["kpis"]["supervised"] == screens["bulletin"]["supervised"]["total"] == expected


def test_month_received_and_closed_read_the_same_on_home_workbench_dashboard_and_api(
    screens: dict[str, Any], client_: Client
) -> None:
    start, end = headlines.month_bounds(NOW)
    received = headlines.received_cases(screens["scoped"], start, end).count()
    closed = headlines.closed_cases(screens["scoped"], start, end).count()
    first = start.date()

    assert screens["home"]["month_received"] == screens["dashboard"]["kpis"]["month_received"] == received
    assert workbench_count(client_, [("received_from", first.isoformat())]) == received
    assert screens["home"]["month_closed"] == screens["dashboard"]["kpis"]["month_closed"] == closed
    closed_filter = [("status", "closed"), ("closed_from", first.isoformat())]  # the home figure's link
    assert workbench_count(client_, closed_filter) == api_count(client_, closed_filter) == closed
    assert api_measures(client_, first, NOW.date())[0]["received"] == received
    # The 大屏's daily trend counts the same way: its days of this month add up to the month's figures.
    trend = screens["dashboard"]["trend"]
    this_month = [i for i, d in enumerate(trend["dates"]) if d >= first.isoformat()]
    assert len(this_month) == NOW.day  # the trend reaches back past the first of the month
    assert sum(trend["received"][i] for i in this_month) == received
    assert sum(trend["closed"][i] for i in this_month) == closed


def test_month_due_reads_the_same_on_dashboard_api_and_rankings_less_what_rankings_name(
    screens: dict[str, Any], client_: Client
) -> None:
    kpis = screens["dashboard"]["kpis"]
    first = headlines.month_bounds(NOW)[0].date()
    api = api_measures(client_, first, NOW.date())[0]
    assert (api["due"], api["closed"]) == (kpis["month_due"], kpis["month_due_closed"])

    # A deadline still ahead this month is not yet 应结案 on either screen (the month is counted up to now).
    month_end = headlines.month_bounds(NOW)[1]
    assert screens["scoped"].filter(due_at__gte=NOW, due_at__lt=month_end).exists()
    # Rankings by unit leave out the cases not dispatched to a unit, and say so on the page.
    by_unit = api_measures(client_, first, NOW.date(), group_by="unit")
    not_dispatched = sum(r["due"] for r in by_unit if r["key"] is None)
    ranking = rankings.monthly_rankings(screens["scoped"], NOW.year, NOW.month, by="unit", now=NOW)["closure"]
    ranked_due = sum(r.due for r in ranking.ranked + ranking.insufficient)
    assert ranked_due == kpis["month_due"] - not_dispatched
    assert ranked_due > 0

    page = client_.get(reverse("reports:rankings"), {"month": f"{NOW.year:04d}-{NOW.month:02d}", "by": "unit"})
    assert (
        "与大屏“应结案”同一口径" in page.content.decode() and "未派遣到单位的工单不计入各单位" in page.content.decode()
    )


def test_a_past_days_bulletin_and_the_api_agree_on_that_day(screens: dict[str, Any], client_: Client) -> None:
    day = NOW.date() - dt.timedelta(days=1)
    data = bulletins.compute(bulletins.resolve_scope(DISTRICTS[0].code), day, now=NOW)
    api = api_measures(client_, day, day)[0]

    for f in ("received", "dispatched", "due", "closed", "closed_on_time", "overdue_open"):
        assert data["totals"][f] == api[f], f


def test_every_dashboard_figure_names_its_definition(screens: dict[str, Any]) -> None:
    definitions = screens["dashboard"]["definitions"]

    assert set(screens["dashboard"]["kpis"]) - {"month_due_closed"} == set(definitions)
    assert definitions["month_closed"].startswith("结案：") and definitions["month_due"].startswith("应结案：")
