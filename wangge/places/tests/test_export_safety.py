"""The points workbook holds no live formula, whatever the points' names and notes say, and reads back the
same: formula-like text is quote-prefixed, not given a visible apostrophe."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from wangge.accounts.tests.factories import Tree, territory_tree
from wangge.core.actors import SYSTEM
from wangge.core.tests.test_spreadsheets import PAYLOADS
from wangge.places import exporting, importing, services
from wangge.places.models import Point
from wangge.places.tests.factories import PointFactory, PointTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile() -> Tree:
    """Points whose name, address, responsible person, notes and type name start with a formula prefix (a
    workbook imported from elsewhere carries them in)."""
    services.point_types_seed()
    tree = territory_tree()
    kind = PointTypeFactory.create(key="hostile", name=PAYLOADS[0])
    for i, payload in enumerate(PAYLOADS):
        PointFactory.create(
            code=f"HZ-{i:03d}",
            name=payload,
            type=kind,
            address=payload,
            responsible_name=payload[:20],
            notes=payload,
            territory=tree.grid_a1,
            grid=tree.grid_a1,
        )
    return tree


def test_points_xlsx_holds_no_formula(hostile: Tree) -> None:
    # when the points are exported
    data = exporting.points_export_xlsx(queryset=Point.objects.all(), actor=SYSTEM)

    # then no cell is a formula, and the names read as stored
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    names = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {f"HZ-{i:03d}": payload.replace("\r", "\n") for i, payload in enumerate(PAYLOADS)}
    assert all(c.quotePrefix for c in sheet["B"][1:])


def test_points_xlsx_imports_back_unchanged(hostile: Tree) -> None:
    # given an export of the points (those whose text starts with a tab or a carriage return aside: the
    # import trims cells, as it trims any typed value)
    kept = Point.objects.exclude(name__regex=r"^\s")
    data = exporting.points_export_xlsx(queryset=kept, actor=SYSTEM)

    # when it is imported again
    result = importing.points_import_xlsx(actor=SYSTEM, file=data)

    # then nothing changed: no apostrophe crept into a name
    assert result.unchanged == sorted(kept.values_list("code", flat=True)) != []
