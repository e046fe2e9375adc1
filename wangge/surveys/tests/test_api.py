"""The REST endpoints of 一表: templates, filled forms (scope, JSON and multipart), coverage."""

from __future__ import annotations

import json
from types import SimpleNamespace

from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from wangge.ledgers.models import Household
from wangge.surveys.models import FormSubmission
from wangge.surveys.services import submission_create
from wangge.surveys.tests.conftest import household_answers, jpeg


def client(user: object) -> APIClient:
    c = APIClient()
    _token, raw = AuthToken.objects.create(user=user)
    c.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return c


def test_templates_list_with_their_current_fields(place: SimpleNamespace) -> None:
    response = client(place.worker).get("/api/form-templates/")
    assert response.status_code == 200
    rows = {r["key"]: r for r in response.json()["results"]}
    assert rows["household_check"]["version"] == 1
    assert rows["household_check"]["fields"][0]["name"] == "entered"
    assert rows["merchant_check"]["target"] == "merchant"


def test_create_as_json_and_read_back(place: SimpleNamespace) -> None:
    api = client(place.worker)
    body = {
        "template": "household_check",
        "household": place.household.pk,
        "answers": household_answers(head_phone="13812345678"),
        "lng": 113.01,
        "lat": 33.01,
    }
    response = api.post("/api/form-submissions/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["template"] == "household_check" and data["version"] == 1
    assert data["answers"]["head_phone"] != "13812345678"  # masked
    assert Household.objects.get(pk=place.household.pk).last_visited_at is not None
    assert api.get(f"/api/form-submissions/{data['id']}/").status_code == 200
    assert client(place.other_worker).get(f"/api/form-submissions/{data['id']}/").status_code == 404


def test_create_multipart_with_photos(place: SimpleNamespace) -> None:
    response = client(place.worker).post(
        "/api/form-submissions/",
        {
            "template": "household_check",
            "household": place.household.pk,
            "answers": json.dumps(household_answers(has_problem="是", problem="楼道堆物")),
            "photos.photo": [jpeg("a.jpg"), jpeg("b.jpg")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert len(data["photos"]) == 2 and data["work_order"] is not None


def test_out_of_scope_household_is_404_and_bad_answers_400(place: SimpleNamespace) -> None:
    api = client(place.worker)
    body = {"template": "household_check", "household": place.other_household.pk, "answers": household_answers()}
    assert api.post("/api/form-submissions/", body, format="json").status_code == 404
    body = {"template": "household_check", "household": place.household.pk, "answers": {"entered": "也许"}}
    response = api.post("/api/form-submissions/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "submission_invalid"
    assert {d["field"] for d in response.json()["details"]} >= {"entered", "use", "has_problem"}
    assert not FormSubmission.objects.exists()


def test_coverage(place: SimpleNamespace) -> None:
    submission_create(
        actor=place.worker, template=place.household_check, household=place.household, answers=household_answers()
    )
    today = timezone.localdate()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    response = client(place.leader).get(f"/api/coverage/?territory={place.community.code}&quarter={quarter}")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["households"] == 2 and data["visited"] == 1 and data["quarter"] == quarter
    assert [g["code"] for g in data["grids"]] == [place.grid1.code, place.grid2.code]
    assert client(place.worker).get(f"/api/coverage/?territory={place.community.code}").status_code == 404
    assert client(place.worker).get(f"/api/coverage/?territory={place.grid1.code}").json()["ratio"] == 1.0
    assert client(place.worker).get(f"/api/coverage/?territory={place.grid1.code}&quarter=2026-Q9").status_code == 400
