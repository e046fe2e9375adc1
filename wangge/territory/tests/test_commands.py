"""The territory management commands: locate, territory_import, territory_export, territory_summary."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wangge.accounts.models import RoleGrant, User
from wangge.core import geo
from wangge.core.actors import SYSTEM
from wangge.places.models import Point, PointType
from wangge.territory.importing import territory_import_geojson
from wangge.territory.models import Territory
from wangge.territory.tests.factories import S, W, box_geometry, collection, district_features, feature

pytestmark = pytest.mark.django_db


@pytest.fixture
def district() -> Territory:
    territory_import_geojson(actor=SYSTEM, data=collection(*district_features()), crs="wgs84")
    return Territory.objects.get(code="410403")


def _run(*args: Any) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_locate_prints_the_path_from_the_district_down(district: Territory) -> None:
    gcj = geo.wgs84_to_gcj02(W + 0.01, S + 0.01)
    out, _ = _run("locate", str(gcj[0]), str(gcj[1]), "--crs", "gcj02")
    assert out.splitlines() == [
        "410403 卫东区",
        "410403001 东安路街道",
        "410403001001 建设路社区",
        "410403001001001 建设路第1网格",
    ]


def test_locate_starts_at_the_district_under_a_city(district: Territory) -> None:
    # Given the district hung under a city
    territory_import_geojson(
        actor=SYSTEM, data=collection(feature("410400", "city", box_geometry(113.0, 33.5, 113.6, 34.0))), crs="wgs84"
    )
    Territory.objects.move(district, Territory.objects.get(code="410400"), "sorted-child")
    # When a point in the fallback community is located
    out, _ = _run("locate", str(W + 0.01), str(S + 0.07))
    # Then the output starts at the district
    assert out.splitlines() == ["410403 卫东区", "410403001 东安路街道", "410403001002 五一路社区"]


def test_locate_outside_every_territory_exits_1(district: Territory) -> None:
    with pytest.raises(CommandError) as caught:
        _run("locate", "116.40", "39.90", "--crs", "gcj02")
    assert caught.value.returncode == 1
    assert "不在任何辖区内" in str(caught.value) and "outside every territory" in str(caught.value)


def test_territory_import_prints_counts(tmp_path: Path) -> None:
    path = tmp_path / "weidong.geojson"
    path.write_text(json.dumps(collection(*district_features()), ensure_ascii=False), encoding="utf-8")
    out, _ = _run("territory_import", str(path), "--crs", "wgs84", "--synthetic")
    assert "新建 7" in out and "created 7" in out
    assert Territory.objects.filter(is_synthetic=True).count() == 7


def test_territory_import_lists_every_error_and_exits_nonzero(tmp_path: Path) -> None:
    features = district_features()
    features[1]["properties"]["code"] = "4104030"
    features[3]["geometry"] = {"type": "Point", "coordinates": [W, S]}
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(collection(*features)), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("territory_import", str(path), stdout=StringIO(), stderr=err)
    assert caught.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert any(line.startswith("第 1 个要素 4104030") for line in lines)
    assert any(line.startswith("第 3 个要素 410403001001") and "Polygon" in line for line in lines)
    assert Territory.objects.count() == 0


def test_territory_import_refuses_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.geojson"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        _run("territory_import", str(path))
    assert caught.value.returncode == 2


def test_territory_export_writes_the_subtree(district: Territory, tmp_path: Path) -> None:
    path = tmp_path / "out.geojson"
    _run("territory_export", "410403001", "--out", str(path), "--crs", "bd09", "--kinds", "community,grid")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(f["properties"]["code"] for f in data["features"]) == [
        "410403001001",
        "410403001001001",
        "410403001001002",
        "410403001002",
    ]


def test_territory_summary_counts_kinds_workers_and_points(district: Territory) -> None:
    # Given two grid workers in the district (one with two grids), one outside it, and points
    grid1 = Territory.objects.get(code="410403001001001")
    grid2 = Territory.objects.get(code="410403001001002")
    a, b, c = (User.objects.create(username=n) for n in ("a", "b", "c"))
    RoleGrant.objects.create(user=a, role="grid_worker", territory=grid1)
    RoleGrant.objects.create(user=a, role="grid_worker", territory=grid2)
    RoleGrant.objects.create(user=b, role="grid_worker", territory=grid2)
    RoleGrant.objects.create(user=c, role="community_staff", territory=grid2)
    outside = Territory.objects.create(code="410411", name="湛河区", kind="district", path="0099", depth=1)
    RoleGrant.objects.create(user=c, role="grid_worker", territory=outside)
    river = PointType.objects.create(key="river", name="河道")
    PointType.objects.create(key="school", name="学校")
    for i, where in enumerate([grid1, grid2, outside]):
        Point.objects.create(
            code=f"P{i}", name=f"点{i}", type=river, lng=W, lat=S, territory=where, responsible_name="张三"
        )
    # When summarised
    out, _ = _run("territory_summary", "410403")
    summary = json.loads(out)
    # Then the root counts under its own kind, every lower kind is listed, zero included
    assert summary["code"] == "410403" and summary["name"] == "卫东区"
    assert summary["counts"] == {"district": 1, "street": 2, "community": 2, "grid": 2, "building": 0}
    assert summary["grid_workers"] == 2
    assert summary["points_by_type"] == {"river": 2, "school": 0}


def test_territory_summary_of_an_unknown_code_fails() -> None:
    with pytest.raises(CommandError):
        _run("territory_summary", "999999")
