"""The API is scoped exactly like the web UI: for every scoped resource and every kind of requester, a list
holds what the UI's list holds (the registry and workbench querysets), and an object outside it answers
404 exactly like a missing one. Anonymous requests are told to authenticate."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model

from wangge.accounts.models import Unit, User
from wangge.api.tests.conftest import act, local, new_case
from wangge.core.actors import SYSTEM
from wangge.core.tests.images import PNG
from wangge.places.models import Point
from wangge.territory.models import Territory
from wangge.web.views.registry import REGISTRIES
from wangge.web.views.workbench import TAB_ALL, case_list_queryset
from wangge.workorders.models import WorkOrder
from wangge.workorders.services import attachment_add

# API path, the field a row is known by, and the UI list it must match.
RESOURCES = {
    "territories": ("/api/territories/", "code", lambda user: REGISTRIES["territories"].queryset(user)),
    "points": ("/api/points/", "code", lambda user: REGISTRIES["points"].queryset(user)),
    "units": ("/api/units/", "code", lambda user: REGISTRIES["units"].queryset(user)),
    "staff": ("/api/staff/", "username", lambda user: REGISTRIES["staff"].queryset(user)),
    "work-orders": ("/api/work-orders/", "id", lambda user: case_list_queryset(user, TAB_ALL)),
}
MODELS: dict[str, type[Model]] = {
    "territories": Territory,
    "points": Point,
    "units": Unit,
    "staff": User,
    "work-orders": WorkOrder,
}

GRIDS = {"410403001001001", "410403001001002"}
DISTRICT_TREE = {"410403", "410403001", "410403001001", *GRIDS}
DISTRICT_STAFF = {"caller", "dispatcher", "handler", "inspector", "leader", "other_handler", "other_worker", "worker"}

# What each requester sees. Cases: "a" in grid 1, dispatched to the department cgj; "b" in grid 2, registered.
EXPECTED: dict[str, dict[str, set[str]]] = {
    "nobody": {"territories": set(), "points": set(), "units": set(), "staff": set(), "work-orders": set()},
    "other_worker": {  # the neighbouring grid
        "territories": {"410403001001002"},
        "points": {"P002"},
        "units": set(),
        "staff": {"other_worker"},
        "work-orders": {"b"},
    },
    "stranger": {  # dispatcher of the other district
        "territories": {"410411"},
        "points": set(),
        "units": set(),
        "staff": {"stranger"},
        "work-orders": set(),
    },
    "worker": {  # the case's own grid
        "territories": {"410403001001001"},
        "points": {"P001"},
        "units": set(),
        "staff": {"worker"},
        "work-orders": {"a"},
    },
    "handler": {  # the unit case "a" was dispatched to, and which answers for point P001
        "territories": set(),
        "points": {"P001"},
        "units": {"cgj"},
        "staff": {"handler"},
        "work-orders": {"a"},
    },
    "dispatcher": {  # the parent district
        "territories": DISTRICT_TREE,
        "points": {"P001", "P002"},
        "units": {"zhzx", "cgj", "sthj"},
        "staff": DISTRICT_STAFF,
        "work-orders": {"a", "b"},
    },
    "leader": {
        "territories": DISTRICT_TREE,
        "points": {"P001", "P002"},
        "units": {"zhzx", "cgj", "sthj"},
        "staff": DISTRICT_STAFF,
        "work-orders": {"a", "b"},
    },
}


@pytest.fixture
def scene(world: SimpleNamespace, places: SimpleNamespace, nobody: User) -> SimpleNamespace:
    a = act(world, new_case(world), "dispatch", "dispatcher", local(2025, 6, 3, 10, 0), unit=world.dept)
    b = new_case(world, lng=113.07, lat=33.02, at=local(2025, 6, 3, 9, 5))
    png = SimpleUploadedFile("p.png", PNG, content_type="image/png")
    attachment = attachment_add(actor=SYSTEM, work_order=a, upload=png, kind="photo")
    return SimpleNamespace(world=world, nobody=nobody, cases={"a": a, "b": b}, attachment=attachment)


def _user(scene: SimpleNamespace, who: str) -> User:
    return scene.nobody if who == "nobody" else getattr(scene.world, who)


def _label(scene: SimpleNamespace, resource: str, value: Any) -> str:
    if resource == "work-orders":
        return next(name for name, wo in scene.cases.items() if wo.pk == value)
    return str(value)


def _listed(client: Any, path: str, field: str) -> list[Any]:
    rows: list[Any] = []
    url: str | None = f"{path}?page_size=2"  # small pages: the pages together hold the scope, once each
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        rows += [row[field] for row in body["results"]]
        url = body["next"]
    return rows


@pytest.mark.parametrize("resource", list(RESOURCES))
@pytest.mark.parametrize("who", list(EXPECTED))
def test_lists_and_details_hold_what_the_ui_shows(
    scene: SimpleNamespace, client_for: Any, who: str, resource: str
) -> None:
    # given a requester and what the web UI lists for them
    user = _user(scene, who)
    path, field, ui_list = RESOURCES[resource]
    ui = {_label(scene, resource, getattr(obj, field)) for obj in ui_list(user)}
    client = client_for(user)

    # when they list the resource through the API, page by page
    listed = [_label(scene, resource, value) for value in _listed(client, path, field)]

    # then the API lists exactly the UI's rows, and they are the requester's scope
    assert sorted(listed) == sorted(ui)
    assert set(listed) == EXPECTED[who][resource]

    # and every object opens by id when it is in the list, and reads exactly like a missing one when not
    missing = client.get(f"{path}987654321/")
    assert missing.status_code == 404
    for obj in MODELS[resource]._base_manager.all():
        detail = client.get(f"{path}{obj.pk}/")
        if _label(scene, resource, getattr(obj, field)) in ui:
            assert detail.status_code == 200, (obj, detail.content)
        else:
            assert detail.status_code == 404, obj
            assert detail.json() == missing.json()


CASE_ENDPOINTS = ["events/", "attachments/", "transitions/", "suggestions/", "attachments/{attachment}/"]


@pytest.mark.parametrize("who", list(EXPECTED))
def test_what_hangs_off_a_case_follows_the_case(scene: SimpleNamespace, client_for: Any, who: str) -> None:
    # given case "a" with a photo
    client = client_for(_user(scene, who))
    sees = "a" in EXPECTED[who]["work-orders"]
    wo = scene.cases["a"]

    # when the requester opens its events, attachments, available steps, suggestions and the photo
    for endpoint in CASE_ENDPOINTS:
        response = client.get(f"/api/work-orders/{wo.pk}/{endpoint.format(attachment=scene.attachment.pk)}")

        # then each answers when the case is in scope, and is not found otherwise
        assert response.status_code == (200 if sees else 404), (endpoint, response.content)


@pytest.mark.parametrize("resource", list(RESOURCES))
def test_anonymous_requests_are_told_to_authenticate(scene: SimpleNamespace, client_for: Any, resource: str) -> None:
    path, _field, _ui = RESOURCES[resource]
    client = client_for(None)
    obj = MODELS[resource]._base_manager.order_by("pk").first()
    assert obj is not None
    for url in (path, f"{path}{obj.pk}/"):
        response = client.get(url)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert response.json()["code"] == "not_authenticated"
