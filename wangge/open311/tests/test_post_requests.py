"""POST requests: a request becomes a located, routed work order; every refusal writes nothing."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.test import Client, override_settings

from wangge.core.actors import SYSTEM
from wangge.core.geo import wgs84_to_gcj02
from wangge.open311.choices import Datatype
from wangge.open311.models import ApiKey, ServiceAttribute, Submission
from wangge.open311.services import apikey_create, apikey_revoke
from wangge.open311.tests.conftest import BASE, assert_error, json_body, post, valid_post, xml_root
from wangge.workorders.choices import Channel, Status
from wangge.workorders.models import Event, WorkOrder

pytestmark = pytest.mark.django_db


def counts() -> tuple[object, ...]:
    """What a refused request must leave as it was: the rows of every table, and when each key was last used."""
    rows = tuple(
        (model._meta.label, model._base_manager.count())
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    )
    return rows, tuple(ApiKey.objects.order_by("pk").values_list("pk", "last_used_at"))


# --- the loop: POST, locate, route, read back --------------------------------------------------------


def test_post_json_creates_a_located_routed_work_order_readable_in_json_and_xml(api: SimpleNamespace) -> None:
    # given a client with a key, and the test district's grids and units
    w = api.world
    # when it posts a request with a point inside grid 1
    response = post(api.client, "json", **valid_post(api, media_url="https://img.example.com/a.jpg"))
    # then one case exists, received through the api channel, in grid 1, with cgj suggested
    assert response.status_code == 200, response.content
    body = json_body(response)
    assert isinstance(body, list) and len(body) == 1
    assert set(body[0]) == {"service_request_id", "service_notice", "account_id"}
    wo = WorkOrder.objects.get()
    assert body[0]["service_request_id"] == str(wo.pk)
    assert body[0]["account_id"] == "acc-7"
    assert wo.tracking_code in body[0]["service_notice"]
    assert "城市管理局" in body[0]["service_notice"]
    assert wo.channel == Channel.API
    assert wo.status == Status.REGISTERED
    assert wo.grid == w.grid1 and wo.district == w.district
    assert wo.category == w.category
    assert wo.reporter_name == "王明" and wo.reporter_phone == "13812341234"
    assert "https://img.example.com/a.jpg" in wo.description
    sub = Submission.objects.get()
    assert sub.work_order == wo and sub.api_key == api.key
    assert sub.suggested_unit == w.dept and not sub.auto_dispatched
    assert sub.email == "wang@example.com"
    event = Event.objects.get(work_order=wo)
    assert event.name == "create" and event.actor is None and "市民通 App" in event.actor_label

    # and it reads back through GET requests/{id}.json
    one = json_body(api.client.get(f"{BASE}requests/{wo.pk}.json", {"jurisdiction_id": "410403"}))
    assert len(one) == 1
    row = one[0]
    assert row["service_request_id"] == str(wo.pk)
    assert row["status"] == "open"
    assert row["service_code"] == "E0101" and row["service_name"] == "私搭乱建"
    assert row["description"] == "小区东门外有人私搭彩钢棚，占用人行道。"
    assert row["lat"] == pytest.approx(33.01) and row["long"] == pytest.approx(113.01)
    assert row["media_url"] == "https://img.example.com/a.jpg"
    assert row["agency_responsible"] is None
    assert row["requested_datetime"].endswith("+08:00")
    assert row["status_notes"] == "待派遣"
    # never the reporter's identity or the tracking code
    text = str(one)
    for secret in ("13812341234", "王明", "wang@example.com", wo.tracking_code):
        assert secret not in text

    # and through GET requests/{id}.xml with the spec's element names
    root = xml_root(api.client.get(f"{BASE}requests/{wo.pk}.xml", {"jurisdiction_id": "410403"}))
    assert root.tag == "service_requests"
    (request,) = list(root)
    assert request.tag == "request"
    assert [c.tag for c in request] == [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ]
    assert request.findtext("service_request_id") == str(wo.pk)
    assert request.findtext("status") == "open"
    assert float(request.findtext("lat") or 0) == pytest.approx(33.01)
    assert b"13812341234" not in api.client.get(f"{BASE}requests/{wo.pk}.xml", {"jurisdiction_id": "410403"}).content


def test_post_xml_answers_with_service_requests_root(api: SimpleNamespace) -> None:
    # when a client posts to requests.xml
    response = post(api.client, "xml", **valid_post(api, account_id=None))
    # then the body is <service_requests><request> with the id, the notice and an empty account_id
    root = xml_root(response)
    assert response.status_code == 200
    assert root.tag == "service_requests"
    (request,) = list(root)
    assert request.tag == "request"
    assert [c.tag for c in request] == ["service_request_id", "service_notice", "account_id"]
    assert request.findtext("service_request_id") == str(WorkOrder.objects.get().pk)
    assert request.findtext("account_id") == ""


@override_settings(WANGGE_OPEN311_AUTO_DISPATCH=True)
def test_auto_dispatch_sends_the_case_to_the_suggested_unit(api: SimpleNamespace) -> None:
    # given automatic dispatch is switched on
    # when a request is posted
    response = post(api.client, "json", **valid_post(api))
    # then the case is dispatched to the suggested unit by the dispatch account, and the public view shows it
    assert response.status_code == 200
    wo = WorkOrder.objects.get()
    assert wo.status == Status.DISPATCHED and wo.assigned_unit == api.world.dept
    assert Submission.objects.get().auto_dispatched
    dispatch = Event.objects.get(work_order=wo, name="dispatch")
    assert dispatch.actor is not None and dispatch.actor.username == "open311_dispatch"
    assert not dispatch.actor.has_usable_password()
    assert "已派遣至城市管理局" in json_body(response)[0]["service_notice"]
    row = json_body(api.client.get(f"{BASE}requests/{wo.pk}.json", {"jurisdiction_id": "410403"}))[0]
    assert row["agency_responsible"] == "城市管理局"
    assert row["expected_datetime"] is not None and row["expected_datetime"].endswith("+08:00")
    assert row["status_notes"] == "已派遣至城市管理局，待签收"


def test_without_auto_dispatch_the_case_waits_for_a_dispatcher(api: SimpleNamespace) -> None:
    post(api.client, "json", **valid_post(api))
    wo = WorkOrder.objects.get()
    assert wo.status == Status.REGISTERED and wo.assigned_unit is None
    assert not Event.objects.filter(name="dispatch").exists()


def test_address_string_alone_makes_a_district_level_case(api: SimpleNamespace) -> None:
    response = post(api.client, "json", **valid_post(api, lat=None, long=None, address_string="建设路 12 号"))
    assert response.status_code == 200
    wo = WorkOrder.objects.get()
    assert wo.address == "建设路 12 号" and wo.grid is None and wo.district == api.world.district
    assert wo.lat is None


def test_gcj02_coordinates_are_converted_to_wgs84(api: SimpleNamespace) -> None:
    # given a point inside grid 2 expressed in GCJ-02
    lng, lat = wgs84_to_gcj02(113.07, 33.02)
    # when posted with crs=gcj02
    response = post(api.client, "json", **valid_post(api, lat=str(lat), long=str(lng), crs="gcj02"))
    # then the case is located in grid 2 and stored in WGS-84
    assert response.status_code == 200
    wo = WorkOrder.objects.get()
    assert wo.grid == api.world.grid2
    assert wo.lng == pytest.approx(113.07, abs=1e-6) and wo.lat == pytest.approx(33.02, abs=1e-6)


def test_jurisdiction_is_optional_for_a_key_bound_to_a_district(api: SimpleNamespace) -> None:
    _key, raw = apikey_create(actor=SYSTEM, name="卫东区小程序", district=api.world.district)
    response = post(api.client, "json", **valid_post(api, api_key=raw, jurisdiction_id=None))
    assert response.status_code == 200
    assert WorkOrder.objects.get().district == api.world.district


def test_attributes_are_validated_and_kept(api: SimpleNamespace) -> None:
    # given the service asks for the structure's material (required) and its floors
    ServiceAttribute.objects.create(
        category=api.world.category,
        code="material",
        datatype=Datatype.SINGLEVALUELIST,
        required=True,
        description="搭建材料",
        order=1,
        values=[{"key": "steel", "name": "彩钢板"}, {"key": "brick", "name": "砖混"}],
    )
    ServiceAttribute.objects.create(
        category=api.world.category, code="floors", datatype=Datatype.NUMBER, description="层数", order=2
    )
    # when a request answers both
    data = valid_post(api, **{"attribute[material]": "steel", "attribute[floors]": "2"})
    response = post(api.client, "json", **data)
    # then the answers are kept and shown to staff in the case text
    assert response.status_code == 200, response.content
    sub = Submission.objects.get()
    assert sub.attributes == {"material": "steel", "floors": "2"}
    assert "搭建材料：彩钢板" in sub.work_order.description


def test_multivaluelist_takes_several_values(api: SimpleNamespace) -> None:
    ServiceAttribute.objects.create(
        category=api.world.category,
        code="impact",
        datatype=Datatype.MULTIVALUELIST,
        description="影响",
        order=1,
        values=[{"key": "walk", "name": "占用人行道"}, {"key": "fire", "name": "消防隐患"}],
    )
    data = valid_post(api)
    data["attribute[impact][]"] = ["walk", "fire"]
    response = api.client.post(f"{BASE}requests.json", data)
    assert response.status_code == 200, response.content
    assert Submission.objects.get().attributes == {"impact": ["walk", "fire"]}


# --- refusals: status, the spec's error body, nothing written ----------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("key", [None, "", "wg311_not-a-real-key", "someone-elses-key"])
def test_missing_or_bad_api_key_is_403_and_writes_nothing(api: SimpleNamespace, fmt: str, key: str | None) -> None:
    before = counts()
    response = post(api.client, fmt, **valid_post(api, api_key=key))
    assert "api_key" in assert_error(response, 403, fmt)
    assert counts() == before


def test_revoked_key_is_403_at_once(api: SimpleNamespace) -> None:
    # given a key that has just been used (and is remembered by this process)
    assert post(api.client, "json", **valid_post(api)).status_code == 200
    # when it is revoked
    apikey_revoke(actor=SYSTEM, prefix=api.key.prefix)
    before = counts()
    assert_error(post(api.client, "json", **valid_post(api)), 403)
    assert counts() == before


def test_key_bound_to_another_district_is_403(api: SimpleNamespace) -> None:
    _key, raw = apikey_create(actor=SYSTEM, name="湛河区", district=api.world.other_district)
    before = counts()
    assert_error(post(api.client, "json", **valid_post(api, api_key=raw)), 403)
    assert counts() == before


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_code_is_404(api: SimpleNamespace, fmt: str) -> None:
    before = counts()
    description = assert_error(post(api.client, fmt, **valid_post(api, service_code="NOPE")), 404, fmt)
    assert "service_code" in description
    assert counts() == before


def test_a_group_code_is_not_a_service(api: SimpleNamespace) -> None:
    # E01 is the group 市容环境, not a leaf request type
    assert_error(post(api.client, "json", **valid_post(api, service_code="E01")), 404)


def test_missing_service_code_is_400(api: SimpleNamespace) -> None:
    assert_error(post(api.client, "json", **valid_post(api, service_code="")), 400)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_location_is_400(api: SimpleNamespace, fmt: str) -> None:
    before = counts()
    description = assert_error(post(api.client, fmt, **valid_post(api, lat=None, long="")), 400, fmt)
    assert "位置" in description
    assert counts() == before


@pytest.mark.parametrize(
    "extra",
    [
        {"lat": "33.01", "long": None},
        {"lat": "abc", "long": "113.01"},
        {"lat": "nan", "long": "113.01"},
        {"lat": "95", "long": "113.01"},
        {"crs": "mercator"},
        {"email": "not-an-email"},
        {"media_url": "javascript:alert(1)"},
        {"phone": "12"},
        {"first_name": "名" * 26},
        {"appeal_type": "bribe"},
        {"lat": None, "long": None, "address_id": "545483"},
    ],
)
def test_malformed_arguments_are_400_and_write_nothing(api: SimpleNamespace, extra: dict[str, str | None]) -> None:
    before = counts()
    assert_error(post(api.client, "json", **valid_post(api, **extra)), 400)
    assert counts() == before


def test_description_over_4000_characters_is_400(api: SimpleNamespace) -> None:
    before = counts()
    description = assert_error(post(api.client, "json", **valid_post(api, description="墙" * 4001)), 400)
    assert "4000" in description
    assert counts() == before


def test_description_of_exactly_4000_characters_is_taken(api: SimpleNamespace) -> None:
    assert post(api.client, "json", **valid_post(api, description="墙" * 4000)).status_code == 200


@pytest.mark.parametrize("point", [("114.05", "33.05"), ("0", "0")])
def test_point_outside_the_jurisdiction_is_400_and_writes_nothing(api: SimpleNamespace, point: tuple[str, str]) -> None:
    # given a point in the other district, or nowhere at all
    before = counts()
    response = post(api.client, "json", **valid_post(api, long=point[0], lat=point[1]))
    assert "辖区" in assert_error(response, 400)
    assert counts() == before


def test_jurisdiction_may_come_in_the_query_string(api: SimpleNamespace) -> None:
    # given a client that names the jurisdiction in the URL, as the spec's sample URLs do
    data = valid_post(api, jurisdiction_id=None)
    # when it posts the rest in the body
    response = api.client.post(f"{BASE}requests.json?jurisdiction_id=410403", data)
    # then the case is taken in that district; an unknown one in the URL is 404 like one in the body
    assert response.status_code == 200, response.content
    assert WorkOrder.objects.get().district == api.world.district
    before = counts()
    assert_error(api.client.post(f"{BASE}requests.json?jurisdiction_id=999999", data), 404)
    assert counts() == before


def test_unknown_jurisdiction_is_404(api: SimpleNamespace) -> None:
    before = counts()
    assert_error(post(api.client, "json", **valid_post(api, jurisdiction_id="999999")), 404)
    assert counts() == before


def test_missing_jurisdiction_with_two_districts_is_400(api: SimpleNamespace) -> None:
    before = counts()
    assert "jurisdiction_id" in assert_error(post(api.client, "json", **valid_post(api, jurisdiction_id="")), 400)
    assert counts() == before


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        ({}, "attribute[material]"),
        ({"attribute[material]": "wood"}, "attribute[material]"),
        ({"attribute[material]": "steel", "attribute[colour]": "red"}, "attribute[colour]"),
        ({"attribute[material]": "steel", "attribute[floors]": "two"}, "attribute[floors]"),
        ({"attribute[material]": ["steel", "brick"]}, "attribute[material]"),
    ],
)
def test_bad_attributes_are_400_and_write_nothing(api: SimpleNamespace, answers: dict[str, str], problem: str) -> None:
    ServiceAttribute.objects.create(
        category=api.world.category,
        code="material",
        datatype=Datatype.SINGLEVALUELIST,
        required=True,
        description="搭建材料",
        order=1,
        values=[{"key": "steel", "name": "彩钢板"}, {"key": "brick", "name": "砖混"}],
    )
    ServiceAttribute.objects.create(
        category=api.world.category, code="floors", datatype=Datatype.NUMBER, description="层数", order=2
    )
    before = counts()
    description = assert_error(api.client.post(f"{BASE}requests.json", valid_post(api, **answers)), 400)
    assert problem in description
    assert counts() == before


@override_settings(WANGGE_OPEN311_MAX_BODY_BYTES=2000)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_body_over_the_limit_is_413(api: SimpleNamespace, fmt: str) -> None:
    before = counts()
    assert_error(post(api.client, fmt, **valid_post(api, description="长" * 1500)), 413, fmt)
    assert counts() == before


@override_settings(WANGGE_OPEN311_THROTTLE_KEY="2/min", WANGGE_OPEN311_THROTTLE_IP=None)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_third_request_in_a_minute_for_a_key_is_429(api: SimpleNamespace, fmt: str) -> None:
    # given a key allowed two requests a minute
    for _ in range(2):
        assert post(api.client, fmt, **valid_post(api)).status_code == 200
    before = counts()
    # when it sends a third
    response = post(api.client, fmt, **valid_post(api))
    # then it is refused with 429, the error body and Retry-After, and nothing is written
    assert_error(response, 429, fmt)
    assert 1 <= int(response["Retry-After"]) <= 60
    assert counts() == before
    # and another key is not affected
    _other, raw = apikey_create(actor=SYSTEM, name="另一个应用")
    assert post(api.client, fmt, **valid_post(api, api_key=raw)).status_code == 200


@override_settings(WANGGE_OPEN311_THROTTLE_KEY=None, WANGGE_OPEN311_THROTTLE_IP="3/min")
def test_address_throttle_counts_every_endpoint(api: SimpleNamespace) -> None:
    # given an address allowed three requests a minute
    assert api.client.get(f"{BASE}services.json", {"jurisdiction_id": "410403"}).status_code == 200
    assert post(api.client, "json", **valid_post(api)).status_code == 200
    assert api.client.get(f"{BASE}discovery.json").status_code == 200
    before = counts()
    # then the fourth request from that address is refused, POST or GET
    assert_error(post(api.client, "json", **valid_post(api)), 429)
    assert_error(api.client.get(f"{BASE}services.xml"), 429, "xml")
    assert counts() == before
    # while another address still gets through
    other = api.client.get(f"{BASE}services.json", {"jurisdiction_id": "410403"}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


@override_settings(WANGGE_OPEN311_THROTTLE_KEY=None, WANGGE_OPEN311_THROTTLE_IP="2/min", WANGGE_TRUSTED_PROXIES=0)
def test_a_forged_forwarded_header_does_not_escape_the_address_throttle(api: SimpleNamespace) -> None:
    # given an address that used up its two requests
    for hop in ("1.1.1.1", "2.2.2.2"):
        assert api.client.get(f"{BASE}discovery.json", HTTP_X_FORWARDED_FOR=hop).status_code == 200
    # then claiming a third address does not help
    assert_error(api.client.get(f"{BASE}discovery.json", HTTP_X_FORWARDED_FOR="3.3.3.3"), 429)


@override_settings(WANGGE_OPEN311_THROTTLE_KEY=None, WANGGE_OPEN311_THROTTLE_IP="1/min", WANGGE_TRUSTED_PROXIES=1)
def test_behind_a_trusted_proxy_the_address_it_saw_is_throttled(api: SimpleNamespace) -> None:
    # given one proxy: the right-most hop is the client
    assert api.client.get(f"{BASE}discovery.json", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 200
    # then that client is throttled whatever it puts in front, and another client is not
    forged = api.client.get(f"{BASE}discovery.json", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.1")
    assert_error(forged, 429)
    assert api.client.get(f"{BASE}discovery.json", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 200


def test_get_on_a_post_only_path_and_put_are_refused(api: SimpleNamespace) -> None:
    assert_error(api.client.put(f"{BASE}requests.json"), 405)
    assert_error(api.client.post(f"{BASE}services.json"), 405)


def test_key_last_used_is_stamped_by_the_request_it_lets_in(api: SimpleNamespace) -> None:
    # given a key never used, and a request it lets in but that is refused for its content
    assert_error(post(api.client, "json", **valid_post(api, lat=None, long=None)), 400)
    assert ApiKey.objects.get(pk=api.key.pk).last_used_at is None
    # when the client sends a valid one
    post(api.client, "json", **valid_post(api))
    # then the key's last use is the accepted request
    assert ApiKey.objects.get(pk=api.key.pk).last_used_at is not None


@pytest.mark.parametrize(
    "extra",
    [
        {"description": "井盖\x00破损"},
        {"address_string": "建设路\x00口", "lat": None, "long": None},
        {"first_name": "\x00"},
        {"device_id": "dev\x00"},
        {"account_id": "acc\x00"},
        {"media_url": "https://img.example.com/\x00.jpg"},
        {"attribute[materi\x00al]": "steel"},
        {"service_code": "E01\x0001"},
        {"jurisdiction_id": "410403\x00"},
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_nul_character_in_any_argument_is_400_and_writes_nothing(
    api: SimpleNamespace, fmt: str, extra: dict[str, str | None]
) -> None:
    # given a request carrying a NUL, which no text column can hold (PostgreSQL refuses it outright)
    before = counts()
    # when it is posted
    response = post(api.client, fmt, **valid_post(api, **extra))
    # then it is a malformed request naming the argument, not a server error, and nothing is written
    description = assert_error(response, 400, fmt)
    assert "NUL" in description and next(iter(extra)).replace("\x00", "") in description
    assert counts() == before


def test_clients_post_without_a_csrf_token(api: SimpleNamespace) -> None:
    # API clients hold no session or CSRF cookie: the key is their credential
    strict = Client(enforce_csrf_checks=True)
    assert post(strict, "json", **valid_post(api)).status_code == 200
    assert WorkOrder.objects.count() == 1


def test_a_case_taken_through_open311_reads_back_through_the_rest_api(api: SimpleNamespace) -> None:
    # given a case posted through Open311
    response = post(api.client, "json", **valid_post(api))
    service_request_id = json_body(response)[0]["service_request_id"]
    # when the district's dispatcher reads it through the REST API
    staff = Client()
    staff.force_login(api.world.dispatcher)
    detail = staff.get(f"/api/work-orders/{service_request_id}/")
    # then it is the same case: api channel, located in grid 1, category E0101, waiting for dispatch
    assert detail.status_code == 200, detail.content
    body = detail.json()
    assert str(body["id"]) == service_request_id
    assert body["channel"] == "api" and body["status"] == "registered"
    assert body["grid_code"] == api.world.grid1.code and body["category_code"] == "E0101"


def test_an_invalid_phone_is_named_as_the_open311_parameter(api: SimpleNamespace) -> None:
    before = counts()
    assert assert_error(post(api.client, "json", **valid_post(api, phone="12345678901234")), 400).startswith("phone")
    assert counts() == before


def test_control_characters_do_not_break_the_xml(api: SimpleNamespace) -> None:
    post(api.client, "json", **valid_post(api, description="井盖\x0b破损\x01"))
    wo = WorkOrder.objects.get()
    root = xml_root(api.client.get(f"{BASE}requests/{wo.pk}.xml", {"jurisdiction_id": "410403"}))
    assert root.findtext("request/description") == "井盖破损"


def test_too_many_form_fields_is_400_with_the_error_body(api: SimpleNamespace) -> None:
    body = "&".join(f"f{i}=" for i in range(1200))
    response = api.client.post(f"{BASE}requests.json", body, content_type="application/x-www-form-urlencoded")
    assert_error(response, 400)
    assert WorkOrder.objects.count() == 0
