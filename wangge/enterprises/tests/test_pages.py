"""The pages of 助企包联: the permission matrix (anonymous, no role, other grid, the parent district, the liaison
cadre without a territory grant), the visit form opening a 涉企 case, the cadre's cases page and rating, registering
an enterprise, the service days and the matchmaking pages."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from wangge.enterprises.models import Enterprise, FinancingEvent, Issue, ServiceDay, Visit
from wangge.enterprises.services import visit_record
from wangge.enterprises.tests.factories import close_case, local

pytestmark = pytest.mark.django_db


def client(user: Any | None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (None, 302),  # anonymous: to the login page
        ("nobody", 404),  # no role
        ("other_worker", 404),  # another grid
        ("stranger", 404),  # another district
        ("worker", 200),  # the enterprise's grid
        ("admin", 200),  # the parent district
        ("cadre_user", 200),  # its liaison cadre, without any territory grant
        ("other_cadre_user", 404),  # a cadre of another enterprise
    ],
)
def test_the_enterprise_and_its_cases_page_permission_matrix(
    w: SimpleNamespace, who: str | None, expected: int
) -> None:
    c = client(getattr(w, who) if who else None)
    for name in ("web:enterprise_detail", "web:enterprise_cases"):
        assert c.get(reverse(name, args=[w.e1.pk])).status_code == expected


@pytest.mark.parametrize("who", ["nobody", "worker", "admin", "cadre_user"])
def test_the_lists_and_figures_answer_everyone_signed_in(w: SimpleNamespace, who: str) -> None:
    c = client(getattr(w, who))
    for name in (
        "web:enterprise_home",
        "web:enterprise_mine",
        "web:enterprise_list",
        "web:enterprise_service_days",
        "web:enterprise_financing",
    ):
        assert c.get(reverse(name)).status_code == 200, name
    assert client(None).get(reverse("web:enterprise_home")).status_code == 302


def test_the_list_shows_only_what_the_user_sees(w: SimpleNamespace) -> None:
    names = client(w.other_worker).get(reverse("web:enterprise_list")).content.decode()
    assert w.e3.name in names and w.e1.name not in names
    mine = client(w.cadre_user).get(reverse("web:enterprise_mine")).content.decode()
    assert w.e1.name in mine and w.e3.name not in mine


@freeze_time("2025-06-03 02:00:00")
def test_the_cadre_records_a_visit_on_the_phone_and_follows_the_case(w: SimpleNamespace) -> None:
    c = client(w.cadre_user)
    url = reverse("web:enterprise_visit_new", args=[w.e1.pk])
    assert c.get(url).status_code == 200
    bad = c.post(url, {"visited_on": "2025-06-03", "findings": ""})
    assert bad.status_code == 400 and not Visit.objects.exists()
    done = c.post(
        url,
        {"visited_on": "2025-06-03", "findings": "查看台账", "problems": "道路破损\n\n用电增容慢"},
    )
    assert done.status_code == 302 and done["Location"] == reverse("web:enterprise_cases", args=[w.e1.pk])
    issues = list(Issue.objects.select_related("work_order"))
    assert len(issues) == 2 and all(i.work_order.enterprise_related for i in issues)
    page = c.get(reverse("web:enterprise_cases", args=[w.e1.pk])).content.decode()
    assert issues[0].work_order.tracking_code in page
    # a grid worker of another grid may not record a visit
    assert client(w.other_worker).get(url).status_code == 404
    # once closed, the cadre records the enterprise's rating
    close_case(w, issues[0].work_order, local(2025, 6, 3, 11, 0))
    rate = reverse("web:enterprise_issue_rate", args=[issues[0].pk])
    assert client(w.other_cadre_user).post(rate, {"rating": "5", "resolved": "1"}).status_code == 404
    assert c.post(rate, {"rating": "5", "resolved": "1"}).status_code == 302
    assert Issue.objects.get(pk=issues[0].pk).rating == 5
    # and the case page shows the 涉企 badge to those who see the case
    case = client(w.admin).get(reverse("web:case_detail", args=[issues[0].work_order_id])).content.decode()
    assert "涉企" in case


def test_registering_an_enterprise(w: SimpleNamespace) -> None:
    url = reverse("web:enterprise_new")
    data = {"name": "新登记公司", "grid": w.grid2.pk, "industry": "software", "scale": "micro", "employees": "5"}
    data["annual_output"] = "10"
    assert client(w.worker).post(url, data).status_code in (400, 403)
    assert not Enterprise.objects.filter(name="新登记公司").exists()
    assert client(w.street_staff).post(url, data).status_code == 302
    assert Enterprise.objects.filter(name="新登记公司", grid=w.grid2).exists()


def test_liaison_changes_from_the_enterprise_page(w: SimpleNamespace) -> None:
    url = reverse("web:enterprise_liaison_add", args=[w.e2.pk])
    client(w.worker).post(url, {"level": "cadre", "cadre": w.other_cadre.pk})
    assert not w.e2.liaisons.exists()
    client(w.street_staff).post(url, {"level": "cadre", "cadre": w.other_cadre.pk})
    assert w.e2.liaisons.filter(cadre=w.other_cadre, is_active=True).exists()


@freeze_time("2025-06-10 02:00:00")
def test_service_days_generated_and_recorded_from_the_pages(w: SimpleNamespace) -> None:
    url = reverse("web:enterprise_service_days")
    data = {"kind": "meeting_day", "territory": w.street.pk, "start": "2025-06-01", "end": "2025-06-30"}
    client(w.worker).post(url, data)
    assert not ServiceDay.objects.exists()
    assert client(w.street_staff).post(url, data).status_code == 302
    day = ServiceDay.objects.order_by("held_on").first()
    assert day is not None and ServiceDay.objects.count() == 4
    detail = reverse("web:enterprise_service_day_detail", args=[day.pk])
    assert client(w.street_staff).get(detail).status_code == 200
    assert client(w.other_worker).get(detail).status_code == 404  # a grid's scope does not reach its street
    assert client(w.stranger).get(detail).status_code == 404
    done = client(w.street_staff).post(
        detail, {"enterprises": [w.e1.pk], "note": "见面会", "problem_enterprise": w.e3.pk, "problem": "融资难"}
    )
    assert done.status_code == 302
    assert set(day.enterprises.all()) == {w.e1, w.e3} and Issue.objects.get().service_day == day


def test_matchmaking_pages(w: SimpleNamespace) -> None:
    event = FinancingEvent.objects.create(title="政银企对接会", held_on=dt.date(2025, 6, 8), territory=w.district)
    url = reverse("web:enterprise_financing_detail", args=[event.pk])
    assert client(w.stranger).get(url).status_code == 404
    data = {"enterprise": w.e1.pk, "need_amount": "100", "intention": "intended", "credit_granted": "80"}
    data["loan_disbursed"] = "50"
    assert client(w.admin).post(url, data).status_code == 302
    assert event.participations.get().credit_granted == 80
    assert "政银企对接会" in client(w.admin).get(reverse("web:enterprise_financing")).content.decode()


def test_a_visit_case_stays_out_of_an_unrelated_cadres_view(w: SimpleNamespace) -> None:
    visit_record(
        actor=w.worker,
        enterprise=w.e1,
        visited_on=dt.date(2025, 6, 3),
        findings="走访",
        problems=["门前积水"],
        now=local(2025, 6, 3, 9, 0),
    )
    assert client(w.other_cadre_user).get(reverse("web:enterprise_cases", args=[w.e1.pk])).status_code == 404
    page = client(w.cadre_user).get(reverse("web:enterprise_cases", args=[w.e1.pk])).content.decode()
    assert "门前积水" in page
