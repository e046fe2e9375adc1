"""Suggestions at intake and dispatch: the classifier's category resolved to the live dictionary with its
confidence and the routed unit, duplicates within the user's scope, and address matching for cases without
coordinates (also at registration)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from wangge.core.actors import SYSTEM
from wangge.intel import intake, services, textclf
from wangge.intel.tests.synthetic_appeals import dataset
from wangge.workorders.tests.conftest import local, new_case

pytestmark = pytest.mark.django_db

FAST = textclf.Params(embedding_dim=8, calibration_folds=3, min_df=2)
AS_CODES = {"环境保护": "S0201", "交通运输": "S0301", "教育文体": "S0501"}
NOISE = "小区东门外有人长期排放废水，河道有异味，严重影响居民生活，请环保局尽快处理。"


@pytest.fixture(scope="module")
def by_name() -> textclf.TrainedModel:
    texts, labels = dataset(20, seed=5)
    return textclf.train(texts, labels, params=FAST)


@pytest.fixture(scope="module")
def by_code() -> textclf.TrainedModel:
    texts, labels = dataset(20, seed=7)
    return textclf.train(texts, [AS_CODES[label] for label in labels], params=FAST)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    services.forget_active_model()
    yield
    services.forget_active_model()


def test_without_an_active_classifier_only_routing_and_duplicates_are_offered(world: SimpleNamespace) -> None:
    wo = new_case(world)

    s = intake.suggest_for_case(wo, user=world.dispatcher)

    assert s.classifier is False and s.categories == [] and s.category is None
    assert s.unit == world.dept  # 私搭乱建 routes to the 城市管理局 by its default unit
    assert s.unit_category == world.category


def test_a_code_labelled_model_suggests_the_leaf_category_and_its_unit(
    world: SimpleNamespace, by_code: textclf.TrainedModel
) -> None:
    services.classifier_register(actor=SYSTEM, path_or_model=by_code, activate=True)
    wo = new_case(world, category=None, title="河道排放废水", description=NOISE)

    s = intake.suggest_for_case(wo, user=world.dispatcher)

    assert s.classifier and s.confident
    assert s.best is not None and s.best.label == "S0201" and s.best.confidence >= s.threshold
    assert s.category is not None and s.category.code == "S0201" and s.category.parent is not None
    assert s.unit == world.dept2  # 噪声污染 → 生态环境分局 (sthj)
    assert [g.confidence for g in s.categories] == sorted((g.confidence for g in s.categories), reverse=True)


def test_a_name_labelled_model_resolves_to_the_top_level_entry_and_the_unit_its_children_share(
    world: SimpleNamespace, by_name: textclf.TrainedModel
) -> None:
    services.classifier_register(actor=SYSTEM, path_or_model=by_name, activate=True)

    s = intake.suggest(
        user=world.caller, title="河道排放废水", description=NOISE, district=world.district, lng=113.01, lat=33.01
    )

    assert s.category is not None and s.category.code == "S02" and s.category.name == "环境保护"
    assert s.unit == world.dept2  # S0201 and S0202 both route to sthj


def test_below_the_threshold_the_guess_is_shown_but_not_prefilled(
    world: SimpleNamespace, by_code: textclf.TrainedModel, settings: Any
) -> None:
    services.classifier_register(actor=SYSTEM, path_or_model=by_code, activate=True)
    mixed = "学校门口公交站台旁噪音很大，学生上下学的公交车也常常晚点。"
    wo = new_case(world, category=None, title="学校公交噪音", description=mixed)
    first = intake.suggest_for_case(wo, user=world.dispatcher)
    assert first.best is not None and first.best.confidence < 1.0 and first.confident
    settings.WANGGE_CLASSIFIER_MIN_CONFIDENCE = first.best.confidence + 0.0001

    s = intake.suggest_for_case(wo, user=world.dispatcher)

    assert s.categories == first.categories and s.best is not None and s.best.category is not None
    assert s.confident is False and s.category is None
    assert s.unit is None  # no category of its own and no confident guess: the dispatcher decides


def test_duplicates_are_found_only_within_the_users_scope(world: SimpleNamespace) -> None:
    earlier = new_case(world, at=local(2025, 6, 2, 9))
    later = new_case(world, at=local(2025, 6, 3, 9))

    mine = intake.suggest_for_case(later, user=world.dispatcher)
    theirs = intake.suggest_for_case(later, user=world.stranger)

    assert [m.work_order for m in mine.duplicates] == [earlier]
    assert theirs.duplicates == []


def test_an_appeal_not_yet_saved_gets_its_duplicates_too(world: SimpleNamespace) -> None:
    earlier = new_case(world, at=local(2025, 6, 2, 9))

    s = intake.suggest(
        user=world.caller,
        title="小区门口私搭乱建",
        description="东门外有人私搭彩钢棚，占用人行道。",
        district=world.district,
        lng=113.011,
        lat=33.011,
        received_at=local(2025, 6, 3, 9),
    )

    assert [m.work_order for m in s.duplicates] == [earlier]


def test_an_address_without_coordinates_is_matched_to_its_grid(world: SimpleNamespace) -> None:
    s = intake.suggest(
        user=world.caller,
        title="私搭乱建",
        description="有人私搭彩钢棚",
        district=world.district,
        address="测试街道测试社区二网格东门",
    )

    assert s.address_match is not None and s.address_match.territory == world.grid2


def test_a_case_registered_with_an_address_only_lands_in_the_grid_it_names(world: SimpleNamespace) -> None:
    wo = new_case(world, lng=None, lat=None, district=world.district, address="测试街道测试社区二网格东门")

    assert wo.grid == world.grid2 and wo.community == world.community and wo.lng is None
    created = wo.events.get(name="create")
    assert created.data["located_by_address"]["code"] == world.grid2.code


def test_an_address_naming_nothing_leaves_the_case_at_district_level(world: SimpleNamespace) -> None:
    wo = new_case(world, lng=None, lat=None, district=world.district, address="某某小区门口")

    assert wo.grid is None and wo.district == world.district
    assert "located_by_address" not in wo.events.get(name="create").data


def test_address_matching_can_be_switched_off(world: SimpleNamespace, settings: Any) -> None:
    settings.WANGGE_ADDRESS_LOCATOR = ""

    wo = new_case(world, lng=None, lat=None, district=world.district, address="测试街道测试社区二网格东门")

    assert wo.grid is None
