"""Nested cross-validation: the inner loop chooses among candidates (fewer knobs within one standard error), the
outer loop reports; candidates share one vectorizer per outer fold, each seeing exactly its own blocks."""

from __future__ import annotations

import numpy as np
import pytest

from wangge.intel import textclf
from wangge.intel.tests.synthetic_appeals import dataset
from wangge.intel.textclf import evaluation
from wangge.intel.textclf.features import AppealVectorizer, taxonomy_keywords
from wangge.intel.textclf.text import prepare

PLAIN = textclf.Params(embedding_dim=0, taxonomy_weight=0.0, pseudo_ratio=0.0, min_df=2, calibration_folds=3)
TAXONOMY = [("交通运输", "公交线路", "出租车"), ("教育文体", "学校招生", "幼儿园"), ("环境保护", "噪音污染", "废水")]
GRID = [
    textclf.Candidate("plain", PLAIN, knobs=0, use_taxonomy=False),
    textclf.Candidate("taxonomy", textclf.with_params(PLAIN, taxonomy_weight=0.5), knobs=1),
    textclf.Candidate(
        "all", textclf.with_params(PLAIN, taxonomy_weight=0.3, embedding_dim=8, pseudo_ratio=0.5), knobs=3
    ),
]


def test_within_one_standard_error_the_plainer_candidate_is_chosen() -> None:
    knobs = {"plain": 0, "taxonomy": 1, "all": 3}

    assert textclf.choose({"plain": (0.86, 0.01), "taxonomy": (0.86, 0.02), "all": (0.87, 0.015)}, knobs) == "plain"
    assert textclf.choose({"plain": (0.80, 0.01), "taxonomy": (0.86, 0.02), "all": (0.87, 0.015)}, knobs) == (
        "taxonomy"
    )
    assert textclf.choose({"plain": (0.80, 0.01), "taxonomy": (0.84, 0.0), "all": (0.87, 0.01)}, knobs) == "all"


def test_a_candidates_view_of_the_shared_features_is_its_own_pipeline() -> None:
    texts, _labels = dataset(6, seed=4)
    docs = prepare(texts, with_words=True)
    keywords = taxonomy_keywords(TAXONOMY)
    shared = evaluation._shared_vectorizer_params(GRID)
    assert shared is not None and shared.embedding_dim == 8 and shared.taxonomy_weight == 1.0

    vectorizer = AppealVectorizer(shared, keywords)
    x_shared = vectorizer.fit_transform(docs)
    columns = vectorizer.block_columns()
    for candidate in GRID:
        own = AppealVectorizer(candidate.params, keywords if candidate.use_taxonomy else None).fit_transform(docs)
        view = evaluation._select(columns, candidate)(x_shared)
        assert view.shape == own.shape
        assert np.allclose(view.toarray(), own.toarray(), atol=1e-5), candidate.name


def test_candidates_that_need_different_vectorizers_each_build_their_own() -> None:
    other = textclf.Candidate("min_df 3", textclf.with_params(PLAIN, min_df=3), knobs=1)

    assert evaluation._shared_vectorizer_params([GRID[0], other]) is None


@pytest.mark.parametrize(
    "grid", [GRID, [GRID[0], textclf.Candidate("min_df 1", textclf.with_params(PLAIN, min_df=1), 1)]]
)
def test_the_outer_figure_comes_with_its_spread_and_the_choice_per_fold(grid: list[textclf.Candidate]) -> None:
    texts, labels = dataset(10, seed=8)
    unlabelled, _hidden = dataset(5, seed=9)

    result = textclf.nested_cross_validate(
        texts, labels, grid, unlabelled, outer_folds=3, inner_folds=2, taxonomy=TAXONOMY
    )

    assert len(result.scores) == len(result.chosen) == len(result.inner) == 3
    assert set(result.chosen) <= {c.name for c in grid}
    assert all(set(inner) == {c.name for c in grid} for inner in result.inner)
    assert result.mean > 0.8 and result.std >= 0.0
    assert result.as_dict()["macro_f1_mean"] == round(result.mean, 4)


def test_keyword_hits_by_code_count_what_a_substring_search_counts() -> None:
    texts, _labels = dataset(6, seed=4)
    texts.append(("罕见字龘的标题", "公共交通线路调整问题，学校招生"))
    docs = prepare(texts, with_words=True)
    rows = [
        *TAXONOMY,
        ("交通运输", "龘", "公共交通线路调整"),
        ("教育文体", "学校招生"),
    ]  # an unknown character, a long name
    keywords = taxonomy_keywords(rows)
    vectorizer = AppealVectorizer(textclf.with_params(PLAIN, taxonomy_weight=1.0), keywords)
    x = vectorizer.fit_transform(docs).toarray()
    width = len(vectorizer.keywords)

    for i, doc in enumerate(docs):
        expected = np.zeros(2 * width)
        for part, text in enumerate((doc.title, doc.body)):
            for column, (_label, words) in enumerate(vectorizer.keywords):
                expected[part * width + column] = sum(word in text for word in words)
        assert np.allclose(x[i, -2 * width :], np.log1p(expected)), texts[i]
        ids, values = vectorizer.row(doc)
        dense = np.zeros(vectorizer.n_features)
        dense[ids] = values
        assert np.allclose(dense[-2 * width :], np.log1p(expected))
