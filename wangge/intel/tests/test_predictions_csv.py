"""``classifier predict`` writes its CSV through the safe writer: an id or a label from the input files
that starts with a formula prefix is written behind an apostrophe."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from wangge.core.tests.test_spreadsheets import PAYLOADS
from wangge.intel import textclf
from wangge.intel.textclf.model import Prediction


class _Model:
    """A model that names every appeal with a hostile label (labels come from a training CSV)."""

    def predict(self, texts: list[Any], k: int = 3) -> list[Prediction]:
        return [Prediction("=1+2", 0.9, [("=1+2", 0.9), ("@SUM(1)", 0.1)]) for _ in texts]


def test_predictions_csv_neutralises_ids_and_labels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # given an input file whose ids start with a formula prefix
    source = tmp_path / "new.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["留言编号", "留言主题", "留言详情"])
        writer.writerows([[payload, "路灯不亮", "幸福路路灯不亮"] for payload in PAYLOADS])
    monkeypatch.setattr(textclf, "load", lambda path: _Model())
    out = tmp_path / "predictions.csv"

    # when predictions are written
    call_command(
        "classifier", "predict", "--model", "m.joblib", "--csv", str(source), "--out", str(out), stdout=io.StringIO()
    )

    # then every formula-like field is behind an apostrophe
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["留言编号"] for r in rows] == ["'" + p.strip() for p in PAYLOADS]
    assert {r["label"] for r in rows} == {"'=1+2"}
    assert all(r["top"].startswith("[") for r in rows)
