"""The pages and the API of 好差评: the public QR page (rate once, counted per address), the staff pages'
permission matrix, the rectification and appeal steps from their pages, the callback draw and tasks (phone
masked, reveal audited), and the same through /api/."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from freezegun import freeze_time
from rest_framework.test import APIClient

from wangge.core.actors import CITIZEN
from wangge.core.models import AuditEntry
from wangge.evaluations.models import CallbackDraw, Evaluation, Rectification
from wangge.evaluations.services import callback_draw, evaluation_create, rating_link_token
from wangge.evaluations.tests.conftest import PHONE, SYSTEM, finished, local

pytestmark = pytest.mark.django_db
NOW = local(2025, 6, 10, 15, 0)


def browser(user: Any = None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def api(user: Any = None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def bad(world: SimpleNamespace) -> Evaluation:
    (app,) = finished(world, 1)
    return evaluation_create(
        actor=CITIZEN,
        level=2,
        code=app.code,
        phone_last4=PHONE[-4:],
        rater_name="张三",
        rater_phone="13900002222",
        now=NOW,
    )


def test_the_qr_page_rates_once(world: SimpleNamespace) -> None:
    (app,) = finished(world, 1)
    url = reverse("web:evaluations_rate_window", args=[world.window.pk])
    page = browser().get(url)
    assert page.status_code == 200 and "非常满意" in page.content.decode() and world.hall.name in page.content.decode()
    form = {"code": app.code, "phone_last4": PHONE[-4:], "level": "1", "reasons": ["attitude"], "comment": "态度差"}
    done = browser().post(url, form)
    assert done.status_code == 200 and "感谢您的评价" in done.content.decode()
    assert Rectification.objects.filter(evaluation__application=app).exists()
    again = browser().post(url, form)
    assert again.status_code == 409 and Evaluation.objects.count() == 1


@override_settings(WANGGE_RATING_RATE="2/hour")
def test_the_qr_page_counts_ratings_per_address(world: SimpleNamespace) -> None:
    apps = finished(world, 3)
    url = reverse("web:evaluations_rate_window", args=[world.window.pk])
    codes = [browser().post(url, {"code": a.code, "phone_last4": PHONE[-4:], "level": "5"}).status_code for a in apps]
    assert codes == [200, 200, 429] and Evaluation.objects.count() == 2


def test_the_window_qr_code_opens_the_rating_page(world: SimpleNamespace) -> None:
    png = browser().get(reverse("web:evaluations_rate_window_qr", args=[world.window.pk, "png"]))
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert browser().get(reverse("web:evaluations_rate_window_qr", args=[world.window.pk, "gif"])).status_code == 404


def test_the_online_link_page(world: SimpleNamespace) -> None:
    (app,) = finished(world, 1)
    url = reverse("web:evaluations_rate_link", args=[rating_link_token(app)])
    assert browser().get(url).status_code == 200
    assert browser().post(url, {"level": "4"}).status_code == 200
    assert Evaluation.objects.get().channel == "online"
    assert browser().get(reverse("web:evaluations_rate_link", args=["forged"])).status_code == 404


STAFF_PAGES = ["evaluations_figures", "evaluations_list", "evaluations_rectifications"]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_anonymous_users_are_sent_to_log_in(world: SimpleNamespace, name: str) -> None:
    response = browser().get(reverse(f"web:{name}"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize(
    ("who", "sees"),
    [("clerk", True), ("leader", True), ("handler", True), ("stranger", False), ("nobody", False)],
)
def test_the_detail_pages_are_scoped(world: SimpleNamespace, who: str, sees: bool) -> None:
    ev = bad(world)
    r = ev.rectifications.get()
    client = browser(getattr(world, who))
    for url in (reverse("web:evaluations_detail", args=[ev.pk]), reverse("web:evaluations_rectification", args=[r.pk])):
        assert client.get(url).status_code == (200 if sees else 404)
    listing = client.get(reverse("web:evaluations_list")).content.decode()
    assert (ev.application.code in listing) is sees


def test_steps_and_appeals_from_the_pages(world: SimpleNamespace) -> None:
    ev = bad(world)
    r = ev.rectifications.get()
    detail = browser(world.handler).get(reverse("web:evaluations_rectification", args=[r.pk])).content.decode()
    assert "核实" in detail and "13900002222" not in detail
    posted = browser(world.handler).post(
        reverse("web:evaluations_rectification_act", args=[r.pk, "verify"]), {"finding": "属实", "expected_version": 1}
    )
    assert posted.status_code == 302
    r.refresh_from_db()
    assert r.status == "rectifying"
    refused = browser(world.stranger).post(
        reverse("web:evaluations_rectification_act", args=[r.pk, "rectify"]), {"measures": "x", "expected_version": 1}
    )
    assert refused.status_code == 404
    assert (
        browser(world.clerk).post(reverse("web:evaluations_appeal", args=[ev.pk]), {"reason": "误评"}).status_code
        == 302
    )
    appeal = ev.appeal  # type: ignore[attr-defined]
    assert (
        browser(world.clerk)
        .post(
            reverse("web:evaluations_appeal_review", args=[appeal.pk, "uphold"]), {"note": "x", "expected_version": 1}
        )
        .status_code
        == 403
    )
    upheld = browser(world.leader).post(
        reverse("web:evaluations_appeal_review", args=[appeal.pk, "uphold"]),
        {"note": "核实为误评", "expected_version": 1},
    )
    assert upheld.status_code == 302
    ev.refresh_from_db()
    assert ev.excluded and ev.rectifications.get().status == "withdrawn"


@freeze_time("2025-07-02 02:00:00")
def test_the_callback_pages_mask_the_phone_and_audit_the_reveal(world: SimpleNamespace) -> None:
    finished(world, 5)
    leader = browser(world.leader)
    drawn = leader.post(reverse("web:evaluations_draws"), {"month": "2025-06", "share": "0.2", "seed": "42"})
    assert drawn.status_code == 302
    draw = CallbackDraw.objects.get()
    page = browser(world.clerk).get(reverse("web:evaluations_draw", args=[draw.pk])).content.decode()
    assert "138****1234" in page and PHONE not in page and "⌈" in page
    assert (
        browser(world.clerk).post(reverse("web:evaluations_draws"), {"month": "2025-06", "seed": "1"}).status_code
        == 403
    )
    assert browser(world.nobody).get(reverse("web:evaluations_draws")).status_code == 404
    task = draw.tasks.get()
    revealed = browser(world.clerk).post(reverse("web:evaluations_task_reveal", args=[task.pk]))
    assert revealed.status_code == 200 and PHONE in revealed.content.decode()
    assert AuditEntry.objects.filter(action="api.reveal", actor=world.clerk).count() == 1
    assert browser(world.stranger).post(reverse("web:evaluations_task_reveal", args=[task.pk])).status_code == 404
    done = browser(world.clerk).post(
        reverse("web:evaluations_task", args=[task.pk]), {"reached": "1", "satisfied": "1"}
    )
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.satisfied is True


# --- API ------------------------------------------------------------------------------------------------------


def test_the_public_rates_through_the_api_once(world: SimpleNamespace) -> None:
    (app,) = finished(world, 1)
    body = {"level": 1, "application": app.code, "phone_last4": PHONE[-4:], "window": world.window.pk}
    created = api().post("/api/hall-evaluations/", body, format="json")
    assert created.status_code == 201 and created.json()["is_bad"] and created.json()["rectification"]
    again = api().post("/api/hall-evaluations/", body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_rated"
    assert api().get("/api/hall-evaluations/").status_code in (401, 403)


@override_settings(WANGGE_RATING_RATE="1/hour")
def test_the_api_counts_ratings_per_address(world: SimpleNamespace) -> None:
    a, b = finished(world, 2)
    assert (
        api()
        .post("/api/hall-evaluations/", {"level": 5, "application": a.code, "phone_last4": PHONE[-4:]}, format="json")
        .status_code
        == 201
    )
    assert (
        api()
        .post("/api/hall-evaluations/", {"level": 5, "application": b.code, "phone_last4": PHONE[-4:]}, format="json")
        .status_code
        == 429
    )


def test_the_api_lists_are_scoped_and_the_steps_work(world: SimpleNamespace) -> None:
    ev = bad(world)
    r = ev.rectifications.get()
    assert [x["code"] for x in api(world.clerk).get("/api/hall-evaluations/").json()["results"]] == [ev.code]
    assert api(world.stranger).get("/api/hall-evaluations/").json()["results"] == []
    assert api(world.clerk).get("/api/hall-evaluations/?rating=2&bad=true").json()["count"] == 1
    row = api(world.clerk).get(f"/api/hall-rectifications/{r.pk}/").json()
    assert row["status"] == "verifying" and row["due_at"]
    step = api(world.handler).post(
        f"/api/hall-rectifications/{r.pk}/transition/", {"name": "verify", "finding": "属实"}, format="json"
    )
    assert step.status_code == 200 and step.json()["status"] == "rectifying"
    assert (
        api(world.stranger)
        .post(f"/api/hall-rectifications/{r.pk}/transition/", {"name": "rectify", "measures": "x"}, format="json")
        .status_code
        == 404
    )
    filed = api(world.handler).post(f"/api/hall-evaluations/{ev.pk}/appeal/", {"reason": "误评"}, format="json")
    assert filed.status_code == 201
    refused = api(world.admin).post(
        f"/api/hall-appeals/{filed.json()['id']}/review/", {"decision": "refuse", "note": "证据不足"}, format="json"
    )
    assert refused.status_code == 200 and refused.json()["status"] == "refused"
    figures = api(world.leader).get("/api/hall-evaluations/figures/?by=window&start=2025-06-01&end=2025-06-30").json()
    assert figures["total"]["bad"] == 1 and figures["rows"][0]["name"].endswith("综合受理1号窗")


def test_the_api_draws_and_records_the_calls(world: SimpleNamespace) -> None:
    finished(world, 10)
    with freeze_time("2025-07-02 02:00:00"):
        first = api(world.admin).post("/api/hall-callback-draws/", {"month": "2025-06", "seed": 5}, format="json")
        again = api(world.admin).post("/api/hall-callback-draws/", {"month": "2025-06", "seed": 5}, format="json")
        refused = api(world.clerk).post("/api/hall-callback-draws/", {"month": "2025-06", "seed": 5}, format="json")
    assert (first.status_code, again.status_code, refused.status_code) == (201, 200, 403)
    assert first.json()["sampled"] == 2 and first.json()["ids_sha256"] == again.json()["ids_sha256"]
    assert api(world.nobody).get("/api/hall-callback-draws/").json()["results"] == []
    tasks = api(world.clerk).get("/api/hall-callback-tasks/").json()["results"]
    assert len(tasks) == 2 and tasks[0]["applicant_phone"] == "138****1234"
    t = tasks[0]["id"]
    outcome = api(world.clerk).post(
        f"/api/hall-callback-tasks/{t}/outcome/",
        {"reached": True, "satisfied": False, "problems": "多次跑腿"},
        format="json",
    )
    assert outcome.status_code == 200 and Rectification.objects.filter(callback_task_id=t).exists()
    assert api(world.clerk).post(f"/api/hall-callback-tasks/{t}/reveal/").json() == {"phone": PHONE}
    assert api(world.stranger).post(f"/api/hall-callback-tasks/{t}/reveal/").status_code == 404


def test_the_system_draw_is_visible_to_the_hall(world: SimpleNamespace) -> None:
    finished(world, 3)
    callback_draw(actor=SYSTEM, month=dt.date(2025, 6, 1), seed=1, now=local(2025, 7, 2))
    assert len(api(world.leader).get("/api/hall-callback-draws/").json()["results"]) == 1
