"""Creating a campaign, recording findings (cases through the one intake), tags and remediation quantities."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from wangge.campaigns.errors import ErrorCode
from wangge.campaigns.models import Campaign, CampaignCase, CampaignFinding, ChecklistItem, RemediationQuantity
from wangge.campaigns.selectors import campaign_points, campaign_totals
from wangge.campaigns.services import (
    campaign_tag_case,
    campaign_update,
    finding_record,
    quantity_record,
)
from wangge.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.workorders.choices import Channel, Status
from wangge.workorders.models import WorkOrder
from wangge.workorders.services import work_order_create

from .conftest import T0, at, make_campaign


def items(c: Campaign) -> list[ChecklistItem]:
    return list(c.checklist_items.order_by("ordering"))


def test_a_campaign_covers_the_bridges_of_its_territory_and_its_explicit_points(cw: SimpleNamespace) -> None:
    c = make_campaign(cw, points=[cw.school])
    assert c.status == "draft" and c.code.startswith("ZX2025")
    assert set(campaign_points(c)) == {*cw.bridges, cw.school}
    assert [i.text for i in items(c)] == ["桥下无垃圾杂物堆积", "墙体无小广告", "护栏完好"]
    assert {t.item.key: t.target for t in c.targets.select_related("item")} == {
        "rubbish": Decimal("50.00"),
        "posters": Decimal("300.00"),
    }
    assert AuditEntry.objects.filter(action="campaigns.campaign_create", object_id=str(c.pk)).exists()


def test_a_campaign_outside_the_actors_territory_is_refused(cw: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied) as exc:
        make_campaign(cw, actor=cw.stranger)
    assert exc.value.code == ErrorCode.TERRITORY_OUT_OF_SCOPE
    assert not Campaign.objects.exists()


def test_a_period_ending_before_it_starts_is_refused(cw: SimpleNamespace) -> None:
    import datetime as dt

    with pytest.raises(ValidationFailed) as exc:
        make_campaign(cw, end_date=dt.date(2025, 9, 1))
    assert exc.value.code == ErrorCode.INVALID_PERIOD
    assert not Campaign.objects.exists()


def test_an_explicit_point_outside_the_territory_is_refused(cw: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        make_campaign(cw, territory=cw.grid2, points=[cw.school])
    assert exc.value.code == ErrorCode.POINT_OUTSIDE_TERRITORY


def test_a_grid_worker_records_a_finding_and_failed_items_open_cases_through_the_intake(
    cw: SimpleNamespace, running: Campaign
) -> None:
    bridge = cw.bridges[0]  # in grid 1
    rubbish, posters, railing = items(running)
    finding = finding_record(
        actor=cw.worker,
        campaign=running,
        point=bridge,
        results={rubbish.pk: "fail", posters.pk: "fail", railing.pk: "fail"},
        description="桥下堆放建筑垃圾，墙面小广告较多",
        now=at(3),
    )
    assert finding.has_problem and finding.lng == bridge.lng
    cases = WorkOrder.objects.filter(campaign_tags__campaign=running).order_by("pk")
    # one case per category of the failed items that open a case; the railing line opens none
    assert [wo.category.code if wo.category else "" for wo in cases] == ["E0102", "E0201"]
    for wo in cases:
        assert wo.channel == Channel.INSPECTION and wo.status == Status.REGISTERED
        assert wo.point_id == bridge.pk and wo.grid_id == cw.grid1.pk  # located at the point, routed as any case
    assert CampaignCase.objects.filter(finding=finding).count() == 2
    assert campaign_totals(running, now=at(4))["cases"] == 2


def test_a_finding_at_a_point_the_campaign_does_not_cover_is_refused(cw: SimpleNamespace, running: Campaign) -> None:
    with pytest.raises(ValidationFailed) as exc:
        finding_record(actor=cw.worker, campaign=running, point=cw.school, results={items(running)[0].pk: "pass"})
    assert exc.value.code == ErrorCode.POINT_NOT_IN_CAMPAIGN
    assert not CampaignFinding.objects.exists()


def test_a_grid_worker_of_another_grid_may_not_record_a_finding(cw: SimpleNamespace, running: Campaign) -> None:
    with pytest.raises(PermissionDenied) as exc:
        finding_record(actor=cw.worker2, campaign=running, point=cw.bridges[0], results={items(running)[0].pk: "pass"})
    assert exc.value.code == ErrorCode.NOT_A_CAMPAIGN_INSPECTOR
    assert not CampaignFinding.objects.exists() and not WorkOrder.objects.exists()


def test_a_member_unit_records_findings_anywhere_in_the_campaign(cw: SimpleNamespace, running: Campaign) -> None:
    f = finding_record(actor=cw.handler, campaign=running, point=cw.bridges[1], results={items(running)[2].pk: "pass"})
    assert not f.has_problem


def test_no_finding_while_the_campaign_is_a_draft(cw: SimpleNamespace) -> None:
    c = make_campaign(cw)
    with pytest.raises(Conflict) as exc:
        finding_record(actor=cw.worker, campaign=c, point=cw.bridges[0], results={items(c)[0].pk: "pass"})
    assert exc.value.code == ErrorCode.CAMPAIGN_NOT_ACTIVE


def test_another_districts_staff_does_not_see_the_campaign(cw: SimpleNamespace, running: Campaign) -> None:
    with pytest.raises(NotFound):
        finding_record(actor=cw.stranger, campaign=running, point=cw.bridges[0], results={items(running)[0].pk: "pass"})


def test_quantities_on_a_finding_and_a_tagged_case_are_totalled_per_item(
    cw: SimpleNamespace, running: Campaign
) -> None:
    f = finding_record(actor=cw.worker, campaign=running, point=cw.bridges[0], results={items(running)[0].pk: "fail"})
    wo = WorkOrder.objects.get(campaign_tags__finding=f)
    quantity_record(actor=cw.worker, campaign=running, item="rubbish", quantity="3", finding=f, now=at(4))
    quantity_record(actor=cw.handler, campaign=running, item="rubbish", quantity=Decimal("2.5"), work_order=wo)
    quantity_record(actor=cw.admin, campaign=running, item="posters", quantity=12, work_order=wo)
    q = {r["key"]: r for r in campaign_totals(running)["quantities"]}
    assert q["rubbish"]["total"] == Decimal("5.50") and q["rubbish"]["target"] == Decimal("50.00")
    assert q["posters"]["total"] == Decimal("12.00") and q["posters"]["unit"] == "处"
    row = RemediationQuantity.objects.get(finding=f)
    assert row.responsible_unit_id == cw.zjj.pk and row.territory_id == cw.grid1.pk


@pytest.mark.parametrize("bad", [0, -3, "abc", "1.234", None])
def test_a_quantity_must_be_positive(cw: SimpleNamespace, running: Campaign, bad: object) -> None:
    f = finding_record(actor=cw.worker, campaign=running, point=cw.bridges[0], results={items(running)[2].pk: "pass"})
    with pytest.raises(ValidationFailed) as exc:
        quantity_record(actor=cw.worker, campaign=running, item="rubbish", quantity=bad, finding=f)
    assert exc.value.code == ErrorCode.INVALID_QUANTITY
    assert not RemediationQuantity.objects.exists()


def test_a_quantity_on_a_case_not_tagged_with_the_campaign_is_refused(cw: SimpleNamespace, running: Campaign) -> None:
    wo = work_order_create(
        actor=cw.dispatcher,
        channel=Channel.HOTLINE,
        appeal_type="complaint",
        title="桥下垃圾",
        description="桥下有垃圾",
        lng=113.01,
        lat=33.01,
        now=T0,
    )
    with pytest.raises(ValidationFailed) as exc:
        quantity_record(actor=cw.admin, campaign=running, item="rubbish", quantity=1, work_order=wo)
    assert exc.value.code == ErrorCode.NOT_TAGGED
    campaign_tag_case(actor=cw.admin, campaign=running, work_order=wo)
    quantity_record(actor=cw.admin, campaign=running, item="rubbish", quantity=1, work_order=wo)
    with pytest.raises(Conflict) as again:
        campaign_tag_case(actor=cw.admin, campaign=running, work_order=wo)
    assert again.value.code == ErrorCode.ALREADY_TAGGED
    assert RemediationQuantity.objects.count() == 1


def test_a_quantity_needs_exactly_one_target(cw: SimpleNamespace, running: Campaign) -> None:
    with pytest.raises(ValidationFailed) as exc:
        quantity_record(actor=cw.admin, campaign=running, item="rubbish", quantity=1)
    assert exc.value.code == ErrorCode.QUANTITY_TARGET_REQUIRED


def test_a_grid_worker_of_another_grid_may_not_record_a_quantity(cw: SimpleNamespace, running: Campaign) -> None:
    f = finding_record(actor=cw.worker, campaign=running, point=cw.bridges[0], results={items(running)[2].pk: "pass"})
    with pytest.raises(PermissionDenied) as exc:
        quantity_record(actor=cw.worker2, campaign=running, item="rubbish", quantity=1, finding=f)
    assert exc.value.code == ErrorCode.NOT_A_QUANTITY_RECORDER
    assert not RemediationQuantity.objects.exists()


def test_editing_a_running_campaign_keeps_answered_checklist_lines(cw: SimpleNamespace, running: Campaign) -> None:
    first = items(running)[0]
    finding_record(actor=cw.worker, campaign=running, point=cw.bridges[0], results={first.pk: "pass"})
    campaign_update(actor=cw.admin, campaign=running, name="桥涵整治提升（二期）", checklist=[])
    running.refresh_from_db()
    assert running.name == "桥涵整治提升（二期）"
    assert [i.pk for i in items(running)] == [first.pk]  # answered: kept; the two unanswered lines removed


def test_a_grid_worker_may_not_edit_the_campaign(cw: SimpleNamespace, running: Campaign) -> None:
    with pytest.raises(PermissionDenied):
        campaign_update(actor=cw.worker, campaign=running, name="改名")
    running.refresh_from_db()
    assert running.name == "桥涵整治提升"


def test_a_hazard_finding_tagged_with_the_campaign_takes_quantities(cw: SimpleNamespace, running: Campaign) -> None:
    from wangge.campaigns.services import campaign_tag_hazard
    from wangge.hazards.models import HazardType
    from wangge.hazards.services import hazard_report

    hazard = hazard_report(
        actor=cw.worker,
        type=HazardType.objects.get(key="other"),
        title="桥下私搭棚屋",
        owner_name="王五",
        point=cw.bridges[0],
        owner_unit=cw.cgj,
        now=at(2),
    )
    with pytest.raises(ValidationFailed):
        quantity_record(actor=cw.admin, campaign=running, item="illegal_building", quantity=12, hazard=hazard)
    campaign_tag_hazard(actor=cw.worker, campaign=running, hazard=hazard, now=at(3))
    row = quantity_record(actor=cw.handler, campaign=running, item="illegal_building", quantity=12, hazard=hazard)
    assert row.responsible_unit_id == cw.cgj.pk and row.territory_id == cw.grid1.pk
    assert campaign_totals(running)["hazards"] == 1


def test_another_grid_may_not_tag_a_case_of_the_campaign(cw: SimpleNamespace, running: Campaign) -> None:
    wo = work_order_create(
        actor=cw.dispatcher,
        channel=Channel.HOTLINE,
        appeal_type="complaint",
        title="桥下垃圾",
        description="桥下有垃圾",
        lng=113.01,
        lat=33.01,
        now=T0,
    )
    with pytest.raises((PermissionDenied, NotFound)):
        campaign_tag_case(actor=cw.worker2, campaign=running, work_order=wo)
    assert not CampaignCase.objects.exists()
