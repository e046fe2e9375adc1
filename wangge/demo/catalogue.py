"""What the demo builds: the two districts of the source pages, their units, hazard lists and logins.

Street and community names come from the district news pages in the domain description (卫东区,
Jul 2023; 湛河区, Oct 2021). Everything else is synthetic and its name ends in "（示例）".
Counts that the sources give (563 grids, 833 grid workers, the hazard list, 29 bridges) are kept
exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from wangge.demo.layout import SYNTHETIC_SUFFIX, DistrictSpec, StreetSpec

CITY_CODE = "410400"
CITY_NAME = "平顶山市"

WEIDONG = DistrictSpec(
    code="410403",
    name="卫东区",
    short_name="卫东",
    grid_count=563,
    seed=410403,
    streets=(
        StreetSpec("优越路街道", 10, ("华西社区", "地质社区")),
        StreetSpec("东高皇街道", 6, ("高皇村",), villages=True),
        StreetSpec("五一一路街道", 9, ("五一一路社区",)),
        StreetSpec("蒲城街道", 6, ("门楼张村",), villages=True),
        StreetSpec("东安路街道", 9),
        StreetSpec("东环路街道", 8),
        StreetSpec(f"卫东第一街道{SYNTHETIC_SUFFIX}", 8, synthetic=True),
        StreetSpec(f"卫东第二街道{SYNTHETIC_SUFFIX}", 8, synthetic=True),
        StreetSpec(f"卫东第三街道{SYNTHETIC_SUFFIX}", 8, synthetic=True),
        StreetSpec(f"卫东第四街道{SYNTHETIC_SUFFIX}", 8, synthetic=True),
    ),
)

ZHANHE = DistrictSpec(
    code="410411",
    name="湛河区",
    short_name="湛河",
    grid_count=200,
    seed=410411,
    streets=(
        StreetSpec("马庄街道", 5),
        StreetSpec("轻工路街道", 5),
        StreetSpec("姚孟街道", 5, ("李乡宦村", "姚孟村"), villages=True),
        StreetSpec("九里山街道", 5, ("宏伟社区",)),
        StreetSpec("南环路街道", 5, ("公园社区",)),
        StreetSpec("曹镇乡", 5, ("杨西村",), villages=True),
        StreetSpec(f"湛河第一街道{SYNTHETIC_SUFFIX}", 5, synthetic=True),
        StreetSpec(f"湛河第二街道{SYNTHETIC_SUFFIX}", 5, synthetic=True),
    ),
)

DISTRICTS: tuple[DistrictSpec, ...] = (WEIDONG, ZHANHE)

# Grid workers per district (卫东区: 833 as published; 湛河区: one per grid).
GRID_WORKERS: dict[str, int] = {WEIDONG.code: 833, ZHANHE.code: ZHANHE.grid_count}

# Functional departments that "sink" to the grids (10+), and the 7 public-service companies.
# (key, name template; "{d}" is the district name). Every key a category names as its default unit
# (``wangge.workorders.catalog.SEED``) is here, so routing finds the district's unit of that key.
DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("cgj", "{d}城市管理局"),
    ("zjj", "{d}住房和城乡建设局"),
    ("sthj", "平顶山市生态环境局{d}分局"),
    ("scjg", "{d}市场监督管理局"),
    ("yjj", "{d}应急管理局"),
    ("gaj", "平顶山市公安局{d}分局"),
    ("slj", "{d}水利局"),
    ("jtj", "{d}交通运输局"),
    ("mzj", "{d}民政局"),
    ("wjw", "{d}卫生健康委员会"),
    ("jyj", "{d}教育体育局"),
    ("rsj", "{d}人力资源和社会保障局"),
    ("zrzy", "平顶山市自然资源和规划局{d}分局"),
)
COMPANIES: tuple[tuple[str, str], ...] = (
    ("water", "{d}供水服务站" + SYNTHETIC_SUFFIX),
    ("power", "{d}供电服务中心" + SYNTHETIC_SUFFIX),
    ("gas", "{d}燃气服务站" + SYNTHETIC_SUFFIX),
    ("heat", "{d}供热服务站" + SYNTHETIC_SUFFIX),
    ("telecom", "{d}通信服务中心" + SYNTHETIC_SUFFIX),
    ("bus", "{d}公交线路管理站" + SYNTHETIC_SUFFIX),
    ("sanitation", "{d}环卫作业站" + SYNTHETIC_SUFFIX),
)
COMMAND_CENTRE = "{d}网格化服务管理指挥中心"


def unit_code(territory_code: str, suffix: str) -> str:
    """Unit codes: the territory code, a dash and a short key (e.g. 410403-cgj, 410403001-jdb)."""
    return f"{territory_code}-{suffix}"


@dataclass(frozen=True)
class HazardSpec:
    type_key: str
    count: int
    label: str  # used in synthetic point names
    unit_key: str  # responsible department (see DEPARTMENTS keys)
    # (name, community) pairs from the sources, placed first, inside that community.
    named: tuple[tuple[str, str], ...] = ()


# 卫东区's flood-season hazard list (8/12/5/51/7/22) and 湛河区's 29 bridges and culverts. 金鹰河 runs
# west of 高皇村 (004); the bridge at 李乡宦村 is the one cleaned up in 000.
HAZARDS: dict[str, tuple[HazardSpec, ...]] = {
    WEIDONG.code: (
        HazardSpec("river", 8, "河道", "slj", named=(("金鹰河", "高皇村"),)),
        HazardSpec("underpass", 12, "下穿式桥涵", "cgj"),
        HazardSpec("underground_mall", 5, "地下商超", "scjg"),
        HazardSpec("underground_parking", 51, "地下停车场", "zjj"),
        HazardSpec("geological_hazard", 7, "地质灾害点", "yjj"),
        HazardSpec("waterlogging", 22, "易积水点", "cgj"),
    ),
    ZHANHE.code: (HazardSpec("bridge", 29, "桥涵", "zjj", named=(("李乡宦村桥涵", "李乡宦村"),)),),
}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str  # accounts.choices.Role value
    role_label: str
    scope: str  # human description of where the grant sits
    territory_code: str | None  # grant territory
    unit_code: str | None  # unit the user belongs to / is granted on
    grant_on_unit: bool = False  # unit-only grant (department handlers)


# One shared password for every demo login; it passes the project's password validators.
DEMO_PASSWORD = "Wangge-Demo-2025!"

_W = WEIDONG.code
_STREET = f"{_W}001"  # 优越路街道 (first street in reading order)
_COMMUNITY = f"{_STREET}001"  # 华西社区
_GRID = f"{_COMMUNITY}001"  # 华西社区第1网格

DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "demo_grid_worker",
        "grid_worker",
        "网格员",
        f"卫东区 优越路街道 华西社区 第1网格（{_GRID}）",
        _GRID,
        unit_code(_COMMUNITY, "jwh"),
    ),
    DemoLogin(
        "demo_grid_leader",
        "grid_leader",
        "网格长",
        f"卫东区 优越路街道 华西社区 第1网格（{_GRID}）",
        _GRID,
        unit_code(_COMMUNITY, "jwh"),
    ),
    DemoLogin(
        "demo_community_staff",
        "community_staff",
        "社区工作人员",
        f"卫东区 优越路街道 华西社区（{_COMMUNITY}）",
        _COMMUNITY,
        unit_code(_COMMUNITY, "jwh"),
    ),
    DemoLogin(
        "demo_street_staff",
        "street_staff",
        "街道工作人员",
        f"卫东区 优越路街道（{_STREET}）",
        _STREET,
        unit_code(_STREET, "jdb"),
    ),
    DemoLogin(
        "demo_dept_handler",
        "dept_handler",
        "部门办理人",
        "卫东区城市管理局（派给本单位的工单）",
        None,
        unit_code(_W, "cgj"),
        grant_on_unit=True,
    ),
    DemoLogin("demo_call_taker", "call_taker", "指挥中心受理员", f"卫东区（{_W}）", _W, unit_code(_W, "zhzx")),
    DemoLogin("demo_dispatcher", "dispatcher", "指挥中心派遣员", f"卫东区（{_W}）", _W, unit_code(_W, "zhzx")),
    DemoLogin("demo_inspector", "inspector", "督查员", f"卫东区（{_W}）", _W, None),
    DemoLogin("demo_leader", "leader", "领导", f"卫东区（{_W}）", _W, None),
    DemoLogin("demo_admin", "admin", "管理员", f"平顶山市（{CITY_CODE}）", CITY_CODE, None),
    # The only demo login that sees the 重点人员 ledger (not even demo_admin does by default).
    DemoLogin("demo_key_person_officer", "key_person_officer", "重点人员管控专员", f"卫东区（{_W}）", _W, None),
    # A window of the district's 政务服务中心 (the hall demo step seats this login at a window).
    DemoLogin("demo_hall_staff", "hall_staff", "窗口工作人员", f"卫东区政务服务中心（{_W}）", _W, None),
)
