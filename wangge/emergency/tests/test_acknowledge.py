"""收到 and the escalation of those who do not acknowledge in time."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from wangge.core.errors import Conflict, NotFound, PermissionDenied
from wangge.emergency.models import WarningDelivery, WarningEscalation
from wangge.emergency.selectors import coverage
from wangge.emergency.services import warning_acknowledge, warning_transition, warnings_escalate
from wangge.emergency.tests.conftest import T0, issue
from wangge.notifications.models import Notification


@pytest.fixture
def sent(fw: SimpleNamespace, django_capture_on_commit_callbacks) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        fw.warning = issue(fw)
    WarningDelivery.objects.filter(warning=fw.warning).update(sent_at=T0)
    return fw


def test_acknowledging_counts_once(sent: SimpleNamespace) -> None:
    d = warning_acknowledge(actor=sent.worker1, warning=sent.warning, now=T0 + dt.timedelta(minutes=5))
    again = warning_acknowledge(actor=sent.worker1, warning=sent.warning, now=T0 + dt.timedelta(minutes=9))
    assert again.acknowledged_at == d.acknowledged_at == T0 + dt.timedelta(minutes=5)
    assert coverage(sent.warning)["acknowledged"] == 1


def test_only_a_recipient_acknowledges(sent: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        warning_acknowledge(actor=sent.dispatcher, warning=sent.warning)
    with pytest.raises(NotFound):
        warning_acknowledge(actor=sent.other_worker, warning=sent.warning)
    assert coverage(sent.warning)["acknowledged"] == 0


def test_a_lifted_warning_is_not_acknowledged(sent: SimpleNamespace) -> None:
    warning_transition(actor=sent.dispatcher, warning=sent.warning, name="lift")
    with pytest.raises(Conflict):
        warning_acknowledge(actor=sent.worker1, warning=sent.warning)


def test_an_upgrade_asks_everyone_to_acknowledge_again(
    sent: SimpleNamespace, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    warning_acknowledge(actor=sent.worker1, warning=sent.warning)
    with django_capture_on_commit_callbacks(execute=True):
        w = warning_transition(actor=sent.dispatcher, warning=sent.warning, name="upgrade", new_level="red")
    c = coverage(w)
    assert (c["revision"], c["acknowledged"], c["must_ack"]) == (2, 0, 3)
    assert Notification.objects.filter(recipient=sent.worker1, key=f"emergency:{w.pk}:2").exists()


def test_unacknowledged_staff_are_reported_to_the_person_above_after_the_timeout(sent: SimpleNamespace) -> None:
    warning_acknowledge(actor=sent.worker1, warning=sent.warning, now=T0 + dt.timedelta(minutes=1))
    assert warnings_escalate(now=T0 + dt.timedelta(minutes=29)) == 0
    assert warnings_escalate(now=T0 + dt.timedelta(minutes=31)) == 2  # worker2 and the grid leader
    pairs = set(WarningEscalation.objects.values_list("delivery__recipient__username", "escalated_to__username"))
    # worker2's grid has no 网格长: the community's staff; grid_leader1 goes to the community's staff too.
    assert pairs == {("worker2", "community_staff"), ("grid_leader1", "community_staff")}
    assert (
        Notification.objects.filter(recipient=sent.community_staff, key__startswith="emergency:escalate:").count() == 2
    )
    assert warnings_escalate(now=T0 + dt.timedelta(minutes=60)) == 0  # once
    assert coverage(sent.warning)["escalated"] == 2


def test_a_grid_worker_goes_to_the_grids_leader(sent: SimpleNamespace) -> None:
    warnings_escalate(now=T0 + dt.timedelta(minutes=31))
    assert WarningEscalation.objects.filter(delivery__recipient=sent.worker1, escalated_to=sent.grid_leader1).exists()


@pytest.mark.parametrize("minutes", [5])
def test_the_timeout_is_configurable(sent: SimpleNamespace, settings, minutes: int) -> None:  # type: ignore[no-untyped-def]
    settings.WANGGE_EMERGENCY_ACK_MINUTES = minutes
    assert warnings_escalate(now=T0 + dt.timedelta(minutes=minutes + 1)) == 3
