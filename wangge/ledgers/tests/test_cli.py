"""The ledger commands: ledger_import (exit 1 and the row report on any bad row), ledger_export, ledger_summary."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import load_workbook

from wangge.hazards.models import HazardFinding, HazardType
from wangge.keypersons.models import KeyPerson, KeyPersonCategory
from wangge.ledgers.models import Building, Resident
from wangge.ledgers.tests.test_import_export import (  # the fixture and the workbook builders
    GRID1,
    GRID2,
    RESIDENT_HEADER,
    id_number,
    ledger_world,
    resident_rows,
    workbook,
)

__all__ = ["ledger_world"]

SUMMARY_KEYS = [
    "buildings",
    "households",
    "residents",
    "merchants",
    "hazards_open",
    "hazards_overdue",
    "key_persons",
    "visits_overdue",
]


def _file(tmp_path: Path, rows: list[list[Any]], name: str = "residents.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(workbook(RESIDENT_HEADER, rows))
    return path


def test_ledger_import_prints_the_count_on_success(ledger_world: Any, tmp_path: Path) -> None:
    out = io.StringIO()

    call_command("ledger_import", "residents", str(_file(tmp_path, resident_rows(12))), stdout=out)

    assert out.getvalue().strip() == "imported 12 residents from residents.xlsx"
    assert Resident.objects.count() == 12


def test_ledger_import_fails_with_the_row_report_and_writes_nothing(ledger_world: Any, tmp_path: Path) -> None:
    rows = resident_rows(12)
    rows[6][1] = id_number(6, valid=False)
    err = io.StringIO()

    with pytest.raises(CommandError) as failed:
        call_command("ledger_import", "residents", str(_file(tmp_path, rows)), stderr=err)

    assert failed.value.returncode == 1
    assert "row 8\t公民身份号码\tinvalid_id_number" in err.getvalue()
    assert Resident.objects.count() == 0


def test_ledger_import_as_a_grid_worker_is_held_to_the_workers_grid(ledger_world: Any, tmp_path: Path) -> None:
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "ledger_import", "residents", str(_file(tmp_path, resident_rows(2, GRID2))), "--as", "worker", stderr=err
        )
    assert "record_denied" in err.getvalue()
    assert Resident.objects.count() == 0


def test_ledger_import_refuses_an_unknown_kind(ledger_world: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as failed:
        call_command("ledger_import", "spaceships", str(_file(tmp_path, resident_rows(1))), stderr=io.StringIO())
    assert "unknown_ledger" in str(failed.value)


def test_ledger_export_writes_a_masked_workbook_unless_revealed(ledger_world: Any, tmp_path: Path) -> None:
    call_command("ledger_import", "residents", str(_file(tmp_path, resident_rows(3))), stdout=io.StringIO())
    masked, full = tmp_path / "masked.xlsx", tmp_path / "full.xlsx"

    call_command("ledger_export", "residents", "--scope", "410403", "--out", str(masked), stdout=io.StringIO())
    call_command("ledger_export", "residents", "--scope", GRID1, "--out", str(full), "--reveal", stdout=io.StringIO())

    masked_ids = [r[1] for r in load_workbook(masked).worksheets[0].iter_rows(min_row=2, values_only=True)]
    full_ids = [r[1] for r in load_workbook(full).worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert len(masked_ids) == 3 and all("****" in v for v in masked_ids)
    assert sorted(full_ids) == sorted(id_number(i) for i in range(3))
    with pytest.raises(CommandError):
        call_command("ledger_export", "residents", "--scope", "999999", "--out", str(masked))


def test_ledger_summary_prints_one_json_object_with_the_counts_in_the_subtree(
    ledger_world: Any, tmp_path: Path
) -> None:
    call_command("ledger_import", "residents", str(_file(tmp_path, resident_rows(4))), stdout=io.StringIO())
    Building.objects.create(code=GRID1 + "001", name="1号楼", grid=ledger_world.grid1)
    Building.objects.create(code=GRID2 + "001", name="1号楼", grid=ledger_world.grid2)
    now = timezone.now()
    fire = HazardType.objects.get(key="fire")
    for code, due in (("YH1", now - dt.timedelta(days=1)), ("YH2", now + dt.timedelta(days=3))):
        HazardFinding.objects.create(
            code=code, type=fire, title="t", grid=ledger_world.grid1, found_at=now, owner_name="王", due_at=due
        )
    category = KeyPersonCategory.objects.first() or KeyPersonCategory.objects.create(key="k", name="类别")
    KeyPerson.objects.create(
        resident=Resident.objects.order_by("pk")[0],
        category=category,
        grid=ledger_world.grid1,
        started_on=dt.date(2024, 1, 1),
        next_visit_due=dt.date(2024, 2, 1),
    )
    out = io.StringIO()

    call_command("ledger_summary", GRID1, stdout=out)

    data = json.loads(out.getvalue())
    assert list(data) == SUMMARY_KEYS
    assert data == {
        "buildings": 1,
        "households": 0,
        "residents": 4,
        "merchants": 0,
        "hazards_open": 2,
        "hazards_overdue": 1,
        "key_persons": 1,
        "visits_overdue": 1,
    }
    other = io.StringIO()
    call_command("ledger_summary", GRID2, stdout=other)
    assert json.loads(other.getvalue())["residents"] == 0


def test_the_command_exits_with_status_1_from_the_shell(tmp_path: Path) -> None:
    """``manage.py ledger_import`` on an unreadable file exits 1 (what an operator's script sees)."""
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    root = Path(__file__).resolve().parents[3]
    run = subprocess.run(
        [sys.executable, "manage.py", "ledger_import", "residents", str(bad)],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"},
        timeout=300,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    assert "unreadable_file" in run.stderr
