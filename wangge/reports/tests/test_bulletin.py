"""Daily bulletin: figures reconcile with the measures and with raw counts; lists; comparison; idempotence."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from wangge.core.actors import SYSTEM
from wangge.core.errors import NotFound
from wangge.core.models import AuditEntry
from wangge.reports import bulletins
from wangge.reports.bulletins import COUNT_FIELDS, day_bounds
from wangge.reports.models import Bulletin
from wangge.reports.services import bulletin_generate
from wangge.workorders.measures import measures
from wangge.workorders.models import WorkOrder
from wangge.workorders.tests.conftest import act, local, new_case

DAY = dt.date(2025, 6, 11)  # a Wednesday; the days compared with are working days too
AT = local(2025, 6, 11, 17, 30)


def _garbage(w: SimpleNamespace, at: dt.datetime, **kw: object) -> WorkOrder:
    """暴露垃圾: 4 working hours, so a case dispatched at 09:00 is due at 15:30 the same day."""
    return new_case(w, at=at, category=w.category.category_set.categories.get(code="E0102"), **kw)


@pytest.fixture
def day(world: SimpleNamespace) -> SimpleNamespace:
    w = world
    d = (2025, 6, 11)
    # A: closed on time, 非常满意.
    a = _garbage(w, local(*d, 8, 50))
    act(w, a, "dispatch", "dispatcher", local(*d, 9, 0), unit=w.dept)
    act(w, a, "accept", "handler", local(*d, 9, 5))
    act(w, a, "reply", "handler", local(*d, 10, 0), text="已清运", result="resolved")
    act(w, a, "verify_pass", "inspector", local(*d, 10, 30))
    act(w, a, "callback", "caller", local(*d, 11, 0), rating=5, resolved=True)
    act(w, a, "close", "dispatcher", local(*d, 11, 30))
    # B: sent to the other department, accepted, never answered: overdue from 15:30; red card at 16:00.
    b = _garbage(w, local(*d, 8, 55), lng=113.06)
    act(w, b, "dispatch", "dispatcher", local(*d, 9, 0), unit=w.dept2)
    act(w, b, "accept", "other_handler", local(*d, 9, 5))
    act(w, b, "supervise", "inspector", local(*d, 16, 0), level="red", note="超期未办")
    # C: returned once, dispatched again, answered after the deadline, closed (late), 满意.
    c = _garbage(w, local(*d, 8, 58))
    act(w, c, "dispatch", "dispatcher", local(*d, 9, 0), unit=w.dept2)
    act(w, c, "return", "other_handler", local(*d, 9, 10), note="非本单位职责")
    act(w, c, "dispatch", "dispatcher", local(*d, 9, 20), unit=w.dept)
    act(w, c, "accept", "handler", local(*d, 9, 30))
    act(w, c, "reply", "handler", local(*d, 16, 0), text="已清运", result="resolved")
    act(w, c, "verify_pass", "inspector", local(*d, 16, 10))
    act(w, c, "callback", "caller", local(*d, 16, 20), rating=4, resolved=True)
    act(w, c, "close", "dispatcher", local(*d, 16, 30))
    # D: a hotline call without a location, kept at district level and not yet dispatched.
    dd = new_case(w, at=local(*d, 10, 0), lng=None, lat=None, district=w.district)
    # E: not an appeal.
    e = _garbage(w, local(*d, 11, 0))
    act(w, e, "invalidate", "caller", local(*d, 11, 5), note="误拨")
    # H: 私搭乱建 (15 working days), yellow card the same day.
    h = new_case(w, at=local(*d, 13, 0))
    act(w, h, "dispatch", "dispatcher", local(*d, 13, 10), unit=w.dept)
    act(w, h, "supervise", "leader", local(*d, 14, 0), level="yellow", note="群众反映强烈")
    # The previous day: F, never answered; the same day last week: two 暴露垃圾; the day after it: 私搭乱建.
    f = _garbage(w, local(2025, 6, 10, 9, 0))
    act(w, f, "dispatch", "dispatcher", local(2025, 6, 10, 9, 10), unit=w.dept)
    for _ in range(2):
        _garbage(w, local(2025, 6, 4, 9, 0))
    new_case(w, at=local(2025, 6, 5, 9, 0))
    return SimpleNamespace(a=a, b=b, c=c, d=dd, e=e, h=h, f=f)


def _generate(w: SimpleNamespace, code: str | None = None, now: dt.datetime = AT) -> Bulletin:
    return bulletin_generate(actor=w.dispatcher, date=DAY, scope_code=code or w.district.code, now=now)


def test_totals_are_the_measures_of_the_day(world: SimpleNamespace, day: SimpleNamespace) -> None:
    b = _generate(world)
    start, end = day_bounds(DAY)
    scoped = WorkOrder.objects.filter(scope_path__startswith=world.district.path)
    expected = measures(scoped, start, end, now=AT)[0].as_dict()
    assert b.data["totals"] == expected


def test_totals_reconcile_with_raw_counts(world: SimpleNamespace, day: SimpleNamespace) -> None:
    t = _generate(world).data["totals"]
    start, end = day_bounds(DAY)
    on_day = WorkOrder.objects.filter(received_at__gte=start, received_at__lt=end)
    assert t["received"] == on_day.count() == 6  # A B C D E H
    assert t["dispatched"] == 4  # A, B, C (counted once, at its last dispatch), H
    assert t["due"] == 3  # A B C fall due at 15:30; H is due in July; D and E have no deadline
    assert (t["closed"], t["closed_on_time"], t["overdue_open"]) == (2, 1, 1)
    assert (t["returned"], t["reworked"]) == (1, 0)
    assert (t["callbacks"], t["rated"], t["satisfied_top3"]) == (2, 2, 2)
    assert t["rates"]["on_time_closure"] == round(1 / 3, 6)


def test_unit_and_area_rows_add_up_to_the_totals(world: SimpleNamespace, day: SimpleNamespace) -> None:
    data = _generate(world).data
    for rows in (data["units"], data["areas"]):
        for f in COUNT_FIELDS:
            assert sum(r[f] for r in rows) == data["totals"][f], f
    units = {r["name"]: r for r in data["units"]}
    assert set(units) == {"城市管理局", "生态环境分局", "未派遣（指挥中心）"}
    assert (units["城市管理局"]["due"], units["城市管理局"]["closed_on_time"]) == (2, 1)
    assert units["生态环境分局"]["overdue_open"] == 1
    areas = {r["name"]: r for r in data["areas"]}
    assert data["area_label"] == "街道"
    assert set(areas) == {"测试街道", "区级（未定位到街道）"}
    assert areas["区级（未定位到街道）"]["received"] == 1  # D


def test_unit_rows_match_measures_by_unit(world: SimpleNamespace, day: SimpleNamespace) -> None:
    data = _generate(world).data
    start, end = day_bounds(DAY)
    scoped = WorkOrder.objects.filter(scope_path__startswith=world.district.path)
    by_unit = {m.key: m.as_dict() for m in measures(scoped, start, end, group_by="unit", now=AT)}
    for row in data["units"]:
        assert {k: v for k, v in row.items() if k not in {"code", "name"}} == by_unit[row["key"]]


def test_overdue_list_names_the_unit_and_days_over(world: SimpleNamespace, day: SimpleNamespace) -> None:
    data = _generate(world).data
    overdue = data["overdue"]
    # Every open case past its deadline, oldest first: F (due yesterday 15:40) is listed although only B
    # fell due today (the measures' overdue_open counts B only).
    assert overdue["total"] == 2 and data["totals"]["overdue_open"] == 1
    f, b = overdue["rows"]
    # F was due yesterday at 15:40 (25 h 50 min ago), B today at 15:30 (2 h ago).
    assert (f["tracking_code"], f["unit"], f["days_over"]) == (day.f.tracking_code, "城市管理局", 1.1)
    assert (b["tracking_code"], b["unit"], b["days_over"]) == (day.b.tracking_code, "生态环境分局", 0.1)
    assert overdue["by_unit"] == [
        {"unit": "城市管理局", "unit_code": "cgj", "count": 1},
        {"unit": "生态环境分局", "unit_code": "sthj", "count": 1},
    ]


def test_supervised_cases_red_first(world: SimpleNamespace, day: SimpleNamespace) -> None:
    sup = _generate(world).data["supervised"]
    assert (sup["total"], sup["red"], sup["yellow"], sup["new_today"]) == (2, 1, 1, 2)
    assert [r["tracking_code"] for r in sup["rows"]] == [day.b.tracking_code, day.h.tracking_code]
    assert sup["rows"][0]["supervision_label"] == "红牌督办"


def test_comparison_with_previous_day_and_last_week(world: SimpleNamespace, day: SimpleNamespace) -> None:
    data = _generate(world).data
    received = data["changes"]["received"]
    assert (received["today"], received["previous_day"], received["last_week"]) == (6, 1, 2)
    assert (received["vs_previous_day"], received["vs_last_week"]) == (5, 4)
    assert data["previous_day"]["date"] == "2025-06-10"
    assert data["same_day_last_week"]["date"] == "2025-06-04"


def test_hot_spots_and_rising_trend(world: SimpleNamespace, day: SimpleNamespace, settings) -> None:  # type: ignore[no-untyped-def]
    settings.WANGGE_BULLETIN_RISING_MIN_INCREASE = 2
    hot = _generate(world).data["hotspots"]
    top = hot["categories"][0]
    # 暴露垃圾: A B C E today (4); in the 7 days before: F and the two on June 4 (3) → 3/7 a day.
    assert (top["name"], top["count"], top["avg_7d"]) == ("市容环境／暴露垃圾", 4, round(3 / 7, 2))
    assert top["trend"] == "rising"
    assert hot["rising_categories"][0]["name"] == "市容环境／暴露垃圾"
    grids = {g["name"]: g["count"] for g in hot["grids"]}
    assert grids == {"测试社区一网格": 4, "测试社区二网格": 1}  # D has no grid and is left out


def test_headline_reads_the_figures(world: SimpleNamespace, day: SimpleNamespace) -> None:
    text = bulletins.headline(_generate(world).data)
    assert text.startswith("6月11日，卫东区共受理群众诉求 6 件，较前一日增加 5 件；派遣 4 件；")
    assert "按期结案率 33.33%" in text and "超期未办结工单 2 件" in text


def test_street_bulletin_splits_by_community(world: SimpleNamespace, day: SimpleNamespace) -> None:
    data = _generate(world, world.street.code).data
    assert data["area_label"] == "社区"
    assert data["totals"]["received"] == 5  # D stays at district level
    assert [r["name"] for r in data["areas"]] == ["测试社区"]


def test_unit_bulletin_covers_its_cases_only(world: SimpleNamespace, day: SimpleNamespace) -> None:
    b = bulletin_generate(actor=world.handler, date=DAY, scope_code=f"unit:{world.dept.code}", now=AT)
    assert b.scope_kind == "unit" and b.unit == world.dept
    assert [r["name"] for r in b.data["units"]] == ["城市管理局"]
    assert b.data["totals"]["due"] == 2
    assert [r["tracking_code"] for r in b.data["overdue"]["rows"]] == [day.f.tracking_code]


def test_regeneration_updates_in_place(world: SimpleNamespace, day: SimpleNamespace) -> None:
    first = _generate(world)
    again = _generate(world)
    assert again.pk == first.pk and again.version == 1
    assert Bulletin.objects.count() == 1
    new_case(world, at=local(2025, 6, 11, 15, 0))
    third = _generate(world)
    assert (third.pk, third.version, third.data["totals"]["received"]) == (first.pk, 2, 7)
    assert Bulletin.objects.count() == 1
    assert AuditEntry.objects.filter(action__startswith="bulletin.").count() == 3


def test_a_past_day_is_as_of_its_end(world: SimpleNamespace, day: SimpleNamespace) -> None:
    b = bulletin_generate(actor=SYSTEM, date=DAY, scope_code=world.district.code, now=local(2025, 6, 18, 9, 0))
    assert b.data["as_of"] == local(2025, 6, 12).isoformat()
    assert b.data["overdue"]["rows"][1]["days_over"] == round((24 - 15.5) / 24, 1)  # B


def test_out_of_scope_is_not_found_and_writes_nothing(world: SimpleNamespace, day: SimpleNamespace) -> None:
    with pytest.raises(NotFound):
        bulletin_generate(actor=world.stranger, date=DAY, scope_code=world.district.code, now=AT)
    with pytest.raises(NotFound):
        bulletin_generate(actor=world.worker, date=DAY, scope_code=world.street.code, now=AT)
    with pytest.raises(NotFound):
        bulletin_generate(actor=world.dispatcher, date=DAY, scope_code="999999", now=AT)
    assert not Bulletin.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="bulletin.").exists()


def test_hot_issues_cluster_the_weeks_appeals_by_topic_and_place(world: SimpleNamespace, day: SimpleNamespace) -> None:
    data = _generate(world).data
    issues = data["hot_issues"]

    # every case of the fixture tells the same story; those located in 测试社区 in the 7 days up to June 11
    # (invalid ones left out; D, not located, is a group of one and no issue) form one hot issue
    week = WorkOrder.objects.filter(
        received_at__gte=day_bounds(DAY)[1] - dt.timedelta(days=7),
        received_at__lt=day_bounds(DAY)[1],
        community=world.community,
    ).exclude(status="invalid")
    assert issues["days"] == 7 and len(issues["rows"]) == 1
    top = issues["rows"][0]
    assert top["size"] == week.count() and top["places"][0] == ["测试社区", week.count()]
    assert {title for _id, title in top["representatives"]} <= set(week.values_list("title", flat=True))
    assert top["support"] == len(set(week.values_list("reporter_phone_index", flat=True)))


def test_hot_issues_take_the_latest_cases_when_capped(
    world: SimpleNamespace, day: SimpleNamespace, settings: object
) -> None:
    settings.WANGGE_BULLETIN_HOT_ISSUE_CASES = 4  # type: ignore[attr-defined]
    end = day_bounds(DAY)[1]
    latest = list(
        WorkOrder.objects.filter(received_at__gte=end - dt.timedelta(days=7), received_at__lt=end)
        .exclude(status="invalid")
        .order_by("-received_at", "-id")[:4]
    )

    rows = _generate(world).data["hot_issues"]["rows"]

    located = [wo for wo in latest if wo.community_id == world.community.pk]
    assert len(rows) == 1 and rows[0]["size"] == len(located) < 5
