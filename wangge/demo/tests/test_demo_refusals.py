"""What the ``demo`` command refuses, writing nothing."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wangge.accounts.models import Unit, User
from wangge.territory.models import Territory

pytestmark = pytest.mark.django_db


def test_boundaries_without_the_demo_districts_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    # given a boundary file that lacks 湛河区
    square = {"type": "Polygon", "coordinates": [[[113.3, 33.75], [113.4, 33.75], [113.4, 33.8], [113.3, 33.75]]]}
    data = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"adcode": 410403, "name": "卫东区"}, "geometry": square}],
    }
    path = tmp_path / "partial.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    # when / then
    with pytest.raises(CommandError, match="410411"):
        call_command("demo", "--boundaries", str(path), stdout=io.StringIO())
    assert not Territory.objects.exists()
    assert not Unit.objects.exists()
    assert not User.objects.exists()


def test_a_missing_boundaries_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"nope\.geojson"):
        call_command("demo", "--boundaries", str(tmp_path / "nope.geojson"), stdout=io.StringIO())
    assert not Territory.objects.exists()
