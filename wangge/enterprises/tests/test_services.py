"""The writes of 助企包联, each allowed and forbidden (a refusal changes nothing), and the done-when path: a problem
raised on a visit becomes a 涉企 work order the liaison cadre follows, counted in the figures once closed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from wangge.core.errors import Conflict, PermissionDenied, ValidationFailed
from wangge.enterprises.choices import Intention, LiaisonLevel, Scale, ServiceDayKind
from wangge.enterprises.models import (
    Bank,
    Enterprise,
    FinancingEvent,
    FinancingParticipation,
    FinancingProduct,
    Issue,
    Liaison,
    ServiceDay,
    Visit,
)
from wangge.enterprises.selectors import enterprise_figures, enterprise_issues, my_enterprises
from wangge.enterprises.services import (
    enterprise_from_merchant,
    enterprise_save,
    financing_event_save,
    issue_rate,
    liaison_assign,
    liaison_end,
    participation_save,
    rule_dates,
    service_day_record,
    service_days_generate,
    visit_record,
)
from wangge.enterprises.tests.factories import CadreFactory, close_case, local
from wangge.ledgers.tests.factories import credit_code
from wangge.workorders.choices import Channel, Status
from wangge.workorders.models import WorkOrder

NOW = local(2025, 6, 3, 9, 0)
DAY = dt.date(2025, 6, 3)
JUNE = dt.date(2025, 6, 1)


def _visit(w: SimpleNamespace, actor: object, **kw: object) -> Visit:
    fields: dict[str, object] = {
        "actor": actor,
        "enterprise": w.e1,
        "visited_on": DAY,
        "findings": "查看企业台账，生产经营正常。",
        "problems": ["厂区门前道路破损，货车进出困难"],
        "now": NOW,
    }
    fields.update(kw)
    return visit_record(**fields)  # type: ignore[arg-type]


# --- the done-when path -------------------------------------------------------------------------------------


def test_a_problem_raised_on_a_visit_becomes_a_flagged_case_the_cadre_follows_and_counts_when_closed(
    w: SimpleNamespace,
) -> None:
    # given the liaison cadre of e1, without any territory grant
    # when they record a visit with one problem
    visit = _visit(w, w.cadre_user)
    # then a 涉企 case of channel 助企包联 is linked to the enterprise
    issue = Issue.objects.get(visit=visit)
    wo = issue.work_order
    assert wo.enterprise_related is True
    assert wo.channel == Channel.ENTERPRISE
    assert wo.grid == w.grid1
    assert visit.cadre == w.cadre and visit.problem_count == 1
    # and the cadre sees it from the enterprise, the other cadre does not
    assert list(Enterprise.objects.restrict(w.cadre_user)) == [w.e1]
    assert list(Issue.objects.restrict(w.cadre_user)) == [issue]
    assert not Issue.objects.restrict(w.other_cadre_user).exists()
    assert list(enterprise_issues(w.e1)) == [issue]
    with pytest.raises(Conflict):  # not closed yet
        issue_rate(actor=w.cadre_user, issue=issue, rating=5, resolved=True)
    figures = enterprise_figures(w.cadre_user, JUNE)
    assert figures["cases"]["cases"] == 1 and figures["cases"]["closed"] == 0
    # when the case is closed and the cadre records the enterprise's rating
    close_case(w, wo, NOW + dt.timedelta(hours=1))
    assert enterprise_figures(w.cadre_user, JUNE)["cases"]["closed"] == 1
    with pytest.raises(PermissionDenied):
        issue_rate(actor=w.other_cadre_user, issue=issue, rating=4, resolved=True)
    issue_rate(actor=w.cadre_user, issue=issue, rating=4, resolved=True)
    with pytest.raises(Conflict):
        issue_rate(actor=w.cadre_user, issue=issue, rating=1, resolved=False)
    # then it counts as closed, on time, resolved and satisfied
    cases = enterprise_figures(w.cadre_user, JUNE)["cases"]
    assert (cases["closed"], cases["closed_on_time"], cases["resolved"], cases["satisfied"]) == (1, 1, 1, 1)
    assert cases["closure_rate"] == 1.0
    assert WorkOrder.objects.get(pk=wo.pk).status == Status.CLOSED


def test_a_grid_worker_records_a_visit_to_an_enterprise_of_their_grid(w: SimpleNamespace) -> None:
    visit = _visit(w, w.worker, problems=[])
    assert visit.recorded_by == w.worker and visit.cadre is None and visit.problem_count == 0
    assert not WorkOrder.objects.exists()


@pytest.mark.parametrize("who", ["other_worker", "other_cadre_user", "stranger", "nobody", "handler"])
def test_a_visit_by_someone_neither_liaising_nor_in_the_grid_is_refused(w: SimpleNamespace, who: str) -> None:
    with pytest.raises(PermissionDenied):
        _visit(w, getattr(w, who))
    assert not Visit.objects.exists() and not WorkOrder.objects.exists()


@pytest.mark.parametrize(
    "change", [{"visited_on": DAY + dt.timedelta(days=1)}, {"findings": "  "}, {"problems": ["长" * 2001]}]
)
def test_an_invalid_visit_is_refused_and_writes_nothing(w: SimpleNamespace, change: dict[str, object]) -> None:
    with pytest.raises(ValidationFailed):
        _visit(w, w.cadre_user, **change)
    assert not Visit.objects.exists() and not WorkOrder.objects.exists() and not Issue.objects.exists()


def test_a_refused_intake_keeps_no_visit(w: SimpleNamespace) -> None:
    # given an enterprise whose position lies outside every territory of the platform
    Enterprise.objects.filter(pk=w.e1.pk).update(lng=120.0, lat=20.0)
    w.e1.refresh_from_db()
    with pytest.raises(ValidationFailed):
        _visit(w, w.cadre_user)
    assert not Visit.objects.exists() and not WorkOrder.objects.exists()


# --- enterprises and liaisons ---------------------------------------------------------------------------------


def test_street_staff_register_an_enterprise_and_a_grid_worker_may_not(w: SimpleNamespace) -> None:
    code = credit_code()
    e = enterprise_save(
        actor=w.street_staff, grid=w.grid2, name="新企业", credit_code=code, industry="software", scale=Scale.MICRO
    )
    assert e.district == w.district and e.credit_code == code
    with pytest.raises(PermissionDenied):
        enterprise_save(actor=w.worker, grid=w.grid1, name="又一家", industry="other", scale=Scale.SMALL)
    with pytest.raises(Conflict):
        enterprise_save(actor=w.admin, grid=w.grid1, name="重复", credit_code=code, industry="other", scale="small")
    assert Enterprise.objects.count() == 4


@pytest.mark.parametrize(
    "values", [{"name": ""}, {"credit_code": "123"}, {"scale": "huge"}, {"employees": -1}, {"industry": "x"}]
)
def test_an_invalid_enterprise_is_refused(w: SimpleNamespace, values: dict[str, object]) -> None:
    base: dict[str, Any] = {"name": "企业", "industry": "other", "scale": "small"}
    with pytest.raises(ValidationFailed):
        enterprise_save(actor=w.admin, grid=w.grid1, **{**base, **values})
    assert Enterprise.objects.count() == 3


def test_an_enterprise_from_the_merchants_ledger(w: SimpleNamespace) -> None:
    from wangge.ledgers.tests.factories import MerchantFactory

    m = MerchantFactory.create(
        grid=w.grid2, name="平顶山某机械制造有限公司", credit_code=credit_code(), industry="通用设备制造业"
    )
    e = enterprise_from_merchant(actor=w.street_staff, merchant=m, scale=Scale.MEDIUM, employees=120)
    assert (e.merchant, e.credit_code, e.industry, e.grid) == (m, m.credit_code, "manufacturing", w.grid2)
    with pytest.raises(Conflict):
        enterprise_from_merchant(actor=w.street_staff, merchant=m)
    assert Enterprise.objects.filter(merchant=m).count() == 1


def test_liaisons_one_leader_at_a_time_and_many_cadres(w: SimpleNamespace) -> None:
    new_leader = CadreFactory.create(name="新区长", rank="leader", district=w.district)
    liaison_assign(actor=w.street_staff, enterprise=w.e1, level=LiaisonLevel.LEADER, cadre=new_leader)
    leaders = Liaison.objects.filter(enterprise=w.e1, level=LiaisonLevel.LEADER, is_active=True)
    assert [x.cadre for x in leaders] == [new_leader]
    liaison_assign(actor=w.street_staff, enterprise=w.e1, level=LiaisonLevel.CADRE, cadre=w.other_cadre)
    assert set(my_enterprises(w.other_cadre_user)) == {w.e1, w.e3}
    with pytest.raises(Conflict):
        liaison_assign(actor=w.street_staff, enterprise=w.e1, level=LiaisonLevel.CADRE, cadre=w.other_cadre)


def test_liaison_refusals_change_nothing(w: SimpleNamespace) -> None:
    before = list(Liaison.objects.values_list("pk", "is_active"))
    with pytest.raises(PermissionDenied):
        liaison_assign(actor=w.worker, enterprise=w.e2, level=LiaisonLevel.CADRE, cadre=w.cadre)
    with pytest.raises(ValidationFailed):  # a cadre as the district leader
        liaison_assign(actor=w.admin, enterprise=w.e2, level=LiaisonLevel.LEADER, cadre=w.cadre)
    with pytest.raises(ValidationFailed):
        liaison_assign(actor=w.admin, enterprise=w.e2, level=LiaisonLevel.DEPARTMENT)
    assert list(Liaison.objects.values_list("pk", "is_active")) == before


def test_ending_a_liaison_hides_the_enterprise_from_the_cadre(w: SimpleNamespace) -> None:
    link = Liaison.objects.get(enterprise=w.e1, cadre=w.cadre)
    with pytest.raises(PermissionDenied):
        liaison_end(actor=w.cadre_user, liaison=link)
    assert Enterprise.objects.restrict(w.cadre_user).exists()
    liaison_end(actor=w.admin, liaison=link)
    assert not Enterprise.objects.restrict(w.cadre_user).exists()
    with pytest.raises(Conflict):
        liaison_end(actor=w.admin, liaison=link)


# --- service days ---------------------------------------------------------------------------------------------


def test_service_days_follow_their_rule_moved_to_the_next_working_day(db: object) -> None:
    from wangge.workcalendar.services import seed_calendar

    seed_calendar(years=range(2025, 2026))
    # 2025-06-08 is a Sunday: the 市场主体服务日 moves to Monday the 9th
    assert rule_dates(ServiceDayKind.MARKET_DAY, dt.date(2025, 6, 1), dt.date(2025, 6, 30)) == [
        (dt.date(2025, 6, 8), dt.date(2025, 6, 9))
    ]
    wednesdays = rule_dates(ServiceDayKind.MEETING_DAY, dt.date(2025, 6, 1), dt.date(2025, 6, 30))
    assert [n.day for n, _h in wednesdays] == [4, 11, 18, 25]


def test_street_staff_generate_the_service_days_once(w: SimpleNamespace) -> None:
    first = service_days_generate(
        actor=w.street_staff, territory=w.street, kind=ServiceDayKind.MEETING_DAY, start=JUNE, end=dt.date(2025, 6, 30)
    )
    again = service_days_generate(
        actor=w.street_staff, territory=w.street, kind=ServiceDayKind.MEETING_DAY, start=JUNE, end=dt.date(2025, 6, 30)
    )
    assert (first, again) == (4, 0)


def test_service_day_refusals_change_nothing(w: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        service_days_generate(actor=w.worker, territory=w.street, kind=ServiceDayKind.MEETING_DAY, start=JUNE, end=JUNE)
    with pytest.raises(ValidationFailed):  # a 助企见面日 is a street's
        service_days_generate(
            actor=w.admin, territory=w.district, kind=ServiceDayKind.MEETING_DAY, start=JUNE, end=JUNE
        )
    assert not ServiceDay.objects.exists()


def test_a_service_day_records_attendance_and_its_problems_become_cases(w: SimpleNamespace) -> None:
    service_days_generate(
        actor=w.admin, territory=w.district, kind=ServiceDayKind.MARKET_DAY, start=JUNE, end=dt.date(2025, 6, 30)
    )
    day = ServiceDay.objects.get()
    service_day_record(
        actor=w.admin,
        service_day=day,
        enterprises=[w.e2],
        cadres=[w.cadre],
        note="现场答疑",
        problems=[(w.e3, "用电增容审批慢")],
        now=local(2025, 6, 9, 10, 0),
    )
    assert set(day.enterprises.all()) == {w.e2, w.e3} and list(day.cadres.all()) == [w.cadre]
    issue = Issue.objects.get()
    assert issue.service_day == day and issue.work_order.enterprise_related
    # the other cadre (liaising with e3) follows it
    assert list(Issue.objects.restrict(w.other_cadre_user)) == [issue]
    with pytest.raises(PermissionDenied):
        service_day_record(actor=w.worker, service_day=day, note="x")
    day.refresh_from_db()
    assert day.note == "现场答疑"


# --- matchmaking ----------------------------------------------------------------------------------------------


def test_a_matchmaking_event_with_credit_and_loans_by_event(w: SimpleNamespace) -> None:
    bank = Bank.objects.create(name="中国银行平顶山分行")
    product = FinancingProduct.objects.create(bank=bank, name="惠企贷")
    event = financing_event_save(
        actor=w.admin, territory=w.district, title="卫您融政银企对接会", held_on=DAY, banks=[bank], products=[product]
    )
    participation_save(
        actor=w.admin,
        event=event,
        enterprise=w.e1,
        need_amount=500,
        bank=bank,
        product=product,
        intention=Intention.SIGNED,
        credit_granted=300,
        loan_disbursed=200,
    )
    figures = enterprise_figures(w.admin, JUNE)["financing"]
    assert (figures["credit"], figures["loans"], figures["enterprises"]) == (Decimal("300"), Decimal("200"), 1)
    with pytest.raises(ValidationFailed):  # loans above the credit
        participation_save(actor=w.admin, event=event, enterprise=w.e1, credit_granted=100, loan_disbursed=200)
    with pytest.raises(PermissionDenied):
        participation_save(actor=w.worker, event=event, enterprise=w.e1, credit_granted=900)
    with pytest.raises(PermissionDenied):
        financing_event_save(actor=w.worker, territory=w.district, title="x", held_on=DAY)
    assert FinancingParticipation.objects.get().credit_granted == Decimal("300")
    assert FinancingEvent.objects.count() == 1
