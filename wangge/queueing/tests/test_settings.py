"""The managers' pages of a hall's queue settings (groups, weekly slot template, tidal rules, flexible windows):
who may open them, a bad form changes nothing, and the services they call, allowed and refused."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from wangge.accounts.choices import Role
from wangge.accounts.tests.factories import UserFactory, user_with_role
from wangge.core.errors import PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.hall.models import Window
from wangge.hall.tests.factories import HallFactory, WindowFactory
from wangge.queueing.models import ItemGroup, SlotTemplate, TidalRule
from wangge.queueing.services import flexible_windows_set, group_save
from wangge.queueing.tests.factories import ItemGroupFactory, TidalRuleFactory

pytestmark = pytest.mark.django_db


def _pages(q: SimpleNamespace) -> list[str]:
    return [
        reverse("web:queueing_settings", args=[q.hall.pk]),
        reverse("web:queueing_group_new", args=[q.hall.pk]),
        reverse("web:queueing_group", args=[q.hall.pk, q.a.pk]),
        reverse("web:queueing_template", args=[q.hall.pk, q.a.pk]),
        reverse("web:queueing_rule", args=[q.hall.pk, q.a.pk]),
    ]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("no_role", 404), ("other_hall", 404), ("hall_staff", 403), ("manager", 200)],
)
def test_the_settings_pages_are_for_the_halls_managers(
    q: SimpleNamespace, client: Client, who: str, expected: int
) -> None:
    # given
    users = {
        "no_role": lambda: UserFactory.create(username="norole"),
        "other_hall": lambda: user_with_role(Role.ADMIN, q.tree.street_b, username="otheradmin"),
        "hall_staff": lambda: q.staff,
        "manager": lambda: q.admin,
    }
    if who == "other_hall":
        HallFactory.create(territory=q.tree.street_b)
    if who in users:
        client.force_login(users[who]())

    # when / then
    for url in _pages(q):
        assert client.get(url).status_code == expected, url
        if who != "manager":
            assert client.post(url, {"letter": "Z", "name": "x"}).status_code == expected, url
    assert not ItemGroup.objects.filter(prefix="Z").exists()


def test_the_hall_page_links_the_settings_for_managers_only(q: SimpleNamespace, client: Client) -> None:
    url = reverse("web:queueing_settings", args=[q.hall.pk])
    client.force_login(q.staff)
    assert url not in client.get(reverse("web:queueing_hall", args=[q.hall.pk])).content.decode()
    client.force_login(q.admin)
    assert url in client.get(reverse("web:queueing_hall", args=[q.hall.pk])).content.decode()


def test_a_manager_adds_a_group_with_its_items(q: SimpleNamespace, client: Client) -> None:
    client.force_login(q.admin)
    data = {"letter": "d", "name": "户籍业务", "items": [q.item.pk], "service_minutes": 7, "position": 4}
    response = client.post(reverse("web:queueing_group_new", args=[q.hall.pk]), {**data, "is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    g = ItemGroup.objects.get(hall=q.hall, prefix="D")
    assert g.name == "户籍业务" and list(g.items.all()) == [q.item] and g.service_minutes == 7
    assert AuditEntry.objects.filter(action="queueing.group_create", object_id=str(g.pk)).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"letter": "A1", "name": "坏字头", "service_minutes": 5, "position": 0},
        {"letter": "B", "name": "重复字头", "service_minutes": 5, "position": 0},  # B belongs to 不动产登记
        {"letter": "A", "name": "", "service_minutes": 5, "position": 0},
        {"letter": "A", "name": "零分钟", "service_minutes": 0, "position": 0},
    ],
)
def test_a_bad_group_form_changes_nothing(q: SimpleNamespace, client: Client, data: dict[str, object]) -> None:
    client.force_login(q.admin)
    before = list(ItemGroup.objects.order_by("pk").values_list("prefix", "name", "service_minutes"))
    trail = AuditEntry.objects.count()
    response = client.post(reverse("web:queueing_group", args=[q.hall.pk, q.a.pk]), data)
    assert response.status_code == 400
    assert list(ItemGroup.objects.order_by("pk").values_list("prefix", "name", "service_minutes")) == before
    assert AuditEntry.objects.count() == trail


def _rows(*rows: tuple[str, str, str, str, str]) -> dict[str, str]:
    data = {"rows-TOTAL_FORMS": str(len(rows)), "rows-INITIAL_FORMS": "0"}
    for i, (weekday, start, end, capacity, delete) in enumerate(rows):
        data.update(
            {
                f"rows-{i}-weekday": weekday,
                f"rows-{i}-starts_at": start,
                f"rows-{i}-ends_at": end,
                f"rows-{i}-capacity": capacity,
            }
        )
        if delete:
            data[f"rows-{i}-DELETE"] = "on"
    return data


def test_a_manager_sets_the_weekly_template(q: SimpleNamespace, client: Client) -> None:
    client.force_login(q.admin)
    url = reverse("web:queueing_template", args=[q.hall.pk, q.a.pk])
    data = _rows(("0", "09:00", "09:30", "4", ""), ("2", "14:00", "14:30", "6", ""), ("", "", "", "", ""))
    data.update({"rows-3-weekday": "4", "rows-3-starts_at": "10:00", "rows-3-ends_at": "10:30"})
    data.update({"rows-3-capacity": "2", "rows-3-DELETE": "on", "rows-TOTAL_FORMS": "4"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    rows = list(SlotTemplate.objects.filter(group=q.a).values_list("weekday", "starts_at", "capacity"))
    assert rows == [(0, dt.time(9, 0), 4), (2, dt.time(14, 0), 6)]
    assert "09:00" in client.get(url).content.decode()


@pytest.mark.parametrize(
    "rows",
    [
        [("0", "10:00", "09:30", "4", "")],  # ends before it starts
        [("0", "09:00", "09:30", "0", "")],  # nobody can book
        [("0", "09:00", "09:30", "4", ""), ("0", "09:00", "10:00", "2", "")],  # the same start twice
        [("7", "09:00", "09:30", "4", "")],  # no such weekday
    ],
)
def test_a_bad_template_changes_nothing(
    q: SimpleNamespace, client: Client, rows: list[tuple[str, str, str, str, str]]
) -> None:
    SlotTemplate.objects.create(group=q.a, weekday=1, starts_at=dt.time(9), ends_at=dt.time(9, 30), capacity=3)
    client.force_login(q.admin)
    response = client.post(reverse("web:queueing_template", args=[q.hall.pk, q.a.pk]), _rows(*rows))
    assert response.status_code == 400
    assert list(SlotTemplate.objects.filter(group=q.a).values_list("weekday", "capacity")) == [(1, 3)]


def test_a_manager_sets_a_tidal_rule(q: SimpleNamespace, client: Client) -> None:
    client.force_login(q.admin)
    data = {"open_queue": 6, "open_wait_minutes": 15, "close_queue": 1, "close_wait_minutes": 3, "max_windows": 1}
    response = client.post(reverse("web:queueing_rule", args=[q.hall.pk, q.a.pk]), {**data, "is_active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = TidalRule.objects.get(group=q.a)
    assert (rule.open_queue, rule.close_queue, rule.max_windows, rule.is_active) == (6, 1, 1, True)


@pytest.mark.parametrize(
    "data",
    [
        {"open_queue": 5, "open_wait_minutes": 20, "close_queue": 5, "close_wait_minutes": 5, "max_windows": 2},
        {"open_queue": 8, "open_wait_minutes": 10, "close_queue": 2, "close_wait_minutes": 12, "max_windows": 2},
        {"open_queue": 8, "open_wait_minutes": 20, "close_queue": 2, "close_wait_minutes": 5, "max_windows": 0},
    ],
)
def test_a_rule_without_hysteresis_changes_nothing(q: SimpleNamespace, client: Client, data: dict[str, int]) -> None:
    rule = TidalRuleFactory.create(group=q.a)
    before = TidalRule.objects.filter(pk=rule.pk).values().get()
    client.force_login(q.admin)
    response = client.post(reverse("web:queueing_rule", args=[q.hall.pk, q.a.pk]), {**data, "is_active": "on"})
    assert response.status_code == 400
    assert TidalRule.objects.filter(pk=rule.pk).values().get() == before


def test_a_manager_chooses_the_flexible_windows(q: SimpleNamespace, client: Client) -> None:
    client.force_login(q.admin)
    response = client.post(reverse("web:queueing_settings", args=[q.hall.pk]), {"windows": [q.w2.pk]})
    assert response.status_code == 302
    assert list(Window.objects.filter(hall=q.hall, is_flexible=True)) == [q.w2]
    assert AuditEntry.objects.filter(action="queueing.flexible_windows_set").exists()


def test_a_window_of_another_hall_cannot_be_made_flexible(q: SimpleNamespace, client: Client) -> None:
    other = WindowFactory.create(hall=HallFactory.create(territory=q.tree.district))
    client.force_login(q.admin)
    response = client.post(reverse("web:queueing_settings", args=[q.hall.pk]), {"windows": [other.pk]})
    assert response.status_code == 400
    assert list(Window.objects.filter(is_flexible=True)) == [q.w3]


# -- the services ----------------------------------------------------------------------------------------------


def test_flexible_windows_set_allowed(q: SimpleNamespace) -> None:
    assert flexible_windows_set(actor=q.admin, hall=q.hall, windows=[q.w1, q.w3]) == sorted([q.w1.pk, q.w3.pk])
    assert set(Window.objects.filter(is_flexible=True)) == {q.w1, q.w3}


def test_flexible_windows_set_refused_to_hall_staff(q: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        flexible_windows_set(actor=q.staff, hall=q.hall, windows=[q.w1])
    assert list(Window.objects.filter(is_flexible=True)) == [q.w3]
    assert not AuditEntry.objects.filter(action="queueing.flexible_windows_set").exists()


def test_flexible_windows_set_refuses_a_window_of_another_hall(q: SimpleNamespace) -> None:
    other = WindowFactory.create(hall=HallFactory.create(territory=q.tree.district))
    with pytest.raises(ValidationFailed):
        flexible_windows_set(actor=q.admin, hall=q.hall, windows=[q.w1, other])
    assert list(Window.objects.filter(is_flexible=True)) == [q.w3]


def test_group_save_deactivates_a_group(q: SimpleNamespace) -> None:
    group_save(actor=q.admin, hall=q.hall, prefix="C", name="综合咨询", is_active=False, group=q.c)
    assert not ItemGroup.objects.get(pk=q.c.pk).is_active


def test_group_save_refused_to_hall_staff(q: SimpleNamespace) -> None:
    with pytest.raises(PermissionDenied):
        group_save(actor=q.staff, hall=q.hall, prefix="C", name="改名", group=q.c)
    assert ItemGroup.objects.get(pk=q.c.pk).name == "综合咨询"


def test_another_halls_group_is_not_found_from_this_hall(q: SimpleNamespace, client: Client) -> None:
    stray = ItemGroupFactory.create(hall=HallFactory.create(territory=q.tree.district), prefix="X")
    client.force_login(q.admin)
    assert client.get(reverse("web:queueing_rule", args=[q.hall.pk, stray.pk])).status_code == 404


def test_the_kiosk_ticket_page_goes_back_to_the_buttons_by_itself(q: SimpleNamespace, client: Client) -> None:
    response = client.post(reverse("web:queueing_kiosk", args=[q.hall.code]), {"group": q.a.pk})
    kiosk = client.get(response["Location"]).content.decode()
    assert 'id="q-kiosk-back"' in kiosk and 'data-seconds="15"' in kiosk and "queueing/kiosk_return.js" in kiosk
    phone = client.post(reverse("web:queueing_take", args=[q.hall.code]), {"group": q.a.pk})
    assert "kiosk_return.js" not in client.get(phone["Location"]).content.decode()
