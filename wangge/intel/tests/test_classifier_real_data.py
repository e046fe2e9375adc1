"""A sanity floor on real citizen messages (../shared/data/appeals): train on a stratified subset,
score the rest. The full figures come from ``manage.py classifier cv`` and bench/classifier.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from wangge.intel import textclf

pytestmark = pytest.mark.data


def test_macro_f1_on_held_out_real_messages(shared_data: Path) -> None:
    # given
    folder = shared_data / "appeals"
    if not (folder / "train.csv").is_file():
        pytest.skip(f"{folder}/train.csv is not present")
    table = textclf.read_table(folder / "train.csv", ["留言主题", "留言详情"], "一级标签")
    assert table.labels is not None
    labels = np.array(table.labels)
    rng = np.random.default_rng(0)
    train_idx, test_idx = [], []
    for label in sorted(set(labels)):
        rows = rng.permutation(np.flatnonzero(labels == label))
        cut = int(len(rows) * 0.7)
        train_idx += rows[:cut].tolist()
        test_idx += rows[cut:].tolist()
    unlabelled: list[textclf.Text] = []
    if (folder / "unlabeled.csv").is_file():
        unlabelled = textclf.read_table(folder / "unlabeled.csv", ["留言主题", "留言详情"]).texts[:1500]
    taxonomy = textclf.read_taxonomy(folder / "taxonomy.csv") if (folder / "taxonomy.csv").is_file() else None

    # when
    model = textclf.train(
        [table.texts[i] for i in train_idx],
        [table.labels[i] for i in train_idx],
        unlabelled,
        params=textclf.Params(embedding_dim=50, calibration_folds=3),
        taxonomy=taxonomy,
    )
    evaluation = textclf.evaluate(model, [table.texts[i] for i in test_idx], [table.labels[i] for i in test_idx])

    # then: well above chance (1/7) and above what character TF-IDF alone reaches on this little data
    assert len(model.labels) == 7
    assert evaluation.macro_f1 >= 0.78, evaluation.format()
