"""Reading the FeatureCollection: each feature's properties, code and coordinates, then one datum conversion
for the whole file and the outline checks in WGS-84. Every problem is collected, nothing is raised."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from wangge.core import geo
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.territory.outlines import coordinate_problem
from wangge.territory.rules import code_problem


@dataclass
class Incoming:
    """One feature that passed its own checks, its outline converted to WGS-84."""

    index: int
    code: str
    name: str
    kind: str
    parent_code: str | None  # explicit property
    synthetic: bool  # the feature's own is_synthetic property
    geometry: dict[str, Any]  # WGS-84 GeoJSON
    shape: BaseGeometry
    parent_key: str | None = None  # resolved parent code, None for a root
    resolved: bool = False  # the parent (or root status) is known
    depth: int = 0


class Problems:
    """Every problem found, as ``{"feature", "code", "reason"}`` rows, and the features that have one."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.bad: set[int] = set()

    def add(self, index: int | None, code: str | None, reason: str) -> None:
        self.items.append({"feature": index, "code": code, "reason": reason})
        if index is not None:
            self.bad.add(index)

    def __bool__(self) -> bool:
        return bool(self.items)


def parse_features(data: Any, crs: str, problems: Problems) -> list[Incoming]:
    """The features that pass their own checks; the problems of the others go to ``problems``."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        problems.add(None, None, _("文件不是 GeoJSON FeatureCollection (not a GeoJSON FeatureCollection)"))
        return []
    features = data.get("features")
    if not isinstance(features, list):
        problems.add(None, None, _("FeatureCollection 缺少 features 列表 (features must be a list)"))
        return []
    if not features:
        problems.add(None, None, _("文件中没有要素 (the file has no features)"))
        return []
    parsed: list[Incoming] = []
    candidates: list[tuple[int, str, str, str, str | None, bool, bool, dict[str, Any]]] = []
    for index, feature in enumerate(features):
        if not isinstance(feature, dict):
            problems.add(index, None, _("要素格式错误 (feature is not an object)"))
            continue
        props = feature.get("properties") or {}
        raw_code = props.get("code")
        code = str(raw_code).strip() if raw_code not in (None, "") else ""
        name = str(props.get("name") or "").strip()
        kind = str(props.get("kind") or "").strip()
        raw_parent = props.get("parent_code")
        parent_code = str(raw_parent).strip() if raw_parent not in (None, "") else None
        failed = False
        if not code:
            problems.add(index, None, _("缺少编码 code (missing code)"))
            failed = True
        if not name:
            problems.add(index, code or None, _("缺少名称 name (missing name)"))
            failed = True
        elif len(name) > Territory._meta.get_field("name").max_length:  # type: ignore[operator]
            problems.add(index, code or None, _("名称过长，最多 100 字 (name too long)"))
            failed = True
        if kind not in TerritoryKind.values:
            problems.add(
                index,
                code or None,
                _("层级 kind 无效：%(kind)r，应为 %(allowed)s (unknown kind)")
                % {"kind": kind, "allowed": ", ".join(TerritoryKind.values)},
            )
            failed = True
        elif code:
            reason = code_problem(code, kind)
            if reason:
                problems.add(index, code, reason)
                failed = True
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            gtype = geometry.get("type") if isinstance(geometry, dict) else None
            problems.add(
                index,
                code or None,
                _("几何类型应为 Polygon 或 MultiPolygon，实际为 %(t)s (not a Polygon/MultiPolygon)") % {"t": gtype},
            )
            continue
        reason = coordinate_problem(geometry, crs)
        if reason:
            problems.add(index, code or None, reason)
            continue
        synthetic = props.get("is_synthetic") in (True, 1, "true", "True", "1")
        candidates.append((index, code, name, kind, parent_code, synthetic, failed, geometry))
    # One vectorised datum conversion for the whole file.
    converted = geo.transform_geometries([c[-1] for c in candidates], crs)
    for (index, code, name, kind, parent_code, synthetic, failed, _raw), wgs in zip(candidates, converted, strict=True):
        geom = shape(wgs)
        if not geom.is_valid:
            problems.add(
                index,
                code or None,
                _("多边形无效（如自相交）：%(why)s (invalid polygon)") % {"why": explain_validity(geom)},
            )
            continue
        if geom.is_empty or geom.area <= 0:
            problems.add(index, code or None, _("多边形面积为零 (polygon has no area)"))
            continue
        if failed:
            continue
        parsed.append(
            Incoming(
                index=index,
                code=code,
                name=name,
                kind=kind,
                parent_code=parent_code,
                synthetic=synthetic,
                geometry=wgs,
                shape=geom,
            )
        )
    return parsed
