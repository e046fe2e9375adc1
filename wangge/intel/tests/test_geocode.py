"""Address → territory: normalisation, the hierarchy of evidence, numbers, points and the district limit."""

from __future__ import annotations

import pytest

from wangge.accounts.tests.factories import TerritoryFactory, Tree, territory_tree
from wangge.intel import geocode
from wangge.intel.geocode import LOCATE_MIN, locate_by_address, match_address, normalize_address
from wangge.places.tests.factories import point_in
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index() -> None:
    geocode.invalidate()


@pytest.fixture
def tree() -> Tree:
    return territory_tree()


def building(grid: Territory, name: str, code: str) -> Territory:
    return TerritoryFactory.create(parent=grid, code=code, name=name, kind=TerritoryKind.BUILDING)


def nodes(text: str, **kw: object) -> list[Territory]:
    return [m.territory for m in match_address(text, **kw)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("卫东区优越路街道华西社区５号楼", "卫东区优越路街道华西社区5栋"),
        ("华西社区 第一网格", "华西社区1网格"),
        ("二十三幢三单元302室", "23栋3单元302室"),
        ("优越路街道办事处", "优越路街道"),
        ("华西社区居委会", "华西社区"),
        ("高皇村村委会", "高皇村"),
        ("五一一路街道", "五一一路街道"),  # a name, not a number: no unit word follows
        ("Ａ座 １２号", "a座12号"),
    ],
)
def test_normalize_address(raw: str, normal: str) -> None:
    assert normalize_address(raw) == normal


def test_names_drop_demo_markers() -> None:
    assert normalize_address("华西社区第1网格（示例）", drop_brackets=True) == "华西社区1网格"


def test_community_and_building_beat_the_street_alone(tree: Tree) -> None:
    # given a 5号楼 in a grid of each community
    five_a = building(tree.grid_a2, "5号楼", "410403001001002001")
    building(tree.grid_b1, "5号楼", "410403002001001001")
    # when
    best, *others = match_address("测试区甲街道甲社区５号楼2单元")
    street_only = match_address("甲街道")
    # then the building under the named community comes first, with its whole chain as evidence
    assert best.territory == five_a
    assert best.matched_on == ["区：测试区", "街道：甲街道", "社区：甲社区", "楼栋：5号楼"]
    assert best.confidence > max(m.confidence for m in others)
    assert street_only[0].territory == tree.street_a
    assert street_only[0].confidence < LOCATE_MIN < best.confidence
    assert locate_by_address("甲街道") is None


def test_a_grid_by_its_number_under_a_named_community(tree: Tree) -> None:
    assert nodes("甲社区2网格门口")[0] == tree.grid_a2
    assert nodes("甲社区第二网格")[0] == tree.grid_a2
    # a bare number says nothing about which community
    assert all(n.kind != TerritoryKind.GRID for n in nodes("第二网格附近"))


def test_a_building_number_alone_or_inside_a_longer_number_is_not_matched(tree: Tree) -> None:
    building(tree.grid_a1, "5号楼", "410403001001001001")
    assert nodes("5号楼楼道堆物") == []
    assert nodes("甲社区15号楼")[0] == tree.community_a


def test_point_names_land_in_the_point_grid(tree: Tree) -> None:
    point_in(tree.grid_b1, name="金鹰河（示例）")
    located = locate_by_address("金鹰河边垃圾成堆")
    assert located is not None
    assert located[0] == tree.grid_b1
    assert match_address("金鹰河边垃圾成堆")[0].matched_on == ["点位：金鹰河"]


def test_a_point_name_with_a_word_missing_still_matches_loosely(tree: Tree) -> None:
    point_in(tree.grid_a1, name="人民公园东门停车场")
    (match,) = match_address("人民公园东门外停车场入口")
    assert match.territory == tree.grid_a1
    assert 0 < match.confidence < 0.7  # fuzzy, weaker than an exact name


def test_district_limits_the_search_and_shared_names_split_confidence(tree: Tree) -> None:
    other = territory_tree("410411", lng0=114.2)
    alone = match_address("甲社区", district=tree.district)
    both = match_address("甲社区")
    assert [m.territory for m in alone] == [tree.community_a]
    assert {m.territory for m in both} == {tree.community_a, other.community_a}
    assert both[0].confidence == pytest.approx(alone[0].confidence / 2)
    assert locate_by_address("甲社区") is None
    located = locate_by_address("甲社区", tree.district)
    assert located is not None and located[0] == tree.community_a


def test_demo_like_address_lands_on_the_community_or_its_building() -> None:
    # given a piece of the demo outline: 卫东区 › 优越路街道 › 华西社区 › 华西社区第1网格（示例）
    district = TerritoryFactory.create(code="410403", name="卫东区", kind=TerritoryKind.DISTRICT)
    street = TerritoryFactory.create(parent=district, code="410403001", name="优越路街道", kind=TerritoryKind.STREET)
    community = TerritoryFactory.create(
        parent=street, code="410403001001", name="华西社区", kind=TerritoryKind.COMMUNITY
    )
    grid = TerritoryFactory.create(
        parent=community, code="410403001001001", name="华西社区第1网格（示例）", kind=TerritoryKind.GRID
    )
    # when / then: without buildings the community is the deepest confident node
    first = match_address("卫东区优越路街道华西社区5号楼")[0]
    assert first.territory == community
    assert first.matched_on == ["区：卫东区", "街道：优越路街道", "社区：华西社区"]
    assert first.confidence >= 0.8
    assert nodes("华西社区第1网格")[0] == grid
    assert nodes("华西1网格")[0] == grid
    # a road named like the street is weak evidence on its own
    road = match_address("优越路123号")
    assert road[0].territory == street and road[0].confidence < LOCATE_MIN
    # a numbered community is also called by its number within its street
    third = TerritoryFactory.create(
        parent=street, code="410403001003", name="优越路第三社区（示例）", kind=TerritoryKind.COMMUNITY
    )
    assert nodes("优越路街道第三社区")[0] == third
    assert all(n != third for n in nodes("卫东区第三社区"))  # not without its street
    # a full community name silences a shorter name that is only a word here ("华西" in 华西路 is not 华西社区)
    assert [n.name for n in nodes("优越路第三社区华西路口")] == ["优越路第三社区（示例）", "优越路街道"]
    # once the building is registered, it wins
    five = building(grid, "5号楼", "410403001001001005")
    assert nodes("卫东区优越路街道华西社区5号楼")[0] == five


def test_index_follows_renames(tree: Tree) -> None:
    assert nodes("丙社区") == []
    community = Territory.objects.get(pk=tree.community_b.pk)
    community.name = "丙社区"
    community.save()
    assert nodes("丙社区")[0] == tree.community_b


def test_nothing_to_match() -> None:
    assert match_address("") == []
    assert locate_by_address("随便说点什么") is None


def test_geocode_command_prints_candidates_and_refuses_unknown_places(tree: Tree) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("geocode", "测试区甲街道甲社区第二网格", "--district", "410403", stdout=out)
    first = out.getvalue().splitlines()[0]
    assert first.startswith("*0.9") and tree.grid_a2.code in first and "网格：甲社区第二网格" in first
    with pytest.raises(CommandError):
        call_command("geocode", "火星基地", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("geocode", "甲社区", "--district", "999999", stdout=StringIO())
