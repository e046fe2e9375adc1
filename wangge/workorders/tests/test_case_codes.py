"""A related case is named by its tracking code (查询码), never by its internal id: the hot-issue command's
representative cases and the Open311 receipt as the admin lists it."""

from __future__ import annotations

from io import StringIO
from types import SimpleNamespace

from django.core.management import call_command

from wangge.intel.tests.test_hotspots import FUMES
from wangge.open311.models import Submission

from .conftest import local, new_case


def test_the_hot_issue_command_names_cases_by_their_code(world: SimpleNamespace) -> None:
    cases = [new_case(world, at=local(2025, 6, 3, 9, 0), title=t, description=d) for t, d in FUMES[:3]]
    out = StringIO()
    call_command("hotspots", "--days", "7", "--district", world.district.code, "--end", "2025-06-05", stdout=out)
    listed = [line.split()[0] for line in out.getvalue().splitlines()[2:]]
    assert listed and set(listed) <= {wo.tracking_code for wo in cases}
    assert "#" not in out.getvalue()


def test_an_open311_receipt_names_its_case_by_code(world: SimpleNamespace) -> None:
    wo = new_case(world)
    assert str(Submission(service_code="E0101", work_order=wo)) == f"E0101 → {wo.tracking_code}"
