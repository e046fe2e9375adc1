"""Window duty set from the hall page, and the 办件 ledger's .xlsx export: who may (anonymous, no role, another
territory, a leader who only views, the hall's staff), what a bad form leaves untouched, and that the file holds
only the rows in scope, as filtered, masked and with no live formula."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wangge.accounts.tests.factories import UserFactory
from wangge.core.models import AuditEntry
from wangge.core.spreadsheets import FORMULA_PREFIXES
from wangge.hall.models import Application, Duty
from wangge.hall.services import application_receive, applications_export

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def receive(w: SimpleNamespace, *, name: str = "王秀兰", street: bool = False) -> Application:
    return application_receive(
        actor=w.street_staff if street else w.staff,
        item=w.item,
        hall=w.street_hall if street else w.hall,
        window=None if street else w.window,
        applicant_name=name,
        applicant_id_number=ID_NUMBER,
        applicant_phone=PHONE,
    )


def sheet(data: bytes) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(data))
    return [[c.value for c in row] for row in book.worksheets[0].iter_rows()]


def cells(data: bytes) -> list[Any]:
    book = load_workbook(io.BytesIO(data))
    return [c for row in book.worksheets[0].iter_rows() for c in row]


def duty_data(w: SimpleNamespace, **changes: Any) -> dict[str, Any]:
    data = {"window": w.window.pk, "day": timezone.localdate().isoformat(), "staff": w.staff.pk, "on": "1"}
    data.update(changes)
    return data


# -- window duty ----------------------------------------------------------------------------------------------


def test_the_hall_staff_puts_someone_on_duty_and_the_page_shows_it(world: SimpleNamespace) -> None:
    c = client(world.staff)

    response = c.post(reverse("web:hall_duty", args=[world.hall.pk]), duty_data(world))

    assert response.status_code == 302
    duty = Duty.objects.get()
    assert duty.window == world.window and duty.staff == world.staff and duty.day == timezone.localdate()
    assert AuditEntry.objects.filter(action="hall.duty_set").count() == 1
    page = c.get(reverse("web:hall_detail", args=[world.hall.pk])).content.decode()
    assert f'data-label="今日值班">{world.staff}' in page


def test_a_duty_ahead_is_listed_and_can_be_taken_off(world: SimpleNamespace) -> None:
    c = client(world.staff)
    ahead = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    c.post(reverse("web:hall_duty", args=[world.hall.pk]), duty_data(world, day=ahead))

    page = c.get(reverse("web:hall_detail", args=[world.hall.pk])).content.decode()
    assert f"{world.window.name}：{world.staff}" in page
    response = c.post(reverse("web:hall_duty", args=[world.hall.pk]), duty_data(world, day=ahead, on="0"))

    assert response.status_code == 302 and not Duty.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("nobody", 404), ("street_staff", 404), ("leader", 403), ("staff", 302), ("admin", 302)],
)
def test_who_may_set_a_duty(world: SimpleNamespace, who: str, status: int) -> None:
    user = UserFactory.create() if who == "nobody" else getattr(world, who)

    response = client(user).post(reverse("web:hall_duty", args=[world.hall.pk]), duty_data(world))

    assert response.status_code == status
    assert Duty.objects.exists() == (status == 302)


def test_an_anonymous_visitor_cannot_set_a_duty(world: SimpleNamespace) -> None:
    response = Client().post(reverse("web:hall_duty", args=[world.hall.pk]), duty_data(world))

    assert response.status_code == 302 and "login" in response["Location"]
    assert not Duty.objects.exists()


def test_the_form_is_shown_only_to_those_who_may_set_duty(world: SimpleNamespace) -> None:
    url = reverse("web:hall_detail", args=[world.hall.pk])
    assert 'name="staff"' in client(world.staff).get(url).content.decode()
    assert 'name="staff"' not in client(world.leader).get(url).content.decode()


@pytest.mark.parametrize(
    "changes",
    [
        {"day": ""},
        {"day": "not-a-date"},
        {"day": "2000-01-01"},  # in the past
        {"day": (dt.date.today() + dt.timedelta(days=400)).isoformat()},  # too far ahead
        {"window": "999999"},
        {"staff": "999999"},
        {"on": "maybe"},
    ],
)
def test_a_bad_duty_form_changes_nothing(world: SimpleNamespace, changes: dict[str, str]) -> None:
    response = client(world.staff).post(reverse("web:hall_duty", args=[world.hall.pk]), duty_data(world, **changes))

    assert response.status_code == 400
    assert not Duty.objects.exists() and not AuditEntry.objects.filter(action="hall.duty_set").exists()


def test_a_window_of_another_hall_or_a_user_of_no_grant_is_refused(world: SimpleNamespace) -> None:
    from wangge.hall.tests.factories import WindowFactory

    other = WindowFactory.create(hall=world.street_hall, number="09", name="便民窗")
    c = client(world.admin)

    wrong_window = c.post(reverse("web:hall_duty", args=[world.hall.pk]), duty_data(world, window=other.pk))
    stranger = c.post(reverse("web:hall_duty", args=[world.hall.pk]), duty_data(world, staff=UserFactory.create().pk))

    assert wrong_window.status_code == 400 and stranger.status_code == 400
    assert not Duty.objects.exists()


def test_the_duty_page_refuses_a_get(world: SimpleNamespace) -> None:
    assert client(world.staff).get(reverse("web:hall_duty", args=[world.hall.pk])).status_code == 405


# -- the ledger's export --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "codes"),
    [
        ("nobody", set()),
        ("street_staff", {"street"}),
        ("staff", {"district", "street"}),
        ("admin", {"district", "street"}),
    ],
)
def test_the_export_holds_the_rows_in_scope_only(world: SimpleNamespace, who: str, codes: set[str]) -> None:
    made = {"district": receive(world).code, "street": receive(world, street=True).code}
    user = UserFactory.create() if who == "nobody" else getattr(world, who)

    response = client(user).get(reverse("web:hall_application_export"))

    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    rows = sheet(response.content)
    assert rows[0][0] == "办件编号"
    assert {r[0] for r in rows[1:]} == {made[k] for k in codes}
    entry = AuditEntry.objects.get(action="hall.ledger_export")
    assert entry.after is not None and entry.after["count"] == len(codes) and entry.after["revealed"] is False


def test_an_anonymous_visitor_cannot_export(world: SimpleNamespace) -> None:
    receive(world)

    response = Client().get(reverse("web:hall_application_export"))

    assert response.status_code == 302 and "login" in response["Location"]
    assert not AuditEntry.objects.filter(action="hall.ledger_export").exists()


def test_the_export_follows_the_page_filters_and_records_them(world: SimpleNamespace) -> None:
    district = receive(world)
    receive(world, street=True)

    response = client(world.admin).get(reverse("web:hall_application_export"), {"hall": world.hall.code})

    assert [r[0] for r in sheet(response.content)[1:]] == [district.code]
    entry = AuditEntry.objects.get(action="hall.ledger_export")
    assert entry.after is not None and entry.after["filters"] == {"hall": world.hall.code}


def test_a_bad_filter_exports_nothing(world: SimpleNamespace) -> None:
    receive(world)

    response = client(world.admin).get(reverse("web:hall_application_export"), {"date_from": "not-a-date"})

    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="hall.ledger_export").exists()


def test_the_applicant_numbers_are_masked(world: SimpleNamespace) -> None:
    receive(world)

    data = client(world.admin).get(reverse("web:hall_application_export")).content

    text = " ".join(str(c.value) for c in cells(data) if c.value is not None)
    assert ID_NUMBER not in text and PHONE not in text
    row = sheet(data)[1]
    assert "110105********002X" in row and "138****5678" in row


def test_the_export_has_no_live_formula(world: SimpleNamespace) -> None:
    receive(world, name='=HYPERLINK("http://evil.example","点击")')
    receive(world, name="+1+cmd|' /C calc'!A0")

    data = applications_export(actor=world.admin)

    every = cells(data)
    assert all(c.data_type != "f" for c in every)
    names = [c for c in every if isinstance(c.value, str) and c.value.startswith(FORMULA_PREFIXES)]
    assert len(names) == 2 and all(c.data_type == "s" for c in names)


def test_the_ledger_page_links_to_the_export_with_its_filters(world: SimpleNamespace) -> None:
    page = client(world.staff).get(reverse("web:hall_applications"), {"hall": world.hall.code}).content.decode()

    assert reverse("web:hall_application_export") + "?hall=" + world.hall.code in page


def test_the_catalogue_lists_the_handling_modes(world: SimpleNamespace) -> None:
    world.item.modes = ["online", "mobile"]
    world.item.save(update_fields=["modes"])

    page = client(UserFactory.create()).get(reverse("web:hall_items")).content.decode()

    assert "办理方式" in page and "网上办、掌上办" in page
