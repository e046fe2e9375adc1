"""Monthly rankings: the measures of the month, shared ranks, and the minimum-sample rule."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import Unit
from wangge.reports.rankings import monthly_rankings
from wangge.workorders.models import WorkOrder
from wangge.workorders.tests.conftest import _user, act, local, new_case

NOW = local(2025, 7, 1, 9, 0)


def _closed(w: SimpleNamespace, unit: Unit, handler: str, day: int, *, late: bool = False) -> WorkOrder:
    wo = new_case(w, at=local(2025, 6, day, 8, 50), category=w.category.category_set.categories.get(code="E0102"))
    act(w, wo, "dispatch", "dispatcher", local(2025, 6, day, 9, 0), unit=unit)
    act(w, wo, "accept", handler, local(2025, 6, day, 9, 5))
    reply = local(2025, 6, day + 1, 10, 0) if late else local(2025, 6, day, 10, 0)
    act(w, wo, "reply", handler, reply, text="已处理", result="resolved")
    act(w, wo, "verify_pass", "inspector", reply + dt.timedelta(minutes=30))
    act(w, wo, "callback", "caller", reply + dt.timedelta(hours=1), rating=5, resolved=True)
    return act(w, wo, "close", "dispatcher", reply + dt.timedelta(hours=2))


@pytest.fixture
def month(world: SimpleNamespace) -> SimpleNamespace:
    w = world
    w.dept3 = Unit.objects.create(code="zjj", name="住房和城乡建设局", kind=UnitKind.DEPARTMENT, territory=w.district)
    w.handler3 = _user("handler3", Role.DEPT_HANDLER, unit=w.dept3)
    # 城市管理局: three due in June, all closed, one late.
    for day, late in ((9, False), (10, False), (11, True)):
        _closed(w, w.dept, "handler", day, late=late)
    # 住房和城乡建设局: two due, both on time.
    for day in (9, 10):
        _closed(w, w.dept3, "handler3", day)
    # 生态环境分局: a single case, on time — 100% on one case.
    _closed(w, w.dept2, "other_handler", 12)
    return w


def _rank(w: SimpleNamespace, by: str = "unit", **kw: object) -> dict:  # type: ignore[type-arg]
    return monthly_rankings(WorkOrder.objects.all(), 2025, 6, by=by, now=NOW, **kw)  # type: ignore[arg-type]


def test_a_single_case_cannot_top_the_ranking(month: SimpleNamespace, settings) -> None:  # type: ignore[no-untyped-def]
    settings.WANGGE_RANKING_MIN_DUE = 2
    on_time = _rank(month)["on_time_closure"]
    assert [(r.rank, r.name, r.due) for r in on_time.ranked] == [(1, "住房和城乡建设局", 2), (2, "城市管理局", 3)]
    assert on_time.ranked[1].value == round(2 / 3, 6)
    (alone,) = on_time.insufficient
    assert (alone.name, alone.due, alone.value, alone.rank) == ("生态环境分局", 1, 1.0, None)
    assert alone.reason == "应结案 1 件，少于 2 件"


def test_equal_values_share_a_rank(month: SimpleNamespace, settings) -> None:  # type: ignore[no-untyped-def]
    settings.WANGGE_RANKING_MIN_DUE = 1
    closure = _rank(month)["closure"]
    # All three closed everything: one shared first place; the larger sample is listed first.
    assert [(r.rank, r.name) for r in closure.ranked] == [
        (1, "城市管理局"),
        (1, "住房和城乡建设局"),
        (1, "生态环境分局"),
    ]
    on_time = _rank(month)["on_time_closure"]
    assert [r.rank for r in on_time.ranked] == [1, 1, 3]


def test_default_minimum_keeps_small_units_apart(month: SimpleNamespace) -> None:
    ranking = _rank(month)["composite"]  # default minimum: 10 应结案
    assert ranking.ranked == []
    assert {r.name for r in ranking.insufficient} == {"城市管理局", "住房和城乡建设局", "生态环境分局"}


def test_values_are_the_measures_of_the_month(month: SimpleNamespace, settings) -> None:  # type: ignore[no-untyped-def]
    from wangge.reports.assessment import month_bounds
    from wangge.workorders.measures import measures

    settings.WANGGE_RANKING_MIN_DUE = 1
    start, end = month_bounds(dt.date(2025, 6, 1))
    expected = {m.key: m.rates for m in measures(WorkOrder.objects.all(), start, end, group_by="unit", now=NOW)}
    for metric, ranking in _rank(month).items():
        for row in ranking.ranked:
            assert row.value == expected[row.key][metric]


def test_streets_are_ranked_too(month: SimpleNamespace, settings) -> None:  # type: ignore[no-untyped-def]
    settings.WANGGE_RANKING_MIN_DUE = 5
    (row,) = _rank(month, by="street")["closure"].ranked
    assert (row.name, row.due, row.value, row.rank) == ("测试街道", 6, 1.0, 1)


def test_ranking_follows_the_scope(month: SimpleNamespace, settings) -> None:  # type: ignore[no-untyped-def]
    settings.WANGGE_RANKING_MIN_DUE = 1
    mine = monthly_rankings(WorkOrder.objects.restrict(month.handler3), 2025, 6, now=NOW)
    assert [r.name for r in mine["closure"].ranked] == ["住房和城乡建设局"]


def test_the_composite_needs_enough_callbacks_and_ratings(month: SimpleNamespace, settings) -> None:  # type: ignore[no-untyped-def]
    # given 住房和城乡建设局 with five cases due in June, of which only the two closed ones were called back
    w = month
    for day in (16, 17, 18):
        wo = new_case(w, at=local(2025, 6, day, 8, 50), category=w.category.category_set.categories.get(code="E0102"))
        act(w, wo, "dispatch", "dispatcher", local(2025, 6, day, 9, 0), unit=w.dept3)
        act(w, wo, "accept", "handler3", local(2025, 6, day, 9, 5))
        act(w, wo, "reply", "handler3", local(2025, 6, day, 10, 0), text="已处理", result="resolved")
    settings.WANGGE_RANKING_MIN_DUE = 3

    # when ranked
    result = _rank(w)

    # then it ranks on 结案率 (five due) but not on the composite, whose 解决率 and 满意率 rest on two cases
    assert "住房和城乡建设局" in [r.name for r in result["closure"].ranked]
    (zjj,) = [r for r in result["composite"].insufficient if r.name == "住房和城乡建设局"]
    assert zjj.due == 5 and zjj.value is not None
    assert zjj.reason == "回访 2 件、评价 2 件，少于 3 件"
    # 城市管理局 (three dispatched, called back and rated) is ranked, with the rates behind its composite
    (cgj,) = result["composite"].ranked
    assert cgj.name == "城市管理局"
    assert [(c["label"], c["numerator"], c["denominator"]) for c in cgj.components] == [
        ("响应率", 3, 3),
        ("解决率", 3, 3),
        ("满意率", 3, 3),
    ]
