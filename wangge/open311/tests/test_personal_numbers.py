"""The keyless feed masks personal numbers however they were written, in every free-text field and format."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from wangge.core.tests.test_masking import ORDINARY, PERSONAL_NUMBERS
from wangge.open311 import selectors
from wangge.open311.tests.conftest import BASE, json_body, post, valid_post, xml_root
from wangge.workorders.choices import Status
from wangge.workorders.models import WorkOrder
from wangge.workorders.tests.conftest import new_case

pytestmark = pytest.mark.django_db
J = {"jurisdiction_id": "410403"}
FORMATS = [pytest.param(typed, secret, masked, id=typed) for typed, secret, masked in PERSONAL_NUMBERS]


@pytest.mark.parametrize(("typed", "secret", "masked"), FORMATS)
def test_description_and_address_are_masked_in_json_and_xml(
    world: SimpleNamespace, typed: str, secret: str, masked: str
) -> None:
    # given a case whose description and address carry the number
    wo = new_case(
        world,
        at=timezone.now() - dt.timedelta(days=1),
        description=f"请联系{typed}，谢谢",
        address=f"幸福路8号 {typed}",
    )
    c = Client()

    # when the feed is read in both formats
    (row,) = json_body(c.get(f"{BASE}requests/{wo.pk}.json", J))
    (request,) = list(xml_root(c.get(f"{BASE}requests/{wo.pk}.xml", J)))

    # then the number is masked wherever it appears
    assert row["description"] == request.findtext("description") == f"请联系{masked}，谢谢"
    assert row["address"] == request.findtext("address") == f"幸福路8号 {masked}"
    assert secret not in str(row) and secret not in str(c.get(f"{BASE}requests.xml", J).content.decode())


@pytest.mark.parametrize(("typed", "secret", "masked"), FORMATS)
@pytest.mark.parametrize("status", [Status.REPLIED, Status.CALLBACK, Status.TO_CLOSE, Status.CLOSED, Status.INVALID])
def test_status_notes_mask_the_reply_and_the_reason(
    world: SimpleNamespace, typed: str, secret: str, masked: str, status: str
) -> None:
    # given a case replied or refused with the number in the text
    wo = WorkOrder(
        pk=1,
        status=status,
        category=world.category,
        assigned_unit=world.dept,
        reply_text=f"已联系{typed}处理",
        invalid_reason=f"重复，见{typed}",
        received_at=timezone.now(),
    )

    # when it is published
    (row,) = selectors.request_rows([wo])

    # then the notes carry the masked number only
    assert secret not in row["status_notes"]
    assert masked in row["status_notes"]


@pytest.mark.parametrize("text", [t for t in ORDINARY if not t.startswith("WG")])  # codes: see below
def test_ordinary_numbers_are_published_as_written(world: SimpleNamespace, text: str) -> None:
    wo = WorkOrder(
        pk=1, status=Status.REGISTERED, category=world.category, description=text, received_at=timezone.now()
    )

    (row,) = selectors.request_rows([wo])

    assert row["description"] == text


def test_a_tracking_code_right_after_chinese_text_is_masked(world: SimpleNamespace) -> None:
    wo = new_case(world, at=timezone.now() - dt.timedelta(days=1), description="同原工单WG250101ABCDEF。")

    (row,) = json_body(Client().get(f"{BASE}requests/{wo.pk}.json", J))

    assert row["description"] == "同原工单WG************。"


def test_a_title_drawn_from_the_text_is_cut_after_masking(api: SimpleNamespace) -> None:
    # given a first line whose 30th character falls inside a phone number
    description = "小区东门外有人私搭彩钢棚占用人行道请尽快处理联系13812345678"
    assert description[:30].endswith("联系138123")  # cut first, no mask would find these six digits

    # when a client posts it
    response = post(api.client, "json", **valid_post(api, description=description))

    # then the title holds the masked start of the number, never a bare run of its digits
    assert response.status_code == 200, response.content
    wo = WorkOrder.objects.get()
    assert wo.title == "小区东门外有人私搭彩钢棚占用人行道请尽快处理联系138***"
    assert wo.description.startswith(description)  # the handler still has the number
