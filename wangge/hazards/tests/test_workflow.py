"""The rectification workflow: each step only from its sources and for its roles, the verifier is not the
submitter, and open_case opens a work order through the one intake and links it."""

from __future__ import annotations

from types import SimpleNamespace
from unittest import mock

import pytest

from wangge.accounts.choices import Role
from wangge.accounts.models import RoleGrant
from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.core.workflow import InvalidTransition
from wangge.hazards.choices import HazardStatus, PhotoStage
from wangge.hazards.models import HazardEvent
from wangge.hazards.services import hazard_transition
from wangge.hazards.tests.conftest import jpeg, later, report
from wangge.hazards.workflow import WORKFLOW, available
from wangge.workorders.choices import Channel, Status
from wangge.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def submit(hw: SimpleNamespace, finding, who: str = "worker"):  # type: ignore[no-untyped-def]
    return hazard_transition(
        actor=getattr(hw, who),
        finding=finding,
        name="submit_rectification",
        rectification="已清理楼道杂物",
        after_photos=[jpeg("after.jpg", exif_gps=True)],
        now=later(2),
    )


def test_the_published_table() -> None:
    table = {t.name: (sorted(t.sources), sorted(t.targets), sorted(t.requires)) for t in WORKFLOW}

    assert table == {
        "submit_rectification": (["open"], ["submitted"], ["after_photos", "rectification"]),
        "verify": (["submitted"], ["closed"], []),
        "reject": (["submitted"], ["open"], ["reason"]),
        "cancel": (["open"], ["cancelled"], ["reason"]),
        "open_case": (["open", "submitted"], ["open", "submitted"], []),
    }


def test_submit_then_verify_closes_the_finding(hw: SimpleNamespace) -> None:
    finding = report(hw)

    finding = submit(hw, finding)
    assert finding.status == HazardStatus.SUBMITTED
    assert finding.rectification == "已清理楼道杂物" and finding.rectified_at == later(2)
    after = finding.photos.get(stage=PhotoStage.AFTER)
    assert after.file.name.endswith(".jpg") and "after" not in after.file.name.rsplit("/", 1)[-1]

    finding = hazard_transition(actor=hw.community_staff, finding=finding, name="verify", note="现场核实", now=later(3))
    assert finding.status == HazardStatus.CLOSED
    assert (finding.closed_by, finding.closed_at) == (hw.community_staff, later(3))
    actions = list(HazardEvent.objects.filter(finding=finding).values_list("action", "from_status", "to_status"))
    assert actions == [
        ("report", "", "open"),
        ("submit_rectification", "open", "submitted"),
        ("verify", "submitted", "closed"),
    ]
    assert AuditEntry.objects.filter(action="hazards.verify", object_id=str(finding.pk)).exists()


def test_submitting_needs_the_text_and_after_photos(hw: SimpleNamespace) -> None:
    finding = report(hw)

    with pytest.raises(ValidationFailed) as exc:
        hazard_transition(actor=hw.worker, finding=finding, name="submit_rectification", rectification="好了")

    assert exc.value.code == "missing_fields"
    assert [d["field"] for d in exc.value.details] == ["after_photos"]
    finding.refresh_from_db()
    assert finding.status == HazardStatus.OPEN


def test_steps_only_from_their_sources(hw: SimpleNamespace) -> None:
    finding = report(hw)

    with pytest.raises(InvalidTransition):
        hazard_transition(actor=hw.community_staff, finding=finding, name="verify")
    with pytest.raises(InvalidTransition):
        hazard_transition(actor=hw.community_staff, finding=finding, name="reject", reason="不合格")
    submit(hw, finding)
    with pytest.raises(InvalidTransition):
        hazard_transition(actor=hw.community_staff, finding=finding, name="cancel", reason="误报")
    with pytest.raises(InvalidTransition):
        submit(hw, finding)


def test_steps_only_for_their_roles(hw: SimpleNamespace) -> None:
    finding = submit(hw, report(hw))

    # A grid worker or leader does not verify; a dispatcher over the district views but does not act.
    for who in ("grid_leader", "dispatcher"):
        with pytest.raises(PermissionDenied):
            hazard_transition(actor=getattr(hw, who), finding=finding, name="verify")
    with pytest.raises(PermissionDenied):
        hazard_transition(actor=hw.worker, finding=finding, name="reject", reason="不合格")

    assert [t.name for t in available(hw.worker, finding)] == ["open_case"]
    assert {t.name for t in available(hw.street_staff, finding)} == {"verify", "reject", "open_case"}


def test_only_staff_above_the_grid_cancel(hw: SimpleNamespace) -> None:
    finding = report(hw)

    with pytest.raises(PermissionDenied):
        hazard_transition(actor=hw.worker, finding=finding, name="cancel", reason="误报")
    with pytest.raises(ValidationFailed):
        hazard_transition(actor=hw.street_staff, finding=finding, name="cancel")

    finding = hazard_transition(actor=hw.street_staff, finding=finding, name="cancel", reason="误报")
    assert finding.status == HazardStatus.CANCELLED


def test_the_submitter_does_not_verify_their_own_rectification(hw: SimpleNamespace) -> None:
    finding = report(hw)
    submit(hw, finding, who="community_staff")

    with pytest.raises(InvalidTransition) as exc:
        hazard_transition(actor=hw.community_staff, finding=finding, name="verify")

    assert exc.value.code == "self_verification"
    assert hazard_transition(actor=hw.community_staff2, finding=finding, name="verify").status == HazardStatus.CLOSED


def test_reject_sends_it_back_and_the_owner_submits_again(hw: SimpleNamespace) -> None:
    finding = report(hw)
    submit(hw, finding)

    finding = hazard_transition(actor=hw.community_staff, finding=finding, name="reject", reason="仍有杂物")

    assert finding.status == HazardStatus.OPEN and finding.rectified_at is None
    assert HazardEvent.objects.filter(finding=finding, action="reject").get().note == "仍有杂物"
    assert submit(hw, finding).status == HazardStatus.SUBMITTED


def test_the_responsible_unit_submits_its_rectification(hw: SimpleNamespace) -> None:
    finding = report(hw, owner_unit=hw.dept)

    assert submit(hw, finding, who="handler").status == HazardStatus.SUBMITTED
    with pytest.raises(NotFound):  # another unit does not even see it
        hazard_transition(actor=hw.other_handler, finding=finding, name="verify")


def test_out_of_scope_is_not_found(hw: SimpleNamespace) -> None:
    finding = report(hw)

    for who in ("other_worker", "stranger"):
        with pytest.raises(NotFound):
            submit(hw, finding, who=who)


def test_an_unknown_step_is_refused(hw: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed) as exc:
        hazard_transition(actor=hw.worker, finding=report(hw), name="explode")

    assert exc.value.code == "unknown_transition"


def test_open_case_creates_a_work_order_through_intake_and_links_it(hw: SimpleNamespace) -> None:
    finding = report(hw, photos=[jpeg()])

    with mock.patch(
        "wangge.workorders.services.intake.work_order_create",
        wraps=__import__("wangge.workorders.services.intake", fromlist=["x"]).work_order_create,
    ) as intake:
        finding = hazard_transition(actor=hw.worker, finding=finding, name="open_case", note="需城管协助", now=later())

    assert intake.call_count == 1
    wo = finding.work_order
    assert wo is not None and finding.status == HazardStatus.OPEN
    assert wo.channel == Channel.INSPECTION and wo.status == Status.REGISTERED
    assert wo.category is not None and wo.category.code == "E0101"
    assert (wo.grid, wo.lng, wo.lat, wo.filed_by) == (hw.grid1, 113.02, 33.02, hw.worker)
    assert finding.code in wo.description and "需城管协助" in wo.description
    assert wo.attachments.count() == 1
    assert wo.tracking_code in HazardEvent.objects.get(finding=finding, action="open_case").note
    with pytest.raises(InvalidTransition) as again:
        hazard_transition(actor=hw.worker, finding=finding, name="open_case")
    assert again.value.code == "case_already_opened"
    assert WorkOrder.objects.count() == 1


def test_open_case_without_a_mapped_category_or_a_position(hw: SimpleNamespace) -> None:
    RoleGrant.objects.create(user=hw.worker, role=Role.GRID_WORKER, territory=hw.grid2)
    finding = report(hw, type=hw.gambling, building=None, grid=hw.grid2)

    finding = hazard_transition(actor=hw.worker, finding=finding, name="open_case")

    assert finding.work_order is not None
    assert finding.work_order.category is None and finding.work_order.district == hw.district
