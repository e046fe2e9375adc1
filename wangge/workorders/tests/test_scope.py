"""Who sees which case: grid workers their grids, a unit what is dispatched to it, the command centre its
district. A case out of scope answers exactly like one that does not exist."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from wangge.accounts.models import User
from wangge.core.errors import NotFound
from wangge.workorders.models import WorkOrder
from wangge.workorders.services import work_order_transition

from .conftest import act, local, new_case

T0 = local(2025, 6, 3, 9, 0)

# (user, sees a case in grid 1 dispatched to 城市管理局)
MATRIX = [
    ("worker", True),  # grid worker of grid 1
    ("other_worker", False),  # grid worker of grid 2
    ("handler", True),  # the unit it is dispatched to
    ("other_handler", False),  # another unit
    ("dispatcher", True),  # command centre of the district
    ("caller", True),
    ("inspector", True),
    ("leader", True),
    ("stranger", False),  # command centre of another district
    ("no_role", False),
    ("anonymous", False),
]


@pytest.fixture
def case(world: SimpleNamespace) -> WorkOrder:
    world.no_role = User.objects.create_user(username="no_role", password="x-Passw0rd-long")
    world.anonymous = None
    wo = new_case(world, at=T0)
    return act(world, wo, "dispatch", "dispatcher", T0 + dt.timedelta(minutes=5), unit=world.dept)


@pytest.mark.parametrize(("who", "sees"), MATRIX)
def test_who_sees_a_dispatched_case(world: SimpleNamespace, case: WorkOrder, who: str, sees: bool) -> None:
    assert WorkOrder.objects.restrict(getattr(world, who)).filter(pk=case.pk).exists() is sees


def test_a_registered_case_is_not_yet_the_units(world: SimpleNamespace) -> None:
    wo = new_case(world, at=T0)
    assert not WorkOrder.objects.restrict(world.handler).filter(pk=wo.pk).exists()
    assert WorkOrder.objects.restrict(world.worker).filter(pk=wo.pk).exists()


def test_a_returned_case_leaves_the_unit(world: SimpleNamespace, case: WorkOrder) -> None:
    act(world, case, "return", "handler", T0 + dt.timedelta(minutes=10), note="非本单位职责")
    assert not WorkOrder.objects.restrict(world.handler).filter(pk=case.pk).exists()
    assert WorkOrder.objects.restrict(world.dispatcher).filter(pk=case.pk).exists()


def test_a_district_level_case_is_seen_by_the_district_not_by_grid_workers(world: SimpleNamespace) -> None:
    wo = new_case(world, at=T0, lng=None, lat=None, address="", district=world.district)
    assert wo.grid is None and wo.scope_path == world.district.path
    assert WorkOrder.objects.restrict(world.dispatcher).filter(pk=wo.pk).exists()
    assert not WorkOrder.objects.restrict(world.worker).filter(pk=wo.pk).exists()


@pytest.mark.parametrize("who", [w for w, sees in MATRIX if not sees and w != "anonymous"])
def test_out_of_scope_answers_exactly_like_a_missing_case(world: SimpleNamespace, case: WorkOrder, who: str) -> None:
    missing = WorkOrder.objects.order_by("-pk").values_list("pk", flat=True).first() + 1000  # type: ignore[operator]
    errors = []
    for pk in (case.pk, missing):
        with pytest.raises(NotFound) as err:
            work_order_transition(actor=getattr(world, who), work_order_id=pk, name="supervise", level="red", note="x")
        errors.append((type(err.value), err.value.code, str(err.value), err.value.http_status))
    assert errors[0] == errors[1]
    assert WorkOrder.objects.get(pk=case.pk).supervision == ""
