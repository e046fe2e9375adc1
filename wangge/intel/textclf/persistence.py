"""Saving and loading a trained model with joblib; a file of another format or kind is refused."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any, BinaryIO

import joblib
import sklearn

from wangge.intel.textclf.model import MODEL_FORMAT, TrainedModel

logger = logging.getLogger(__name__)


class ModelFormatError(ValueError):
    """The file is not a saved classifier of this format."""


def save(model: TrainedModel, path: str | Path) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(_payload(model), target, compress=3)
    return target


def dumps(model: TrainedModel) -> bytes:
    """The saved form of ``model`` as bytes (what ``save`` writes)."""
    buffer = io.BytesIO()
    joblib.dump(_payload(model), buffer, compress=3)
    return buffer.getvalue()


def _payload(model: TrainedModel) -> dict[str, Any]:
    return {"kind": "wangge.textclf", "format": MODEL_FORMAT, "model": model}


def load(path: str | Path | BinaryIO) -> TrainedModel:
    """A saved model from a path or an open binary file."""
    try:
        payload = joblib.load(path if hasattr(path, "read") else Path(path))  # type: ignore[arg-type]
    except Exception as exc:  # a damaged or foreign file can fail in any way while unpickling
        raise ModelFormatError(f"cannot read a classifier from {path}: {exc}") from exc
    if not isinstance(payload, dict) or payload.get("kind") != "wangge.textclf":
        raise ModelFormatError(f"{path} is not a saved appeal classifier")
    if payload.get("format") != MODEL_FORMAT:
        raise ModelFormatError(f"{path} has format {payload.get('format')}, this code reads {MODEL_FORMAT}")
    model = payload["model"]
    if model.sklearn_version != sklearn.__version__:
        logger.warning(
            "classifier %s was saved with scikit-learn %s, running %s",
            model.version,
            model.sklearn_version,
            sklearn.__version__,
        )
    return model
