"""Work orders through the API: filters, detail masking, intake, the loop through the transitions endpoint,
conflicts and the error body, events and attachments."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wangge.accounts.models import RoleGrant, User
from wangge.api.tests.conftest import act, local, make_point, new_case, to_closed, to_handling
from wangge.core.geo import wgs84_to_gcj02
from wangge.core.tests.images import PNG
from wangge.workorders.models import Attachment, Event, WorkOrder


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def _post(client: Any, wo: WorkOrder, body: dict[str, Any], **kw: Any) -> Any:
    return client.post(f"/api/work-orders/{wo.pk}/transitions/", body, format=kw.pop("format", "json"), **kw)


# --- list filters --------------------------------------------------------------------------------


@pytest.fixture
def cases(world: SimpleNamespace) -> SimpleNamespace:
    """Four cases of the district: registered in grid 1, handling in grid 2 (web, supervised red),
    closed in grid 1, and an urgent one without coordinates at district level."""
    registered = new_case(world, at=local(2025, 6, 2, 9, 0))
    handling = new_case(world, channel="web", lng=113.07, lat=33.02, at=local(2025, 6, 3, 9, 0))
    to_handling(world, handling, local(2025, 6, 3, 10, 0))
    act(world, handling, "supervise", "leader", local(2025, 6, 3, 11, 0), level="red", note="群众反映强烈")
    closed = to_closed(world, new_case(world, at=local(2025, 6, 4, 9, 0)), local(2025, 6, 4, 10, 0))
    district_level = new_case(
        world, lng=None, lat=None, district=world.district, urgency="urgent", at=local(2025, 6, 5, 9, 0)
    )
    for wo in (registered, handling, closed, district_level):
        wo.refresh_from_db()
    return SimpleNamespace(registered=registered, handling=handling, closed=closed, district_level=district_level)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=registered", ["registered", "district_level"]),
        ("status=handling&status=closed", ["handling", "closed"]),
        ("channel=web", ["handling"]),
        ("urgency=urgent", ["district_level"]),
        ("supervision=red", ["handling"]),
        ("grid=410403001001002", ["handling"]),
        ("community=410403001001", ["registered", "handling", "closed"]),
        ("street=410403001", ["registered", "handling", "closed"]),
        ("territory=410403001001001", ["registered", "closed"]),
        ("territory=410403", ["registered", "handling", "closed", "district_level"]),
        ("territory=410411", []),
        ("received_from=2025-06-03&received_to=2025-06-04", ["handling", "closed"]),
        ("category_code=E01", ["registered", "handling", "closed", "district_level"]),
        ("category_code=C", []),
        ("q=私搭乱建", ["registered", "handling", "closed", "district_level"]),
    ],
)
def test_list_filters(
    world: SimpleNamespace, cases: SimpleNamespace, client_for: Any, query: str, expected: list[str]
) -> None:
    # when the dispatcher filters the district's cases
    response = client_for(world.dispatcher).get(f"/api/work-orders/?{query}")

    # then exactly the expected cases come back
    assert _ids(response) == sorted(getattr(cases, name).pk for name in expected)


def test_filter_by_unit_category_and_due_range(world: SimpleNamespace, cases: SimpleNamespace, client_for: Any) -> None:
    client = client_for(world.dispatcher)
    due = timezone.localtime(cases.handling.due_at).date()

    # unit and category by id; due dates of the two dispatched cases
    assert _ids(client.get(f"/api/work-orders/?assigned_unit={world.dept.pk}")) == sorted(
        [cases.handling.pk, cases.closed.pk]
    )
    assert len(_ids(client.get(f"/api/work-orders/?category={world.category.pk}"))) == 4
    parent = world.category.parent_id
    assert len(_ids(client.get(f"/api/work-orders/?category={parent}"))) == 4  # a class includes its sub-classes
    assert _ids(client.get(f"/api/work-orders/?due_from={due}&due_to={due}")) == [cases.handling.pk]


def test_overdue_flag(world: SimpleNamespace, cases: SimpleNamespace, client_for: Any) -> None:
    # given the handling case's deadline has passed (the others were filed in 2025 and wait for dispatch)
    WorkOrder.objects.filter(pk=cases.handling.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    client = client_for(world.dispatcher)

    # when listing overdue and not overdue cases
    overdue = _ids(client.get("/api/work-orders/?overdue=true"))
    not_overdue = _ids(client.get("/api/work-orders/?overdue=false"))

    # then the closed case is never overdue, the two sets split the list
    assert cases.handling.pk in overdue and cases.closed.pk not in overdue
    assert cases.closed.pk in not_overdue
    assert sorted(overdue + not_overdue) == _ids(client.get("/api/work-orders/"))


def test_ordering_and_malformed_filters(world: SimpleNamespace, cases: SimpleNamespace, client_for: Any) -> None:
    client = client_for(world.dispatcher)

    oldest_first = [r["id"] for r in client.get("/api/work-orders/?ordering=received_at").json()["results"]]
    newest_first = [r["id"] for r in client.get("/api/work-orders/").json()["results"]]
    assert oldest_first == list(reversed(newest_first))
    assert oldest_first[0] == cases.registered.pk

    bad = client.get("/api/work-orders/?status=nonsense&received_from=yesterday")
    assert bad.status_code == 400
    body = bad.json()
    assert body["code"] == "invalid_input"
    assert {d["field"] for d in body["details"]} == {"status", "received_from"}


def test_grid_filter_only_offers_visible_grids(world: SimpleNamespace, cases: SimpleNamespace, client_for: Any) -> None:
    # a grid-1 worker naming grid 2 is refused as an unknown choice, not answered with its cases
    response = client_for(world.worker).get("/api/work-orders/?grid=410403001001002")
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "grid"


# --- detail --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "phone"), [("dispatcher", "13812341234"), ("leader", "138****1234")])
def test_detail_masks_reporter_phone_unless_entitled(
    world: SimpleNamespace, client_for: Any, who: str, phone: str
) -> None:
    wo = new_case(world)
    body = client_for(getattr(world, who)).get(f"/api/work-orders/{wo.pk}/?reveal=true").json()
    assert body["reporter_phone"] == phone
    assert body["status_label"] == "待派遣" and body["version"] == 1


# --- intake --------------------------------------------------------------------------------------


def test_create_locates_gcj02_coordinates(world: SimpleNamespace, client_for: Any) -> None:
    # given a phone reporting GCJ-02 coordinates of a spot in grid 2
    lng, lat = wgs84_to_gcj02(113.07, 33.02)

    # when the call taker files the case
    response = client_for(world.caller).post(
        "/api/work-orders/",
        {
            "channel": "hotline",
            "appeal_type": "complaint",
            "title": "路灯不亮",
            "description": "小区北门路灯连续三晚不亮。",
            "category": world.category.pk,
            "reporter_phone": "13900001234",
            "lng": lng,
            "lat": lat,
            "crs": "gcj02",
        },
        format="json",
    )

    # then the case is stored in WGS-84, in grid 2, with its creation event
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["grid_code"] == "410403001001002"
    assert body["lng"] == pytest.approx(113.07, abs=1e-6) and body["lat"] == pytest.approx(33.02, abs=1e-6)
    wo = WorkOrder.objects.get(pk=body["id"])
    assert list(wo.events.values_list("name", flat=True)) == ["create"]


def test_create_outside_the_requesters_district_is_refused_and_nothing_stays(
    world: SimpleNamespace, client_for: Any
) -> None:
    # given a grid-1 worker reporting a spot in another district
    before = WorkOrder.objects.count()

    # when they file it
    response = client_for(world.worker).post(
        "/api/work-orders/",
        {
            "channel": "patrol",
            "appeal_type": "report",
            "title": "占道经营",
            "description": "路口占道摆摊。",
            "lng": 114.05,
            "lat": 33.05,
        },
        format="json",
    )

    # then it is refused and no case remains (a spot in another grid of their district is taken: the intake rule)
    assert response.status_code == 403
    assert response.json()["code"] == "out_of_jurisdiction"
    assert WorkOrder.objects.count() == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"channel", "appeal_type", "title", "description"}),
        (
            {"channel": "rating", "appeal_type": "complaint", "title": "t", "description": "d"},
            {"channel"},
        ),
        ({"channel": "web", "appeal_type": "help", "title": "t", "description": "d", "lng": 113.01}, {"lat"}),
        ({"channel": "web", "appeal_type": "help", "title": "t", "description": "d"}, {"district"}),
        (
            {"channel": "web", "appeal_type": "help", "title": "t", "description": "d", "district": "410411"},
            {"district"},
        ),
    ],
)
def test_create_malformed_input_is_400(
    world: SimpleNamespace, client_for: Any, body: dict[str, Any], fields: set[str]
) -> None:
    before = WorkOrder.objects.count()
    response = client_for(world.caller).post("/api/work-orders/", body, format="json")
    assert response.status_code == 400
    assert {d["field"] for d in response.json()["details"]} == fields
    assert WorkOrder.objects.count() == before


def test_create_rule_error_from_the_service(world: SimpleNamespace, client_for: Any) -> None:
    # a well-formed phone field with a number the service refuses
    response = client_for(world.caller).post(
        "/api/work-orders/",
        {
            "channel": "web",
            "appeal_type": "help",
            "title": "t",
            "description": "d",
            "district": "410403",
            "reporter_phone": "12345678",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "validation_failed"
    assert response.json()["details"] == [{"field": "reporter_phone", "reason": "invalid_phone"}]


# --- the closed loop -----------------------------------------------------------------------------


def test_full_loop_through_the_transitions_endpoint(world: SimpleNamespace, client_for: Any) -> None:
    # given a case filed through the API
    created = (
        client_for(world.caller)
        .post(
            "/api/work-orders/",
            {
                "channel": "hotline",
                "appeal_type": "complaint",
                "title": "小区门口私搭乱建",
                "description": "东门外有人私搭彩钢棚。",
                "category": world.category.pk,
                "reporter_phone": "13812341234",
                "lng": 113.01,
                "lat": 33.01,
            },
            format="json",
        )
        .json()
    )
    wo = WorkOrder.objects.get(pk=created["id"])
    steps = [
        ("dispatcher", {"name": "dispatch", "unit": world.dept.pk}, "dispatched"),
        ("handler", {"name": "accept"}, "handling"),
        ("handler", {"name": "reply", "text": "已拆除", "result": "resolved"}, "replied"),
        ("inspector", {"name": "verify_pass"}, "callback"),
        ("caller", {"name": "callback", "rating": 5, "resolved": True}, "to_close"),
        ("dispatcher", {"name": "close"}, "closed"),
    ]
    version = created["version"]
    for who, body, status in steps:
        client = client_for(getattr(world, who))
        # the step is offered to this person now
        offered = [t["name"] for t in client.get(f"/api/work-orders/{wo.pk}/transitions/").json()]
        assert body["name"] in offered, (who, offered)

        # when they take it with the version they read
        response = _post(client, wo, {**body, "expected_version": version})

        # then the updated case comes back with the next version
        assert response.status_code == 200, response.content
        assert response.json()["status"] == status
        assert response.json()["version"] == version + 1
        version += 1

    wo.refresh_from_db()
    assert wo.status == "closed" and wo.rating == 5 and wo.resolved is True
    events = client_for(world.dispatcher).get(f"/api/work-orders/{wo.pk}/events/").json()
    assert [e["name"] for e in events] == ["create", "dispatch", "accept", "reply", "verify_pass", "callback", "close"]
    assert events[1]["label"] == "派遣" and events[1]["data"]["unit"] == "cgj"


def test_stale_expected_version_is_409_and_changes_nothing(world: SimpleNamespace, client_for: Any) -> None:
    # given a case someone already dispatched (version 2)
    wo = new_case(world)
    act(world, wo, "dispatch", "dispatcher", local(2025, 6, 3, 10, 0), unit=world.dept)

    # when the handler accepts with the version read before the dispatch
    response = _post(client_for(world.handler), wo, {"name": "accept", "expected_version": 1})

    # then 409 with the current version, and the case is untouched
    assert response.status_code == 409
    assert response.json() == {
        "code": "conflict",
        "message": response.json()["message"],
        "details": {"expected_version": 1, "current_version": 2, "status": "dispatched"},
    }
    wo.refresh_from_db()
    assert (wo.status, wo.version, wo.accepted_at) == ("dispatched", 2, None)


def test_wrong_state_is_409_invalid_transition(world: SimpleNamespace, client_for: Any) -> None:
    wo = new_case(world)
    response = _post(client_for(world.dispatcher), wo, {"name": "close"})
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    wo.refresh_from_db()
    assert wo.status == "registered" and wo.version == 1


def test_missing_payload_is_400_with_the_error_body(world: SimpleNamespace, client_for: Any) -> None:
    # given a registered case
    wo = new_case(world)
    events_before = Event.objects.filter(work_order=wo).count()

    # when the dispatcher dispatches without naming a unit
    response = _post(client_for(world.dispatcher), wo, {"name": "dispatch", "expected_version": 1})

    # then 400 lists the missing field, and nothing changed
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "missing_fields"
    assert isinstance(body["message"], str) and body["message"]
    assert body["details"] == [{"field": "unit", "reason": "required"}]
    wo.refresh_from_db()
    assert (wo.status, wo.version) == ("registered", 1)
    assert Event.objects.filter(work_order=wo).count() == events_before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "fly"}, "name"),
        ({}, "name"),
        ({"name": "dispatch", "unit": 999999}, "unit"),
        ({"name": "callback", "rating": 9}, "rating"),
        ({"name": "dispatch", "expected_version": "x"}, "expected_version"),
    ],
)
def test_malformed_transition_body_is_400(
    world: SimpleNamespace, client_for: Any, body: dict[str, Any], field: str
) -> None:
    wo = new_case(world)
    response = _post(client_for(world.dispatcher), wo, body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert [d["field"] for d in response.json()["details"]] == [field]
    wo.refresh_from_db()
    assert wo.version == 1


def test_callback_without_resolved_is_a_rule_error(world: SimpleNamespace, client_for: Any) -> None:
    # given a case waiting for its callback
    wo = new_case(world)
    to_handling(world, wo, local(2025, 6, 3, 10, 0))
    act(world, wo, "reply", "handler", local(2025, 6, 3, 11, 0), text="已处理", result="resolved")
    act(world, wo, "verify_pass", "inspector", local(2025, 6, 3, 12, 0))

    # when the caller records a rating but not whether it was resolved
    response = _post(client_for(world.caller), wo, {"name": "callback", "rating": 4})

    # then the step's declared inputs ask for it
    assert response.status_code == 400
    assert response.json()["code"] == "missing_fields"
    assert response.json()["details"] == [{"field": "resolved", "reason": "required"}]
    wo.refresh_from_db()
    assert wo.status == "callback"


def test_merge_parent_must_be_in_scope(world: SimpleNamespace, client_for: Any) -> None:
    # given two cases of the district and one of another district
    duplicate = new_case(world)
    parent = new_case(world, lng=113.07, lat=33.02)
    far = new_case(world, lng=114.01, lat=33.01, actor=world.stranger)
    client = client_for(world.caller)

    # when the district call taker merges into a case it cannot see, or one that does not exist
    for missing in (far.pk, 999999):
        refused = _post(client, duplicate, {"name": "merge", "parent": missing})

        # then both read the same, and the duplicate is untouched
        assert refused.status_code == 400 and refused.json()["code"] == "invalid_parent"
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.parent_id, duplicate.version) == ("registered", None, 1)

    # and merging into a visible case works
    ok = _post(client, duplicate, {"name": "merge", "parent": parent.pk})
    assert ok.status_code == 200 and ok.json()["parent_tracking_code"] == parent.tracking_code
    assert ok.json()["status"] == "merged"


def test_on_site_resolution_with_photos_in_multipart(world: SimpleNamespace, client_for: Any) -> None:
    # given a case registered in the worker's grid
    wo = new_case(world, channel="patrol", actor=world.worker)

    # when the grid worker resolves it on the spot with before/after photos
    response = client_for(world.worker).post(
        f"/api/work-orders/{wo.pk}/transitions/",
        {
            "name": "resolve_on_site",
            "text": "已现场清理",
            "before_photos": [SimpleUploadedFile("before.png", PNG, content_type="image/png")],
            "after_photos": [SimpleUploadedFile("after.png", PNG, content_type="image/png")],
        },
        format="multipart",
    )

    # then the case is resolved and the photos are stored by kind
    assert response.status_code == 200, response.content
    assert response.json()["status"] in {"closed", "replied"}
    assert sorted(Attachment.objects.filter(work_order=wo).values_list("kind", flat=True)) == ["after", "before"]


# Uploading, listing and downloading attachments: test_attachments.


# --- query counts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/api/work-orders/", "/api/points/", "/api/staff/", "/api/territories/", "/api/points/geojson/"],
)
def test_lists_do_not_query_per_row(
    world: SimpleNamespace, places: SimpleNamespace, client_for: Any, django_assert_max_num_queries: Any, url: str
) -> None:
    # given one page read with little data
    client = client_for(world.dispatcher)
    new_case(world)
    client.get(url)  # warm per-process caches (locator, content types)
    with django_assert_max_num_queries(50) as few:
        assert client.get(url).status_code == 200

    # when the same page holds several more rows of every kind
    for i in range(4):
        new_case(world, lng=113.07, lat=33.02, at=local(2025, 6, 3, 9, i))
    for i in range(4):
        make_point(world, f"P10{i}", 113.01 + i * 0.01, 33.03)
        staff = User.objects.create_user(username=f"gw{i}", password="x-Passw0rd-long", display_name=f"网格员{i}")
        RoleGrant.objects.create(user=staff, role="grid_worker", territory=world.grid2)

    # then it takes the same number of queries
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_redispatch_and_recall_through_the_transitions_endpoint(world: SimpleNamespace, client_for: Any) -> None:
    # given a case dispatched to the wrong unit
    wo = new_case(world)
    act(world, wo, "dispatch", "dispatcher", local(2025, 6, 3, 10, 0), unit=world.dept)
    client = client_for(world.dispatcher)
    offered = [t["name"] for t in client.get(f"/api/work-orders/{wo.pk}/transitions/").json()]
    assert {"redispatch", "recall"} <= set(offered)

    # when the dispatcher sends it on to another unit, then calls it back
    moved = _post(
        client, wo, {"name": "redispatch", "unit": world.dept2.pk, "note": "职责属生态环境", "expected_version": 2}
    )
    recalled = _post(client, wo, {"name": "recall", "note": "再研判", "expected_version": 3})

    # then each step answers with the case as it now stands, and the history names both units
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "dispatched" and moved.json()["assigned_unit"] is not None
    assert recalled.status_code == 200 and recalled.json()["status"] == "registered"
    events = client.get(f"/api/work-orders/{wo.pk}/events/").json()
    assert [e["name"] for e in events][-2:] == ["redispatch", "recall"]
    assert events[-2]["label"] == "改派" and events[-2]["data"]["from_unit"] == "cgj"
    assert events[-2]["data"]["unit"] == "sthj" and events[-1]["label"] == "撤回"


def test_the_unit_cannot_redispatch_through_the_api(world: SimpleNamespace, client_for: Any) -> None:
    wo = new_case(world)
    act(world, wo, "dispatch", "dispatcher", local(2025, 6, 3, 10, 0), unit=world.dept)

    response = _post(client_for(world.handler), wo, {"name": "redispatch", "unit": world.dept2.pk, "note": "转给别人"})

    assert response.status_code == 403
    wo.refresh_from_db()
    assert wo.assigned_unit == world.dept and wo.version == 2
