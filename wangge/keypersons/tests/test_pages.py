"""The pages: the auditors' access log (ids, never people), adding a key person by ID number or from a grid,
the phone visit form, release, the overdue filter, and the API's write endpoints."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from wangge.core.actors import SYSTEM
from wangge.keypersons import schedule
from wangge.keypersons.choices import AccessAction, KeyPersonStatus
from wangge.keypersons.models import KeyPerson, KeyPersonAccess
from wangge.keypersons.services import key_person_create
from wangge.keypersons.tests.conftest import IP

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("who", "status"), [("admin", 200), ("inspector", 200), ("superuser", 200), ("officer", 404)])
def test_the_access_log_is_for_auditors(kp_world: SimpleNamespace, web_as: Any, who: str, status: int) -> None:
    w = kp_world
    web_as(w.officer).get(f"/keypersons/{w.kp.pk}/")
    response = web_as(getattr(w, who)).get("/keypersons/access-log/")
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "officer" in page and IP in page and str(w.kp.pk) in page
        assert "张测试" not in page and w.zhang.id_number not in page  # ids, never the people
        assert web_as(getattr(w, who)).get(f"/keypersons/{w.kp.pk}/").status_code == 404


def test_the_access_log_filters_and_scope(kp_world: SimpleNamespace, web_as: Any) -> None:
    w = kp_world
    web_as(w.officer).get(f"/keypersons/{w.kp.pk}/")
    web_as(w.officer).get("/keypersons/")
    admin = web_as(w.admin)
    assert admin.get("/keypersons/access-log/?action=detail&user=officer").context["page"].paginator.count == 1
    day = schedule.today().isoformat()
    assert admin.get(f"/keypersons/access-log/?date_from={day}&date_to={day}").context["page"].paginator.count >= 2
    assert admin.get("/keypersons/access-log/?date_to=2000-01-01").context["page"].paginator.count == 0
    # An inspector of another district reads no entry about this one.
    elsewhere = web_as(w.other_inspector).get("/keypersons/access-log/?user=officer")
    assert elsewhere.status_code == 200 and elsewhere.context["page"].paginator.count == 0


def test_add_by_id_number_then_visit_then_release(kp_world: SimpleNamespace, web_as: Any) -> None:
    w = kp_world
    web = web_as(w.officer)
    assert web.get("/keypersons/new/").status_code == 200
    response = web.post(
        "/keypersons/new/",
        {"id_number": w.li.id_number.lower(), "category": "petitioner", "level": "close", "helper_names": "社区民警"},
    )
    kp = KeyPerson.objects.get(resident=w.li)
    assert response.status_code == 302 and response["Location"] == f"/keypersons/{kp.pk}/"
    assert kp.started_on == schedule.today() and kp.helper_names == "社区民警"
    visit_page = web.get(f"/keypersons/{kp.pk}/visit/")
    assert visit_page.status_code == 200 and 'type="datetime-local"' in visit_page.content.decode()
    when = dt.datetime.now().strftime("%Y-%m-%dT%H:%M")
    response = web.post(f"/keypersons/{kp.pk}/visit/", {"visited_at": when, "method": "home", "situation": "已走访"})
    assert response.status_code == 302
    kp.refresh_from_db()
    assert kp.visits.count() == 1 and kp.next_visit_due == schedule.today() + dt.timedelta(days=15)
    refused = web.post(f"/keypersons/{kp.pk}/visit/", {"visited_at": when, "method": "home", "situation": " "})
    assert refused.status_code == 200 and kp.visits.count() == 1
    response = web.post(f"/keypersons/{kp.pk}/release/", {"ended_on": schedule.today().isoformat(), "note": "化解"})
    assert response.status_code == 302
    kp.refresh_from_db()
    assert kp.status == KeyPersonStatus.RELEASED
    actions = list(KeyPersonAccess.objects.filter(user=w.officer).values_list("action", flat=True).order_by("id"))
    assert actions == [AccessAction.CREATE, AccessAction.DETAIL, AccessAction.VISIT, AccessAction.RELEASE]


def test_add_from_a_grid_and_unknown_numbers(kp_world: SimpleNamespace, web_as: Any) -> None:
    w = kp_world
    web = web_as(w.officer)
    picked = web.get(f"/keypersons/new/?grid={w.grid2.pk}")
    assert "李测试" in picked.content.decode()
    # A grid outside the grant lists no one.
    assert "王测试" not in web.get(f"/keypersons/new/?grid={w.other_grid.pk}").content.decode()
    response = web.post(
        f"/keypersons/new/?grid={w.grid2.pk}",
        {"grid": w.grid2.pk, "resident": w.li.pk, "category": "drug_user", "level": "normal"},
    )
    assert response.status_code == 302
    unknown = web.post("/keypersons/new/", {"id_number": w.wang.id_number, "category": "drug_user", "level": "normal"})
    assert unknown.status_code == 200 and "没有该公民身份号码" in unknown.content.decode()
    assert not KeyPerson.objects.filter(resident=w.wang).exists()


def test_the_overdue_filter(kp_world: SimpleNamespace, web_as: Any) -> None:
    w = kp_world
    late = key_person_create(
        actor=SYSTEM, resident=w.li, category=w.category, started_on=schedule.today() - dt.timedelta(days=45)
    )
    web = web_as(w.officer)
    overdue = web.get("/keypersons/?overdue=true")
    assert [it["kp"] for it in overdue.context["items"]] == [late]
    assert "逾期15天" in overdue.content.decode()
    assert [it["kp"] for it in web.get("/keypersons/?overdue=false").context["items"]] == [w.kp]
    entry = KeyPersonAccess.objects.filter(user=w.officer, action=AccessAction.LIST).order_by("id").first()
    assert entry is not None and entry.query == {"overdue": "true"} and entry.key_person_ids == [late.pk]


def test_the_api_writes(kp_world: SimpleNamespace, api_as: Any) -> None:
    w = kp_world
    api = api_as(w.officer)
    created = api.post(
        "/api/key-persons/",
        {"resident_id_number": w.li.id_number, "category": "petitioner", "visit_interval_days": 10},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["interval_days"] == 10 and created.json()["id_number"] != w.li.id_number
    assert (
        api.post("/api/key-persons/", {"resident": w.li.pk, "category": "petitioner"}, format="json").status_code == 409
    )
    assert (
        api.post("/api/key-persons/", {"resident": w.wang.pk, "category": "petitioner"}, format="json").status_code
        == 404
    )
    assert api.patch(f"/api/key-persons/{pk}/", {"level": "high"}, format="json").json()["level"] == "high"
    visit = api.post(f"/api/key-persons/{pk}/visits/", {"situation": "电话联系", "method": "phone"}, format="json")
    assert visit.status_code == 201 and visit.json()["method"] == "phone"
    assert len(api.get(f"/api/key-persons/{pk}/visits/").json()) == 1
    released = api.post(f"/api/key-persons/{pk}/release/", {"note": "化解"}, format="json")
    assert released.status_code == 200 and released.json()["status"] == "released"
    assert api.post(f"/api/key-persons/{pk}/release/", {"note": "again"}, format="json").status_code == 409
    categories = api.get("/api/key-person-categories/").json()
    assert {c["key"] for c in categories["results"]} >= {"petitioner", "drug_user"}
    channels = set(KeyPersonAccess.objects.filter(user=w.officer).values_list("channel", flat=True))
    assert channels == {"api"}


@pytest.mark.parametrize(
    ("who", "ledger_link", "log_link"),
    [
        ("officer", True, False),
        ("worker", False, False),
        ("leader", False, False),
        ("admin", False, True),
        ("superuser", False, True),
    ],
)
def test_the_nav_link_shows_to_holders_only(
    kp_world: SimpleNamespace, web_as: Any, who: str, ledger_link: bool, log_link: bool
) -> None:
    page = web_as(getattr(kp_world, who)).get("/inbox/")
    assert page.status_code == 200
    html = page.content.decode()
    assert ('href="/keypersons/"' in html) is ledger_link
    assert ('href="/keypersons/access-log/"' in html) is log_link


def test_date_pickers_hold_iso_dates_in_every_language(kp_world: SimpleNamespace, web_as: Any) -> None:
    """A browser's date picker drops a value like 2026/12/04 (the Chinese short format): the release form's
    default date must arrive as 2026-12-04."""
    page = web_as(kp_world.officer).get(f"/keypersons/{kp_world.kp.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert f'name="ended_on" value="{schedule.today().isoformat()}"' in page.content.decode()
