from django.db import models
from django.utils.translation import gettext_lazy as _


class TerritoryKind(models.TextChoices):
    """Levels of the territory tree. ``depth`` of a kind is its place in WANGGE_CODE_SEGMENTS."""

    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    DISTRICT = "district", _("区/县")
    STREET = "street", _("街道/乡镇")
    COMMUNITY = "community", _("社区/村")
    GRID = "grid", _("网格")
    BUILDING = "building", _("楼栋")


# Kinds that carry a hierarchical code built from WANGGE_CODE_SEGMENTS, in order.
CODED_KINDS = [
    TerritoryKind.DISTRICT,
    TerritoryKind.STREET,
    TerritoryKind.COMMUNITY,
    TerritoryKind.GRID,
    TerritoryKind.BUILDING,
]

# Which kinds may sit directly under which.
ALLOWED_CHILDREN: dict[str, set[str]] = {
    TerritoryKind.PROVINCE: {TerritoryKind.CITY, TerritoryKind.DISTRICT},
    TerritoryKind.CITY: {TerritoryKind.DISTRICT},
    TerritoryKind.DISTRICT: {TerritoryKind.STREET},
    TerritoryKind.STREET: {TerritoryKind.COMMUNITY},
    TerritoryKind.COMMUNITY: {TerritoryKind.GRID},
    TerritoryKind.GRID: {TerritoryKind.BUILDING},
    TerritoryKind.BUILDING: set(),
}
