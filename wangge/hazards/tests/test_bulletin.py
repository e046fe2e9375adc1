"""The daily bulletin's section 治安隐患超期未整改: findings open or awaiting their check whose deadline passed
before the bulletin's cut-off, within its territory (or, for a unit's bulletin, those the unit must rectify)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from wangge.hazards.services import hazard_transition
from wangge.hazards.tests.conftest import jpeg, local, report
from wangge.reports import bulletins
from wangge.reports.layout import bulletin_tables

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 6, 11)


def test_overdue_hazards_in_the_bulletin(hw: SimpleNamespace) -> None:
    late = report(hw, deadline_days=1, title="电话13812345678的业主占用通道")  # due 4 June
    waiting = report(hw, deadline_days=2, type=hw.gambling)  # due 5 June, rectified, not yet checked
    hazard_transition(
        actor=hw.worker,
        finding=waiting,
        name="submit_rectification",
        rectification="好",
        after_photos=[jpeg()],
        now=local(2025, 6, 10, 9, 0),
    )
    done = report(hw, deadline_days=1)
    hazard_transition(
        actor=hw.worker,
        finding=done,
        name="submit_rectification",
        rectification="好",
        after_photos=[jpeg()],
        now=local(2025, 6, 4, 9, 0),
    )
    hazard_transition(actor=hw.community_staff, finding=done, name="verify", now=local(2025, 6, 4, 10, 0))
    report(hw, deadline_days=6)  # due at the end of office hours on 11 June: not yet overdue at noon
    report(hw, deadline_days=20)  # not yet due
    unit_owned = report(
        hw, deadline_days=1, owner_unit=hw.dept, building=None, lng=113.07, lat=33.01, actor=hw.community_staff
    )

    data = bulletins.compute(bulletins.resolve_scope(hw.grid1.code), DAY, now=local(2025, 6, 11, 12, 0))

    section = data["hazards_overdue"]
    assert [r["code"] for r in section["rows"]] == [late.code, waiting.code]
    assert section["total"] == 2
    assert {r["type"]: r["count"] for r in section["by_type"]} == {"消防": 1, "涉赌": 1}
    assert "13812345678" not in section["rows"][0]["title"]  # quoted text is masked
    assert section["rows"][1]["status_label"] == "待核查"

    street = bulletins.compute(bulletins.resolve_scope(hw.street.code), DAY, now=local(2025, 6, 12, 9, 0))
    assert street["hazards_overdue"]["total"] == 4  # the day's cut-off (24:00) passed the 11 June deadline too
    unit = bulletins.compute(bulletins.resolve_scope(f"unit:{hw.dept.code}"), DAY, now=local(2025, 6, 12, 9, 0))
    assert [r["code"] for r in unit["hazards_overdue"]["rows"]] == [unit_owned.code]
    elsewhere = bulletins.compute(bulletins.resolve_scope(hw.other_district.code), DAY)
    assert elsewhere["hazards_overdue"]["total"] == 0


def test_the_section_is_a_table_of_every_output(hw: SimpleNamespace) -> None:
    late = report(hw, deadline_days=1)

    data = bulletins.compute(bulletins.resolve_scope(hw.district.code), DAY, now=local(2025, 6, 11, 12, 0))
    table = next(t for t in bulletin_tables(data) if t.key == "hazards_overdue")

    assert table.title == "超期隐患" and "治安隐患超期未整改" in table.heading
    assert [r["code"] for r in table.rows] == [late.code]
    assert "共 1 件" in table.notes[0] and "消防 1 件" in table.notes[0]
    old = {k: v for k, v in data.items() if k != "hazards_overdue"}  # a snapshot stored before the section
    assert all(t.key != "hazards_overdue" for t in bulletin_tables(old))
