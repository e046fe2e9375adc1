"""The pages: who sees what (anonymous, no role, another territory, the hall's staff, the parent territory), the
receive form, a step, the audited reveal, the figures and the 帮办代办 form."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from wangge.accounts.tests.factories import UserFactory
from wangge.core.models import AuditEntry
from wangge.hall.choices import ApplicationStatus
from wangge.hall.models import Application, Assistance
from wangge.hall.services import application_receive

pytestmark = pytest.mark.django_db


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def received(w: SimpleNamespace) -> Application:
    return application_receive(
        actor=w.staff,
        item=w.item,
        hall=w.hall,
        window=w.window,
        applicant_name="王秀兰",
        applicant_id_number="11010519491231002X",
        applicant_phone="13812345678",
    )


def test_anonymous_visitors_are_sent_to_sign_in(world: SimpleNamespace) -> None:
    for name in ("hall_home", "hall_items", "hall_applications", "hall_figures", "hall_assistance"):
        response = Client().get(reverse(f"web:{name}"))
        assert response.status_code == 302 and "login" in response["Location"]


def test_the_catalogue_is_open_to_every_signed_in_user(world: SimpleNamespace) -> None:
    c = client(UserFactory.create())

    listing = c.get(reverse("web:hall_items"), {"department": world.dept.code})
    detail = c.get(reverse("web:hall_item_detail", args=[world.item.pk]))

    assert listing.status_code == 200 and "社会保障卡申领" in listing.content.decode()
    assert detail.status_code == 200 and "户口簿复印件" in detail.content.decode()  # the waived certificate shown


@pytest.mark.parametrize(
    ("who", "listed", "detail"),
    [("nobody", False, 404), ("street_staff", False, 404), ("staff", True, 200), ("admin", True, 200)],
)
def test_the_ledger_is_scoped(world: SimpleNamespace, who: str, listed: bool, detail: int) -> None:
    a = received(world)
    user = UserFactory.create() if who == "nobody" else getattr(world, who)
    c = client(user)

    listing = c.get(reverse("web:hall_applications"))
    page = c.get(reverse("web:hall_application_detail", args=[a.pk]))

    assert listing.status_code == 200 and (a.code in listing.content.decode()) == listed
    assert page.status_code == detail


def test_the_department_sees_its_applications_only(world: SimpleNamespace) -> None:
    a = received(world)

    assert client(world.handler).get(reverse("web:hall_application_detail", args=[a.pk])).status_code == 200
    assert client(world.other_handler).get(reverse("web:hall_application_detail", args=[a.pk])).status_code == 404


def test_the_applicant_numbers_are_masked_until_revealed_with_an_audit_entry(world: SimpleNamespace) -> None:
    a = received(world)
    c = client(world.staff)

    page = c.get(reverse("web:hall_application_detail", args=[a.pk])).content.decode()
    revealed = c.post(reverse("web:hall_application_reveal", args=[a.pk])).content.decode()

    assert "11010519491231002X" not in page and "138****5678" in page
    assert "11010519491231002X" in revealed and "13812345678" in revealed
    assert AuditEntry.objects.filter(action="api.reveal", note__contains=a.code).exists()


def test_a_viewer_without_reveal_cannot_see_the_numbers(world: SimpleNamespace) -> None:
    a = received(world)

    response = client(world.leader).post(reverse("web:hall_application_reveal", args=[a.pk]))

    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="api.reveal").exists()


def test_receiving_through_the_form(world: SimpleNamespace) -> None:
    c = client(world.staff)
    data = {
        "hall": world.hall.pk,
        "item": world.item.pk,
        "window": world.window.pk,
        "channel": "window",
        "applicant_kind": "person",
        "applicant_name": "李建国",
        "applicant_phone": "13900001111",
    }

    response = c.post(reverse("web:hall_receive"), data)

    a = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:hall_application_detail", args=[a.pk])
    assert a.first_contact == world.staff


def test_receiving_is_refused_to_a_user_serving_no_hall(world: SimpleNamespace) -> None:
    response = client(world.leader).get(reverse("web:hall_receive"))

    assert response.status_code == 403


def test_a_step_from_the_generated_form(world: SimpleNamespace) -> None:
    a = received(world)
    c = client(world.staff)

    page = c.get(reverse("web:hall_application_detail", args=[a.pk])).content.decode()
    done = c.post(
        reverse("web:hall_application_act", args=[a.pk, "request_supplement"]),
        {"expected_version": 1, "missing": "居民身份证"},
    )
    refused = c.post(reverse("web:hall_application_act", args=[a.pk, "finish"]), {"expected_version": 1})

    a.refresh_from_db()
    assert "一次性告知补正" in page
    assert done.status_code == 302 and a.status == ApplicationStatus.SUPPLEMENT
    assert refused.status_code == 409 and a.status == ApplicationStatus.SUPPLEMENT
    assert "居民身份证" in c.get(reverse("web:hall_application_detail", args=[a.pk])).content.decode()


def test_the_hub_the_hall_and_the_figures(world: SimpleNamespace) -> None:
    received(world)
    c = client(world.admin)

    assert "区政务服务中心" in c.get(reverse("web:hall_home")).content.decode()
    hall = c.get(reverse("web:hall_detail", args=[world.hall.pk])).content.decode()
    assert "综合受理1号窗" in hall
    for by in ("hall", "department", "item", "window", "staff"):
        assert c.get(reverse("web:hall_figures"), {"by": by}).status_code == 200
    assert client(world.street_staff).get(reverse("web:hall_detail", args=[world.hall.pk])).status_code == 404


def test_recording_an_assistance(world: SimpleNamespace) -> None:
    c = client(world.staff)
    data = {"hall": world.hall.pk, "kind": "proxy", "item": world.item.pk, "person_name": "张大爷", "note": "代办"}

    response = c.post(reverse("web:hall_assistance"), data)

    assert response.status_code == 302
    row = Assistance.objects.get()
    assert row.helper == world.staff and row.person_name == "张大爷"
    assert client(world.street_staff).get(reverse("web:hall_assistance")).content.decode().count("张大爷") == 0


def test_the_import_page_is_for_administrators(world: SimpleNamespace) -> None:
    assert client(world.staff).get(reverse("web:hall_catalogue_import")).status_code == 403
    assert client(world.admin).get(reverse("web:hall_catalogue_import")).status_code == 200
    export = client(world.staff).get(reverse("web:hall_catalogue_export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
