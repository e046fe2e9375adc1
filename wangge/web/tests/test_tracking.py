"""Tracking codes as the citizen's credential: lookups counted per address, a rating needs the reporter's phone
tail when the case has a phone number, and codes drawn before the longer ones stay valid."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wangge.core import tracking
from wangge.web.tests.conftest import act, new_case
from wangge.workorders.choices import Status
from wangge.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def to_callback(world: Any, wo: WorkOrder) -> WorkOrder:
    now = timezone.now()
    act(world, wo, "dispatch", "dispatcher", now, unit=world.dept)
    act(world, wo, "accept", "handler", now + dt.timedelta(minutes=1))
    act(world, wo, "reply", "handler", now + dt.timedelta(minutes=2), text="已拆除", result="resolved")
    return act(world, wo, "verify_pass", "inspector", now + dt.timedelta(minutes=3))


def rate(client: Client, wo: WorkOrder, **data: str) -> Any:
    return client.post(reverse("web:rate", args=[wo.tracking_code]), {"rating": "5", "resolved": "1", **data})


def test_guessing_codes_from_one_address_is_stopped(world: Any, settings: Any) -> None:
    # given ten misses an hour allowed per address, and a real case
    settings.WANGGE_CITIZEN_TRACK_MISSES = "10/h"
    wo = new_case(world)
    guesser, citizen = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="10.0.0.7")

    # when an address tries eleven codes that do not exist
    answers = [guesser.get(reverse("web:track_detail", args=[f"WG250603ZZZZ{i:02d}"])).status_code for i in range(11)]

    # then from the eleventh on it is refused, the real code included, while another address reads it
    assert answers == [404] * 10 + [429]
    assert guesser.get(reverse("web:track_detail", args=[wo.tracking_code])).status_code == 429
    assert guesser.get(reverse("web:track"), {"code": wo.tracking_code}).status_code == 429
    assert citizen.get(reverse("web:track_detail", args=[wo.tracking_code])).status_code == 200


def test_lookups_of_real_codes_are_counted_too(world: Any, settings: Any) -> None:
    settings.WANGGE_CITIZEN_TRACK_LOOKUPS = "3/h"
    wo = new_case(world)
    client = Client(REMOTE_ADDR="203.0.113.9")

    answers = [client.get(reverse("web:track_detail", args=[wo.tracking_code])).status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]


def test_rating_asks_for_the_phone_tail_when_the_case_has_a_phone(world: Any) -> None:
    wo = to_callback(world, new_case(world))

    body = Client().get(reverse("web:track_detail", args=[wo.tracking_code])).content.decode()

    assert 'name="phone_tail"' in body and "13812341234" not in body


@pytest.mark.parametrize("tail", ["", "0000", "12a4"])
def test_the_code_alone_does_not_rate_a_case_with_a_phone(world: Any, tail: str) -> None:
    wo = to_callback(world, new_case(world))

    response = rate(Client(), wo, phone_tail=tail)

    assert response.status_code == 400
    fresh = WorkOrder.objects.get(pk=wo.pk)
    assert fresh.status == Status.CALLBACK and fresh.rating is None
    assert not fresh.events.filter(name="callback").exists()


def test_wrong_phone_tails_stop_rating_by_web_for_the_day(world: Any, settings: Any) -> None:
    # given five wrong tails a day allowed per case, tried from several addresses
    settings.WANGGE_CITIZEN_PHONE_TAIL_FAILURES = "5/day"
    wo = to_callback(world, new_case(world))
    for n in range(5):
        assert rate(Client(REMOTE_ADDR=f"198.51.100.{n}"), wo, phone_tail=f"{n:04d}").status_code == 400

    # when the right tail comes next
    response = rate(Client(REMOTE_ADDR="10.0.0.7"), wo, phone_tail="1234")

    # then the case is not rated, and the page says to call 12345
    assert response.status_code == 400 and "12345" in response.content.decode()
    assert WorkOrder.objects.get(pk=wo.pk).rating is None


def test_the_right_phone_tail_rates(world: Any) -> None:
    wo = to_callback(world, new_case(world))

    response = rate(Client(), wo, phone_tail="1234")

    assert response.status_code == 302
    fresh = WorkOrder.objects.get(pk=wo.pk)
    assert fresh.status == Status.TO_CLOSE and fresh.rating == 5


def test_a_case_without_a_phone_is_rated_with_its_code_alone(world: Any) -> None:
    # a case awaiting its callback with no phone number on it (intake asks for one, older records may lack it):
    # nothing but the code can prove anything
    wo = to_callback(world, new_case(world))
    WorkOrder.objects.filter(pk=wo.pk).update(reporter_phone="", reporter_phone_index="")

    page = Client().get(reverse("web:track_detail", args=[wo.tracking_code])).content.decode()
    response = rate(Client(), wo)

    assert 'name="phone_tail"' not in page
    assert response.status_code == 302 and WorkOrder.objects.get(pk=wo.pk).rating == 5


def test_ratings_from_one_address_are_limited(world: Any, settings: Any) -> None:
    settings.WANGGE_CITIZEN_RATINGS = "2/h"
    wo = to_callback(world, new_case(world))
    client = Client(REMOTE_ADDR="203.0.113.9")

    answers = [rate(client, wo, phone_tail="0000").status_code for _ in range(3)]

    assert answers == [400, 400, 429]


def test_a_code_of_the_old_shorter_form_still_finds_its_case(world: Any) -> None:
    wo = new_case(world)
    WorkOrder.objects.filter(pk=wo.pk).update(tracking_code="WG250603ABC234")

    response = Client().get(reverse("web:track"), {"code": " wg250603abc234 "})

    assert response.status_code == 302 and response["Location"].endswith("/track/WG250603ABC234/")


def test_a_new_code_fits_the_tracking_code_column() -> None:
    assert WorkOrder._meta.get_field("tracking_code").max_length == tracking.LENGTH
