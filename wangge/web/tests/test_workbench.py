"""The workbench: whose queue holds what, clock colours, filters, saved views and bulk dispatch."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wangge.accounts.choices import UnitKind
from wangge.accounts.models import Unit
from wangge.web import selectors
from wangge.web.models import SavedView
from wangge.web.tests.conftest import act, new_case
from wangge.workorders.choices import ClockState, Status
from wangge.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


def codes(response: Any) -> set[str]:
    return {wo.tracking_code for wo in response.context["page"].object_list}


def test_dispatcher_queue_holds_cases_waiting_for_dispatch_not_those_with_a_unit(world: Any) -> None:
    waiting = new_case(world)
    dispatched = new_case(world)
    act(world, dispatched, "dispatch", "dispatcher", timezone.now(), unit=world.dept)

    queue = set(selectors.action_queue(world.dispatcher))

    assert waiting in queue
    assert dispatched not in queue


def test_unit_queue_holds_what_was_dispatched_to_the_unit_only(world: Any) -> None:
    waiting = new_case(world)
    dispatched = new_case(world)
    act(world, dispatched, "dispatch", "dispatcher", timezone.now(), unit=world.dept)

    assert set(selectors.action_queue(world.handler)) == {dispatched}
    assert waiting not in set(selectors.action_queue(world.handler))
    assert not selectors.action_queue(world.other_handler).exists()


def test_grid_worker_queue_is_limited_to_the_own_grid(world: Any) -> None:
    mine = new_case(world, lng=113.01, lat=33.01)
    new_case(world, lng=113.07, lat=33.01)

    assert set(selectors.action_queue(world.worker)) == {mine}


def test_queue_is_due_soonest_first_and_coloured_by_time_left(client: Client, world: Any) -> None:
    now = timezone.now()
    late = new_case(world, at=now - dt.timedelta(days=10))
    fresh = new_case(world, at=now - dt.timedelta(minutes=5))
    client.force_login(world.dispatcher)

    response = client.get(reverse("web:workbench"))

    rows = list(response.context["page"].object_list)
    assert [r.pk for r in rows] == [late.pk, fresh.pk]
    assert rows[0].clock == ClockState.OVERDUE and rows[0].clock_colour == "red"
    assert rows[1].clock == ClockState.NORMAL and rows[1].clock_colour == "green"
    assert 'class="clock-overdue"' in response.content.decode()


def test_status_filter_narrows_the_list(client: Client, world: Any) -> None:
    waiting = new_case(world)
    dispatched = new_case(world)
    act(world, dispatched, "dispatch", "dispatcher", timezone.now(), unit=world.dept)
    client.force_login(world.dispatcher)

    response = client.get(reverse("web:workbench"), {"tab": "all", "status": Status.DISPATCHED})

    assert codes(response) == {dispatched.tracking_code}
    assert waiting.tracking_code not in response.content.decode()


def test_all_tab_never_leaves_the_scope(client: Client, world: Any) -> None:
    new_case(world)
    client.force_login(world.stranger)

    response = client.get(reverse("web:workbench"), {"tab": "all"})

    assert codes(response) == set()


def test_htmx_filter_returns_only_the_table(client: Client, world: Any) -> None:
    new_case(world)
    client.force_login(world.dispatcher)

    response = client.get(reverse("web:workbench"), {"tab": "all"}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert "<html" not in body
    assert "<table>" in body


def test_saved_view_is_saved_applied_and_deleted(client: Client, world: Any) -> None:
    client.force_login(world.dispatcher)

    response = client.post(
        reverse("web:saved_view_create"), {"name": "待签收", "querystring": "tab=all&status=dispatched&page=3"}
    )
    view = SavedView.objects.get(user=world.dispatcher)
    assert view.querystring == "tab=all&status=dispatched"
    assert response["Location"].endswith("?tab=all&status=dispatched")
    applied = client.get(reverse("web:workbench"), {"view": view.pk})
    assert applied["Location"].endswith("?tab=all&status=dispatched")

    client.post(reverse("web:saved_view_delete", args=[view.pk]))

    assert not SavedView.objects.exists()


def test_someone_elses_saved_view_is_not_found_and_stays(client: Client, world: Any) -> None:
    view = SavedView.objects.create(user=world.caller, name="x", querystring="tab=all")
    client.force_login(world.dispatcher)

    assert client.get(reverse("web:workbench"), {"view": view.pk}).status_code == 404
    client.post(reverse("web:saved_view_delete", args=[view.pk]))

    assert SavedView.objects.filter(pk=view.pk).exists()


def test_bulk_dispatch_dispatches_each_case_and_reports_the_stale_one(client: Client, world: Any) -> None:
    a, b = new_case(world), new_case(world)
    stale_version = b.version
    act(world, b, "invalidate", "dispatcher", timezone.now(), note="重复")
    client.force_login(world.dispatcher)

    response = client.post(
        reverse("web:bulk_dispatch"),
        {"cases": [f"{a.pk}:{a.version}", f"{b.pk}:{stale_version}"], "unit": world.dept.pk},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert response.context["done"] == 1 and response.context["failed"] == 1
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == Status.DISPATCHED and a.assigned_unit == world.dept
    assert b.status == Status.INVALID
    assert "已被他人处理" in response.content.decode()


def test_bulk_dispatch_is_refused_to_a_unit_handler_and_changes_nothing(client: Client, world: Any) -> None:
    a = new_case(world)
    client.force_login(world.handler)

    response = client.post(reverse("web:bulk_dispatch"), {"cases": [f"{a.pk}:{a.version}"], "unit": world.dept.pk})

    assert response.status_code == 403
    a.refresh_from_db()
    assert a.status == Status.REGISTERED and a.version == 1


def other_district_unit(world: Any) -> Unit:
    return Unit.objects.create(
        code="410411-cgj", name="湛河区城市管理局", kind=UnitKind.DEPARTMENT, territory=world.other_district
    )


def test_bulk_dispatch_of_a_case_out_of_scope_is_not_found(client: Client, world: Any) -> None:
    a = new_case(world)
    own_unit = other_district_unit(world)
    client.force_login(world.stranger)

    response = client.post(
        reverse("web:bulk_dispatch"),
        {"cases": [f"{a.pk}:{a.version}"], "unit": own_unit.pk},
        headers={"HX-Request": "true"},
    )

    assert response.context["failed"] == 1
    assert WorkOrder.objects.get(pk=a.pk).status == Status.REGISTERED


def test_bulk_dispatch_offers_only_the_units_of_the_dispatchers_district(client: Client, world: Any) -> None:
    elsewhere = other_district_unit(world)
    client.force_login(world.dispatcher)

    offered = set(client.get(reverse("web:workbench")).context["bulk_form"].fields["unit"].queryset)

    assert {world.centre, world.dept, world.dept2} <= offered and elsewhere not in offered


def test_bulk_dispatch_to_another_districts_unit_is_refused_and_changes_nothing(client: Client, world: Any) -> None:
    a = new_case(world)
    elsewhere = other_district_unit(world)
    client.force_login(world.dispatcher)

    response = client.post(
        reverse("web:bulk_dispatch"),
        {"cases": [f"{a.pk}:{a.version}"], "unit": elsewhere.pk},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 400
    a.refresh_from_db()
    assert a.status == Status.REGISTERED and a.assigned_unit is None and a.version == 1


def test_filters_offer_all_rather_than_dashes(client: Client, world: Any) -> None:
    client.force_login(world.dispatcher)

    body = client.get(reverse("web:workbench")).content.decode()

    assert "---------" not in body
    assert '<option value="" selected>全部</option>' in body


def test_bulk_dispatch_sends_back_the_table_so_the_rows_no_longer_say_waiting(client: Client, world: Any) -> None:
    a, b = new_case(world), new_case(world)
    client.force_login(world.dispatcher)
    shown = "http://testserver" + reverse("web:workbench") + "?tab=all"

    response = client.post(
        reverse("web:bulk_dispatch"),
        {"cases": [f"{a.pk}:{a.version}"], "unit": world.dept.pk},
        headers={"HX-Request": "true", "HX-Current-URL": shown},
    )

    html = response.content.decode()
    table = html[html.index('id="case-table"') :]
    assert 'hx-swap-oob="innerHTML"' in html[html.index('id="case-table"') - 60 :]
    row_a = table[table.index(a.tracking_code) :].split("</tr>")[0]
    row_b = table[table.index(b.tracking_code) :].split("</tr>")[0]
    assert "待签收" in row_a and "城市管理局" in row_a and "待派遣" not in row_a
    assert "待派遣" in row_b  # the tab on the screen (全部) is the one sent back
    assert f'value="{a.pk}:{a.version + 1}"' in table  # the next bulk action uses the new version


def test_bulk_dispatch_from_the_queue_tab_drops_the_dispatched_rows(client: Client, world: Any) -> None:
    a, b = new_case(world), new_case(world)
    client.force_login(world.dispatcher)

    response = client.post(
        reverse("web:bulk_dispatch"),
        {"cases": [f"{a.pk}:{a.version}"], "unit": world.dept.pk},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver" + reverse("web:workbench")},
    )

    table = response.content.decode().split('id="case-table"')[1]
    assert a.tracking_code not in table and b.tracking_code in table
