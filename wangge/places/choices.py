"""Built-in point types and the columns of the point registry's import/export files."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class BuiltinPointType:
    key: str
    name: str
    is_hazard: bool
    ordering: int


# The flood-control hazard list (防汛): rivers, underpasses, underground malls and car parks,
# geological hazard points and water-logging points; then the 双创 responsibility points.
BUILTIN_POINT_TYPES: tuple[BuiltinPointType, ...] = (
    BuiltinPointType("river", "河道", True, 10),
    BuiltinPointType("underpass", "下穿式桥涵", True, 20),
    BuiltinPointType("underground_mall", "地下商超", True, 30),
    BuiltinPointType("underground_parking", "地下停车场", True, 40),
    BuiltinPointType("geological_hazard", "地质灾害点", True, 50),
    BuiltinPointType("waterlogging", "易积水点", True, 60),
    BuiltinPointType("bridge", "桥梁/涵洞", False, 70),
    BuiltinPointType("school", "学校", False, 80),
    BuiltinPointType("shop", "门店", False, 90),
    BuiltinPointType("road", "道路", False, 100),
)


@dataclass(frozen=True)
class Column:
    key: str  # English key, also accepted as a header and used in GeoJSON properties
    header: str  # Chinese header of the spreadsheet column
    label: Promise
    required: bool = False


# Import/export columns, in file order.
POINT_COLUMNS: tuple[Column, ...] = (
    Column("code", "编码", _("编码"), True),
    Column("name", "名称", _("名称"), True),
    Column("type", "类型", _("类型"), True),
    Column("lng", "经度", _("经度"), True),
    Column("lat", "纬度", _("纬度"), True),
    Column("address", "地址", _("地址")),
    Column("responsible_name", "责任人", _("责任人"), True),
    Column("responsible_phone", "责任人电话", _("责任人电话")),
    Column("responsible_unit", "责任单位编码", _("责任单位编码")),
    Column("notes", "备注", _("备注")),
)

# The datum an exported workbook declares in its keywords ("wangge-crs:gcj02"); the import refuses another.
FILE_CRS_KEY = "wangge-crs:"

# Extra, read-only columns written on export and ignored on import.
EXPORT_ONLY_COLUMNS: tuple[tuple[str, str], ...] = (("grid", "所在网格"), ("territory", "所在辖区"))

# Header spellings accepted on import -> column key.
HEADER_ALIASES: dict[str, str] = {
    **{c.header: c.key for c in POINT_COLUMNS},
    **{c.key: c.key for c in POINT_COLUMNS},
    "点位编码": "code",
    "点位名称": "name",
    "类型键": "type",
    "点位类型": "type",
    "type_key": "type",
    "longitude": "lng",
    "latitude": "lat",
    "lon": "lng",
    "责任人姓名": "responsible_name",
    "责任人手机": "responsible_phone",
    "联系电话": "responsible_phone",
    "phone": "responsible_phone",
    "责任单位": "responsible_unit",
    "responsible_unit_code": "responsible_unit",
    "unit": "responsible_unit",
}
