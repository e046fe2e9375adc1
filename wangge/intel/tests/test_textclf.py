"""The appeal classifier pipeline on a small synthetic Chinese set: training, self-training,
prediction with confidences, evaluation, cross-validation hygiene and saving/loading."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import joblib
import numpy as np
import pytest

from wangge.intel import textclf
from wangge.intel.tests.synthetic_appeals import CATEGORIES, dataset
from wangge.intel.textclf import evaluation

FAST = textclf.Params(embedding_dim=16, calibration_folds=3, min_df=2)


@pytest.fixture(scope="module")
def data() -> dict[str, list]:
    texts, labels = dataset(30, seed=1)
    unlabelled, _hidden = dataset(30, seed=2)
    test_texts, test_labels = dataset(10, seed=3)
    return {
        "texts": texts,
        "labels": labels,
        "unlabelled": unlabelled,
        "test_texts": test_texts,
        "test_labels": test_labels,
    }


@pytest.fixture(scope="module")
def model(data: dict[str, list]) -> textclf.TrainedModel:
    return textclf.train(data["texts"], data["labels"], data["unlabelled"], params=FAST)


def test_clean_strips_padding_and_normalises_width() -> None:
    assert textclf.clean("\n\t  Ａ市  公交车\u3000问题 \n") == "A市 公交车 问题"
    assert textclf.clean(None) == ""


def test_split_text_takes_the_first_line_as_title() -> None:
    assert textclf.split_text("A市公交车问题\n  公交车太挤了。\n请增加班次") == (
        "A市公交车问题",
        "公交车太挤了。 请增加班次",
    )
    assert textclf.split_text("只有一行正文") == ("", "只有一行正文")
    assert textclf.split_text((" 标题 ", "\t正文 ")) == ("标题", "正文")


def test_trained_model_predicts_held_out_appeals(model: textclf.TrainedModel, data: dict[str, list]) -> None:
    # when
    evaluation = textclf.evaluate(model, data["test_texts"], data["test_labels"])

    # then
    assert model.labels == tuple(sorted(CATEGORIES))
    assert evaluation.macro_f1 >= 0.9
    assert sum(sum(row) for row in evaluation.confusion) == len(data["test_texts"])


def test_prediction_gives_label_confidence_and_ranked_top_k(model: textclf.TrainedModel) -> None:
    # when
    prediction = model.predict_one(("B县公交车站台问题", "公交线路太少，班车经常不来，驾驶员态度差。"), k=3)

    # then
    assert prediction.label == "交通运输"
    assert prediction.top[0][0] == prediction.label
    probabilities = [p for _label, p in prediction.top]
    assert probabilities == sorted(probabilities, reverse=True)
    assert prediction.confidence == probabilities[0] > 1 / 3
    assert sum(probabilities) == pytest.approx(1.0, abs=1e-6)
    assert len(model.predict_one("学校", k=2).top) == 2


def test_self_training_adds_pseudo_labels_only_with_unlabelled_texts(data: dict[str, list]) -> None:
    # given
    supervised = textclf.train(data["texts"], data["labels"], params=FAST)

    # when
    semi = textclf.train(data["texts"], data["labels"], data["unlabelled"], params=FAST)

    # then
    assert supervised.n_pseudo == 0 and supervised.n_unlabelled == 0
    assert semi.n_unlabelled == len(data["unlabelled"])
    expected = int(min(FAST.pseudo_ratio * len(data["texts"]), FAST.pseudo_share * len(data["unlabelled"])))
    assert 0 < semi.n_pseudo <= expected + len(CATEGORIES)


def test_fit_transform_rows_equal_single_appeal_rows(data: dict[str, list]) -> None:
    # given
    docs = textclf.prepare(data["texts"] + data["unlabelled"], with_words=True)
    vectorizer = textclf.AppealVectorizer(FAST)

    # when
    fitted = vectorizer.fit_transform(docs)
    again = vectorizer.transform(textclf.prepare(data["texts"] + data["unlabelled"]))

    # then
    assert fitted.shape == again.shape == (len(docs), vectorizer.n_features)
    assert abs(fitted - again).max() < 1e-5
    norms = np.sqrt(
        np.asarray(
            fitted[:, : len(vectorizer.title_chars)].multiply(fitted[:, : len(vectorizer.title_chars)]).sum(axis=1)
        )
    )
    assert np.allclose(norms[norms > 0], 1.0, atol=1e-5)


def test_gram_coder_round_trips_words_and_skips_unknown_characters() -> None:
    coder = textclf.GramCoder("公交车站", max_n=4)
    code = coder.encode("公交车")
    assert code is not None and coder.decode(code) == "公交车"
    assert coder.encode("公交船") is None
    assert len(coder.grams(coder.ids("公交船站"), 2)) == 1  # only 公交: 交船 and 船站 hold an unknown character


def test_evaluation_prints_macro_f1_line_report_and_confusion_matrix() -> None:
    # when
    evaluation = textclf.score(["甲", "甲", "乙", "乙"], ["甲", "乙", "乙", "乙"])
    text = evaluation.format()

    # then
    assert re.search(r"^macro_f1=0\.733$", text, flags=re.MULTILINE)
    assert "precision" in text and "confusion matrix" in text
    assert evaluation.labels == ["乙", "甲"]  # sorted by code point
    assert evaluation.confusion == [[2, 0], [1, 1]]
    assert evaluation.per_class["乙"]["recall"] == 1.0


def test_save_and_load_round_trip(model: textclf.TrainedModel, data: dict[str, list], tmp_path: Path) -> None:
    # when
    path = textclf.save(model, tmp_path / "m.joblib")
    loaded = textclf.load(path)

    # then
    assert loaded.version == model.version
    assert loaded.labels == model.labels
    assert loaded.params == model.params
    assert loaded.describe()["n_features"] == model.describe()["n_features"]
    assert np.allclose(loaded.probabilities(data["test_texts"]), model.probabilities(data["test_texts"]))
    assert loaded.describe()["training_seconds"] >= 0


def test_a_model_file_from_the_single_module_layout_still_loads(
    model: textclf.TrainedModel, data: dict[str, list], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a file whose classes are named wangge.intel.textclf.<Class>, as the files saved before the
    # classifier became a package name them
    for cls in (
        textclf.TrainedModel,
        textclf.Params,
        textclf.AppealVectorizer,
        textclf.WordVectors,
        textclf.GramCoder,
        textclf.GramBlock,
    ):
        monkeypatch.setattr(cls, "__module__", "wangge.intel.textclf")
    assert re.search(rb"wangge\.intel\.textclf\.\w", pickle.dumps(model)) is None
    path = textclf.save(model, tmp_path / "old.joblib")
    monkeypatch.undo()

    # when
    loaded = textclf.load(path)

    # then
    assert type(loaded) is textclf.TrainedModel
    assert np.allclose(loaded.probabilities(data["test_texts"]), model.probabilities(data["test_texts"]))


def test_load_refuses_files_that_are_not_classifiers(tmp_path: Path) -> None:
    joblib.dump({"something": "else"}, tmp_path / "other.joblib")
    (tmp_path / "garbage.joblib").write_bytes(b"not a pickle")

    with pytest.raises(textclf.ModelFormatError):
        textclf.load(tmp_path / "other.joblib")
    with pytest.raises(textclf.ModelFormatError):
        textclf.load(tmp_path / "garbage.joblib")


def test_training_refuses_a_single_label_or_mismatched_lengths(data: dict[str, list]) -> None:
    with pytest.raises(ValueError, match="two distinct labels"):
        textclf.train(data["texts"][:5], ["交通运输"] * 5, params=FAST)
    with pytest.raises(ValueError, match="labels"):
        textclf.train(data["texts"][:5], data["labels"][:4], params=FAST)


def test_cross_validation_fits_each_fold_without_its_test_appeals(
    data: dict[str, list], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: a spy on the fitting step
    calls: list[tuple[set[str], list[str], set[str]]] = []
    real_fit = evaluation.fit_pipeline

    def spy(docs, labels, unlabelled, params, keywords=None, descriptions=None):  # type: ignore[no-untyped-def]
        calls.append(({d.title + d.body for d in docs}, list(labels), {d.title + d.body for d in unlabelled}))
        return real_fit(docs, labels, unlabelled, params, keywords, descriptions)

    monkeypatch.setattr(evaluation, "fit_pipeline", spy)
    texts, labels = data["texts"], data["labels"]
    everything = {textclf.clean(t).replace(" ", "") + textclf.clean(b).replace(" ", "") for t, b in texts}

    # when
    result = textclf.cross_validate(texts, labels, data["unlabelled"], params=FAST, folds=3, repeats=2)

    # then: 6 fits, each on two thirds of the labelled appeals; the held-out third never reaches a fit
    assert len(calls) == 6 and len(result.scores) == 6
    held_out_union: set[str] = set()
    for seen, fold_labels, unlabelled in calls:
        assert len(seen) == len(fold_labels) == len(texts) * 2 // 3
        assert not (unlabelled & (everything - seen))
        held_out_union |= everything - seen
    assert held_out_union == everything
    assert 0.0 <= result.mean <= 1.0 and result.std >= 0.0


TAXONOMY = [
    ("交通运输", "出租车管理", "网约车问题"),
    ("交通运输", "客货运输", "其他"),
    ("环境保护", "环境污染", "噪音污染、水污染"),
    ("城乡建设", "城市建设和市政管理", "环境卫生"),
    ("教育文体", "教育行政管理", "环境卫生"),
]


def test_taxonomy_keywords_keep_words_of_one_class_only() -> None:
    # when
    keywords = textclf.taxonomy_keywords(TAXONOMY)

    # then: names, their parts and their jieba words; 其他 and a name under two classes are dropped
    assert "出租车管理" in keywords["交通运输"] and "出租车" in keywords["交通运输"]
    assert {"噪音污染", "水污染"} <= set(keywords["环境保护"])
    assert "市政管理" in keywords["城乡建设"]
    assert all("其他" not in words and "环境卫生" not in words for words in keywords.values())


def test_taxonomy_block_rows_equal_single_appeal_rows(data: dict[str, list]) -> None:
    # given
    docs = textclf.prepare(data["texts"], with_words=True)
    plain = textclf.AppealVectorizer(FAST)
    vectorizer = textclf.AppealVectorizer(FAST, textclf.taxonomy_keywords(TAXONOMY))

    # when
    fitted = vectorizer.fit_transform(docs)
    again = vectorizer.transform(textclf.prepare(data["texts"]))

    # then: one title and one body column per taxonomy class, the same in batch and one by one
    assert vectorizer.n_features == plain.fit_transform(docs).shape[1] + 2 * 4
    assert fitted.shape == again.shape == (len(docs), vectorizer.n_features)
    assert abs(fitted - again).max() < 1e-5
    assert fitted[:, -8:].nnz > 0


def test_training_with_a_taxonomy_keeps_its_classes_in_the_model(data: dict[str, list], tmp_path: Path) -> None:
    # given
    path = tmp_path / "taxonomy.csv"
    path.write_text("一级分类,二级分类,三级分类\n" + "\n".join(",".join(row) for row in TAXONOMY), encoding="utf-8")

    # when
    model = textclf.train(data["texts"], data["labels"], params=FAST, taxonomy=textclf.read_taxonomy(path))
    off = textclf.train(data["texts"], data["labels"], params=textclf.with_params(FAST, taxonomy_weight=0))

    # then
    assert model.describe()["taxonomy_classes"] == 4
    assert off.describe()["taxonomy_classes"] == 0
    assert model.vectorizer.n_features == off.vectorizer.n_features + 8
