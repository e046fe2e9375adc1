"""Backups, restores and the audit archive.

A backup is one tar file, ``wangge-backup-<UTC time>.tar``, holding:

- ``manifest.json`` — when, which database engine, the applied migrations per app, the row counts of the main
  tables and a checksum of the cases (sha256 over ``tracking_code, status, version`` ordered by id);
- ``database.dump`` (PostgreSQL, ``pg_dump --format=custom`` through the snapshot the manifest was read in) or
  ``database.sqlite3`` (SQLite, copied with the sqlite3 online backup API, consistent while the server writes);
- ``media/…`` — the uploads under ``MEDIA_ROOT``.

``restore`` loads the database into the configured one (or another, for a drill), puts the uploads back and
compares the counts and the checksum with the manifest.

The audit archive moves audit entries (which include the security events: logins, failed logins, logouts)
older than a cutoff into a gzip JSON-lines file, and deletes them only once the file is written and re-read.
The retention (``WANGGE_AUDIT_RETENTION_DAYS``, at least 183 days: 网络安全法 第二十一条) is never crossed.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import itertools
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import load_backend
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_FILE = "database.sqlite3"
MEDIA_PREFIX = "media"

# The tables whose row counts a restore must reproduce.
MAIN_TABLES = (
    "workorders.WorkOrder",
    "workorders.Event",
    "workorders.StepClock",
    "workorders.Attachment",
    "accounts.User",
    "accounts.Unit",
    "core.AuditEntry",
)

# 网络安全法 第二十一条: network logs kept for no less than six months.
MIN_AUDIT_RETENTION_DAYS = 183
DEFAULT_AUDIT_RETENTION_DAYS = 400


class BackupError(Exception):
    """A backup, restore or archive that cannot go on; the message says why (operator-facing, English)."""


# ---------------------------------------------------------------------------------------------------- databases


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"unsupported database engine: {vendor}")
    return vendor


_aliases = itertools.count()


@contextmanager
def database_alias(url: str | None) -> Iterator[str]:
    """The connection alias of ``url`` (registered for the duration), or ``default`` when no url is given."""
    if not url:
        yield "default"
        return
    alias = f"wangge_backup_{os.getpid()}_{next(_aliases)}"
    # A wrapper made here and set on the handler, not added to its settings: the alias lives for this block only.
    config = connections.configure_settings({DEFAULT_DB_ALIAS: dict(dj_database_url.parse(url))})[DEFAULT_DB_ALIAS]
    connections[alias] = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias)
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]


def _pg_env(config: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    if config.get("PASSWORD"):
        env["PGPASSWORD"] = str(config["PASSWORD"])  # never on the command line
    return env


def _pg_args(config: dict[str, Any]) -> list[str]:
    args = []
    if config.get("HOST"):
        args += ["--host", str(config["HOST"])]
    if config.get("PORT"):
        args += ["--port", str(config["PORT"])]
    if config.get("USER"):
        args += ["--username", str(config["USER"])]
    return [*args, "--no-password", "--dbname", str(config["NAME"])]


def _run(cmd: list[str], env: dict[str, str]) -> None:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BackupError(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.strip()[:2000]}")


def _sqlite_raw(alias: str) -> sqlite3.Connection:
    conn = connections[alias]
    conn.ensure_connection()
    raw = conn.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


# ------------------------------------------------------------------------------------------------------ figures


def case_checksum(alias: str = "default") -> str:
    """sha256 over ``tracking_code, status, version`` of every case, ordered by id."""
    model = apps.get_model("workorders", "WorkOrder")
    digest = hashlib.sha256()
    rows = model._base_manager.using(alias).order_by("id").values_list("tracking_code", "status", "version")
    for code, status, version in rows.iterator(chunk_size=5000):
        digest.update(f"{code}\t{status}\t{version}\n".encode())
    return digest.hexdigest()


def row_counts(alias: str = "default") -> dict[str, int]:
    return {label: apps.get_model(label)._base_manager.using(alias).count() for label in MAIN_TABLES}


def migration_state(alias: str = "default") -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        state.setdefault(app, []).append(name)
    return state


def figures(alias: str = "default") -> dict[str, Any]:
    return {"row_counts": row_counts(alias), "case_checksum": case_checksum(alias)}


def has_rows(alias: str) -> bool:
    """Whether the database at ``alias`` holds any row of the main tables (a missing table counts as empty)."""
    conn = connections[alias]
    tables = set(conn.introspection.table_names())
    for label in MAIN_TABLES:
        model = apps.get_model(label)
        if model._meta.db_table in tables and model._base_manager.using(alias).exists():
            return True
    return False


# ------------------------------------------------------------------------------------------------------- backup


def _require_migrated(alias: str) -> None:
    """A backup of a database without the platform's tables is refused with what to do, not a traceback."""
    conn = connections[alias]
    try:
        tables = set(conn.introspection.table_names())
    except DatabaseError as exc:
        raise BackupError(f"cannot read the database: {exc}") from exc
    missing = sorted(label for label in MAIN_TABLES if apps.get_model(label)._meta.db_table not in tables)
    if missing:
        raise BackupError(
            f"the database has no tables of {', '.join(missing)}: it is not migrated (run `manage.py migrate`) "
            "or the database URL names another database"
        )


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(out_dir: Path, *, alias: str = "default", now: dt.datetime | None = None) -> tuple[Path, dict[str, Any]]:
    """Writes one backup archive into ``out_dir``; returns its path and its manifest."""
    now = now or timezone.now()
    engine = _engine(alias)
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    archive = out_dir / f"wangge-backup-{stamp}.tar"
    with tempfile.TemporaryDirectory(prefix="wangge-backup-") as tmp:
        work = Path(tmp)
        _require_migrated(alias)
        if engine == "postgresql":
            db_file = work / PG_DUMP
            config = connections[alias].settings_dict
            # One snapshot for the manifest and the dump: a REPEATABLE READ transaction exports its snapshot and
            # pg_dump reads through it, so writes that land meanwhile are in neither (a busy server's backup
            # still verifies). The transaction stays open until pg_dump is done.
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot,) = cursor.fetchone() or ("",)
                manifest_figures = figures(alias)
                migrations = migration_state(alias)
                _run(
                    ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(db_file), *_pg_args(config)],
                    _pg_env(config),
                )
        else:
            db_file = work / SQLITE_FILE
            target = sqlite3.connect(db_file)
            try:
                _sqlite_raw(alias).backup(target)
            finally:
                target.close()
            with database_alias(f"sqlite:///{db_file}") as copy:  # the figures of the copy itself
                manifest_figures = figures(copy)
                migrations = migration_state(copy)
        media_root = Path(settings.MEDIA_ROOT)
        manifest = {
            "format": FORMAT,
            "created_at": now.astimezone(dt.UTC).isoformat(),
            "engine": engine,
            "database_file": db_file.name,
            "database_sha256": _sha256_file(db_file),
            "migrations": migrations,
            **manifest_figures,
            "media_files": sum(1 for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else 0,
        }
        partial = archive.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(now.timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=db_file.name)
            if media_root.is_dir():
                tar.add(media_root, arcname=MEDIA_PREFIX)
        partial.rename(archive)
    return archive, manifest


# ------------------------------------------------------------------------------------------------------ restore


@dataclass
class Comparison:
    expected: dict[str, Any]
    actual: dict[str, Any]

    @property
    def ok(self) -> bool:
        return self.expected == self.actual

    def lines(self) -> list[str]:
        out = []
        exp_counts, act_counts = self.expected["row_counts"], self.actual["row_counts"]
        for label in sorted(set(exp_counts) | set(act_counts)):
            e, a = exp_counts.get(label), act_counts.get(label)
            out.append(f"{'ok  ' if e == a else 'DIFF'} {label}: manifest {e}, restored {a}")
        e, a = self.expected["case_checksum"], self.actual["case_checksum"]
        out.append(f"{'ok  ' if e == a else 'DIFF'} case checksum: manifest {e}, restored {a}")
        return out


def read_manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive, "r") as tar:
        member = tar.extractfile(MANIFEST)
        if member is None:
            raise BackupError(f"{archive}: no {MANIFEST}")
        manifest: dict[str, Any] = json.load(member)
    return manifest


def restore(archive: Path, *, alias: str = "default", force: bool = False, media: bool = True) -> Comparison:
    """Loads ``archive`` into the database at ``alias`` and the uploads into ``MEDIA_ROOT``; returns the
    comparison of the restored figures with the manifest's."""
    manifest = read_manifest(archive)
    engine = _engine(alias)
    if manifest["engine"] != engine:
        raise BackupError(f"the backup is of {manifest['engine']}, the target database is {engine}")
    if not force and has_rows(alias):
        raise BackupError("the target database holds rows; pass --force to overwrite it")
    with tempfile.TemporaryDirectory(prefix="wangge-restore-") as tmp:
        work = Path(tmp)
        with tarfile.open(archive, "r") as tar:
            tar.extractall(work, filter="data")
        db_file = work / manifest["database_file"]
        if _sha256_file(db_file) != manifest["database_sha256"]:
            raise BackupError(f"{archive}: the database file does not match the manifest's checksum")
        conn = connections[alias]
        if engine == "postgresql":
            config = conn.settings_dict
            conn.close()
            cmd = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", *_pg_args(config)]
            _run([*cmd, str(db_file)], _pg_env(config))
        else:
            source = sqlite3.connect(db_file)
            try:
                source.backup(_sqlite_raw(alias))  # replaces every page of the target, under its lock
            finally:
                source.close()
            conn.close()
        if media:
            _restore_media(work / MEDIA_PREFIX, Path(settings.MEDIA_ROOT))
    return Comparison(
        expected={"row_counts": manifest["row_counts"], "case_checksum": manifest["case_checksum"]},
        actual=figures(alias),
    )


def _restore_media(source: Path, media_root: Path) -> None:
    if not source.is_dir():
        return
    media_root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, media_root, dirs_exist_ok=True)


# ------------------------------------------------------------------------------------------------ audit archive


def audit_retention_days() -> int:
    return int(getattr(settings, "WANGGE_AUDIT_RETENTION_DAYS", DEFAULT_AUDIT_RETENTION_DAYS))


def audit_archive(out: Path, *, before: dt.datetime, now: dt.datetime | None = None) -> int:
    """Writes the audit entries older than ``before`` to ``out`` (gzip JSON lines, oldest first) and deletes them
    in one transaction, only after the file has been re-read and holds exactly those rows. Refuses a cutoff
    inside the retention. Returns the number of rows archived."""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=audit_retention_days())
    if before > limit:
        raise BackupError(
            f"cutoff {before.isoformat()} is inside the audit retention of {audit_retention_days()} days "
            f"(the earliest allowed is {limit.isoformat()})"
        )
    if out.exists():
        raise BackupError(f"{out} exists; choose another file")
    model = apps.get_model("core", "AuditEntry")
    fields = [f.attname for f in model._meta.concrete_fields]
    partial = out.with_name(out.name + ".partial")
    with transaction.atomic():
        rows = model._base_manager.filter(at__lt=before).order_by("id")
        written = 0
        with gzip.open(partial, "wt", encoding="utf-8") as fh:
            for values in rows.values_list(*fields).iterator(chunk_size=2000):
                record = {name: _json_value(v) for name, v in zip(fields, values, strict=True)}
                fh.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
                written += 1
        with gzip.open(partial, "rt", encoding="utf-8") as fh:
            ids = [json.loads(line)["id"] for line in fh]
        expected = list(rows.values_list("id", flat=True))
        if len(ids) != written or ids != expected:
            partial.unlink()
            raise BackupError(f"archive check failed: wrote {written}, re-read {len(ids)}, database {len(expected)}")
        if ids:
            deleted = model._base_manager.filter(at__lt=before, id__lte=ids[-1]).delete()[0]
            if deleted != len(ids):
                partial.unlink()
                raise BackupError(f"deleted {deleted} rows but archived {len(ids)}; rolled back")
        partial.rename(out)
    return written


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value
