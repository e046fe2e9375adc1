"""Small synthetic territory layouts (WGS-84 boxes near 平顶山) and a treebeard-aware factory."""

from __future__ import annotations

from typing import Any

import factory

from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

# The test district: a 0.10° x 0.10° box (about 9 km x 11 km) south-west of 卫东区's centre.
W, S = 113.30, 33.70


def ring(west: float, south: float, east: float, north: float) -> list[list[float]]:
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def box_geometry(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": [ring(west, south, east, north)]}


def feature(
    code: str,
    kind: str,
    geometry: dict[str, Any] | None,
    *,
    name: str | None = None,
    parent_code: str | None = None,
) -> dict[str, Any]:
    props: dict[str, Any] = {"code": code, "name": name or f"节点{code}", "kind": kind}
    if parent_code is not None:
        props["parent_code"] = parent_code
    return {"type": "Feature", "properties": props, "geometry": geometry}


def collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def district_features() -> list[dict[str, Any]]:
    """区 410403 → 2 streets → street 001 has 2 communities → community 001001 has 2 grids.

    Community 410403001002 (north-west quarter) has no grid: points there fall back to it.
    Street 410403002 (east half) has no community.
    """
    return [
        feature("410403", "district", box_geometry(W, S, W + 0.10, S + 0.10), name="卫东区"),
        feature("410403001", "street", box_geometry(W, S, W + 0.05, S + 0.10), name="东安路街道"),
        feature("410403002", "street", box_geometry(W + 0.05, S, W + 0.10, S + 0.10), name="北环路街道"),
        feature("410403001001", "community", box_geometry(W, S, W + 0.05, S + 0.05), name="建设路社区"),
        feature("410403001002", "community", box_geometry(W, S + 0.05, W + 0.05, S + 0.10), name="五一路社区"),
        feature("410403001001001", "grid", box_geometry(W, S, W + 0.025, S + 0.05), name="建设路第1网格"),
        feature("410403001001002", "grid", box_geometry(W + 0.025, S, W + 0.05, S + 0.05), name="建设路第2网格"),
    ]


class TerritoryFactory(factory.django.DjangoModelFactory):
    """A stored node; pass ``parent=`` for a child (treebeard needs add_root/add_child)."""

    class Meta:
        model = Territory

    code = factory.Sequence(lambda n: f"{990000 + n:06d}")
    name = factory.Sequence(lambda n: f"测试区{n}")
    kind = TerritoryKind.DISTRICT
    geometry = None

    @classmethod
    def _create(cls, model_class: type[Territory], *args: Any, **kwargs: Any) -> Territory:
        parent = kwargs.pop("parent", None)
        if parent is None:
            return model_class.objects.add_root(create_kwargs=kwargs)
        return model_class.objects.add_child(parent, create_kwargs=kwargs)


def located_code(lng: float, lat: float, crs: str = "wgs84") -> str | None:
    """Code of the node the locator answers for the point, or None."""
    from wangge.territory import locator

    node = locator.locate(lng, lat, crs)
    return node.code if node is not None else None
