"""Registering and activating classifiers through the services, and suggestions from the active one."""

from __future__ import annotations

from pathlib import Path

import pytest

from wangge.accounts.choices import Role
from wangge.accounts.tests.factories import UserFactory, territory_tree, user_with_role
from wangge.core.actors import SYSTEM
from wangge.core.errors import Conflict, PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.intel import services, textclf
from wangge.intel.models import ClassifierModel
from wangge.intel.tests.synthetic_appeals import dataset

pytestmark = pytest.mark.django_db

FAST = textclf.Params(embedding_dim=8, calibration_folds=3, min_df=2)


@pytest.fixture(scope="module")
def trained() -> textclf.TrainedModel:
    texts, labels = dataset(20, seed=5)
    return textclf.train(texts, labels, params=FAST)


@pytest.fixture(scope="module")
def two_class() -> textclf.TrainedModel:
    texts, labels = dataset(20, seed=6)
    keep = [i for i, label in enumerate(labels) if label != "环境保护"]
    return textclf.train([texts[i] for i in keep], [labels[i] for i in keep], params=FAST)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    services.forget_active_model()


def test_register_and_activate_stores_the_model_with_its_facts_and_audit(trained: textclf.TrainedModel) -> None:
    # when
    row = services.classifier_register(actor=SYSTEM, path_or_model=trained, activate=True, name="一级分类")

    # then
    row.refresh_from_db()
    assert row.is_active and row.version == trained.version and row.name == "一级分类"
    assert row.labels == list(trained.labels)
    assert row.params["embedding_dim"] == 8
    assert row.metrics["n_labelled"] == trained.n_labelled
    with row.file.open("rb") as handle:
        assert textclf.load(handle).version == trained.version
    actions = set(AuditEntry.objects.filter(object_id=str(row.pk)).values_list("action", flat=True))
    assert actions == {"intel.classifier_register", "intel.classifier_activate"}


def test_activating_another_model_switches_the_first_off_and_suggestions_follow(
    trained: textclf.TrainedModel, two_class: textclf.TrainedModel
) -> None:
    # given
    first = services.classifier_register(actor=SYSTEM, path_or_model=trained, activate=True)
    assert {label for label, _p in services.suggest_category("C镇噪音污染问题\n废水排放严重")} == set(trained.labels)

    # when
    second = services.classifier_register(actor=SYSTEM, path_or_model=two_class, activate=True)
    services.forget_active_model()  # on_commit does this in production; the test transaction never commits

    # then
    first.refresh_from_db()
    assert not first.is_active and second.is_active
    assert ClassifierModel.objects.filter(is_active=True).count() == 1
    assert {label for label, _p in services.suggest_category("C镇噪音污染问题\n废水排放严重")} == set(two_class.labels)


def test_suggest_category_loads_the_active_model_once_per_process(
    trained: textclf.TrainedModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    services.classifier_register(actor=SYSTEM, path_or_model=trained, activate=True)
    loads: list[object] = []
    real_load = textclf.load

    def counting_load(handle: object) -> textclf.TrainedModel:
        loads.append(handle)
        return real_load(handle)  # type: ignore[arg-type]

    monkeypatch.setattr(textclf, "load", counting_load)

    # when
    first = services.suggest_category(text="A2区学校招生问题\n学生和老师反映学费太高")
    second = services.suggest_category("A2区学校招生问题\n学生和老师反映学费太高", k=1)

    # then
    assert len(loads) == 1
    assert first[0][0] == "教育文体" and 0 < first[0][1] <= 1
    assert len(first) == 3 and second == first[:1]


def test_suggest_category_is_empty_without_an_active_model_or_text(trained: textclf.TrainedModel) -> None:
    services.classifier_register(actor=SYSTEM, path_or_model=trained, activate=False)

    assert services.suggest_category("A市公交车问题\n公交线路太少") == []
    services.classifier_register(
        actor=SYSTEM, path_or_model=textclf.train(*dataset(10, seed=9), params=FAST), activate=True
    )
    assert services.suggest_category("  \n ") == []


def test_register_from_a_file_path(trained: textclf.TrainedModel, tmp_path: Path) -> None:
    path = textclf.save(trained, tmp_path / "model.joblib")

    row = services.classifier_register(actor=SYSTEM, path_or_model=str(path))

    assert row.version == trained.version and not row.is_active


def test_an_administrator_may_register_and_activate(trained: textclf.TrainedModel) -> None:
    tree = territory_tree()
    admin = user_with_role(Role.ADMIN, tree.district)

    row = services.classifier_register(actor=admin, path_or_model=trained)
    services.classifier_activate(actor=admin, classifier=row)

    row.refresh_from_db()
    assert row.is_active and row.created_by == admin
    assert AuditEntry.objects.filter(actor=admin, action="intel.classifier_activate").exists()


@pytest.mark.parametrize("role", [None, Role.DISPATCHER, Role.GRID_WORKER])
def test_other_users_may_not_register_and_nothing_changes(trained: textclf.TrainedModel, role: str | None) -> None:
    tree = territory_tree()
    actor = user_with_role(role, tree.district) if role else UserFactory.create()

    with pytest.raises(PermissionDenied):
        services.classifier_register(actor=actor, path_or_model=trained, activate=True)

    assert not ClassifierModel.objects.exists()
    assert not AuditEntry.objects.filter(app_label="intel").exists()


def test_other_users_may_not_activate_and_nothing_changes(trained: textclf.TrainedModel) -> None:
    row = services.classifier_register(actor=SYSTEM, path_or_model=trained)
    tree = territory_tree()
    dispatcher = user_with_role(Role.DISPATCHER, tree.district)
    entries = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied):
        services.classifier_activate(actor=dispatcher, classifier=row)

    row.refresh_from_db()
    assert not row.is_active and AuditEntry.objects.count() == entries


def test_registering_the_same_version_twice_is_a_conflict(trained: textclf.TrainedModel) -> None:
    services.classifier_register(actor=SYSTEM, path_or_model=trained)
    entries = AuditEntry.objects.count()

    with pytest.raises(Conflict):
        services.classifier_register(actor=SYSTEM, path_or_model=trained, activate=True)

    assert ClassifierModel.objects.count() == 1 and not ClassifierModel.objects.get().is_active
    assert AuditEntry.objects.count() == entries


def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.joblib"
    bad.write_bytes(b"\x00not a model")

    with pytest.raises(ValidationFailed) as caught:
        services.classifier_register(actor=SYSTEM, path_or_model=bad)

    assert caught.value.code == "classifier_unreadable"
    assert not ClassifierModel.objects.exists()
