"""Issuing a warning reaches every grid worker, 网格长 and point responsible person in scope, and texts every
household with a phone on record; a retried task sends nothing twice."""

from __future__ import annotations

from types import SimpleNamespace

from wangge.emergency import tasks
from wangge.emergency.choices import DeliveryState, RecipientKind
from wangge.emergency.models import WarningDelivery
from wangge.emergency.selectors import coverage
from wangge.emergency.tests.conftest import issue
from wangge.notifications.models import Notification, SmsMessage


def test_an_orange_warning_notifies_every_grid_worker_in_scope(
    fw: SimpleNamespace, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        w = issue(fw)
    rows = WarningDelivery.objects.filter(warning=w)
    staff = set(
        rows.filter(kind__in=[RecipientKind.GRID_WORKER, RecipientKind.GRID_LEADER]).values_list(
            "recipient__username", flat=True
        )
    )
    assert staff == {"worker1", "worker2", "grid_leader1"}
    assert (
        set(
            Notification.objects.filter(key__startswith=f"emergency:{w.pk}:").values_list(
                "recipient__username", flat=True
            )
        )
        == staff
    )
    c = coverage(w)
    assert c["notified"] == 4  # three staff and the point's responsible person (by SMS)
    assert c["acknowledged"] == 0
    assert c["must_ack"] == 3
    assert c["households"] == {"total": 3, "messaged": 2, "not_reached": 1}
    assert not rows.filter(grid=fw.other_grid).exists()
    assert SmsMessage.objects.filter(topic=f"warning:{w.pk}").count() == 4  # the point, two households, worker1


def test_a_retried_task_sends_nothing_twice(fw: SimpleNamespace, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        w = issue(fw)
    before = (SmsMessage.objects.count(), Notification.objects.count(), WarningDelivery.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        tasks.warning_fan_out.call(w.pk, w.revision)
        first, last = WarningDelivery.objects.order_by("pk").values_list("pk", flat=True)[
            :: WarningDelivery.objects.count() - 1
        ]
        tasks.warning_send_batch.call(w.pk, w.revision, first, last)
    assert (SmsMessage.objects.count(), Notification.objects.count(), WarningDelivery.objects.count()) == before
    assert not WarningDelivery.objects.filter(state=DeliveryState.PENDING).exists()


def test_the_group_robots_hear_each_round_once_and_the_lift(
    fw: SimpleNamespace, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from wangge.emergency.services import warning_transition
    from wangge.notifications.models import WebhookDelivery, WebhookEndpoint

    WebhookEndpoint.objects.create(name="卫东区防汛群", url="https://robot.example/hook", territory=fw.district)
    WebhookEndpoint.objects.create(name="一网格群", url="https://robot.example/grid1", territory=fw.grid1)
    with django_capture_on_commit_callbacks(execute=True):
        w = issue(fw)
        tasks.warning_fan_out.call(w.pk, w.revision)
    assert WebhookDelivery.objects.filter(key=f"emergency:{w.pk}:1").count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        warning_transition(actor=fw.dispatcher, warning=w, name="lift")
    assert WebhookDelivery.objects.filter(key=f"emergency:{w.pk}:lift").count() == 2
    lifted = Notification.objects.filter(key=f"emergency:{w.pk}:lift")
    assert set(lifted.values_list("recipient__username", flat=True)) == {"worker1", "worker2", "grid_leader1"}


def test_a_household_whose_text_the_gateway_refused_counts_as_not_reached(
    fw: SimpleNamespace, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    from wangge.notifications.choices import DeliveryState as SmsState

    with django_capture_on_commit_callbacks(execute=True):
        w = issue(fw)
    SmsMessage.objects.filter(key=f"emergency:w{w.pk}r1h{fw.house_a.pk}").update(state=SmsState.FAILED)
    c = coverage(w)
    assert c["households"] == {"total": 3, "messaged": 1, "not_reached": 2}
    grid1 = next(g for g in c["by_grid"] if g["grid_id"] == fw.grid1.pk)
    assert (grid1["households_messaged"], grid1["households_not_reached"]) == (0, 1)
