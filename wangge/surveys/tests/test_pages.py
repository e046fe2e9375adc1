"""The 一表 pages: home, choosing the target, filling (conditions in data- attributes, server-side problems),
detail with photos, coverage — and 404 out of scope."""

from __future__ import annotations

from types import SimpleNamespace

from django.test import Client
from django.urls import reverse

from wangge.ledgers.models import Household
from wangge.surveys.models import FormSubmission
from wangge.surveys.tests.conftest import jpeg


def login(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def test_home_lists_forms_and_submissions(place: SimpleNamespace) -> None:
    response = login(place.worker).get(reverse("web:survey_home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "入户排查登记表" in html and reverse("web:survey_fill", args=["household_check"]) in html


def test_pick_a_household_then_fill(place: SimpleNamespace) -> None:
    c = login(place.worker)
    url = reverse("web:survey_fill", args=["household_check"])
    found = c.get(url, {"q": "1单元"}).content.decode()
    assert f"?household={place.household.pk}" in found
    assert "二网格9号" not in c.get(url, {"q": "9号"}).content.decode()  # another grid's household
    form = c.get(url, {"household": place.household.pk})
    html = form.content.decode()
    assert form.status_code == 200
    assert 'data-when-field="has_problem" data-when-values="是"' in html
    assert "js/surveys.js" in html and "<script>" not in html
    assert c.get(url, {"household": place.other_household.pk}).status_code == 404


def test_submit_with_a_problem_re_shows_it_then_succeeds(place: SimpleNamespace) -> None:
    c = login(place.worker)
    url = reverse("web:survey_fill", args=["household_check"]) + f"?household={place.household.pk}"
    data = {"target": place.household.pk, "entered": "是", "occupants": "2", "use": "空置", "has_problem": "是"}
    response = c.post(url, data)
    assert response.status_code == 400
    assert "必填：问题描述" in response.content.decode()
    assert not FormSubmission.objects.exists()
    data.update(
        problem="楼道灯坏了", photo=jpeg(), location__lng="113.01", location__lat="33.01", _lng="113.01", _lat="33.01"
    )
    response = c.post(url, data)
    assert response.status_code == 302
    submission = FormSubmission.objects.get()
    assert response["Location"] == reverse("web:survey_detail", args=[submission.pk])
    assert submission.work_order is not None and submission.answers["location"] == {"lng": 113.01, "lat": 33.01}
    assert Household.objects.get(pk=place.household.pk).use == "vacant"
    detail = c.get(response["Location"]).content.decode()
    assert "楼道灯坏了" in detail and submission.work_order.tracking_code in detail
    photo = submission.photos.get()
    assert c.get(reverse("web:survey_photo", args=[submission.pk, photo.pk])).status_code == 200
    other = login(place.other_worker)
    assert other.get(reverse("web:survey_detail", args=[submission.pk])).status_code == 404
    assert other.get(reverse("web:survey_photo", args=[submission.pk, photo.pk])).status_code == 404


def test_merchant_form_and_coverage_page(place: SimpleNamespace) -> None:
    c = login(place.worker)
    url = reverse("web:survey_fill", args=["merchant_check"]) + f"?merchant={place.merchant.pk}"
    response = c.post(
        url, {"target": place.merchant.pk, "fire_equipment": "齐全有效", "frontage": "落实", "licence_shown": "已公示"}
    )
    assert response.status_code == 302
    page = login(place.leader).get(reverse("web:survey_coverage"), {"territory": place.community.code})
    assert page.status_code == 200
    html = page.content.decode()
    assert "一网格" in html and "二网格" in html and "<meter" in html
    assert c.get(reverse("web:survey_coverage"), {"territory": place.community.code}).status_code == 404
