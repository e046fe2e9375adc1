"""The ledger is restricted: only the officer whose grant covers a key person sees it; everyone else — a grid
worker, a grid leader, a leader, an administrator, an inspector, a superuser without the role, an officer of
another territory — gets 404, exactly like a missing id. Every view by the officer is in the access log with
who, when and from where; the outsiders' attempts are logged too."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import load_workbook

from wangge.core.models import AuditEntry
from wangge.core.validators import mask_id_number
from wangge.keypersons.choices import AccessAction
from wangge.keypersons.models import KeyPerson, KeyPersonAccess
from wangge.keypersons.selectors import holds_key_persons, key_person_scope, visible_key_persons
from wangge.keypersons.tests.conftest import IP, OUTSIDERS

pytestmark = pytest.mark.django_db


def _entries(user: Any, action: str) -> list[KeyPersonAccess]:
    return list(KeyPersonAccess.objects.filter(user=user, action=action).order_by("id"))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_on_web_and_api(kp_world: SimpleNamespace, who: str, web_as: Any, api_as: Any) -> None:
    w = kp_world
    user = getattr(w, who)
    web, api = web_as(user), api_as(user)
    missing = w.kp.pk + 1000

    for url in (f"/keypersons/{w.kp.pk}/", f"/keypersons/{missing}/"):
        assert web.get(url).status_code == 404
    for url in (f"/api/key-persons/{w.kp.pk}/", f"/api/key-persons/{w.kp.pk}/?reveal=true"):
        response = api.get(url)
        assert response.status_code == 404
        assert "张测试" not in response.content.decode()
    assert web.post(f"/keypersons/{w.kp.pk}/reveal/").status_code == 404
    assert web.get(f"/keypersons/{w.kp.pk}/visit/").status_code == 404
    # An officer elsewhere has a list, without this person; everyone else has no list at all.
    listed = web.get("/keypersons/")
    api_listed = api.get("/api/key-persons/")
    if holds_key_persons(user):
        assert listed.status_code == 200 and "张测试" not in listed.content.decode()
        assert api_listed.status_code == 200 and api_listed.json()["count"] == 0
    else:
        assert listed.status_code == 404
        assert api_listed.status_code == 404
        assert api.get("/api/key-person-categories/").status_code == 404
        assert web.get("/keypersons/new/").status_code == 404
    # The attempts are on record, with nothing found.
    details = _entries(user, AccessAction.DETAIL)
    assert [e.key_person_ids for e in details][:3] == [[w.kp.pk], [missing], [w.kp.pk]]
    assert all(e.count == 0 and e.ip == IP for e in details)
    assert not visible_key_persons(user).exists()


def test_a_superuser_is_nobody_special(kp_world: SimpleNamespace) -> None:
    assert key_person_scope(kp_world.superuser).empty
    assert not visible_key_persons(kp_world.superuser).exists()
    assert visible_key_persons(kp_world.officer).get() == kp_world.kp


def test_the_officer_sees_and_every_view_is_logged(kp_world: SimpleNamespace, web_as: Any, api_as: Any) -> None:
    w = kp_world
    web, api = web_as(w.officer), api_as(w.officer)

    listed = web.get("/keypersons/?category=drug_user")
    assert listed.status_code == 200
    assert "张测试" in listed.content.decode()
    assert mask_id_number(w.zhang.id_number) in listed.content.decode()
    detail = web.get(f"/keypersons/{w.kp.pk}/")
    assert detail.status_code == 200
    assert w.zhang.id_number not in detail.content.decode()  # masked until revealed
    revealed = web.post(f"/keypersons/{w.kp.pk}/reveal/")
    assert revealed.status_code == 200
    assert w.zhang.id_number in revealed.content.decode() and w.zhang.phone in revealed.content.decode()
    exported = web.get("/keypersons/?export=xlsx&level=normal")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == w.kp.pk and rows[1][1] == "张测试" and rows[1][2] != w.zhang.id_number
    api_list = api.get("/api/key-persons/")
    assert api_list.status_code == 200 and [r["id"] for r in api_list.json()["results"]] == [w.kp.pk]
    api_detail = api.get(f"/api/key-persons/{w.kp.pk}/")
    assert api_detail.status_code == 200 and api_detail.json()["id_number"] != w.zhang.id_number
    api_reveal = api.get(f"/api/key-persons/{w.kp.pk}/?reveal=true")
    assert api_reveal.json()["id_number"] == w.zhang.id_number

    log = list(KeyPersonAccess.objects.filter(user=w.officer).order_by("id"))
    assert [(e.action, e.channel) for e in log] == [
        (AccessAction.LIST, "web"),
        (AccessAction.DETAIL, "web"),
        (AccessAction.REVEAL, "web"),
        (AccessAction.EXPORT, "web"),
        (AccessAction.LIST, "api"),
        (AccessAction.DETAIL, "api"),
        (AccessAction.REVEAL, "api"),
    ]
    for entry in log:
        assert entry.key_person_ids == [w.kp.pk] and entry.count == 1
        assert entry.user_name == "officer" and entry.ip == IP and entry.at is not None
        assert entry.territory_path == w.grid1.path
    assert log[0].query == {"category": "drug_user"}
    assert log[3].query == {"level": "normal"}
    # A reveal is in the general audit trail too, naming ids only.
    reveals = AuditEntry.objects.filter(action="api.reveal", actor=w.officer)
    assert reveals.count() == 2
    assert "张测试" not in str(list(reveals.values_list("after", flat=True)))


def test_an_officer_sees_the_subtree_of_the_grant_only(kp_world: SimpleNamespace, api_as: Any) -> None:
    from wangge.core.actors import SYSTEM
    from wangge.keypersons.services import key_person_create

    w = kp_world
    li = key_person_create(actor=SYSTEM, resident=w.li, category=w.petitioner)
    ids = {r["id"] for r in api_as(w.grid_officer).get("/api/key-persons/").json()["results"]}
    assert ids == {li.pk}
    ids = {r["id"] for r in api_as(w.officer).get("/api/key-persons/").json()["results"]}
    assert ids == {w.kp.pk, li.pk}


@pytest.mark.parametrize("who", ["worker", "admin", "superuser", "other_officer"])
def test_outsiders_change_nothing(kp_world: SimpleNamespace, who: str, web_as: Any, api_as: Any) -> None:
    from wangge.keypersons.tests.conftest import fingerprint

    w = kp_world
    user = getattr(w, who)
    before = fingerprint(w.kp)
    web, api = web_as(user), api_as(user)
    assert (
        web.post(
            f"/keypersons/{w.kp.pk}/visit/", {"visited_at": "2026-01-01T10:00", "method": "home", "situation": "x"}
        ).status_code
        == 404
    )
    assert web.post(f"/keypersons/{w.kp.pk}/release/", {"ended_on": "2026-01-01", "note": "x"}).status_code == 404
    assert web.post(f"/keypersons/{w.kp.pk}/edit/", {"category": "drug_user", "level": "high"}).status_code == 404
    assert api.post(f"/api/key-persons/{w.kp.pk}/visits/", {"situation": "x"}, format="json").status_code == 404
    assert api.post(f"/api/key-persons/{w.kp.pk}/release/", {"note": "x"}, format="json").status_code == 404
    assert api.patch(f"/api/key-persons/{w.kp.pk}/", {"level": "high"}, format="json").status_code == 404
    assert (
        api.post("/api/key-persons/", {"resident": w.li.pk, "category": "drug_user"}, format="json").status_code == 404
    )
    assert fingerprint(w.kp) == before
    refused = KeyPersonAccess.objects.filter(user=user, count=0)
    assert {e.action for e in refused} >= {AccessAction.VISIT, AccessAction.RELEASE, AccessAction.UPDATE}


def test_a_grants_viewset_without_its_scope_does_not_load() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from wangge.api.base import GRANTS, ScopedViewSet
    from wangge.keypersons.models import KeyPerson

    with pytest.raises(ImproperlyConfigured):
        type(
            "Forgetful",
            (ScopedViewSet,),
            {"queryset": KeyPerson.objects.all(), "scope": GRANTS, "__module__": __name__},
        )


def test_the_api_viewset_is_scoped_by_the_base_class(kp_world: SimpleNamespace) -> None:
    from rest_framework.test import APIRequestFactory

    from wangge.api.views.keypersons import KeyPersonViewSet

    for user, expected in ((kp_world.officer, [kp_world.kp]), (kp_world.superuser, []), (kp_world.admin, [])):
        view = KeyPersonViewSet()
        view.request = APIRequestFactory().get("/api/key-persons/")
        view.request.user = user
        view.format_kwarg = None
        assert list(view.get_queryset()) == expected


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("action", ["view", "change", "reveal", "record", "key_persons"])
def test_the_models_own_restrict_obeys_the_key_person_grants(kp_world: SimpleNamespace, who: str, action: str) -> None:
    """Code that reaches for the generic ``KeyPerson.objects.restrict`` gets the same answer as the selectors."""
    assert not KeyPerson.objects.restrict(getattr(kp_world, who), action).exists()
    assert list(KeyPerson.objects.restrict(kp_world.officer, action)) == [kp_world.kp]
