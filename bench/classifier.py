"""Cost of the appeal classifier on the real citizen messages in ../shared/data/appeals.

    python bench/classifier.py [--data ../shared/data/appeals] [--queries 1000] [--cv 0]
                               [--nested [--cotrain] [--descriptions]]

Trains on train.csv (+ unlabeled.csv for self-training, + taxonomy.csv for the keyword block) with
two cores (two segmenting processes, two BLAS threads), then predicts on one core (CPU affinity
pinned to one CPU, BLAS limited to one thread): appeal by appeal as intake does, and in one batch.
Prints:

* training time (s), the peak resident memory and the saved model's size;
* prediction per appeal (ms): single-item median / 95th percentile / mean, and batched mean;
* with ``--cv K``: the K-fold stratified cross-validated macro-F1 (5 x 2 takes a few minutes);
* with ``--nested``: the nested cross-validated macro-F1 (outer mean ± sd over the outer folds), the inner
  loop choosing among ``GRID`` (blocks, self-training, weights) and preferring fewer knobs within one
  standard error; the choice per outer fold is printed. ``--outer``/``--inner`` set the folds. Only the
  outer figure is an honest estimate of the macro-F1 on messages never seen. Every candidate's figure on every
  outer fold follows, for comparison (a best of those is chosen on the test folds: not an honest figure);
* with ``--nested --cotrain``: the grid also offers co-training of the title and body views (``COTRAIN``);
  with ``--descriptions``, the taxonomy's class descriptions as weakly labelled appeals (``DESCRIPTIONS``).

Skips with a message when the data is absent.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from threadpoolctl import threadpool_limits  # noqa: E402

from wangge.intel import textclf  # noqa: E402

TEXT = ["留言主题", "留言详情"]

# What the inner loop chooses from, plainest first: each knob is a block or a trick added to character and
# word TF-IDF of title and body (the vocabulary and IDF always come from labelled and unlabelled texts).
PLAIN = textclf.with_params(embedding_dim=0, taxonomy_weight=0.0, pseudo_ratio=0.0)
GRID = [
    textclf.Candidate("tfidf", PLAIN, knobs=0, use_taxonomy=False),
    textclf.Candidate("tfidf+taxonomy", textclf.with_params(PLAIN, taxonomy_weight=0.3), knobs=1),
    textclf.Candidate("tfidf+self-training", textclf.with_params(PLAIN, pseudo_ratio=1.0), knobs=1, use_taxonomy=False),
    textclf.Candidate(
        "tfidf+taxonomy+self-training", textclf.with_params(PLAIN, taxonomy_weight=0.3, pseudo_ratio=1.0), knobs=2
    ),
    *(
        textclf.Candidate(f"+vectors {w}", textclf.with_params(embedding_weight=w), knobs=3)
        for w in (0.5, 0.7, 1.0)  # 0.7: the defaults
    ),
    textclf.Candidate("+vectors 0.7, C 0.5", textclf.with_params(C=0.5), knobs=4),
]
# With --cotrain: the defaults with co-training of the title and body views in place of self-training, a few
# numbers of rounds and shares per round (each round labels share x the labelled count, half per view).
COTRAIN = [
    textclf.Candidate(
        f"+co-training {rounds}x{share}",
        textclf.with_params(pseudo_ratio=0.0, cotrain_rounds=rounds, cotrain_share=share),
        knobs=4,
    )
    for rounds, share in ((5, 0.2), (10, 0.1), (5, 0.4))
]
# With --descriptions: the defaults with the taxonomy's class descriptions as weakly labelled appeals.
DESCRIPTIONS = [
    textclf.Candidate(f"+descriptions {w}", textclf.with_params(description_weight=w), knobs=4) for w in (0.5, 1.0)
]


def nested(args: argparse.Namespace, labelled: textclf.Table, unlabelled: list, taxonomy: list | None) -> None:
    assert labelled.labels is not None
    grid = [*GRID, *(COTRAIN if args.cotrain else ()), *(DESCRIPTIONS if args.descriptions else ())]
    with threadpool_limits(2):
        result = textclf.nested_cross_validate(
            labelled.texts,
            labelled.labels,
            grid,
            unlabelled,
            outer_folds=args.outer,
            inner_folds=args.inner,
            n_jobs=2,
            taxonomy=taxonomy,
            progress=print if args.verbose else None,
            every_outer=True,
        )
    for i, (name, value) in enumerate(zip(result.chosen, result.scores, strict=True)):
        inner = ", ".join(f"{k} {m:.4f}±{se:.4f}" for k, (m, se) in result.inner[i].items())
        print(f"outer fold {i + 1}: chose {name}, macro-F1 {value:.4f} (inner: {inner})")
    print("each candidate on every outer fold (mean ± sd; se = sd/sqrt(folds); chosen n of the outer folds):")
    for candidate in grid:
        values = result.outer[candidate.name]
        sd = statistics.stdev(values) if len(values) > 1 else 0.0
        print(
            f"  {candidate.name:<32} {statistics.fmean(values):.4f} ± {sd:.4f} (se {sd / len(values) ** 0.5:.4f}), "
            f"chosen {result.chosen.count(candidate.name)}/{len(values)}; folds " + " ".join(f"{v:.4f}" for v in values)
        )
    print(
        f"nested macro-F1 ({args.outer} outer x {args.inner} inner folds, {len(grid)} candidates): "
        f"{result.mean:.4f} ± {result.std:.4f} (sd over outer folds; {result.seconds:.0f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "appeals")
    parser.add_argument("--queries", type=int, default=1000, help="appeals predicted one by one")
    parser.add_argument("--cv", type=int, default=0, metavar="K", help="also K-fold cross-validate (x2 repeats)")
    parser.add_argument("--nested", action="store_true", help="nested cross-validation over GRID, then stop")
    parser.add_argument("--outer", type=int, default=5, help="outer folds of --nested (default 5)")
    parser.add_argument("--inner", type=int, default=3, help="inner folds of --nested (default 3)")
    parser.add_argument("--cotrain", action="store_true", help="--nested also offers co-training (COTRAIN)")
    parser.add_argument(
        "--descriptions", action="store_true", help="--nested also offers class descriptions (DESCRIPTIONS)"
    )
    parser.add_argument("--verbose", action="store_true", help="print every inner result as it comes")
    parser.add_argument("--save", type=Path, help="also keep the trained model in this file")
    args = parser.parse_args()

    train_csv, unlabelled_csv = args.data / "train.csv", args.data / "unlabeled.csv"
    if not train_csv.is_file():
        print(f"skipped: {train_csv} is absent (the real messages live in ../shared/data/appeals)")
        return
    labelled = textclf.read_table(train_csv, TEXT, "一级标签")
    unlabelled = textclf.read_table(unlabelled_csv, TEXT).texts if unlabelled_csv.is_file() else []
    taxonomy_csv = args.data / "taxonomy.csv"
    taxonomy = textclf.read_taxonomy(taxonomy_csv) if taxonomy_csv.is_file() else None
    assert labelled.labels is not None
    print(
        f"data: {len(labelled.texts)} labelled, {len(unlabelled)} unlabelled appeals, "
        f"{len(taxonomy or [])} taxonomy rows; cpus: {os.cpu_count()}"
    )

    if args.nested:
        nested(args, labelled, unlabelled, taxonomy)
        return

    if args.cv:
        with threadpool_limits(2):
            result = textclf.cross_validate(
                labelled.texts, labelled.labels, unlabelled, folds=args.cv, repeats=2, n_jobs=2, taxonomy=taxonomy
            )
        print(
            f"cross-validated macro-F1 ({args.cv}-fold x 2): {result.mean:.4f} ± {result.std:.4f} "
            f"({result.seconds:.0f} s)"
        )

    with threadpool_limits(2):
        started = time.perf_counter()
        model = textclf.train(labelled.texts, labelled.labels, unlabelled, n_jobs=2, taxonomy=taxonomy)
        seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryDirectory() as tmp:
        path = textclf.save(model, Path(tmp) / "model.joblib")
        size_mb = path.stat().st_size / 1e6
        model = textclf.load(path)
        if args.save:
            textclf.save(model, args.save)
    print(
        f"training (2 cores): {seconds:.1f} s, {model.n_pseudo} pseudo-labelled, "
        f"{model.vectorizer.n_features} features, peak RSS {peak_mb:.0f} MB, model file {size_mb:.1f} MB"
    )

    queries = (unlabelled or labelled.texts)[: args.queries]
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    with threadpool_limits(1):
        model.predict(queries[:10])  # warm-up: word-vector tables are built on first use
        timings = []
        for text in queries:
            t0 = time.perf_counter()
            model.predict_one(text)
            timings.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        model.predict(queries)
        batched = (time.perf_counter() - t0) * 1000 / len(queries)
    timings.sort()
    print(
        f"prediction (1 core), {len(queries)} appeals: single median {statistics.median(timings):.2f} ms, "
        f"p95 {timings[int(0.95 * (len(timings) - 1))]:.2f} ms, mean {statistics.fmean(timings):.2f} ms; "
        f"batched {batched:.2f} ms per appeal"
    )


if __name__ == "__main__":
    main()
