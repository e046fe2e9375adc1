"""Choosing a bulletin's scope: a list of the user's own territories and units, checked on the server."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.test import Client
from django.urls import reverse

from wangge.reports.forms import BulletinForm
from wangge.reports.models import Bulletin

DAY = "2025-06-11"


def _values(form: BulletinForm) -> list[str]:
    choices: Any = form.fields["scope"].choices  # type: ignore[attr-defined]
    return [value for _group, rows in choices for value, _label in rows]


def test_the_picker_offers_the_users_territories_and_units_only(world: SimpleNamespace) -> None:
    values = _values(BulletinForm(user=world.dispatcher))

    assert values[:3] == [world.district.code, world.street.code, world.community.code]
    assert {"unit:zhzx", "unit:cgj", "unit:sthj"} <= set(values)
    assert world.other_district.code not in values and world.grid1.code not in values
    assert _values(BulletinForm(user=world.handler)) == ["unit:cgj"]  # a unit's member: their unit


def test_the_page_shows_a_picker_not_a_code_box(world: SimpleNamespace) -> None:
    c = Client()
    c.force_login(world.dispatcher)

    html = c.get(reverse("reports:bulletins")).content.decode()

    assert '<select name="scope"' in html and f'<option value="{world.street.code}"' in html
    assert "unit:单位编码" not in html  # no typed code asked for


def test_a_scope_outside_the_users_is_refused_by_the_server(world: SimpleNamespace) -> None:
    c = Client()
    c.force_login(world.dispatcher)

    response = c.post(reverse("reports:bulletins"), {"date": DAY, "scope": world.other_district.code})

    assert response.status_code == 200 and "不在您的管辖范围内" in response.content.decode()
    assert not Bulletin.objects.exists()


def test_a_unit_picked_from_the_list_gets_its_bulletin(world: SimpleNamespace) -> None:
    c = Client()
    c.force_login(world.dispatcher)

    response = c.post(reverse("reports:bulletins"), {"date": DAY, "scope": "unit:cgj"})

    b = Bulletin.objects.get()
    assert response.status_code == 302 and b.unit == world.dept
