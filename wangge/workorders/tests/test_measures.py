"""Measures against hand-computed expectations (DOMAIN §4)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from wangge.workorders.measures import measures, measures_total
from wangge.workorders.models import WorkOrder

from .conftest import act, local, new_case

START, END = local(2025, 6, 1), local(2025, 7, 1)


def _case(w: SimpleNamespace, **kw: Any) -> WorkOrder:
    fields = {"at": local(2025, 6, 3, 8, 50), "category": w.category.category_set.categories.get(code="E0102")}
    return new_case(w, **{**fields, **kw})


def _finish(w: SimpleNamespace, wo: WorkOrder, reply: tuple[int, ...], rating: int, resolved: bool) -> None:
    act(w, wo, "reply", "handler", local(*reply), text="已处理", result="resolved")
    act(w, wo, "verify_pass", "inspector", local(*reply[:3], 16, 0))
    act(w, wo, "callback", "caller", local(*reply[:3], 16, 30), rating=rating, resolved=resolved)
    act(w, wo, "close", "dispatcher", local(*reply[:3], 17, 0))


@pytest.fixture
def history(world: SimpleNamespace) -> SimpleNamespace:
    w = world
    d = (2025, 6, 3)
    # A: on time everywhere, 非常满意.
    a = _case(w)
    act(w, a, "dispatch", "dispatcher", local(*d, 9, 0), unit=w.dept)  # due 15:30, accept by 11:00
    act(w, a, "accept", "handler", local(*d, 9, 5))
    _finish(w, a, (*d, 10, 0), 5, True)
    # B: accepted late, replied the next day (late), 基本满意.
    b = _case(w)
    act(w, b, "dispatch", "dispatcher", local(*d, 9, 0), unit=w.dept)
    act(w, b, "accept", "handler", local(*d, 12, 0))
    _finish(w, b, (2025, 6, 4, 9, 0), 3, True)
    # C: returned once, dispatched again, on time, 满意.
    c = _case(w)
    act(w, c, "dispatch", "dispatcher", local(*d, 9, 0), unit=w.dept2)
    act(w, c, "return", "other_handler", local(*d, 9, 10), note="非本单位职责")
    act(w, c, "dispatch", "dispatcher", local(*d, 9, 20), unit=w.dept)
    act(w, c, "accept", "handler", local(*d, 9, 30))
    _finish(w, c, (*d, 10, 0), 4, True)
    # D: reworked once, on time in the end, 不满意 and not resolved (opens a rectification case due in July).
    dd = _case(w)
    act(w, dd, "dispatch", "dispatcher", local(*d, 9, 0), unit=w.dept)
    act(w, dd, "accept", "handler", local(*d, 9, 5))
    act(w, dd, "reply", "handler", local(*d, 10, 0), text="已处理", result="resolved")
    act(w, dd, "verify_fail", "inspector", local(*d, 10, 30), note="未清理干净")
    _finish(w, dd, (*d, 11, 0), 2, False)
    # E: in the second grid, dispatched to the other department and never answered: overdue.
    e = _case(w, lng=113.06, lat=33.01)
    act(w, e, "dispatch", "dispatcher", local(*d, 9, 0), unit=w.dept2)
    act(w, e, "accept", "other_handler", local(*d, 9, 5))
    # F: not an appeal.
    f = _case(w)
    act(w, f, "invalidate", "caller", local(*d, 9, 0), note="误拨")
    # G: extended by 2 working days, replied within the extension, 非常不满意.
    g = _case(w)
    act(w, g, "dispatch", "dispatcher", local(*d, 9, 0), unit=w.dept)
    act(w, g, "accept", "handler", local(*d, 9, 5))
    act(
        w,
        g,
        "request_extension",
        "handler",
        local(*d, 9, 30),
        amount=2,
        unit_of_time="working_days",
        note="需协调",
    )
    act(w, g, "approve_extension", "dispatcher", local(*d, 10, 0))
    _finish(w, g, (2025, 6, 5, 10, 0), 1, False)
    return SimpleNamespace(a=a, b=b, c=c, d=dd, e=e, f=f, g=g)


def test_district_measures_match_hand_counts(world: SimpleNamespace, history: SimpleNamespace) -> None:
    m = measures_total(WorkOrder.objects.all(), START, END)
    assert m.received == 9  # A–G and the two rectification cases opened by the 差评 of D and G
    assert m.dispatched == 8  # A B C D E G and the two rectification cases (sent to the same unit)
    # 应结案: A B C D E G and the rectification cases (15 working days from June 3 is June 24); F has none.
    assert m.due == 8
    assert m.closed == 5 and m.closed_on_time == 4 and m.handled_on_time == 4
    # overdue and unanswered at the end of the period: E and both rectification cases
    assert (m.returned, m.reworked, m.extended, m.reopened, m.overdue_open) == (1, 1, 1, 0, 3)
    assert m.responded_on_time == 5  # B accepted after its 2-working-hour limit; the new cases not yet
    assert (m.callbacks, m.resolved, m.rated) == (5, 3, 5)
    assert (m.satisfied_top3, m.satisfied_top2, m.bad_ratings) == (3, 2, 2)
    r = m.rates
    assert r["closure"] == round(5 / 8, 6) and r["on_time_closure"] == 0.5
    assert r["response"] == round(5 / 8, 6) and r["resolution"] == 0.6 and r["satisfaction"] == 0.6
    assert r["satisfaction_top2"] == 0.4
    assert r["composite"] == pytest.approx((30 * 5 / 8 + 35 * 0.6 + 35 * 0.6) / 100, abs=1e-5)
    # dispatch → reply of the closed cases: A 1 h, B 24 h, C 40 min (from its second dispatch), D 2 h, G 49 h
    assert m.avg_handling_hours == round((1 + 24 + 40 / 60 + 2 + 49) / 5, 2) == 15.33
    assert r["rework"] == r["extension"] == r["return"] == round(1 / 8, 6) and r["reopen"] == 0.0
    assert r["on_time_handling"] == 0.5


def test_measures_per_territory(world: SimpleNamespace, history: SimpleNamespace) -> None:
    grids = {m.key: m for m in measures(WorkOrder.objects.all(), START, END, group_by="grid")}
    assert set(grids) == {world.grid1.pk, world.grid2.pk}
    assert (grids[world.grid1.pk].due, grids[world.grid1.pk].closed) == (7, 5)  # the rectifications stay in place
    assert (grids[world.grid2.pk].due, grids[world.grid2.pk].overdue_open) == (1, 1)
    assert grids[world.grid1.pk].received == 8  # F too: received counts every call
    streets = measures(WorkOrder.objects.all(), START, END, group_by="street")
    assert [(m.key, m.due, m.closed) for m in streets] == [(world.street.pk, 8, 5)]
    # a territory's own figures: its subtree of cases
    subtree = WorkOrder.objects.filter(scope_path__startswith=world.grid2.path)
    assert measures_total(subtree, START, END).due == 1


def test_the_denominator_is_cases_due_in_the_period_not_cases_filed(world: SimpleNamespace) -> None:
    w = world
    garbage = w.category.category_set.categories.get(code="E0102")  # 4 working hours
    # filed in May, due in June (Friday May 30 17:00 + 4 working hours, over 端午 May 31–June 2)
    may = new_case(w, at=local(2025, 5, 30, 16, 50), category=garbage)
    act(w, may, "dispatch", "dispatcher", local(2025, 5, 30, 17, 0), unit=w.dept)
    # filed in June, due in July (Monday June 30 17:00 + 4 working hours)
    june = new_case(w, at=local(2025, 6, 30, 16, 50), category=garbage)
    act(w, june, "dispatch", "dispatcher", local(2025, 6, 30, 17, 0), unit=w.dept)
    may.refresh_from_db()
    june.refresh_from_db()
    assert may.due_at == local(2025, 6, 3, 11, 30) and june.due_at == local(2025, 7, 1, 11, 30)
    in_may = measures_total(WorkOrder.objects.all(), local(2025, 5, 1), START)
    in_june = measures_total(WorkOrder.objects.all(), START, END)
    assert (in_may.received, in_may.due) == (1, 0)
    assert (in_june.received, in_june.due, in_june.overdue_open) == (1, 1, 1)


def test_measures_per_unit(world: SimpleNamespace, history: SimpleNamespace) -> None:
    rows = {m.key: m for m in measures(WorkOrder.objects.all(), START, END, group_by="unit")}
    assert rows[world.dept.pk].due == 7 and rows[world.dept.pk].closed == 5
    assert rows[world.dept2.pk].due == 1 and rows[world.dept2.pk].overdue_open == 1
    assert rows[world.dept2.pk].rates["closure"] == 0.0


def test_measures_follow_scope(world: SimpleNamespace, history: SimpleNamespace) -> None:
    mine = measures_total(WorkOrder.objects.restrict(world.other_handler), START, END)
    assert mine.due == 1  # only E is dispatched to this unit now (C was returned and went elsewhere)


def test_published_rates_reproduce() -> None:
    from wangge.workorders.measures import Measures

    m = Measures(due=972, closed=911, closed_on_time=737).compute_rates()
    assert f"{m.rates['closure']:.2%}" == "93.72%" and f"{m.rates['on_time_closure']:.2%}" == "75.82%"


def test_composite_weights_are_configurable(world: SimpleNamespace, history: SimpleNamespace, settings) -> None:  # type: ignore[no-untyped-def]
    settings.WANGGE_SANLV_WEIGHTS = {"response": 10, "resolution": 45, "satisfaction": 45}
    settings.WANGGE_SATISFACTION_DEFINITION = "top2"
    m = measures_total(WorkOrder.objects.all(), START, END)
    assert m.rates["satisfaction"] == 0.4
    assert m.rates["composite"] == pytest.approx((10 * 5 / 8 + 45 * 0.6 + 45 * 0.4) / 100, abs=1e-5)


def test_a_reply_on_time_counts_as_handled_on_time_before_it_is_checked(world: SimpleNamespace) -> None:
    w = world
    wo = _case(w)
    act(w, wo, "dispatch", "dispatcher", local(2025, 6, 3, 9, 0), unit=w.dept)  # due 15:30
    act(w, wo, "accept", "handler", local(2025, 6, 3, 9, 5))
    act(w, wo, "reply", "handler", local(2025, 6, 3, 15, 0), text="已清运", result="resolved")
    m = measures_total(WorkOrder.objects.all(), START, END)
    assert (m.due, m.handled_on_time, m.closed, m.closed_on_time) == (1, 1, 0, 0)
    # a failed check takes it back: the rework is not handled until replied again
    act(w, wo, "verify_fail", "inspector", local(2025, 6, 3, 16, 0), note="未清理干净")
    m = measures_total(WorkOrder.objects.all(), START, END)
    assert (m.handled_on_time, m.reworked) == (0, 1)
    act(w, wo, "reply", "handler", local(2025, 6, 4, 9, 0), text="已清运", result="resolved")  # now late
    assert measures_total(WorkOrder.objects.all(), START, END).handled_on_time == 0
