"""Discovery, services, service definitions, GET requests and tokens, in JSON and XML."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from wangge.open311 import selectors
from wangge.open311.choices import Datatype
from wangge.open311.models import ServiceAttribute
from wangge.open311.tests.conftest import BASE, assert_error, json_body, post, valid_post, xml_root
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders.choices import Channel, Status
from wangge.workorders.models import Category, WorkOrder
from wangge.workorders.tests.conftest import act, new_case, to_closed

pytestmark = pytest.mark.django_db
J = {"jurisdiction_id": "410403"}


def _material(category: Category) -> ServiceAttribute:
    return ServiceAttribute.objects.create(
        category=category,
        code="material",
        datatype=Datatype.SINGLEVALUELIST,
        required=True,
        description="搭建材料",
        order=1,
        values=[{"key": "steel", "name": "彩钢板"}, {"key": "brick", "name": "砖混"}],
    )


# --- discovery -------------------------------------------------------------------------------------


def test_discovery_json(world: SimpleNamespace) -> None:
    body = json_body(Client().get(f"{BASE}discovery.json"))
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    assert body["contact"] and body["key_service"]
    (endpoint,) = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["changeset"] == body["changeset"]


def test_discovery_xml(world: SimpleNamespace) -> None:
    root = xml_root(Client().get(f"{BASE}discovery.xml"))
    assert root.tag == "discovery"
    assert [c.tag for c in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert endpoint is not None
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]


def test_discovery_changeset_moves_when_an_attribute_is_added(world: SimpleNamespace) -> None:
    before = json_body(Client().get(f"{BASE}discovery.json"))["changeset"]
    _material(world.category)
    after = json_body(Client().get(f"{BASE}discovery.json"))["changeset"]
    assert after > before


# --- services --------------------------------------------------------------------------------------


def test_services_json_lists_the_leaves_of_the_active_dictionary(world: SimpleNamespace) -> None:
    # given one service with an extra attribute
    _material(world.category)
    # when the list is read
    body = json_body(Client().get(f"{BASE}services.json", J))
    # then every leaf is a realtime service; groups are not services; metadata tells which need a definition
    codes = [s["service_code"] for s in body]
    assert "E0101" in codes and "S0101" in codes and "E01" not in codes
    e0101 = next(s for s in body if s["service_code"] == "E0101")
    assert e0101 == {
        "service_code": "E0101",
        "service_name": "私搭乱建",
        "description": e0101["description"],
        "metadata": True,
        "type": "realtime",
        "keywords": "私搭乱建, 市容环境, 事件（数字城管）",
        "group": "市容环境",
    }
    assert "15 个工作日" in e0101["description"]
    assert all(s["metadata"] is False for s in body if s["service_code"] != "E0101")


def test_services_xml(world: SimpleNamespace) -> None:
    root = xml_root(Client().get(f"{BASE}services.xml", J))
    assert root.tag == "services"
    services = list(root)
    assert services and all(s.tag == "service" for s in services)
    assert [c.tag for c in services[0]] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert {s.findtext("metadata") for s in services} == {"false"}
    assert {s.findtext("type") for s in services} == {"realtime"}


def test_inactive_category_is_not_a_service(world: SimpleNamespace) -> None:
    world.category.is_active = False
    world.category.save()
    codes = [s["service_code"] for s in json_body(Client().get(f"{BASE}services.json", J))]
    assert "E0101" not in codes and "E0102" in codes


def test_jurisdiction_rules_apply_to_services(world: SimpleNamespace) -> None:
    assert "jurisdiction_id" in assert_error(Client().get(f"{BASE}services.json"), 400)
    assert_error(Client().get(f"{BASE}services.xml", {"jurisdiction_id": "123"}), 404, "xml")


def test_jurisdiction_is_optional_with_one_district(db: None) -> None:
    # given a platform serving a single district
    Territory.objects.add_root({"code": "410403", "name": "卫东区", "kind": TerritoryKind.DISTRICT})
    # then jurisdiction_id may be left out, and a wrong one is still 404
    assert Client().get(f"{BASE}services.json").status_code == 200
    assert Client().get(f"{BASE}requests.xml").status_code == 200
    assert_error(Client().get(f"{BASE}requests.json", {"jurisdiction_id": "410411"}), 404)


# --- service definitions ---------------------------------------------------------------------------


def test_service_definition_json(world: SimpleNamespace) -> None:
    _material(world.category)
    body = json_body(Client().get(f"{BASE}services/E0101.json", J))
    assert body == {
        "service_code": "E0101",
        "attributes": [
            {
                "variable": True,
                "code": "material",
                "datatype": "singlevaluelist",
                "required": True,
                "datatype_description": None,
                "order": 1,
                "description": "搭建材料",
                "values": [{"key": "steel", "name": "彩钢板"}, {"key": "brick", "name": "砖混"}],
            }
        ],
    }


def test_service_definition_xml(world: SimpleNamespace) -> None:
    _material(world.category)
    root = xml_root(Client().get(f"{BASE}services/E0101.xml", J))
    assert root.tag == "service_definition"
    assert [c.tag for c in root] == ["service_code", "attributes"]
    attribute = root.find("attributes/attribute")
    assert attribute is not None
    assert [c.tag for c in attribute] == [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    ]
    assert attribute.findtext("required") == "true"
    values = attribute.findall("values/value")
    assert [(v.findtext("key"), v.findtext("name")) for v in values] == [("steel", "彩钢板"), ("brick", "砖混")]


def test_service_without_attributes_has_an_empty_definition(world: SimpleNamespace) -> None:
    assert json_body(Client().get(f"{BASE}services/E0102.json", J)) == {"service_code": "E0102", "attributes": []}


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_definition_is_404(world: SimpleNamespace, fmt: str) -> None:
    assert "NOPE" in assert_error(Client().get(f"{BASE}services/NOPE.{fmt}", J), 404, fmt)


# --- GET requests ----------------------------------------------------------------------------------


def test_requests_json_and_xml_list_the_same_cases(api: SimpleNamespace) -> None:
    for _ in range(3):
        post(api.client, "json", **valid_post(api))
    body = json_body(api.client.get(f"{BASE}requests.json", J))
    root = xml_root(api.client.get(f"{BASE}requests.xml", J))
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [
        r["service_request_id"] for r in body
    ]
    assert len(body) == 3
    assert all(isinstance(r["service_request_id"], str) for r in body)


def test_status_maps_to_open_and_closed(world: SimpleNamespace) -> None:
    # given a closed case, an invalid one and an open one (received a few days ago)
    at = timezone.now() - dt.timedelta(days=3)
    closed = to_closed(world, new_case(world, at=at), at)
    invalid = new_case(world, at=at)
    act(world, invalid, "invalidate", "caller", at + dt.timedelta(minutes=5), note="重复来电")
    open_case = new_case(world, at=at)
    act(world, open_case, "dispatch", "dispatcher", at + dt.timedelta(minutes=5), unit=world.dept)
    c = Client()
    # then open/closed follow the final statuses
    rows = {r["service_request_id"]: r for r in json_body(c.get(f"{BASE}requests.json", J))}
    assert rows[str(closed.pk)]["status"] == "closed"
    assert rows[str(closed.pk)]["status_notes"] == "已拆除"
    assert rows[str(closed.pk)]["updated_datetime"] == timezone.localtime(
        WorkOrder.objects.get(pk=closed.pk).closed_at
    ).isoformat(timespec="seconds")
    assert rows[str(invalid.pk)]["status"] == "closed"
    assert rows[str(invalid.pk)]["status_notes"] == "无效诉求：重复来电"
    assert rows[str(open_case.pk)]["status"] == "open"
    assert rows[str(open_case.pk)]["agency_responsible"] == "城市管理局"
    only_open = json_body(c.get(f"{BASE}requests.json", {**J, "status": "open"}))
    assert [r["service_request_id"] for r in only_open] == [str(open_case.pk)]
    only_closed = {r["service_request_id"] for r in json_body(c.get(f"{BASE}requests.json", {**J, "status": "closed"}))}
    assert only_closed == {str(closed.pk), str(invalid.pk)}
    both = json_body(c.get(f"{BASE}requests.json", {**J, "status": "open,closed"}))
    assert len(both) == 3


# Every step of the closed loop, as GeoReport v2 publishes it.
PUBLISHED_STATUS = {
    Status.REGISTERED: ("open", "待派遣"),
    Status.RETURNED: ("open", "承办单位退回，重新派遣中"),
    Status.DISPATCHED: ("open", "已派遣至城市管理局，待签收"),
    Status.HANDLING: ("open", "办理中"),
    Status.SUSPENDED: ("open", "已挂起"),
    Status.REPLIED: ("open", "待核查：已拆除"),
    Status.CALLBACK: ("open", "待回访：已拆除"),
    Status.TO_CLOSE: ("open", "待结案：已拆除"),
    Status.CLOSED: ("closed", "已拆除"),
    Status.MERGED: ("closed", "重复诉求，已合并至 7 办理"),
    Status.INVALID: ("closed", "无效诉求：非诉求"),
}


def test_every_status_maps_to_open_or_closed_with_notes(world: SimpleNamespace) -> None:
    # given the mapping covers the whole status list
    assert set(PUBLISHED_STATUS) == set(Status)
    for status, (published, notes) in PUBLISHED_STATUS.items():
        # given a case in that status, handled by the department, replied "已拆除"
        wo = WorkOrder(
            pk=1,
            status=status,
            category=world.category,
            assigned_unit=world.dept,
            reply_text="已拆除",
            parent_id=7,
            invalid_reason="非诉求",
            received_at=timezone.now(),
        )
        # when it is published
        (row,) = selectors.request_rows([wo])
        # then open/closed and the notes follow the step
        assert (row["status"], row["status_notes"]) == (published, notes), status


def test_service_request_id_list_overrides_other_filters(world: SimpleNamespace) -> None:
    old = new_case(world, at=timezone.now() - dt.timedelta(days=200))
    recent = new_case(world, at=timezone.now() - dt.timedelta(days=1))
    c = Client()
    default = [r["service_request_id"] for r in json_body(c.get(f"{BASE}requests.json", J))]
    assert default == [str(recent.pk)]  # the default window is the last 90 days
    picked = json_body(
        c.get(f"{BASE}requests.json", {**J, "service_request_id": f"{old.pk},{recent.pk},x", "status": "closed"})
    )
    assert {r["service_request_id"] for r in picked} == {str(old.pk), str(recent.pk)}


def test_at_most_the_limit_newest_first(world: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    # given five recent cases, and a limit of three (the platform's is the spec's 1000)
    monkeypatch.setattr(selectors, "MAX_REQUESTS", 3)
    now = timezone.now()
    cases = [new_case(world, at=now - dt.timedelta(hours=h)) for h in (5, 1, 4, 2, 3)]
    newest = [str(wo.pk) for wo in sorted(cases, key=lambda wo: wo.received_at, reverse=True)]
    c = Client()
    # when a client lists them, or asks for all five by id
    listed = json_body(c.get(f"{BASE}requests.json", J))
    by_id = json_body(c.get(f"{BASE}requests.json", {**J, "service_request_id": ",".join(newest)}))
    # then it gets the three newest, newest first, either way
    assert [r["service_request_id"] for r in listed] == newest[:3]
    assert {r["service_request_id"] for r in by_id} == set(newest[:3])


def test_date_window_and_service_code_filters(world: SimpleNamespace) -> None:
    at = timezone.now() - dt.timedelta(days=120)
    a = new_case(world, at=at)
    b = new_case(world, at=at + dt.timedelta(days=1), category=world.category.category_set.categories.get(code="E0102"))
    c = Client()
    start = (at - dt.timedelta(hours=1)).isoformat()
    end = (at + dt.timedelta(days=2)).isoformat()
    rows = json_body(c.get(f"{BASE}requests.json", {**J, "start_date": start, "end_date": end}))
    assert {r["service_request_id"] for r in rows} == {str(a.pk), str(b.pk)}
    only_start = json_body(c.get(f"{BASE}requests.json", {**J, "start_date": start}))
    assert {r["service_request_id"] for r in only_start} == {str(a.pk), str(b.pk)}
    coded = json_body(c.get(f"{BASE}requests.json", {**J, "start_date": start, "service_code": "E0102,S0101"}))
    assert [r["service_request_id"] for r in coded] == [str(b.pk)]


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-06-01T00:00:00Z"},
        {"start_date": "2025-06-01T00:00:00Z", "end_date": "2025-01-01T00:00:00Z"},
        {"start_date": "yesterday"},
        {"start_date": "2025-13"},
        {"status": "pending"},
        {"status": "open", "service_code": "E0101\x00"},
        # an instant the database cannot store, or a default window that would leave the calendar
        {"start_date": "0001-01-01T00:00:00+14:00"},
        {"end_date": "9999-12-31T23:59:59-12:00"},
        {"end_date": "0001-01-05T00:00:00Z"},
        {"start_date": "9999-12-30T00:00:00Z"},
    ],
)
def test_bad_query_parameters_are_400(world: SimpleNamespace, params: dict[str, str]) -> None:
    assert_error(Client().get(f"{BASE}requests.json", {**J, **params}), 400)


def test_w3c_reduced_precision_dates_are_read_in_local_time(world: SimpleNamespace) -> None:
    # given cases received in January, just before midnight on 31 May, and in June 2025 (local time)
    january = new_case(world, at=timezone.make_aware(dt.datetime(2025, 1, 10, 9)))
    new_case(world, at=timezone.make_aware(dt.datetime(2025, 5, 31, 23, 30)))
    june = new_case(world, at=timezone.make_aware(dt.datetime(2025, 6, 3, 9)))
    c = Client()
    # when a client asks with the note's year-month and year profiles
    from_june = json_body(c.get(f"{BASE}requests.json", {**J, "start_date": "2025-06", "end_date": "2025-06-30"}))
    from_year = json_body(c.get(f"{BASE}requests.json", {**J, "start_date": "2025"}))
    # then 2025-06 is 1 June 00:00 local, 2025 is 1 January (with the 90-day window from there)
    assert [r["service_request_id"] for r in from_june] == [str(june.pk)]
    assert [r["service_request_id"] for r in from_year] == [str(january.pk)]


def test_list_arguments_may_be_declared_several_times(world: SimpleNamespace) -> None:
    # given an open case of one service and a closed case of another, received yesterday
    at = timezone.now() - dt.timedelta(days=1)
    other_service = world.category.category_set.categories.get(code="E0102")
    open_case = new_case(world, at=at)
    closed = to_closed(world, new_case(world, at=at, category=other_service), at)
    c = Client()
    # when service_code and status are repeated instead of comma delimited
    both_codes = json_body(c.get(f"{BASE}requests.json?jurisdiction_id=410403&service_code=E0101&service_code=E0102"))
    both_states = json_body(c.get(f"{BASE}requests.json?jurisdiction_id=410403&status=open&status=closed"))
    ids = json_body(
        c.get(
            f"{BASE}requests.json?jurisdiction_id=410403&service_request_id={open_case.pk}&service_request_id={closed.pk}"
        )
    )
    # then every declared value counts, as the comma list does
    assert {r["service_request_id"] for r in both_codes} == {str(open_case.pk), str(closed.pk)}
    assert {r["service_request_id"] for r in both_states} == {str(open_case.pk), str(closed.pk)}
    assert {r["service_request_id"] for r in ids} == {str(open_case.pk), str(closed.pk)}


@pytest.mark.parametrize(
    "path", ["services/E0101%00.json", "requests/1%00.json", "tokens/t%00.json", "services.json?jurisdiction_id=%00"]
)
def test_a_nul_character_in_a_read_is_400(world: SimpleNamespace, path: str) -> None:
    sep = "&" if "?" in path else "?"
    extra = "" if "jurisdiction_id" in path else f"{sep}jurisdiction_id=410403"
    assert "NUL" in assert_error(Client().get(f"{BASE}{path}{extra}"), 400)


def test_empty_optional_parameters_are_ignored(world: SimpleNamespace) -> None:
    new_case(world, at=timezone.now() - dt.timedelta(days=1))
    rows = json_body(
        Client().get(
            f"{BASE}requests.json",
            {**J, "service_request_id": "", "service_code": "", "start_date": "", "end_date": "", "status": ""},
        )
    )
    assert len(rows) == 1


def test_cases_of_other_districts_and_internal_channels_are_not_published(world: SimpleNamespace) -> None:
    at = timezone.now() - dt.timedelta(days=1)
    mine = new_case(world, at=at)
    other = new_case(world, at=at, lng=114.05, lat=33.05, actor=world.stranger)
    assert other.district == world.other_district
    rating = new_case(world, at=at)
    WorkOrder.objects.filter(pk=rating.pk).update(channel=Channel.RATING)
    c = Client()
    rows = json_body(c.get(f"{BASE}requests.json", J))
    assert [r["service_request_id"] for r in rows] == [str(mine.pk)]
    assert_error(c.get(f"{BASE}requests/{other.pk}.json", J), 404)
    assert_error(c.get(f"{BASE}requests/{rating.pk}.xml", J), 404, "xml")


def test_personal_numbers_and_tracking_codes_in_text_are_masked(world: SimpleNamespace) -> None:
    wo = new_case(
        world,
        at=timezone.now() - dt.timedelta(days=1),
        description="请联系 13912345678，身份证 11010519491231002X，原工单 WG250101ABCDEF。",
    )
    row = json_body(Client().get(f"{BASE}requests/{wo.pk}.json", J))[0]
    assert row["description"] == "请联系 139****5678，身份证 110105********002X，原工单 WG************。"
    assert "13812341234" not in str(row) and "王先生" not in str(row)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_request_is_404(world: SimpleNamespace, fmt: str) -> None:
    assert_error(Client().get(f"{BASE}requests/999999.{fmt}", J), 404, fmt)
    assert_error(Client().get(f"{BASE}requests/abc.{fmt}", J), 404, fmt)


# --- tokens and unknown paths ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_tokens_are_never_issued_so_every_token_is_404(world: SimpleNamespace, fmt: str) -> None:
    assert "token" in assert_error(Client().get(f"{BASE}tokens/12345.{fmt}", J), 404, fmt)


def test_unknown_paths_and_formats_are_404_with_the_error_body(world: SimpleNamespace) -> None:
    assert_error(Client().get(f"{BASE}services.html"), 404, "xml")
    assert_error(Client().get(f"{BASE}nothing.json"), 404, "json")
