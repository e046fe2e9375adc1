"""The warning's declared workflow: 发布 → 升级/降级 (a new round with the levels in the history) → 解除; allowed,
wrong state and wrong actor; a refusal changes nothing."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from wangge.core.errors import NotFound, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.core.workflow import InvalidTransition
from wangge.emergency.models import Warning, WarningEvent
from wangge.emergency.services import warning_transition
from wangge.emergency.tests.conftest import T0, issue
from wangge.emergency.workflow import WORKFLOW


def fingerprint(w: Warning) -> tuple[Any, ...]:
    w.refresh_from_db()
    return (w.status, w.level, w.revision, w.events.count(), AuditEntry.objects.count())


def test_the_table_declares_upgrade_downgrade_and_lift() -> None:
    assert set(WORKFLOW.transitions) == {"upgrade", "downgrade", "lift"}
    assert all(t.roles == {"dispatcher", "leader", "admin"} for t in WORKFLOW)


def test_issue_writes_the_warning_its_areas_actions_history_and_audit(fw: SimpleNamespace) -> None:
    w = issue(fw, level="red")
    assert w.code.startswith("YJ20250720")
    assert w.status == "active" and w.revision == 1
    assert "地下空间人员全部撤离，地下商场、地下车库停止营业" in w.actions
    assert list(w.areas.values_list("node__code", flat=True)) == ["410403"]
    assert list(w.events.values_list("action", flat=True)) == ["issue"]
    assert AuditEntry.objects.filter(action="emergency.warning_publish", object_id=str(w.pk)).exists()


@pytest.mark.parametrize("who", ["worker1", "inspector", "community_staff", "stranger"])
def test_only_the_command_centre_over_the_node_may_issue(fw: SimpleNamespace, who: str) -> None:
    with pytest.raises((PermissionDenied, ValidationFailed)):
        issue(fw, actor=getattr(fw, who))
    assert not Warning.objects.exists()


def test_issue_refuses_a_wrong_level_and_an_empty_text(fw: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed):
        issue(fw, level="purple")
    with pytest.raises(ValidationFailed):
        issue(fw, text="  ")
    assert not Warning.objects.exists()


def test_upgrade_starts_a_new_round_with_the_levels_in_the_history(fw: SimpleNamespace) -> None:
    w = issue(fw)
    w = warning_transition(actor=fw.leader, warning=w, name="upgrade", new_level="red", note="雨势加大", now=T0)
    assert (w.level, w.revision) == ("red", 2)
    assert "地下空间人员全部撤离，地下商场、地下车库停止营业" in w.actions
    ev = WarningEvent.objects.get(warning=w, action="upgrade")
    assert (ev.from_level, ev.to_level, ev.note) == ("orange", "red", "雨势加大")
    assert AuditEntry.objects.filter(action="emergency.upgrade", object_id=str(w.pk)).exists()


@pytest.mark.parametrize(("name", "level"), [("upgrade", "yellow"), ("upgrade", "orange"), ("downgrade", "red")])
def test_a_level_change_in_the_wrong_direction_is_refused(fw: SimpleNamespace, name: str, level: str) -> None:
    w = issue(fw)
    before = fingerprint(w)
    with pytest.raises(ValidationFailed):
        warning_transition(actor=fw.dispatcher, warning=w, name=name, new_level=level)
    assert fingerprint(w) == before


def test_lift_ends_the_warning(fw: SimpleNamespace) -> None:
    w = issue(fw)
    w = warning_transition(actor=fw.dispatcher, warning=w, name="lift", note="降雨结束")
    assert w.status == "lifted" and w.lifted_at is not None


@pytest.mark.parametrize("name", ["upgrade", "downgrade", "lift"])
def test_a_lifted_warning_takes_no_step(fw: SimpleNamespace, name: str) -> None:
    w = warning_transition(actor=fw.dispatcher, warning=issue(fw), name="lift")
    before = fingerprint(w)
    with pytest.raises(InvalidTransition):
        warning_transition(
            actor=fw.dispatcher, warning=w, name=name, new_new_level="red" if name == "upgrade" else "blue"
        )
    assert fingerprint(w) == before


@pytest.mark.parametrize("name", ["upgrade", "downgrade", "lift"])
def test_a_grid_worker_or_inspector_may_not_take_a_step(fw: SimpleNamespace, name: str) -> None:
    w = issue(fw)
    before = fingerprint(w)
    for who in (fw.worker1, fw.inspector):
        with pytest.raises(PermissionDenied):
            warning_transition(actor=who, warning=w, name=name, new_new_level="red" if name == "upgrade" else "blue")
    assert fingerprint(w) == before


def test_another_district_sees_no_warning(fw: SimpleNamespace) -> None:
    w = issue(fw)
    before = fingerprint(w)
    with pytest.raises(NotFound):
        warning_transition(actor=fw.stranger, warning=w, name="lift")
    assert fingerprint(w) == before
    assert not Warning.objects.restrict(fw.stranger).exists()
    assert not Warning.objects.restrict(fw.other_worker).exists()
    assert Warning.objects.restrict(fw.worker1).filter(pk=w.pk).exists()  # a grid inside sees the district's
