"""The pages of 党建引领: the tree, an organisation, a member, 包片, the map layer and the territory panel, with
the permission matrix (anonymous, no role, other grid, stranger, parent district, organiser)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from wangge.accounts.tests.factories import UserFactory
from wangge.party.models import PartyMember

pytestmark = pytest.mark.django_db


def client(user: Any = None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.mark.parametrize(
    ("who", "home", "org", "member"),
    [
        ("anonymous", 302, 302, 302),
        ("no_role", 200, 404, 404),
        ("other_worker", 200, 404, 404),
        ("stranger", 200, 404, 404),
        ("worker", 200, 404, 200),
        ("community_staff", 200, 200, 200),
        ("admin", 200, 200, 200),
    ],
)
def test_the_permission_matrix(w: SimpleNamespace, who: str, home: int, org: int, member: int) -> None:
    user = None if who == "anonymous" else UserFactory.create() if who == "no_role" else getattr(w, who)
    c = client(user)
    assert c.get(reverse("web:party_home")).status_code == home
    assert c.get(reverse("web:party_org", args=[w.committee.pk])).status_code == org
    assert c.get(reverse("web:party_member", args=[w.member.pk])).status_code == member


def test_the_tree_page_shows_the_four_levels(w: SimpleNamespace) -> None:
    body = client(w.admin).get(reverse("web:party_home")).content.decode()
    assert all(name in body for name in ("甲社区党委", "第一网格党支部", "一号楼党小组", "党员甲中心户"))


def test_an_organiser_enrols_a_member_from_the_page_and_a_grid_worker_cannot(w: SimpleNamespace) -> None:
    url = reverse("web:party_org_add", args=[w.branch.pk, "member"])
    page = client(w.community_staff).get(reverse("web:party_org", args=[w.branch.pk])).content.decode()
    assert "登记党员" in page
    assert "登记党员" not in client(w.worker).get(reverse("web:party_org", args=[w.branch.pk])).content.decode()
    refused = client(w.worker).post(url, {"resident": w.r2.pk, "role": "member"})
    assert refused.status_code in (400, 403) and not PartyMember.objects.filter(resident=w.r2).exists()
    done = client(w.community_staff).post(url, {"resident": w.r2.pk, "role": "member"})
    assert done.status_code == 302 and PartyMember.objects.get(resident=w.r2).organisation == w.branch


def test_an_organiser_links_a_household_from_the_page(w: SimpleNamespace) -> None:
    url = reverse("web:party_org_add", args=[w.group.pk, "link"])
    done = client(w.community_staff).post(url, {"member": w.member.pk, "household": w.h2.pk})
    assert done.status_code == 302 and w.member.links.get().household == w.h2
    body = client(w.community_staff).get(reverse("web:party_member", args=[w.member.pk])).content.decode()
    assert "测试路" in body


def test_the_cadres_page_assigns_and_removes(w: SimpleNamespace) -> None:
    c = client(w.community_staff)
    done = c.post(
        reverse("web:party_cadres"), {"username": w.worker.username, "territory": w.grid.pk, "duty": "包片测试职责"}
    )
    assert done.status_code == 302
    assert "包片测试职责" in c.get(reverse("web:party_cadres")).content.decode()
    assert "包片测试职责" not in client(w.stranger).get(reverse("web:party_cadres")).content.decode()


def test_the_map_layer_is_scoped(w: SimpleNamespace) -> None:
    def names(user: Any) -> set[str]:
        data = client(user).get(reverse("web:party_map")).json()
        assert data["type"] == "FeatureCollection"
        return {f["properties"]["name"] for f in data["features"]}

    assert names(w.admin) == {"甲社区党委", "第一网格党支部", "一号楼党小组", "党员甲中心户"}
    assert names(w.worker) == {"第一网格党支部", "一号楼党小组", "党员甲中心户"}
    assert names(w.stranger) == set()
    feature = client(w.admin).get(reverse("web:party_map")).json()["features"][0]
    assert feature["properties"]["url"].startswith("/") and set(feature["properties"]) >= {"name", "kind", "url"}
    assert client().get(reverse("web:party_map")).status_code == 302


def test_the_map_offers_the_layer_and_the_territory_panel_lists_the_organisations(w: SimpleNamespace) -> None:
    page = client(w.admin).get(reverse("web:map")).content.decode()
    assert reverse("web:party_map") in page
    panel = client(w.admin).get(reverse("web:map_panel", args=[w.grid.pk])).content.decode()
    assert "第一网格党支部" in panel and "甲社区党委" in panel
    other = client(w.other_worker).get(reverse("web:map_panel", args=[w.grid2.pk])).content.decode()
    assert "第一网格党支部" not in other


# --- 红色管家 from the organisation page ------------------------------------------------------------------------


def _steward_writer(w: SimpleNamespace, who: str) -> Any:
    from wangge.accounts.choices import Role
    from wangge.accounts.tests.factories import user_with_role

    if who == "anonymous":
        return None
    if who == "no_role":
        return UserFactory.create()
    if who == "other_community":
        return user_with_role(Role.COMMUNITY_STAFF, w.community_b, username="other_community_staff")
    return getattr(w, who)


def _stewards() -> list[tuple[int, int]]:
    from wangge.party.models import RedSteward

    return list(RedSteward.objects.order_by("building_id").values_list("building_id", "member_id"))


@pytest.mark.parametrize(
    ("who", "refused"), [("anonymous", 302), ("no_role", 404), ("other_community", 404), ("worker", 403)]
)
def test_the_steward_form_is_refused_outside_the_organisers_and_changes_nothing(
    w: SimpleNamespace, who: str, refused: int
) -> None:
    before = _stewards()
    url = reverse("web:party_org_add", args=[w.group.pk, "steward"])
    answer = client(_steward_writer(w, who)).post(url, {"building": w.building.pk, "member": w.member.pk})
    assert answer.status_code == refused
    assert _stewards() == before


def test_an_organiser_assigns_then_replaces_the_steward_of_a_building(w: SimpleNamespace) -> None:
    from wangge.party.services import member_enrol
    from wangge.party.tests.factories import SYSTEM

    second = member_enrol(actor=SYSTEM, resident=w.r2, organisation=w.group)
    c = client(w.community_staff)
    page = c.get(reverse("web:party_org", args=[w.group.pk])).content.decode()
    assert "设置红色管家" in page
    url = reverse("web:party_org_add", args=[w.group.pk, "steward"])
    assert c.post(url, {"building": w.building.pk, "member": w.member.pk}).status_code == 302
    assert _stewards() == [(w.building.pk, w.member.pk)]
    assert c.post(url, {"building": w.building.pk, "member": second.pk}).status_code == 302
    assert _stewards() == [(w.building.pk, second.pk)]
    shown = c.get(reverse("web:party_org", args=[w.group.pk])).content.decode()
    assert "党员乙" in shown


def test_a_bad_steward_form_writes_nothing(w: SimpleNamespace) -> None:
    c = client(w.community_staff)
    url = reverse("web:party_org_add", args=[w.group.pk, "steward"])
    before = _stewards()
    elsewhere = c.post(url, {"building": w.building2.pk, "member": w.member.pk})
    assert elsewhere.status_code == 400 and 'class="errorlist' in elsewhere.content.decode()
    not_ours = c.post(url, {"building": w.building.pk, "member": w.secretary.pk})
    assert not_ours.status_code == 400
    assert c.post(url, {"building": "", "member": ""}).status_code == 400
    assert _stewards() == before
