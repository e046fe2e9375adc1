"""Cost of the appeal classifier on the real citizen messages in ../shared/data/appeals.

    python bench/classifier.py [--data ../shared/data/appeals] [--queries 1000] [--cv 0]

Trains on train.csv (+ unlabeled.csv for self-training, + taxonomy.csv for the keyword block) with
two cores (two segmenting processes, two BLAS threads), then predicts on one core (CPU affinity
pinned to one CPU, BLAS limited to one thread): appeal by appeal as intake does, and in one batch.
Prints:

* training time (s), the peak resident memory and the saved model's size;
* prediction per appeal (ms): single-item median / 95th percentile / mean, and batched mean;
* with ``--cv K``: the K-fold stratified cross-validated macro-F1 (5 x 2 takes a few minutes).

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "appeals")
    parser.add_argument("--queries", type=int, default=1000, help="appeals predicted one by one")
    parser.add_argument("--cv", type=int, default=0, metavar="K", help="also K-fold cross-validate (x2 repeats)")
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
