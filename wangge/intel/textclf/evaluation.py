"""Evaluation: macro-F1, per-class report and confusion matrix of a model, and repeated stratified
cross-validation of the whole pipeline."""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import classification_report, confusion_matrix, f1_score
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold

from wangge.intel.textclf.features import AppealVectorizer, taxonomy_descriptions, taxonomy_keywords
from wangge.intel.textclf.model import TrainedModel
from wangge.intel.textclf.params import Params
from wangge.intel.textclf.text import Doc, Text, clean, prepare, prepare_both
from wangge.intel.textclf.training import as_labels, check_training_set, fit_classifier, fit_pipeline


@dataclass(frozen=True)
class Evaluation:
    macro_f1: float
    accuracy: float
    labels: list[str]
    per_class: dict[str, dict[str, float]]
    confusion: list[list[int]]
    report: str
    support: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def format(self) -> str:
        """Human-readable: the ``macro_f1=`` line, the per-class report and the confusion matrix."""
        width = max([_display_width(label) for label in self.labels] + [4])
        lines = [f"macro_f1={self.macro_f1:.3f}", f"accuracy={self.accuracy:.3f} n={self.support}", ""]
        lines.append(self.report.rstrip())
        lines += ["", "confusion matrix (rows: true, columns: predicted)"]
        lines.append(" " * (width + 4) + "".join(f"{i:>6}" for i in range(len(self.labels))))
        for i, (label, row) in enumerate(zip(self.labels, self.confusion, strict=True)):
            pad = " " * (width - _display_width(label))
            lines.append(f"{i:>2} {label}{pad} " + "".join(f"{v:>6}" for v in row))
        return "\n".join(lines)


def _display_width(text: str) -> int:
    """Terminal columns of ``text``: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def score(true: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None) -> Evaluation:
    y_true = [str(v) for v in true]
    y_pred = [str(v) for v in predicted]
    names = list(labels) if labels else sorted(set(y_true) | set(y_pred))
    names += sorted((set(y_true) | set(y_pred)) - set(names))
    report_dict = classification_report(y_true, y_pred, labels=names, output_dict=True, zero_division=0)
    per_class = {name: {k: float(v) for k, v in report_dict[name].items()} for name in names if name in report_dict}
    return Evaluation(
        macro_f1=float(f1_score(y_true, y_pred, labels=names, average="macro", zero_division=0)),
        accuracy=float(np.mean(np.array(y_true) == np.array(y_pred))) if y_true else 0.0,
        labels=names,
        per_class=per_class,
        confusion=confusion_matrix(y_true, y_pred, labels=names).tolist(),
        report=classification_report(y_true, y_pred, labels=names, digits=3, zero_division=0),
        support=len(y_true),
    )


def evaluate(model: TrainedModel, texts: Sequence[Text], labels: Sequence[str]) -> Evaluation:
    """Macro-F1, per-class report and confusion matrix of ``model`` on labelled texts."""
    y = [clean(str(v)) for v in labels]
    predicted = [p.label for p in model.predict(texts, k=1)]
    return score(y, predicted, labels=list(model.labels))


@dataclass(frozen=True)
class CVResult:
    folds: int
    repeats: int
    scores: list[float]
    seconds: float
    # Out-of-fold predictions, one list per repeat, aligned with the labelled texts.
    predictions: list[list[str]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    def pooled(self) -> Evaluation:
        """Per-class report and confusion matrix of the out-of-fold predictions, all repeats pooled."""
        return score(self.labels * len(self.predictions), [p for run in self.predictions for p in run])

    @property
    def mean(self) -> float:
        return float(np.mean(self.scores))

    @property
    def std(self) -> float:
        return float(np.std(self.scores))

    def as_dict(self) -> dict[str, Any]:
        return {
            "folds": self.folds,
            "repeats": self.repeats,
            "macro_f1_mean": round(self.mean, 4),
            "macro_f1_std": round(self.std, 4),
            "scores": [round(s, 4) for s in self.scores],
            "seconds": round(self.seconds, 1),
        }


def cross_validate(
    texts: Sequence[Text],
    labels: Sequence[str],
    unlabeled: Sequence[Text] | None = None,
    *,
    params: Params | None = None,
    folds: int = 5,
    repeats: int = 1,
    seed: int = 0,
    n_jobs: int = 1,
    progress: Callable[[int, float], None] | None = None,
    taxonomy: Sequence[Sequence[str]] | None = None,
) -> CVResult:
    """Repeated stratified k-fold macro-F1. Every fold fits the vocabulary on its training texts
    plus the unlabelled texts and self-trains with its training labels only; its test texts are
    seen only when they are scored."""
    params = params or Params()
    y = as_labels(labels)
    check_training_set(texts, y)
    started = time.perf_counter()
    docs, others = prepare_both(texts, unlabeled, n_jobs)
    keywords = taxonomy_keywords(taxonomy or [])
    descriptions = _descriptions(taxonomy)
    splitter = RepeatedStratifiedKFold(n_splits=folds, n_repeats=repeats, random_state=seed)
    scores = []
    oof = [[""] * len(y) for _ in range(repeats)]
    for i, (train_idx, test_idx) in enumerate(splitter.split(np.zeros(len(y)), y)):
        fitted = fit_pipeline([docs[j] for j in train_idx], y[train_idx], others, params, keywords, descriptions)
        predicted = fitted.classifier.predict(fitted.vectorizer.transform([docs[j] for j in test_idx]))
        scores.append(float(f1_score(y[test_idx], predicted, average="macro")))
        for j, label in zip(test_idx, predicted, strict=True):
            oof[i // folds][j] = str(label)
        if progress is not None:
            progress(i, scores[-1])
    return CVResult(
        folds=folds,
        repeats=repeats,
        scores=scores,
        seconds=time.perf_counter() - started,
        predictions=oof,
        labels=[str(label) for label in y],
    )


# --------------------------------------------------------------------------------------------
# Nested cross-validation: the inner loop chooses, the outer loop reports.


@dataclass(frozen=True)
class Candidate:
    """One setting the inner loop may choose: its parameters and how many knobs it turns (features or
    tricks added to the plain pipeline); within one standard error, fewer knobs win."""

    name: str
    params: Params
    knobs: int
    use_taxonomy: bool = True


@dataclass(frozen=True)
class NestedResult:
    outer_folds: int
    inner_folds: int
    scores: list[float]  # one outer macro-F1 per outer fold
    chosen: list[str]  # the candidate the inner loop chose for each outer fold
    inner: list[dict[str, tuple[float, float]]]  # per outer fold: candidate -> (inner mean, standard error)
    seconds: float
    # With ``every_outer``: per candidate, its macro-F1 on each outer fold had it been chosen every time (for
    # comparison only: a best of these figures is chosen on the test folds, the nested figure is not).
    outer: dict[str, list[float]] = field(default_factory=dict)

    @property
    def mean(self) -> float:
        return float(np.mean(self.scores))

    @property
    def std(self) -> float:
        return float(np.std(self.scores, ddof=1)) if len(self.scores) > 1 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "outer_folds": self.outer_folds,
            "inner_folds": self.inner_folds,
            "macro_f1_mean": round(self.mean, 4),
            "macro_f1_std": round(self.std, 4),
            "scores": [round(s, 4) for s in self.scores],
            "chosen": list(self.chosen),
            "seconds": round(self.seconds, 1),
            "outer": {name: [round(s, 4) for s in values] for name, values in self.outer.items()},
        }


def choose(results: dict[str, tuple[float, float]], knobs: dict[str, int]) -> str:
    """The candidate with the fewest knobs whose inner mean is within one standard error of the best
    (ties: the higher mean)."""
    best = max(results, key=lambda name: results[name][0])
    floor = results[best][0] - results[best][1]
    eligible = [name for name, (mean, _se) in results.items() if mean >= floor]
    return min(eligible, key=lambda name: (knobs[name], -results[name][0]))


def nested_cross_validate(
    texts: Sequence[Text],
    labels: Sequence[str],
    candidates: Sequence[Candidate],
    unlabeled: Sequence[Text] | None = None,
    *,
    outer_folds: int = 5,
    inner_folds: int = 3,
    seed: int = 0,
    n_jobs: int = 1,
    taxonomy: Sequence[Sequence[str]] | None = None,
    progress: Callable[[str], None] | None = None,
    every_outer: bool = False,
) -> NestedResult:
    """Outer stratified k-fold macro-F1 where, inside each outer training part, an inner stratified k-fold
    chooses among ``candidates`` (``choose``); the outer test part is seen only when it is scored. With
    ``every_outer`` every candidate is also scored on every outer fold (``NestedResult.outer``)."""
    if not candidates:
        raise ValueError("nested cross-validation needs at least one candidate")
    y = as_labels(labels)
    check_training_set(texts, y)
    started = time.perf_counter()
    docs, others = prepare_both(texts, unlabeled, n_jobs)
    keywords = taxonomy_keywords(taxonomy or [])
    descriptions = _descriptions(taxonomy)
    knobs = {c.name: c.knobs for c in candidates}
    by_name = {c.name: c for c in candidates}

    shared = _shared_vectorizer_params(candidates)
    outer = StratifiedKFold(n_splits=outer_folds, shuffle=True, random_state=seed)
    scores: list[float] = []
    chosen: list[str] = []
    inner_results: list[dict[str, tuple[float, float]]] = []
    outer_scores: dict[str, list[float]] = {c.name: [] for c in candidates} if every_outer else {}
    for i, (train_idx, test_idx) in enumerate(outer.split(np.zeros(len(y)), y)):
        train_docs, y_train = [docs[j] for j in train_idx], y[train_idx]
        test_docs = [docs[j] for j in test_idx]
        y_test = y[test_idx]
        if shared is not None:
            run = _shared_runner(
                shared, keywords, candidates, train_docs, y_train, test_docs, y_test, others, descriptions
            )
        else:
            run = _separate_runner(keywords, train_docs, y_train, test_docs, y_test, others, descriptions)
        inner = StratifiedKFold(n_splits=inner_folds, shuffle=True, random_state=seed + 1 + i)
        splits = list(inner.split(np.zeros(len(train_idx)), y_train))
        results: dict[str, tuple[float, float]] = {}
        for candidate in candidates:
            values = [run(candidate, a, b) for a, b in splits]
            se = float(np.std(values, ddof=1) / np.sqrt(len(values))) if len(values) > 1 else 0.0
            results[candidate.name] = (float(np.mean(values)), se)
            if progress is not None:
                progress(f"outer {i + 1}: {candidate.name} inner {results[candidate.name][0]:.4f}±{se:.4f}")
        name = choose(results, knobs)
        everything = np.arange(len(train_idx))
        for candidate in candidates if every_outer else ():
            outer_scores[candidate.name].append(run(candidate, everything, None))
        scores.append(outer_scores[name][-1] if every_outer else run(by_name[name], everything, None))
        chosen.append(name)
        inner_results.append(results)
        if progress is not None:
            progress(f"outer {i + 1}: chose {name}, outer macro_f1={scores[-1]:.4f}")
    return NestedResult(
        outer_folds=outer_folds,
        inner_folds=inner_folds,
        scores=scores,
        chosen=chosen,
        inner=inner_results,
        seconds=time.perf_counter() - started,
        outer=outer_scores,
    )


Runner = Callable[[Candidate, np.ndarray, "np.ndarray | None"], float]


def _shared_runner(
    shared: Params,
    keywords: dict[str, tuple[str, ...]],
    candidates: Sequence[Candidate],
    train_docs: list[Doc],
    y_train: np.ndarray,
    test_docs: list[Doc],
    y_test: np.ndarray,
    others: list[Doc],
    descriptions: tuple[list[Doc], list[str]] | None = None,
) -> Runner:
    """Scores of the candidates on one outer fold with one vectorizer fitted on its training texts and the
    unlabelled texts (vocabulary, IDF and word vectors read no label; the outer test texts are not in it), every
    candidate a choice and weighting of its blocks. ``run(candidate, fit rows, scored rows)`` scores on training
    rows, or on the outer test texts when the scored rows are None."""
    vectorizer = AppealVectorizer(shared, keywords)
    x_all = vectorizer.fit_transform([*train_docs, *others])
    columns = vectorizer.block_columns()
    x_train, x_others = x_all[: len(train_docs)], x_all[len(train_docs) :]
    x_test = vectorizer.transform(test_docs)
    x_weak = vectorizer.transform(descriptions[0]) if descriptions else None
    y_weak = as_labels(descriptions[1]) if descriptions else None
    title, body = vectorizer.view_columns()
    views = {c.name: _select(columns, c) for c in candidates}
    halves = {c.name: _halves(columns, c, title, body) for c in candidates}
    cache: dict[str, tuple[sp.csr_matrix, sp.csr_matrix]] = {}

    def run(candidate: Candidate, fit: np.ndarray, scored: np.ndarray | None) -> float:
        select = views[candidate.name]
        if candidate.name not in cache:
            cache[candidate.name] = (select(x_train), select(x_others))
        x_fit, x_unlabelled = cache[candidate.name]
        weak = None
        if x_weak is not None and y_weak is not None and candidate.use_taxonomy:
            weak = (select(x_weak), y_weak)
        classifier, _xp, _yp = fit_classifier(
            x_fit[fit], y_train[fit], x_unlabelled, candidate.params, views=halves[candidate.name], weak=weak
        )
        if scored is None:
            return float(f1_score(y_test, classifier.predict(select(x_test)), average="macro"))
        return float(f1_score(y_train[scored], classifier.predict(x_fit[scored]), average="macro"))

    return run


def _separate_runner(
    keywords: dict[str, tuple[str, ...]],
    train_docs: list[Doc],
    y_train: np.ndarray,
    test_docs: list[Doc],
    y_test: np.ndarray,
    others: list[Doc],
    descriptions: tuple[list[Doc], list[str]] | None = None,
) -> Runner:
    """As ``_shared_runner``, each fit building its own vectorizer (candidates that need different ones)."""

    def run(candidate: Candidate, fit: np.ndarray, scored: np.ndarray | None) -> float:
        fitted = fit_pipeline(
            [train_docs[j] for j in fit],
            y_train[fit],
            others,
            candidate.params,
            keywords if candidate.use_taxonomy else None,
            descriptions if candidate.use_taxonomy else None,
        )
        texts = test_docs if scored is None else [train_docs[j] for j in scored]
        truth = y_test if scored is None else y_train[scored]
        return float(f1_score(truth, fitted.classifier.predict(fitted.vectorizer.transform(texts)), average="macro"))

    return run


def _descriptions(taxonomy: Sequence[Sequence[str]] | None) -> tuple[list[Doc], list[str]] | None:
    """The taxonomy's class descriptions as weakly labelled appeals (used by candidates with a description
    weight), or None without a taxonomy."""
    if not taxonomy:
        return None
    texts, labels = taxonomy_descriptions(taxonomy)
    return (prepare(texts), labels) if texts else None


# The fields that shape the vectorizer; candidates that agree on them share one (``nested_cross_validate``).
VECTORIZER_FIELDS = ("min_df", "title_weight", "use_words", "max_word_len", "lexicon", "embedding_window", "seed")


def _shared_vectorizer_params(candidates: Sequence[Candidate]) -> Params | None:
    """Parameters of one vectorizer holding every candidate's blocks at weight 1, or None when the candidates
    need different vectorizers (then each fit builds its own)."""
    base = candidates[0].params
    if any(getattr(c.params, f) != getattr(base, f) for c in candidates for f in VECTORIZER_FIELDS):
        return None
    dims = {c.params.embedding_dim for c in candidates} - {0}
    if len(dims) > 1 or (dims and not base.use_words):
        return None
    taxonomy = any(c.use_taxonomy and c.params.taxonomy_weight > 0 for c in candidates)
    return replace(
        base,
        embedding_dim=dims.pop() if dims else 0,
        embedding_weight=1.0,
        taxonomy_weight=1.0 if taxonomy else 0.0,
    )


def _block_weights(candidate: Candidate) -> dict[str, float]:
    p = candidate.params
    return {
        "chars": 1.0,
        "words": 1.0 if p.use_words else 0.0,
        "vectors": p.embedding_weight if p.embedding_dim > 0 else 0.0,
        "taxonomy": p.taxonomy_weight if candidate.use_taxonomy else 0.0,
    }


def _kept(columns: dict[str, range], candidate: Candidate) -> np.ndarray:
    """The shared columns the candidate keeps, in order."""
    weights = _block_weights(candidate)
    return np.concatenate([np.arange(r.start, r.stop) for name, r in columns.items() if weights[name] > 0])


def _halves(
    columns: dict[str, range], candidate: Candidate, title: np.ndarray, body: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The title and body views (``AppealVectorizer.view_columns``) as columns of the candidate's own features."""
    keep = _kept(columns, candidate)
    return tuple(np.flatnonzero(np.isin(keep, half)) for half in (title, body))  # type: ignore[return-value]


def _select(columns: dict[str, range], candidate: Candidate) -> Callable[[sp.csr_matrix], sp.csr_matrix]:
    """The candidate's view of the shared features: its blocks, the vectors and taxonomy blocks at its weights."""
    weights = _block_weights(candidate)
    keep = _kept(columns, candidate)
    scale = np.concatenate([np.full(len(r), weights[name]) for name, r in columns.items() if weights[name] > 0])
    diagonal = sp.diags(scale.astype(np.float32))

    def select(x: sp.csr_matrix) -> sp.csr_matrix:
        return sp.csr_matrix(x[:, keep] @ diagonal)

    return select
