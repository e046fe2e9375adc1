"""Co-training of the title and body views: the views split every block in halves, each view labels for the
other the unlabelled appeals it is surest of (per class quotas, a fixed number of rounds), the final model learns
from the labelled and the co-trained appeals, and nested cross-validation offers it as one more candidate."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from wangge.intel import textclf
from wangge.intel.tests.synthetic_appeals import CATEGORIES, dataset
from wangge.intel.textclf import evaluation, training
from wangge.intel.textclf.features import AppealVectorizer, taxonomy_keywords
from wangge.intel.textclf.text import prepare

PLAIN = textclf.Params(embedding_dim=8, taxonomy_weight=0.3, pseudo_ratio=0.0, min_df=2, calibration_folds=3)
COTRAIN = textclf.with_params(PLAIN, cotrain_rounds=3, cotrain_share=0.2)
TAXONOMY = [("交通运输", "公交线路", "出租车"), ("教育文体", "学校招生", "幼儿园"), ("环境保护", "噪音污染", "废水")]


def test_the_title_and_body_views_split_every_block_in_halves() -> None:
    texts, _labels = dataset(6, seed=4)
    vectorizer = AppealVectorizer(PLAIN, taxonomy_keywords(TAXONOMY))
    x = vectorizer.fit_transform(prepare(texts, with_words=True)).toarray()

    title, body = vectorizer.view_columns()

    assert len(np.intersect1d(title, body)) == 0
    assert np.array_equal(np.sort(np.concatenate([title, body])), np.arange(vectorizer.n_features))
    bodiless = vectorizer.transform(prepare([(t, "") for t, _b in texts], with_words=True)).toarray()
    titleless = vectorizer.transform(prepare([("", b) for _t, b in texts], with_words=True)).toarray()
    assert not bodiless[:, body].any() and bodiless[:, title].any()
    assert not titleless[:, title].any() and np.allclose(titleless[:, body], x[:, body], atol=1e-5)


def test_each_view_labels_for_the_other_a_quota_per_class_per_round() -> None:
    # given: 3 labelled appeals per class, 30 unlabelled ones per class
    texts, labels = dataset(3, seed=5)
    unlabelled, hidden = dataset(30, seed=6)
    vectorizer = AppealVectorizer(PLAIN)
    x_all = vectorizer.fit_transform(prepare([*texts, *unlabelled], with_words=True))
    y = np.array(labels, dtype=object)

    # when
    params = textclf.with_params(COTRAIN, cotrain_share=1.0)
    rows, given = training.cotrain(x_all[: len(texts)], y, x_all[len(texts) :], params, vectorizer.view_columns())

    # then: per round and view round(1.0 * 9 / 2) = 4 appeals, round(4 / 3) = 1 per class: at most 2 x 3 x 3
    assert len(rows) == len(np.unique(rows)) and 0 < len(rows) <= 2 * 3 * len(CATEGORIES)
    assert set(given) <= set(CATEGORIES)
    truth = np.array(hidden, dtype=object)[rows]
    assert np.mean(truth == given) >= 0.8


def test_no_rounds_or_no_views_leave_the_plain_fit() -> None:
    texts, labels = dataset(5, seed=7)
    unlabelled, _hidden = dataset(10, seed=8)
    vectorizer = AppealVectorizer(PLAIN)
    x_all = vectorizer.fit_transform(prepare([*texts, *unlabelled], with_words=True))
    x, x_unlabelled, y = x_all[: len(texts)], x_all[len(texts) :], np.array(labels, dtype=object)

    _plain, x_pseudo, _y = training.fit_classifier(x, y, x_unlabelled, PLAIN, views=vectorizer.view_columns())
    _viewless, x_none, _y2 = training.fit_classifier(x, y, x_unlabelled, COTRAIN)
    _co, x_co, y_co = training.fit_classifier(x, y, x_unlabelled, COTRAIN, views=vectorizer.view_columns())

    assert x_pseudo.shape[0] == 0 and x_none.shape[0] == 0
    assert x_co.shape[0] == len(y_co) > 0
    assert sp.issparse(x_co)


def test_training_with_co_training_keeps_the_co_trained_appeals_count() -> None:
    texts, labels = dataset(10, seed=9)
    unlabelled, _hidden = dataset(20, seed=10)

    model = textclf.train(texts, labels, unlabelled, params=COTRAIN, taxonomy=TAXONOMY)

    assert 0 < model.n_pseudo <= 2 * 3 * len(CATEGORIES)
    assert model.describe()["params"]["cotrain_rounds"] == 3
    test_texts, test_labels = dataset(5, seed=11)
    assert textclf.evaluate(model, test_texts, test_labels).macro_f1 > 0.8


def test_the_views_of_a_candidate_are_its_own_pipelines_views() -> None:
    texts, _labels = dataset(6, seed=4)
    docs = prepare(texts, with_words=True)
    keywords = taxonomy_keywords(TAXONOMY)
    grid = [
        textclf.Candidate("plain", textclf.with_params(PLAIN, embedding_dim=0), knobs=0, use_taxonomy=False),
        textclf.Candidate("co-training", COTRAIN, knobs=2),
    ]
    shared = evaluation._shared_vectorizer_params(grid)
    assert shared is not None
    vectorizer = AppealVectorizer(shared, keywords)
    vectorizer.fit_transform(docs)
    title, body = vectorizer.view_columns()

    for candidate in grid:
        own = AppealVectorizer(candidate.params, keywords if candidate.use_taxonomy else None)
        own.fit_transform(docs)
        halves = evaluation._halves(vectorizer.block_columns(), candidate, title, body)
        for mine, theirs in zip(halves, own.view_columns(), strict=True):
            assert np.array_equal(mine, theirs), candidate.name


def test_nested_cross_validation_scores_the_co_training_candidate_on_every_outer_fold() -> None:
    texts, labels = dataset(10, seed=12)
    unlabelled, _hidden = dataset(10, seed=13)
    grid = [
        textclf.Candidate("plain", textclf.with_params(PLAIN, embedding_dim=0), knobs=0, use_taxonomy=False),
        textclf.Candidate("co-training", COTRAIN, knobs=2),
    ]

    result = textclf.nested_cross_validate(
        texts, labels, grid, unlabelled, outer_folds=3, inner_folds=2, taxonomy=TAXONOMY, every_outer=True
    )

    assert set(result.outer) == {"plain", "co-training"}
    assert all(len(values) == 3 for values in result.outer.values())
    for fold, name in enumerate(result.chosen):
        assert result.scores[fold] == result.outer[name][fold]
    assert result.as_dict()["outer"]["co-training"] == [round(v, 4) for v in result.outer["co-training"]]


def test_class_descriptions_are_one_weak_appeal_per_second_level_category() -> None:
    rows = [*TAXONOMY, ("交通运输", "公交线路", "其他"), ("交通运输", "公交线路", "站台"), ("交通运输",)]

    texts, labels = textclf.taxonomy_descriptions(rows)

    assert texts == [
        ("公交线路", "公交线路 出租车 站台"),
        ("学校招生", "学校招生 幼儿园"),
        ("噪音污染", "噪音污染 废水"),
    ]
    assert labels == ["交通运输", "教育文体", "环境保护"]


def test_class_descriptions_weigh_in_only_with_a_weight_and_for_the_labelled_classes() -> None:
    # given: labelled appeals of two classes; descriptions of three
    texts, labels = dataset(5, seed=14)
    kept = [i for i, label in enumerate(labels) if label != "环境保护"]
    texts, labels = [texts[i] for i in kept], [labels[i] for i in kept]
    docs = prepare(texts, with_words=True)
    y = np.array(labels, dtype=object)
    described, described_labels = textclf.taxonomy_descriptions(TAXONOMY)
    descriptions = (prepare(described), described_labels)

    # when
    without = training.fit_pipeline(docs, y, [], PLAIN, None, descriptions)
    weighted = training.fit_pipeline(
        docs, y, [], textclf.with_params(PLAIN, description_weight=0.5), None, descriptions
    )

    # then
    assert without.weak is None
    assert weighted.weak is not None and list(weighted.weak[1]) == ["交通运输", "教育文体"]
    assert set(weighted.classifier.classes_) == {"交通运输", "教育文体"}
    assert not np.allclose(without.classifier.coef_, weighted.classifier.coef_)


def test_training_with_class_descriptions_uses_the_taxonomy_it_is_given() -> None:
    texts, labels = dataset(10, seed=15)
    params = textclf.with_params(PLAIN, description_weight=1.0)

    model = textclf.train(texts, labels, params=params, taxonomy=TAXONOMY)

    assert model.describe()["params"]["description_weight"] == 1.0
    test_texts, test_labels = dataset(5, seed=16)
    assert textclf.evaluate(model, test_texts, test_labels).macro_f1 > 0.8
