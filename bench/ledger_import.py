"""Importing residents from .xlsx, refusing a file with one bad row, and the exact-ID search.

    python bench/ledger_import.py [--rows 100000] [--search-rows 1000000] [--database-url URL]

Without ``--database-url`` (or ``DATABASE_URL``) the run uses a fresh SQLite file in a temporary directory,
removed afterwards. A district (990013: one street, one community, 20 grids) is built, and a workbook of
``--rows`` fictitious residents (valid GB 11643 check digits, distinct numbers and phones) written. Each
measured step runs in a child process of its own, so its peak RSS (``resource.getrusage``) is its own:

* ``refuse``: the same workbook with one wrong check digit in its middle row, imported through
  ``ledgers.importing.ledger_import`` (the system as actor): the time until the refusal, which must name that
  row, and nothing written;
* ``import``: the valid workbook: wall time, rows per second, peak RSS;
* ``search``: the ledger topped up to ``--search-rows`` residents (bulk_create with precomputed blind indexes),
  then ``ledgers.selectors.residents_by_id_number`` for random registered and unregistered numbers as a
  district administrator (median, 95th percentile and worst, ms).

Targets (issue 13): import of 100,000 rows ≤ 60 s and ≤ 500 MB peak RSS; refusal ≤ 30 s; search ≤ 50 ms with
1,000,000 residents.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _setup import django_setup, engine

DISTRICT = "990013"
GRIDS = 20
BASE_DAY = dt.date(1940, 1, 1)
DAYS = 29_000  # birth days 1940 … 2019; with a three-digit sequence, 29 million distinct numbers
HEADER = ["姓名", "公民身份号码", "联系电话", "网格编码", "地址", "与户主关系", "人员类别"]
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """This process's CPU time: with the machine shared, wall time alone says little of the cost."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def grid_code(i: int) -> str:
    return f"{DISTRICT}001001{i % GRIDS + 1:03d}"


def id_number(i: int, *, valid: bool = True) -> str:
    from wangge.core.validators import id_number_checksum

    born = BASE_DAY + dt.timedelta(days=i % DAYS)
    first17 = f"410403{born:%Y%m%d}{i // DAYS:03d}"
    check = id_number_checksum(first17)
    if not valid:
        check = "1" if check == "0" else "0"
    return first17 + check


def build_district() -> None:
    from wangge.accounts.choices import Role
    from wangge.accounts.models import RoleGrant, User
    from wangge.territory.models import Territory

    def square(x: float, size: float) -> dict[str, Any]:
        ring = [[x, 30.0], [x + size, 30.0], [x + size, 30.0 + size], [x, 30.0 + size], [x, 30.0]]
        return {"type": "Polygon", "coordinates": [ring]}

    district = Territory.objects.filter(code=DISTRICT).first()
    if district is None:
        district = Territory.objects.add_root(
            {"code": DISTRICT, "name": "基准台账区", "kind": "district", "geometry": square(120.0, 1.0)}
        )
        add = Territory.objects.add_child
        street = add(
            district, {"code": f"{DISTRICT}001", "name": "基准街道", "kind": "street", "geometry": square(120.0, 1.0)}
        )
        community = add(
            street,
            {"code": f"{DISTRICT}001001", "name": "基准社区", "kind": "community", "geometry": square(120.0, 1.0)},
        )
        for i in range(GRIDS):
            add(
                community,
                {
                    "code": grid_code(i),
                    "name": f"基准网格{i + 1}",
                    "kind": "grid",
                    "geometry": square(120 + i * 0.05, 0.05),
                },
            )
    user, created = User.objects.get_or_create(username="bench_ledger_admin", defaults={"display_name": "基准"})
    if created:
        RoleGrant.objects.create(user=user, role=Role.ADMIN, territory=district)


def clear_residents() -> None:
    from wangge.ledgers.models import ResidenceChange, Resident

    mine = Resident.objects.filter(grid__path__startswith=_district_path())
    ResidenceChange.objects.filter(resident__in=mine).delete()
    Resident.tags.through.objects.filter(resident__in=mine).delete()
    # One DELETE ... WHERE, not Django's collector: it would list a million ids in one statement (more
    # variables than SQLite takes). The bench's residents have no household, key-person record or form.
    mine._raw_delete(mine.db)


def _district_path() -> str:
    from wangge.territory.models import Territory

    return str(Territory.objects.get(code=DISTRICT).path)


def write_workbook(path: Path, rows: int, bad_row: int | None = None) -> None:
    """``rows`` residents streamed into a write-only workbook through the safe writer."""
    from openpyxl import Workbook

    from wangge.core.spreadsheets import write_row

    book = Workbook(write_only=True)
    sheet = book.create_sheet("居民")
    write_row(sheet, HEADER)
    for i in range(rows):
        name = SURNAMES[i % len(SURNAMES)] + f"测{i}"
        number = id_number(i, valid=(bad_row is None or i + 2 != bad_row))
        write_row(
            sheet,
            [name, number, f"139{i:08d}", grid_code(i), f"基准路{i % 500}号", "户主" if i % 3 == 0 else "子女", ""],
        )
    book.save(path)


def phase_refuse(path: Path, bad_row: int) -> dict[str, Any]:
    from wangge.core.actors import SYSTEM
    from wangge.core.errors import ValidationFailed
    from wangge.ledgers.importing import ledger_import
    from wangge.ledgers.models import Resident

    before = Resident.objects.count()
    t0, c0 = time.perf_counter(), cpu_seconds()
    try:
        ledger_import(actor=SYSTEM, kind="residents", file=str(path))
    except ValidationFailed as exc:
        seconds, cpu = time.perf_counter() - t0, cpu_seconds() - c0
        details = exc.details or []
        named = [(d["row"], d["column"]) for d in details]
    else:
        raise SystemExit("the file with a bad row was imported")
    assert named == [(bad_row, "公民身份号码")], named[:5]
    assert Resident.objects.count() == before
    return {
        "refuse_seconds": round(seconds, 2),
        "refuse_cpu_seconds": round(cpu, 2),
        "refuse_peak_rss_mb": round(peak_mb()),
        "report": named,
    }


def phase_import(path: Path, rows: int) -> dict[str, Any]:
    from wangge.core.actors import SYSTEM
    from wangge.ledgers.importing import ledger_import

    t0, c0 = time.perf_counter(), cpu_seconds()
    result = ledger_import(actor=SYSTEM, kind="residents", file=str(path))
    seconds, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    assert result.created == rows, result
    return {
        "import_seconds": round(seconds, 2),
        "import_cpu_seconds": round(cpu, 2),
        "import_rows_per_second": round(rows / seconds),
        "import_peak_rss_mb": round(peak_mb()),
    }


def top_up(total: int) -> float:
    """Insert fictitious residents until the district holds ``total``, with their blind indexes precomputed and
    their ID numbers encrypted (``FastInsert``, the importer's writer); the seconds it took."""
    from django.db import transaction
    from django.utils import timezone

    from wangge.core.crypto import blind_index
    from wangge.ledgers.importing.cells import FastInsert
    from wangge.ledgers.models import Resident
    from wangge.territory.models import Territory

    grids = list(
        Territory.objects.filter(code__startswith=f"{DISTRICT}001001", kind="grid")
        .order_by("code")
        .values_list("pk", flat=True)
    )
    have = Resident.objects.filter(grid__path__startswith=_district_path()).count()
    now = timezone.now()
    writer = FastInsert(Resident, {"created_at": now, "updated_at": now, "is_synthetic": True})
    t0 = time.perf_counter()
    for start in range(have, total, 5000):
        rows = []
        for i in range(start, min(start + 5000, total)):
            number = id_number(i)
            rows.append(
                {
                    "name": f"基准{i}",
                    "id_number": number,
                    "id_number_index": blind_index(number),
                    "grid_id": grids[i % len(grids)],
                }
            )
        with transaction.atomic():
            writer.insert(rows)
    return time.perf_counter() - t0


def phase_search(total: int, queries: int) -> dict[str, Any]:
    from django.db import connection

    from wangge.accounts.models import User
    from wangge.ledgers.selectors import residents_by_id_number

    fill = top_up(total)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE ledgers_resident")
    user = User.objects.get(username="bench_ledger_admin")
    rng = random.Random(13)
    timings: list[float] = []
    hits = 0
    for q in range(queries):
        i = rng.randrange(total) if q % 4 else total + rng.randrange(1_000_000)  # one in four is not registered
        t0 = time.perf_counter()
        found = list(residents_by_id_number(user, id_number(i)))
        if found:
            _ = found[0].id_number  # decrypted, as a page shows it
        timings.append((time.perf_counter() - t0) * 1000)
        hits += bool(found)
    timings.sort()
    return {
        "search_residents": total,
        "search_fill_seconds": round(fill, 1),
        "search_queries": queries,
        "search_hits": hits,
        "search_median_ms": round(statistics.median(timings), 2),
        "search_p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "search_max_ms": round(timings[-1], 2),
    }


def child(args: argparse.Namespace) -> None:
    django_setup(args.database_url)
    if args.phase == "refuse":
        out = phase_refuse(Path(args.file), args.bad_row)
    elif args.phase == "import":
        out = phase_import(Path(args.file), args.rows)
    else:
        out = phase_search(args.search_rows, args.queries)
    print(json.dumps(out, ensure_ascii=False))


def run_child(args: argparse.Namespace, phase: str, url: str, **extra: Any) -> dict[str, Any]:
    command = [sys.executable, __file__, "--phase", phase, "--database-url", url, "--rows", str(args.rows)]
    command += ["--search-rows", str(args.search_rows), "--queries", str(args.queries)]
    for key, value in extra.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"phase {phase} failed")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--search-rows", type=int, default=1_000_000, help="0 skips the search")
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--phase", choices=["refuse", "import", "search"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--bad-row", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        child(args)
        return

    named = args.database_url or os.environ.get("DATABASE_URL")  # read before the set-up exports the URL
    with tempfile.TemporaryDirectory(prefix="wangge-bench-ledgers-") as tmp:
        url = named or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        t0 = time.perf_counter()
        django_setup(url)
        build_district()
        clear_residents()
        good, bad = Path(tmp) / "residents.xlsx", Path(tmp) / "residents-bad.xlsx"
        bad_row = args.rows // 2 + 2
        write_workbook(good, args.rows)
        write_workbook(bad, args.rows, bad_row=bad_row)
        print(
            f"engine={engine()} rows={args.rows} workbook={good.stat().st_size // 1024} KiB "
            f"(set-up and files {time.perf_counter() - t0:.1f} s)"
        )
        refused = run_child(args, "refuse", url, file=bad, bad_row=bad_row)
        print(
            f"engine={engine()} refuse_seconds={refused['refuse_seconds']} (target 30) "
            f"cpu_seconds={refused['refuse_cpu_seconds']} "
            f"peak_rss_mb={refused['refuse_peak_rss_mb']} report={refused['report']}"
        )
        imported = run_child(args, "import", url, file=good)
        print(
            f"engine={engine()} import_seconds={imported['import_seconds']} (target 60) "
            f"cpu_seconds={imported['import_cpu_seconds']} "
            f"rows_per_second={imported['import_rows_per_second']} "
            f"peak_rss_mb={imported['import_peak_rss_mb']} (target 500)"
        )
        if args.search_rows:
            found = run_child(args, "search", url)
            print(
                f"engine={engine()} search_residents={found['search_residents']} "
                f"(filled in {found['search_fill_seconds']} s) queries={found['search_queries']} "
                f"hits={found['search_hits']} median_ms={found['search_median_ms']} "
                f"p95_ms={found['search_p95_ms']} max_ms={found['search_max_ms']} (target 50)"
            )
        if named:
            clear_residents()  # leave a named database as it was found (the district and its user stay)


if __name__ == "__main__":
    main()
