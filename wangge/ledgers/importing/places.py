"""Importing the places of the 基础台账: 小区 (estates), 楼栋 (buildings), 户 (households), and 商户/单位.

Every import creates new rows: a code (or credit code, or building + unit + room) already in the ledger or given
twice in the file is refused with the row that has it. A building's code continues its grid's code; a
household without a 户编码 gets one (the building code + unit + room, or the grid code + a sequence).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext as _

from wangge.ledgers.errors import ErrorCode
from wangge.ledgers.importing.cells import Places, in_chunks, problem, record_scope
from wangge.ledgers.importing.codes import ImportCode
from wangge.ledgers.kinds import Column, Problem, Record
from wangge.ledgers.models import Building, Estate, Household, Merchant
from wangge.ledgers.records import (
    MAX_LENGTHS,
    apply_clean,
    as_text,
    clean_building,
    clean_estate,
    clean_household,
    clean_merchant,
)
from wangge.places.models import Point
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

BATCH = 1000


@dataclass
class Item:
    row: int
    clean: dict[str, Any]
    links: dict[str, Any]


def _dupes(
    row: int, field: str, value: str, label: str, first: dict[str, int], taken: set[str], problems: list[Problem]
) -> None:
    """A value given twice in the file, or already used in the ledger."""
    if not value:
        return
    if value in first:
        reason = _("%(l)s与第 %(row)d 行重复") % {"l": label, "row": first[value]}
        problems.append(problem(row, field, ImportCode.DUPLICATE_IN_FILE, reason))
        return
    first[value] = row
    if value in taken:
        error = ErrorCode.CREDIT_CODE_TAKEN if field == "credit_code" else ErrorCode.CODE_TAKEN
        problems.append(problem(row, field, error, _("%(l)s %(v)s 已登记") % {"l": label, "v": value}))


def _taken(model: Any, field: str, values: list[str]) -> set[str]:
    return {getattr(obj, field) for obj in in_chunks(model.objects.only(field), field, values)}


def _validate(
    actor: Any,
    records: list[Record],
    clean: Callable[[dict[str, Any]], tuple[dict[str, Any], list[Problem]]],
    link: Callable[[int, dict[str, Any], dict[str, Any], Places, list[Problem]], dict[str, Any]],
    place_field: str = "grid",
    place_kind: str = TerritoryKind.GRID,
    place_header: str = "网格编码",
) -> tuple[list[Item], list[Problem], Places]:
    places = Places(record_scope(actor), (as_text(raw.get(place_field)) for _row, raw in records))
    items: list[Item] = []
    problems: list[Problem] = []
    for row, raw in records:
        cleaned, found = clean(raw)
        row_problems = [{"row": row, **p} for p in found]
        node, misplaced = places.find(row, place_field, place_header, as_text(raw.get(place_field)), place_kind)
        if misplaced:
            row_problems.append(misplaced)
        links = link(row, raw, cleaned, places, row_problems)
        links[place_field] = node
        problems.extend(row_problems)
        items.append(Item(row, cleaned, links))
    return items, problems, places


def _create(model: Any, items: list[Item]) -> int:
    objs = []
    for item in items:
        obj = model(**item.links)
        apply_clean(obj, item.clean)
        objs.append(obj)
    model.objects.bulk_create(objs, batch_size=BATCH)
    return len(objs)


# -- estates ------------------------------------------------------------------------------------------------

ESTATE_COLUMNS: tuple[Column, ...] = (
    Column("code", "小区编码", True, ("code",), "全区唯一"),
    Column("name", "小区名称", True, ("name",), ""),
    Column("community", "社区编码", True, ("community",), "所属社区/村的编码"),
    Column("address", "地址", False, ("address",), ""),
    Column("property_company", "物业服务企业", False, ("property_company",), ""),
    Column("property_contact", "物业联系电话", False, ("property_contact",), ""),
    Column("owners_committee", "业主委员会", False, ("owners_committee",), ""),
)
ESTATE_EXAMPLE = ("410403001001-01", "示例小区", "410403001001", "示例路1号", "示例物业公司", "0375-1234567", "")


def validate_estates(actor: Any, records: list[Record]) -> tuple[list[Item], list[Problem]]:
    first: dict[str, int] = {}
    taken = _taken(Estate, "code", [as_text(r.get("code")) for _n, r in records])

    def link(
        row: int, raw: dict[str, Any], clean: dict[str, Any], places: Places, out: list[Problem]
    ) -> dict[str, Any]:
        if not clean.get("code") and "code" in clean:
            out.append(problem(row, "code", ErrorCode.REQUIRED, _("必填项不能为空")))
        _dupes(row, "code", clean.get("code", ""), _("小区编码"), first, taken, out)
        return {}

    items, problems, _places = _validate(
        actor, records, clean_estate, link, "community", TerritoryKind.COMMUNITY, "社区编码"
    )
    return items, problems


def write_estates(actor: Any, items: list[Item], source: str) -> int:
    return _create(Estate, items)


# -- buildings ----------------------------------------------------------------------------------------------

BUILDING_COLUMNS: tuple[Column, ...] = (
    Column("code", "楼栋编码", True, ("code",), "网格编码 + 三位序号，如 410403001001001001"),
    Column("name", "楼栋名称", True, ("name",), ""),
    Column("grid", "网格编码", True, ("grid",), "所在网格的编码，须在您负责的范围内"),
    Column("estate", "小区", False, ("estate", "小区编码"), "已登记小区的编码或名称（同一社区内）"),
    Column("address", "地址", False, ("address",), ""),
    Column("floors", "层数", False, ("floors",), "1–200 的整数"),
    Column("units", "单元数", False, ("units",), "1–50 的整数"),
    Column("head_name", "楼栋长", False, ("head_name",), ""),
    Column("head_phone", "楼栋长电话", False, ("head_phone",), ""),
    Column("lng", "经度", False, ("lng",), "WGS-84 经度"),
    Column("lat", "纬度", False, ("lat",), "WGS-84 纬度"),
)
BUILDING_EXAMPLE = (
    "410403001001001001",
    "1号楼",
    "410403001001001",
    "示例小区",
    "示例路1号",
    6,
    2,
    "李楼长",
    "13900000000",
    113.3,
    33.74,
)


def validate_buildings(actor: Any, records: list[Record]) -> tuple[list[Item], list[Problem]]:
    first: dict[str, int] = {}
    taken = _taken(Building, "code", [as_text(r.get("code")) for _n, r in records])
    names = {as_text(r.get("estate")) for _n, r in records} - {""}
    estates = list(Estate.objects.filter(code__in=names)) + list(Estate.objects.filter(name__in=names))
    by_code = {e.code: e for e in estates}
    by_name: dict[tuple[int, str], Estate] = {(e.community_id, e.name): e for e in estates}

    def link(
        row: int, raw: dict[str, Any], clean: dict[str, Any], places: Places, out: list[Problem]
    ) -> dict[str, Any]:
        code = clean.get("code", "")
        grid_code = as_text(raw.get("grid"))
        if "code" in clean and not code:
            out.append(problem(row, "code", ErrorCode.REQUIRED, _("必填项不能为空")))
        elif code and grid_code and not (code.startswith(grid_code) and len(code) > len(grid_code)):
            out.append(
                problem(
                    row, "code", ErrorCode.GRID_MISMATCH, _("楼栋编码须以所在网格编码 %(g)s 开头") % {"g": grid_code}
                )
            )
        _dupes(row, "code", code, _("楼栋编码"), first, taken, out)
        estate_text = as_text(raw.get("estate"))
        if not estate_text:
            return {}
        grid, _p = places.find(row, "grid", "网格编码", grid_code)
        community_id = grid.get_parent().pk if grid is not None else None
        estate = by_code.get(estate_text) or by_name.get((community_id or 0, estate_text))
        if estate is None:
            out.append(problem(row, "estate", ErrorCode.ESTATE_NOT_FOUND, _("小区 %(e)s 不存在") % {"e": estate_text}))
        elif community_id is not None and estate.community_id != community_id:
            out.append(
                problem(row, "estate", ErrorCode.ESTATE_ELSEWHERE, _("小区 %(e)s 属于其他社区") % {"e": estate_text})
            )
        return {"estate": estate}

    items, problems, _places = _validate(actor, records, clean_building, link)
    return items, problems


def write_buildings(actor: Any, items: list[Item], source: str) -> int:
    return _create(Building, items)


# -- households ---------------------------------------------------------------------------------------------

HOUSEHOLD_COLUMNS: tuple[Column, ...] = (
    Column("code", "户编码", False, ("code",), "留空则自动生成"),
    Column("grid", "网格编码", True, ("grid",), "所在网格的编码，须在您负责的范围内"),
    Column("building", "楼栋编码", False, ("building",), "城镇住户填楼栋编码、单元、房号"),
    Column("unit_no", "单元", False, ("unit_no",), ""),
    Column("room", "房号", False, ("room", "门牌/房号"), ""),
    Column("house_no", "村组门牌号", False, ("house_no",), "农村住户填村组门牌号（不填楼栋时必填）"),
    Column("address", "地址", False, ("address",), ""),
    Column("use", "房屋用途", False, ("use",), ""),
)
HOUSEHOLD_EXAMPLE = ("", "410403001001001", "410403001001001001", "1", "101", "", "示例路1号1单元101", "自住")


def validate_households(actor: Any, records: list[Record]) -> tuple[list[Item], list[Problem]]:
    first: dict[str, int] = {}
    rooms: dict[tuple[int, str, str], int] = {}
    taken = _taken(Household, "code", [as_text(r.get("code")) for _n, r in records])
    buildings = {
        b.code: b
        for b in in_chunks(
            Building.objects.select_related("grid"), "code", (as_text(r.get("building")) for _n, r in records)
        )
    }
    used_rooms = {
        (h.building_id, h.unit_no, h.room)
        for h in in_chunks(
            Household.objects.only("building_id", "unit_no", "room"), "building_id", [b.pk for b in buildings.values()]
        )
    }

    def link(
        row: int, raw: dict[str, Any], clean: dict[str, Any], places: Places, out: list[Problem]
    ) -> dict[str, Any]:
        _dupes(row, "code", clean.get("code", ""), _("户编码"), first, taken, out)
        building_code = as_text(raw.get("building"))
        if not building_code:
            if not clean.get("house_no") and "house_no" in clean:
                out.append(problem(row, "house_no", ErrorCode.REQUIRED, _("不填楼栋时须填写村组门牌号")))
            return {"building": None}
        building = buildings.get(building_code)
        if building is None or not places.scope.covers_path(building.grid.path):
            out.append(
                problem(row, "building", ErrorCode.BUILDING_NOT_FOUND, _("楼栋 %(b)s 不存在") % {"b": building_code})
            )
            return {"building": None}
        if building.grid.code != as_text(raw.get("grid")):
            out.append(
                problem(
                    row,
                    "building",
                    ErrorCode.GRID_MISMATCH,
                    _("楼栋在网格 %(g)s，与所填网格不一致") % {"g": building.grid.code},
                )
            )
        if "room" in clean and not clean["room"]:
            out.append(problem(row, "room", ErrorCode.REQUIRED, _("填写楼栋时须填写房号")))
            return {"building": building}
        key = (building.pk, clean.get("unit_no", ""), clean.get("room", ""))
        if key in rooms:
            out.append(
                problem(row, "room", ImportCode.DUPLICATE_IN_FILE, _("与第 %(row)d 行是同一房间") % {"row": rooms[key]})
            )
        else:
            rooms[key] = row
            if key in used_rooms:
                out.append(problem(row, "room", ErrorCode.ROOM_TAKEN, _("该房间已登记为一户")))
        return {"building": building}

    items, problems, _places = _validate(actor, records, clean_household, link)
    # Generated codes must not collide with the codes given in the file or stored.
    given = set(first) | taken
    for item in items:
        if not item.clean.get("code"):
            item.clean["code"] = ""
    _assign_codes(items, given)
    for item in items:
        if len(item.clean["code"]) > MAX_LENGTHS["household_code"]:
            problems.append(problem(item.row, "code", ErrorCode.TOO_LONG, _("自动生成的户编码过长，请填写户编码")))
    return items, problems


def _assign_codes(items: list[Item], given: set[str]) -> None:
    """Codes for the rows without one: building code + unit + room where the room is in a building, else the
    grid code + "H" + a sequence after the highest one stored for that grid."""
    next_seq: dict[int, int] = {}
    for item in items:
        if item.clean.get("code"):
            continue
        building: Building | None = item.links.get("building")
        if building is not None:
            code = f"{building.code}-{item.clean.get('unit_no') or '0'}-{item.clean.get('room')}"
        else:
            grid: Territory | None = item.links.get("grid")
            if grid is None:
                continue
            if grid.pk not in next_seq:
                stem = f"{grid.code}H"
                top = Household.objects.filter(code__startswith=stem).aggregate(m=Max("code"))["m"]
                tail = top[len(stem) :] if top else ""
                next_seq[grid.pk] = int(tail) + 1 if tail.isdigit() else 1
            code = f"{grid.code}H{next_seq[grid.pk]:05d}"
            next_seq[grid.pk] += 1
        while code in given:
            code += "a"
        given.add(code)
        item.clean["code"] = code


def write_households(actor: Any, items: list[Item], source: str) -> int:
    return _create(Household, items)


# -- merchants and organisations ----------------------------------------------------------------------------

MERCHANT_COLUMNS: tuple[Column, ...] = (
    Column("name", "名称", True, ("name",), ""),
    Column("credit_code", "统一社会信用代码", False, ("credit_code",), "18位，末位校验码按 GB 32100 校验"),
    Column("kind", "类型", False, ("kind",), ""),
    Column("industry", "行业", False, ("industry",), ""),
    Column("grid", "网格编码", True, ("grid",), "所在网格的编码，须在您负责的范围内"),
    Column("address", "地址", False, ("address",), ""),
    Column("responsible_person", "负责人", False, ("responsible_person", "法定代表人"), ""),
    Column("contact_name", "联系人", False, ("contact_name",), ""),
    Column("contact_phone", "联系电话", False, ("contact_phone",), ""),
    Column("licence_issued", "发证日期", False, ("licence_issued",), "如 2024-05-01"),
    Column("licence_expires", "有效期至", False, ("licence_expires",), "如 2044-04-30，长期有效可留空"),
    Column("point", "点位编码", False, ("point",), "门前三包责任点位的编码（选填）"),
)
MERCHANT_EXAMPLE = (
    "示例便利店",
    "91410403MA00000000",
    "个体工商户/门店",
    "零售",
    "410403001001001",
    "示例路2号",
    "王负责",
    "王联系",
    "13700000000",
    "2024-05-01",
    "",
    "",
)


def validate_merchants(actor: Any, records: list[Record]) -> tuple[list[Item], list[Problem]]:
    first: dict[str, int] = {}
    taken = _taken(Merchant, "credit_code", [as_text(r.get("credit_code")).upper() for _n, r in records])
    points = {
        p.code: p
        for p in in_chunks(Point.objects.select_related("grid"), "code", (as_text(r.get("point")) for _n, r in records))
    }

    def link(
        row: int, raw: dict[str, Any], clean: dict[str, Any], places: Places, out: list[Problem]
    ) -> dict[str, Any]:
        _dupes(row, "credit_code", clean.get("credit_code", ""), _("统一社会信用代码"), first, taken, out)
        code = as_text(raw.get("point"))
        if not code:
            return {}
        point = points.get(code)
        if point is None or point.grid is None or not places.scope.covers_path(point.grid.path):
            out.append(problem(row, "point", ErrorCode.POINT_NOT_FOUND, _("点位 %(c)s 不存在") % {"c": code}))
            return {}
        if point.grid.code != as_text(raw.get("grid")):
            out.append(
                problem(
                    row,
                    "point",
                    ErrorCode.GRID_MISMATCH,
                    _("点位在网格 %(g)s，与所填网格不一致") % {"g": point.grid.code},
                )
            )
        return {"point": point}

    items, problems, _places = _validate(actor, records, clean_merchant, link)
    return items, problems


def write_merchants(actor: Any, items: list[Item], source: str) -> int:
    return _create(Merchant, items)
