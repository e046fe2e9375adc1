"""Training: a linear SVM on the feature blocks, optional class-balanced self-training on unlabelled appeals,
and a softmax temperature fitted on out-of-fold scores."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from wangge.intel.textclf.features import AppealVectorizer, taxonomy_keywords
from wangge.intel.textclf.model import TrainedModel, decision_scores, softmax
from wangge.intel.textclf.params import Params
from wangge.intel.textclf.text import Doc, Text, clean, prepare_both


def _svm(params: Params) -> LinearSVC:
    return LinearSVC(
        C=params.C, class_weight="balanced", multi_class=params.multi_class, random_state=params.seed, max_iter=2000
    )


def select_pseudo_labels(
    scores: np.ndarray, classes: np.ndarray, count: int, prior: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``scores`` to pseudo-label and their labels: per class, the ``count * prior``
    rows predicted as that class with the widest margin over the runner-up."""
    order = np.sort(scores, axis=1)
    margin = order[:, -1] - order[:, -2] if scores.shape[1] > 1 else order[:, -1]
    predicted = scores.argmax(axis=1)
    chosen = []
    for index in range(len(classes)):
        rows = np.flatnonzero(predicted == index)
        take = round(float(count * prior[index]))
        chosen.append(rows[np.argsort(-margin[rows], kind="stable")][:take])
    picked = np.concatenate(chosen) if chosen else np.zeros(0, dtype=np.int64)
    return picked, classes[predicted[picked]]


@dataclass
class Fitted:
    vectorizer: AppealVectorizer
    classifier: LinearSVC
    x_labelled: sp.csr_matrix
    x_pseudo: sp.csr_matrix
    y_pseudo: np.ndarray


def fit_pipeline(
    docs: Sequence[Doc],
    labels: np.ndarray,
    unlabelled: Sequence[Doc],
    params: Params,
    keywords: Mapping[str, Sequence[str]] | None = None,
) -> Fitted:
    vectorizer = AppealVectorizer(params, keywords)
    x_all = vectorizer.fit_transform([*docs, *unlabelled])
    classifier, x_pseudo, y_pseudo = fit_classifier(x_all[: len(docs)], labels, x_all[len(docs) :], params)
    return Fitted(vectorizer, classifier, x_all[: len(docs)], x_pseudo, y_pseudo)


def fit_classifier(
    x: sp.csr_matrix, labels: np.ndarray, x_unlabelled: sp.csr_matrix, params: Params
) -> tuple[LinearSVC, sp.csr_matrix, np.ndarray]:
    """The SVM on feature rows, with ``params.pseudo_rounds`` of class-balanced self-training on the unlabelled
    rows: (classifier, pseudo-labelled rows, their labels)."""
    classifier = _svm(params).fit(x, labels)
    x_pseudo = sp.csr_matrix((0, x.shape[1]), dtype=np.float32)
    y_pseudo = np.zeros(0, dtype=labels.dtype)
    n_unlabelled = x_unlabelled.shape[0]
    count = int(min(params.pseudo_ratio * len(labels), params.pseudo_share * n_unlabelled))
    if n_unlabelled and count > 0:
        classes = classifier.classes_
        prior = np.array([np.mean(labels == c) for c in classes])
        for _round in range(max(1, params.pseudo_rounds)):
            scores = decision_scores(classifier, x_unlabelled)
            picked, y_pseudo = select_pseudo_labels(scores, classes, count, prior)
            x_pseudo = x_unlabelled[picked]
            weights = np.concatenate([np.ones(len(labels)), np.full(len(picked), params.pseudo_weight)])
            classifier = _svm(params).fit(
                sp.vstack([x, x_pseudo], format="csr"), np.concatenate([labels, y_pseudo]), sample_weight=weights
            )
    return classifier, x_pseudo, y_pseudo


def _fit_temperature(fitted: Fitted, labels: np.ndarray, params: Params) -> float:
    """Temperature minimising the log-loss of out-of-fold scores of the labelled appeals (each fold's
    model trained on the other labelled folds plus the pseudo-labelled appeals)."""
    classes = fitted.classifier.classes_
    counts = np.array([np.sum(labels == c) for c in classes])
    folds = int(min(params.calibration_folds, counts.min()))
    if folds < 2:
        return 1.0
    oof = np.zeros((len(labels), len(classes)))
    splitter = StratifiedKFold(folds, shuffle=True, random_state=params.seed)
    for train, test in splitter.split(np.zeros(len(labels)), labels):
        x = sp.vstack([fitted.x_labelled[train], fitted.x_pseudo], format="csr")
        y = np.concatenate([labels[train], fitted.y_pseudo])
        weights = np.concatenate([np.ones(len(train)), np.full(len(fitted.y_pseudo), params.pseudo_weight)])
        model = _svm(params).fit(x, y, sample_weight=weights)
        oof[test] = decision_scores(model, fitted.x_labelled[test])[:, np.searchsorted(model.classes_, classes)]
    target = np.searchsorted(classes, labels)

    def nll(log_t: float) -> float:
        p = softmax(oof, float(np.exp(log_t)))
        return float(-np.mean(np.log(p[np.arange(len(target)), target] + 1e-12)))

    result = minimize_scalar(nll, bounds=(np.log(0.01), np.log(10.0)), method="bounded")
    return float(np.exp(result.x))


def as_labels(labels: Iterable[Any]) -> np.ndarray:
    return np.array([clean(str(label)) for label in labels], dtype=object)


def check_training_set(texts: Sequence[Text], labels: np.ndarray) -> None:
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    if len(set(labels.tolist())) < 2:
        raise ValueError("training needs at least two distinct labels")
    if any(not label for label in labels):
        raise ValueError("every training text needs a label")


def train(
    texts: Sequence[Text],
    labels: Sequence[str],
    unlabeled: Sequence[Text] | None = None,
    params: Params | None = None,
    n_jobs: int = 1,
    taxonomy: Sequence[Sequence[str]] | None = None,
) -> TrainedModel:
    """Fit the pipeline on labelled texts, optionally self-training on unlabelled ones and with
    keywords from ``taxonomy`` (rows of first/second/third-level category names, see
    ``read_taxonomy``). ``n_jobs`` processes segment the texts."""
    params = params or Params()
    y = as_labels(labels)
    check_training_set(texts, y)
    started = time.perf_counter()
    docs, others = prepare_both(texts, unlabeled, n_jobs)
    fitted = fit_pipeline(docs, y, others, params, taxonomy_keywords(taxonomy or []))
    temperature = _fit_temperature(fitted, y, params)
    elapsed = time.perf_counter() - started
    classes = tuple(str(c) for c in fitted.classifier.classes_)
    now = dt.datetime.now(dt.UTC)
    digest = hashlib.sha1(
        json.dumps([classes, asdict(params), len(docs), now.isoformat()], ensure_ascii=False).encode()
    )
    digest.update(uuid.uuid4().bytes)
    return TrainedModel(
        version=f"{now:%Y%m%d%H%M%S}-{digest.hexdigest()[:6]}",
        params=params,
        labels=classes,
        vectorizer=fitted.vectorizer,
        classifier=fitted.classifier,
        temperature=temperature,
        trained_at=now.isoformat(timespec="seconds"),
        training_seconds=elapsed,
        n_labelled=len(docs),
        n_unlabelled=len(others),
        n_pseudo=len(fitted.y_pseudo),
    )
