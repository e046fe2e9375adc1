"""``manage.py classifier`` round trip on temporary CSV files laid out like the real message files."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from wangge.intel import services, textclf
from wangge.intel.models import ClassifierModel
from wangge.intel.tests.synthetic_appeals import CATEGORIES, dataset, write_csv

PARAMS = ["--param", "embedding_dim=8", "--param", "calibration_folds=3", "--param", "min_df=2", "--jobs", "1"]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("classifier", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    texts, labels = dataset(20, seed=11)
    unlabelled, _ = dataset(15, seed=12)
    test_texts, test_labels = dataset(6, seed=13)
    return {
        "train": write_csv(tmp_path / "train.csv", texts, labels),
        "unlabelled": write_csv(tmp_path / "unlabeled.csv", unlabelled, None, first_id=1000),
        "test": write_csv(tmp_path / "test.csv", test_texts, test_labels, first_id=5000),
        "dir": tmp_path,
    }


@pytest.mark.django_db
def test_train_evaluate_predict_round_trip(files: dict[str, Path]) -> None:
    model_path = files["dir"] / "model.joblib"

    # when: train with cross-validation and the unlabelled file
    out = run(
        "train",
        "--csv",
        str(files["train"]),
        "--text",
        "留言主题,留言详情",
        "--label",
        "一级标签",
        "--unlabeled",
        str(files["unlabelled"]),
        "--out",
        str(model_path),
        "--cv",
        "3",
        *PARAMS,
    )

    # then
    assert re.search(r"^cv_macro_f1=\d\.\d{4}±\d\.\d{4} \(3-fold x 1", out, flags=re.MULTILINE)
    assert re.search(r"^training_seconds=\d+\.\d$", out, flags=re.MULTILINE)
    model = textclf.load(model_path)
    assert model.n_unlabelled == 45 and model.cross_validation is not None
    assert model.params.embedding_dim == 8

    # when: evaluate on the labelled test file
    out = run("evaluate", "--model", str(model_path), "--csv", str(files["test"]))

    # then
    line = re.search(r"^macro_f1=(\d\.\d{3})$", out, flags=re.MULTILINE)
    assert line and float(line.group(1)) >= 0.9
    assert "confusion matrix" in out and all(label in out for label in CATEGORIES)

    # when: predict the test file (its label column is ignored)
    predictions = files["dir"] / "out" / "predictions.csv"
    out = run("predict", "--model", str(model_path), "--csv", str(files["test"]), "--out", str(predictions))

    # then
    with predictions.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 18 and "wrote 18 predictions" in out
    assert set(rows[0]) == {"留言编号", "label", "confidence", "top"}
    assert rows[0]["留言编号"] == "5000"
    assert {r["label"] for r in rows} <= set(CATEGORIES)
    assert all(0 < float(r["confidence"]) <= 1 for r in rows)


@pytest.mark.django_db
def test_train_can_register_and_activate(files: dict[str, Path]) -> None:
    services.forget_active_model()

    out = run("train", "--csv", str(files["train"]), "--out", str(files["dir"] / "m.joblib"), "--activate", *PARAMS)

    row = ClassifierModel.objects.get()
    assert row.is_active and f"registered {row.version} (active)" in out
    assert services.suggest_category("A市公交车问题\n公交线路太少，站台拥挤")[0][0] == "交通运输"


def test_cv_prints_mean_and_spread(files: dict[str, Path]) -> None:
    out = run("cv", "--csv", str(files["train"]), "--folds", "3", "--repeats", "2", *PARAMS)

    assert re.search(
        r"^cv_macro_f1=\d\.\d{4}±\d\.\d{4} \(3-fold x 2, 60 labelled, 0 unlabelled", out, flags=re.MULTILINE
    )


def test_bad_input_is_reported_as_a_command_error(files: dict[str, Path]) -> None:
    with pytest.raises(CommandError, match="不存在的列"):
        run("cv", "--csv", str(files["train"]), "--label", "不存在的列", *PARAMS)
    with pytest.raises(CommandError, match="未知参数"):
        run("cv", "--csv", str(files["train"]), "--param", "no_such=1")
    (files["dir"] / "x.joblib").write_bytes(b"junk")
    with pytest.raises(CommandError):
        run("evaluate", "--model", str(files["dir"] / "x.joblib"), "--csv", str(files["test"]))


def _write_taxonomy(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["一级分类", "二级分类", "三级分类"])
        writer.writerow(["交通运输", "公共交通", "公交线路"])
        writer.writerow(["教育文体", "教育", "招生考试"])
    return path


def test_train_takes_the_taxonomy_beside_the_csv_unless_told_not_to(files: dict[str, Path]) -> None:
    taxonomy = _write_taxonomy(files["dir"] / "taxonomy.csv")
    base = ("train", "--csv", str(files["train"]), *PARAMS)

    out = run(*base, "--out", str(files["dir"] / "a.joblib"))
    assert f"taxonomy: {taxonomy}" in out
    assert len(textclf.load(files["dir"] / "a.joblib").vectorizer.keywords) == 2

    out = run(*base, "--no-taxonomy", "--out", str(files["dir"] / "b.joblib"))
    assert "taxonomy:" not in out
    assert textclf.load(files["dir"] / "b.joblib").vectorizer.keywords == ()

    with pytest.raises(CommandError, match="--no-taxonomy"):
        run(*base, "--taxonomy", str(taxonomy), "--no-taxonomy", "--out", str(files["dir"] / "c.joblib"))
