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

from wangge.intel.textclf.features import AppealVectorizer, taxonomy_descriptions, taxonomy_keywords
from wangge.intel.textclf.model import TrainedModel, decision_scores, softmax
from wangge.intel.textclf.params import Params
from wangge.intel.textclf.text import Doc, Text, clean, prepare, prepare_both


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
    weak: Weak | None = None


# Weakly labelled rows (the taxonomy's class descriptions): features and labels.
Weak = tuple[sp.csr_matrix, np.ndarray]


def fit_pipeline(
    docs: Sequence[Doc],
    labels: np.ndarray,
    unlabelled: Sequence[Doc],
    params: Params,
    keywords: Mapping[str, Sequence[str]] | None = None,
    descriptions: tuple[Sequence[Doc], Sequence[str]] | None = None,
) -> Fitted:
    vectorizer = AppealVectorizer(params, keywords)
    x_all = vectorizer.fit_transform([*docs, *unlabelled])
    weak = None
    if descriptions is not None and params.description_weight > 0:
        weak = (vectorizer.transform(descriptions[0]), as_labels(descriptions[1]))
    classifier, x_pseudo, y_pseudo = fit_classifier(
        x_all[: len(docs)], labels, x_all[len(docs) :], params, views=vectorizer.view_columns(), weak=weak
    )
    return Fitted(vectorizer, classifier, x_all[: len(docs)], x_pseudo, y_pseudo, _known(weak, labels))


def _known(weak: Weak | None, labels: np.ndarray) -> Weak | None:
    """The weak rows whose label some labelled row has (None when there are none)."""
    if weak is None:
        return None
    keep = np.isin(weak[1], np.unique(labels))
    return (weak[0][np.flatnonzero(keep)], weak[1][keep]) if keep.any() else None


def fit_classifier(
    x: sp.csr_matrix,
    labels: np.ndarray,
    x_unlabelled: sp.csr_matrix,
    params: Params,
    views: tuple[np.ndarray, np.ndarray] | None = None,
    weak: Weak | None = None,
) -> tuple[LinearSVC, sp.csr_matrix, np.ndarray]:
    """The SVM on feature rows, with ``params.pseudo_rounds`` of class-balanced self-training on the unlabelled
    rows, or with ``params.cotrain_rounds`` of co-training of the two ``views`` (column indices of ``x``), and
    with ``weak`` rows (of the labelled classes) weighted ``params.description_weight``: (classifier,
    pseudo-labelled rows, their labels). Quotas and class shares count the labelled rows only."""
    n_labelled = len(labels)
    classes = np.unique(labels)
    prior = np.array([np.mean(labels == c) for c in classes])
    base = np.ones(n_labelled)
    weak = _known(weak, labels) if params.description_weight > 0 else None
    if weak is not None:
        x = sp.vstack([x, weak[0]], format="csr")
        labels = np.concatenate([labels, weak[1]])
        base = np.concatenate([base, np.full(len(weak[1]), params.description_weight)])

    def refit(x_pseudo: sp.csr_matrix, y_pseudo: np.ndarray) -> LinearSVC:
        weights = np.concatenate([base, np.full(len(y_pseudo), params.pseudo_weight)])
        return _svm(params).fit(
            sp.vstack([x, x_pseudo], format="csr"), np.concatenate([labels, y_pseudo]), sample_weight=weights
        )

    if params.cotrain_rounds > 0 and views is not None and x_unlabelled.shape[0]:
        picked, y_pseudo = cotrain(x, labels, x_unlabelled, params, views, weights=base, count_of=n_labelled)
        x_pseudo = x_unlabelled[picked]
        return refit(x_pseudo, y_pseudo), x_pseudo, y_pseudo
    x_pseudo = sp.csr_matrix((0, x.shape[1]), dtype=np.float32)
    y_pseudo = np.zeros(0, dtype=labels.dtype)
    classifier = refit(x_pseudo, y_pseudo) if weak is not None else _svm(params).fit(x, labels)
    n_unlabelled = x_unlabelled.shape[0]
    count = int(min(params.pseudo_ratio * n_labelled, params.pseudo_share * n_unlabelled))
    if n_unlabelled and count > 0:
        for _round in range(max(1, params.pseudo_rounds)):
            scores = decision_scores(classifier, x_unlabelled)[:, np.searchsorted(classifier.classes_, classes)]
            picked, y_pseudo = select_pseudo_labels(scores, classes, count, prior)
            x_pseudo = x_unlabelled[picked]
            classifier = refit(x_pseudo, y_pseudo)
    return classifier, x_pseudo, y_pseudo


def cotrain(
    x: sp.csr_matrix,
    labels: np.ndarray,
    x_unlabelled: sp.csr_matrix,
    params: Params,
    views: tuple[np.ndarray, np.ndarray],
    *,
    weights: np.ndarray | None = None,
    count_of: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Co-training of two views (Blum and Mitchell): unlabelled rows to add and their labels.

    Each of ``params.cotrain_rounds`` rounds fits an SVM on each view (its columns of the labelled rows plus
    the rows the other view labelled for it so far) and lets it label, for the other view, the unlabelled rows
    still in the pool it is surest of (widest margin), per class as many as the labelled class shares predict.
    A row both views pick in the same round with different labels is dropped. The rows either view labelled are
    returned once, with the label given. ``weights`` weigh the labelled rows (default 1); the first ``count_of``
    of them (default all) are the ones the class shares and the quotas count."""
    counted = labels[: len(labels) if count_of is None else count_of]
    classes = np.unique(counted)
    prior = np.array([np.mean(counted == c) for c in classes])
    count = max(1, round(params.cotrain_share * len(counted) / 2))  # per view and round
    base = np.ones(len(labels)) if weights is None else weights
    sides = [(x[:, columns], x_unlabelled[:, columns]) for columns in views]
    given: list[tuple[list[np.ndarray], list[np.ndarray]]] = [([], []), ([], [])]  # rows labelled FOR each view
    pool = np.ones(x_unlabelled.shape[0], dtype=bool)
    for _round in range(params.cotrain_rounds):
        rest = np.flatnonzero(pool)
        if not len(rest):
            break
        picks = []
        for view, (x_view, u_view) in enumerate(sides):
            given_rows, given_labels = given[view]
            extra = np.concatenate(given_rows) if given_rows else np.zeros(0, dtype=np.int64)
            y_extra = np.concatenate(given_labels) if given_labels else np.zeros(0, dtype=labels.dtype)
            model = _svm(params).fit(
                sp.vstack([x_view, u_view[extra]], format="csr"),
                np.concatenate([labels, y_extra]),
                sample_weight=np.concatenate([base, np.full(len(extra), params.pseudo_weight)]),
            )
            scores = decision_scores(model, u_view[rest])[:, np.searchsorted(model.classes_, classes)]
            chosen, y_chosen = select_pseudo_labels(scores, classes, count, prior)
            picks.append((rest[chosen], y_chosen))
        (rows_a, y_a), (rows_b, y_b) = picks
        common, in_a, in_b = np.intersect1d(rows_a, rows_b, return_indices=True)
        clash = common[y_a[in_a] != y_b[in_b]]
        for view, (picked, y_picked) in enumerate(picks):
            keep = ~np.isin(picked, clash)
            given[1 - view][0].append(picked[keep])  # what one view labelled trains the other
            given[1 - view][1].append(y_picked[keep])
        pool[rows_a] = False
        pool[rows_b] = False
    rows = np.concatenate([r for side in given for r in side[0]] or [np.zeros(0, dtype=np.int64)])
    ys = np.concatenate([y for side in given for y in side[1]] or [np.zeros(0, dtype=labels.dtype)])
    rows, first = np.unique(rows, return_index=True)
    return rows, ys[first]


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
    x_weak, y_weak = fitted.weak or (fitted.x_pseudo[:0], fitted.y_pseudo[:0])
    for train, test in splitter.split(np.zeros(len(labels)), labels):
        x = sp.vstack([fitted.x_labelled[train], x_weak, fitted.x_pseudo], format="csr")
        y = np.concatenate([labels[train], y_weak, fitted.y_pseudo])
        weights = np.concatenate(
            [
                np.ones(len(train)),
                np.full(len(y_weak), params.description_weight),
                np.full(len(fitted.y_pseudo), params.pseudo_weight),
            ]
        )
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
    descriptions = None
    if taxonomy and params.description_weight > 0:
        description_texts, description_labels = taxonomy_descriptions(taxonomy)
        descriptions = (prepare(description_texts), description_labels)
    fitted = fit_pipeline(docs, y, others, params, taxonomy_keywords(taxonomy or []), descriptions)
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
