"""Creating a 政银企 matchmaking event and changing its banks and products: the services (allowed and refused, a
refusal writes nothing), the pages (permission matrix, a bad form writes nothing, linked from the matchmaking list)
and the API (create, offer, field errors)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from wangge.accounts.choices import Role
from wangge.core.errors import PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.enterprises.errors import ErrorCode
from wangge.enterprises.models import Bank, FinancingEvent, FinancingParticipation, FinancingProduct
from wangge.enterprises.services import financing_event_offer_set, financing_event_save
from wangge.enterprises.tests.factories import staff

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 6, 8)


@pytest.fixture
def m(w: SimpleNamespace) -> SimpleNamespace:
    """The world, a community keeper (keeps enterprises but does not organise), two banks with a product each."""
    w.keeper = staff("community", Role.COMMUNITY_STAFF, territory=w.community)
    w.boc = Bank.objects.create(name="中国银行平顶山分行")
    w.icbc = Bank.objects.create(name="工商银行卫东支行")
    w.boc_loan = FinancingProduct.objects.create(bank=w.boc, name="惠如愿·科技贷")
    w.icbc_loan = FinancingProduct.objects.create(bank=w.icbc, name="经营快贷")
    return w


def create(m: SimpleNamespace, actor: Any, **kw: Any) -> FinancingEvent:
    values: dict[str, Any] = {
        "territory": m.street,
        "title": "卫您融·政银企对接会",
        "held_on": DAY,
        "place": "街道便民服务中心",
        "organiser": "区工信局",
        "banks": [m.boc],
        "products": [m.boc_loan],
    }
    return financing_event_save(actor=actor, **{**values, **kw})


# --- services --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "dispatcher", "street_staff"])
def test_an_organiser_creates_an_event_with_its_banks_and_products(m: SimpleNamespace, who: str) -> None:
    event = create(m, getattr(m, who))
    assert (event.organiser, event.place, event.territory) == ("区工信局", "街道便民服务中心", m.street)
    assert list(event.banks.all()) == [m.boc] and list(event.products.all()) == [m.boc_loan]
    entry = AuditEntry.objects.get(action="enterprises.financing_event_create")
    assert (entry.after or {})["banks"] == ["中国银行平顶山分行"] and entry.object_id == str(event.pk)


@pytest.mark.parametrize("who", ["nobody", "stranger", "keeper", "worker", "cadre_user"])
def test_anyone_else_is_refused_and_nothing_is_written(m: SimpleNamespace, who: str) -> None:
    with pytest.raises(PermissionDenied) as refused:
        create(m, getattr(m, who))
    assert refused.value.code == ErrorCode.NOT_ORGANISER
    assert not FinancingEvent.objects.exists() and not AuditEntry.objects.filter(app_label="enterprises").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "名" * 121}, "title"),
        ({"place": "地" * 121}, "place"),
        ({"organiser": "单" * 121}, "organiser"),
        ({"products": ["icbc_loan"]}, "products"),
        ({"territory": "grid1"}, "territory"),
        ({"banks": ["boc", "boc"]}, "banks"),
    ],
)
def test_a_bad_event_is_refused_and_nothing_is_written(m: SimpleNamespace, change: dict[str, Any], field: str) -> None:
    def resolve(value: Any) -> Any:
        if isinstance(value, list):
            return [getattr(m, v) for v in value]
        return getattr(m, value) if value in ("grid1",) else value

    with pytest.raises(ValidationFailed) as refused:
        create(m, m.admin, **{k: resolve(v) for k, v in change.items()})
    assert refused.value.code == ErrorCode.INVALID_FINANCING
    assert field in {d["field"] for d in refused.value.details}
    assert not FinancingEvent.objects.exists() and not AuditEntry.objects.filter(app_label="enterprises").exists()


def test_the_organiser_changes_the_banks_and_products(m: SimpleNamespace) -> None:
    event = create(m, m.admin)
    financing_event_offer_set(actor=m.street_staff, event=event, banks=[m.boc, m.icbc], products=[m.icbc_loan])
    assert set(event.banks.all()) == {m.boc, m.icbc} and list(event.products.all()) == [m.icbc_loan]
    entry = AuditEntry.objects.get(action="enterprises.financing_event_update")
    assert (entry.after or {})["products"] == [str(m.icbc_loan)]


@pytest.mark.parametrize("who", ["nobody", "stranger", "keeper", "worker"])
def test_changing_the_offer_is_refused_to_others(m: SimpleNamespace, who: str) -> None:
    event = create(m, m.admin)
    with pytest.raises(PermissionDenied):
        financing_event_offer_set(actor=getattr(m, who), event=event, banks=[m.icbc], products=[])
    assert list(event.banks.all()) == [m.boc] and list(event.products.all()) == [m.boc_loan]


def test_a_bank_an_enterprise_matched_stays(m: SimpleNamespace) -> None:
    event = create(m, m.admin)
    FinancingParticipation.objects.create(event=event, enterprise=m.e1, bank=m.boc, product=m.boc_loan)
    with pytest.raises(ValidationFailed) as refused:
        financing_event_offer_set(actor=m.admin, event=event, banks=[m.icbc], products=[m.icbc_loan])
    assert {d["field"] for d in refused.value.details} == {"banks", "products"}
    assert list(event.banks.all()) == [m.boc] and list(event.products.all()) == [m.boc_loan]


# --- pages -----------------------------------------------------------------------------------------------------


def client(user: Any | None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def form(m: SimpleNamespace, **kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "卫您融·政银企对接会",
        "held_on": "2025-06-08",
        "territory": m.street.pk,
        "place": "街道便民服务中心",
        "organiser": "区工信局",
        "banks": [m.boc.pk, m.icbc.pk],
        "products": [m.boc_loan.pk],
        "note": "",
    }
    return {**data, **kw}


@pytest.mark.parametrize(
    ("who", "expected"),
    [(None, 302), ("nobody", 404), ("worker", 404), ("keeper", 404), ("stranger", 404), ("admin", 200)],
)
def test_the_new_event_page_permission_matrix(m: SimpleNamespace, who: str | None, expected: int) -> None:
    c = client(getattr(m, who) if who else None)
    url = reverse("web:enterprise_financing_new")
    assert c.get(url).status_code == expected
    assert c.post(url, form(m)).status_code in {expected, 302}
    assert FinancingEvent.objects.exists() == (who == "admin")


def test_the_list_links_to_the_new_event_for_organisers_only(m: SimpleNamespace) -> None:
    url, new = reverse("web:enterprise_financing"), reverse("web:enterprise_financing_new")
    assert new in client(m.street_staff).get(url).content.decode()
    assert new not in client(m.keeper).get(url).content.decode()
    assert new not in client(m.stranger).get(url).content.decode()


def test_an_event_created_from_the_page(m: SimpleNamespace) -> None:
    response = client(m.street_staff).post(reverse("web:enterprise_financing_new"), form(m))
    event = FinancingEvent.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "web:enterprise_financing_detail", args=[event.pk]
    )
    assert event.organiser == "区工信局" and set(event.banks.all()) == {m.boc, m.icbc}
    page = client(m.street_staff).get(response["Location"]).content.decode()
    assert "区工信局" in page and reverse("web:enterprise_financing_offer", args=[event.pk]) in page


@pytest.mark.parametrize(
    "bad",
    [
        {"title": ""},
        {"held_on": "2025-13-40"},
        {"territory": "999999"},
        {"products": ["x"]},
        {"place": "地" * 121},
        {"banks": [0]},
    ],
)
def test_a_bad_form_answers_400_and_writes_nothing(m: SimpleNamespace, bad: dict[str, Any]) -> None:
    response = client(m.admin).post(reverse("web:enterprise_financing_new"), form(m, **bad))
    assert response.status_code == 400
    assert not FinancingEvent.objects.exists() and not AuditEntry.objects.filter(app_label="enterprises").exists()


def test_a_product_of_a_bank_not_taking_part_is_a_field_error(m: SimpleNamespace) -> None:
    response = client(m.admin).post(
        reverse("web:enterprise_financing_new"), form(m, banks=[m.boc.pk], products=[m.icbc_loan.pk])
    )
    assert response.status_code == 400 and "推介产品须属于参与银行" in response.content.decode()
    assert not FinancingEvent.objects.exists()


def test_the_offer_page(m: SimpleNamespace) -> None:
    event = create(m, m.admin)
    url = reverse("web:enterprise_financing_offer", args=[event.pk])
    for who in ("nobody", "keeper", "stranger", "worker"):
        assert client(getattr(m, who)).post(url, {"banks": [m.icbc.pk]}).status_code == 404
    assert list(event.banks.all()) == [m.boc]
    bad = client(m.admin).post(url, {"banks": [m.icbc.pk], "products": [m.boc_loan.pk]})
    assert bad.status_code == 400 and list(event.banks.all()) == [m.boc]
    assert client(m.admin).get(url).status_code == 200
    ok = client(m.admin).post(url, {"banks": [m.icbc.pk], "products": [m.icbc_loan.pk]})
    assert ok.status_code == 302
    assert list(event.banks.all()) == [m.icbc] and list(event.products.all()) == [m.icbc_loan]


# --- API -------------------------------------------------------------------------------------------------------


def api(user: Any | None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def body(m: SimpleNamespace, **kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "卫您融·线上对接",
        "held_on": "2025-06-08",
        "territory": m.street.code,
        "organiser": "区金融服务中心",
        "online": True,
        "banks": [m.boc.pk],
        "products": [m.boc_loan.pk],
    }
    return {**data, **kw}


@pytest.mark.parametrize(
    ("who", "expected"),
    [(None, 401), ("nobody", 404), ("keeper", 404), ("stranger", 404), ("worker", 404), ("dispatcher", 201)],
)
def test_the_api_creates_an_event_for_organisers_only(m: SimpleNamespace, who: str | None, expected: int) -> None:
    response = api(getattr(m, who) if who else None).post("/api/enterprise-financing-events/", body(m), format="json")
    assert response.status_code == expected
    assert FinancingEvent.objects.exists() == (expected == 201)
    if expected == 201:
        row = response.json()
        assert row["organiser"] == "区金融服务中心" and row["banks"] == ["中国银行平顶山分行"]
        assert row["products"] == [m.boc_loan.pk] and row["territory"] == m.street.code


def test_the_api_refuses_a_keeper_over_its_own_community(m: SimpleNamespace) -> None:
    response = api(m.keeper).post(
        "/api/enterprise-financing-events/", body(m, territory=m.community.code), format="json"
    )
    assert response.status_code == 403 and response.json()["code"] == ErrorCode.NOT_ORGANISER
    assert not FinancingEvent.objects.exists()


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"title": ""}, "title"),
        ({"held_on": "soon"}, "held_on"),
        ({"banks": [987654]}, "banks"),
        ({"products": [0]}, "products"),
    ],
)
def test_the_api_names_the_bad_field_and_writes_nothing(m: SimpleNamespace, bad: dict[str, Any], field: str) -> None:
    response = api(m.admin).post("/api/enterprise-financing-events/", body(m, **bad), format="json")
    assert response.status_code == 400 and field in str(response.json())
    assert not FinancingEvent.objects.exists()


def test_the_api_refuses_a_product_of_another_bank(m: SimpleNamespace) -> None:
    response = api(m.admin).post("/api/enterprise-financing-events/", body(m, products=[m.icbc_loan.pk]), format="json")
    assert response.status_code == 400 and response.json()["code"] == ErrorCode.INVALID_FINANCING
    assert not FinancingEvent.objects.exists()


def test_the_api_changes_the_offer(m: SimpleNamespace) -> None:
    event = create(m, m.admin, territory=m.community)
    url = f"/api/enterprise-financing-events/{event.pk}/offer/"
    assert api(m.stranger).post(url, {"banks": [m.icbc.pk]}, format="json").status_code == 404
    assert api(m.keeper).post(url, {"banks": [m.icbc.pk]}, format="json").status_code == 403
    assert list(event.banks.all()) == [m.boc]
    response = api(m.street_staff).post(
        url, {"banks": [m.boc.pk, m.icbc.pk], "products": [m.icbc_loan.pk]}, format="json"
    )
    assert response.status_code == 200 and response.json()["products"] == [m.icbc_loan.pk]
    assert set(event.banks.all()) == {m.boc, m.icbc}
