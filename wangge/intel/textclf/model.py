"""A trained classifier: its pipeline, its provenance, and prediction with a calibrated confidence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.svm import LinearSVC

from wangge.intel.textclf.features import AppealVectorizer
from wangge.intel.textclf.params import Params
from wangge.intel.textclf.text import Text, prepare

# Bumped whenever the saved layout changes; load() refuses other formats.
MODEL_FORMAT = 1


def decision_scores(classifier: LinearSVC, x: sp.csr_matrix) -> np.ndarray:
    """Decision values, one column per class (what ``decision_function`` gives, without its checks)."""
    scores = np.asarray(x @ classifier.coef_.T) + classifier.intercept_
    if scores.shape[1] == 1:  # two classes: one column, positive for the second
        scores = np.column_stack([-scores[:, 0], scores[:, 0]])
    return scores


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float
    top: list[tuple[str, float]]


@dataclass
class TrainedModel:
    """A fitted classifier with everything needed to explain where it came from."""

    version: str
    params: Params
    labels: tuple[str, ...]
    vectorizer: AppealVectorizer
    classifier: LinearSVC
    temperature: float
    trained_at: str
    training_seconds: float
    n_labelled: int
    n_unlabelled: int
    n_pseudo: int
    sklearn_version: str = sklearn.__version__
    model_format: int = MODEL_FORMAT
    evaluation: dict[str, Any] | None = None
    cross_validation: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, texts: Sequence[Text]) -> np.ndarray:
        """Rows of class probabilities, columns in the order of ``labels``."""
        x = self.vectorizer.transform(prepare(texts))
        return softmax(decision_scores(self.classifier, x), self.temperature)

    def predict(self, texts: Sequence[Text], k: int = 3) -> list[Prediction]:
        probs = self.probabilities(texts)
        out = []
        for row in probs:
            order = np.argsort(-row, kind="stable")[: max(1, k)]
            top = [(self.labels[i], float(row[i])) for i in order]
            out.append(Prediction(label=top[0][0], confidence=top[0][1], top=top))
        return out

    def predict_one(self, text: Text, k: int = 3) -> Prediction:
        return self.predict([text], k=k)[0]

    def describe(self) -> dict[str, Any]:
        """JSON-ready summary: what the registry stores beside the file."""
        return {
            "version": self.version,
            "model_format": self.model_format,
            "labels": list(self.labels),
            "params": asdict(self.params),
            "trained_at": self.trained_at,
            "training_seconds": round(self.training_seconds, 2),
            "n_labelled": self.n_labelled,
            "n_unlabelled": self.n_unlabelled,
            "n_pseudo": self.n_pseudo,
            "n_features": self.vectorizer.n_features,
            "taxonomy_classes": len(self.vectorizer.keywords),
            "temperature": round(self.temperature, 4),
            "sklearn_version": self.sklearn_version,
            "evaluation": self.evaluation,
            "cross_validation": self.cross_validation,
        }
