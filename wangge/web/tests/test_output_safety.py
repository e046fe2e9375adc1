"""Pages and exports of the web app that carry text someone else typed: registry exports (.xlsx, .csv) hold
no live formula, and the public tracking page masks phone and identity numbers in the reply."""

from __future__ import annotations

import csv
import io
from itertools import cycle
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from wangge.accounts.models import Unit, User
from wangge.core.spreadsheets import FORMULA_PREFIXES
from wangge.core.tests.test_masking import PERSONAL_NUMBERS
from wangge.core.tests.test_spreadsheets import PAYLOADS
from wangge.places.models import Point, PointType
from wangge.territory.models import Territory
from wangge.web.tests.conftest import act, new_case, to_handling

pytestmark = pytest.mark.django_db
REGISTRIES = ["territories", "points", "units", "staff"]


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def hostile(world: Any) -> Any:
    """Every name a registry lists starts with a formula prefix (names arrive through imports and forms)."""
    payloads = cycle(PAYLOADS)
    for model, field in ((Territory, "name"), (Unit, "name"), (User, "display_name")):
        for pk in model.objects.order_by("pk").values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(**{field: f"{next(payloads)[:40]}{pk}"})  # columns of 50 on PostgreSQL
    kind = PointType.objects.create(key="hostile", name=next(payloads)[:50])
    for i, payload in enumerate(PAYLOADS):
        Point.objects.create(
            code=f"P{i:03d}",
            name=payload[:50],
            type=kind,
            lng=113.02,
            lat=33.02,
            territory=world.grid1,
            grid=world.grid1,
            responsible_name=next(payloads)[:50],
            responsible_phone="13900001111",
        )
    return world


def _export(client: Client, world: Any, key: str, fmt: str) -> bytes:
    client.force_login(world.dispatcher)
    response = client.get(reverse("web:registry", args=[key]), {"export": fmt})
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("key", REGISTRIES)
def test_registry_xlsx_holds_no_formula(client: Client, hostile: Any, key: str) -> None:
    content = _export(client, hostile, key, "xlsx")

    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    hostile_text = [c for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_PREFIXES)]
    assert hostile_text and all(c.data_type == "s" and c.quotePrefix for c in hostile_text)


@pytest.mark.parametrize("key", REGISTRIES)
def test_registry_csv_neutralises_every_formula_like_field(client: Client, hostile: Any, key: str) -> None:
    content = _export(client, hostile, key, "csv")

    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    fields = [f for row in rows[1:] for f in row]
    assert [f for f in fields if f.startswith(FORMULA_PREFIXES)] == []
    quoted = [f for f in fields if f.startswith("'")]
    assert quoted and all(f[1:].startswith(FORMULA_PREFIXES) for f in quoted)


def test_points_registry_csv_keeps_the_name_behind_the_quote(client: Client, hostile: Any) -> None:
    rows = list(csv.reader(io.StringIO(_export(client, hostile, "points", "csv").decode("utf-8-sig"), newline="")))

    names = {row[0]: row[1] for row in rows[1:]}
    assert names == {f"P{i:03d}": "'" + payload for i, payload in enumerate(PAYLOADS)}


# --- the public tracking page ---------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "secret", "masked"), [pytest.param(*p, id=p[0]) for p in PERSONAL_NUMBERS])
def test_tracking_page_masks_numbers_in_the_reply(
    client: Client, world: Any, typed: str, secret: str, masked: str
) -> None:
    # given a case answered with a number in the reply, and a title and description holding it too
    at = timezone.now()
    wo = to_handling(world, new_case(world, title=f"请回电{typed}", description=f"我的电话{typed}"), at)
    act(world, wo, "reply", "handler", at, text=f"已联系{typed}，问题已处理", result="resolved")

    # when anyone holding the tracking code opens the page
    body = client.get(reverse("web:track_detail", args=[wo.tracking_code])).content.decode()

    # then the reply is shown with the number masked, and the number appears nowhere on the page
    assert f"已联系{masked}，问题已处理" in body
    assert typed not in body and typed.replace(" ", "") not in body
