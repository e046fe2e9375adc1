"""Backup and restore: the drill restores into a fresh database and compares the row counts and the case
checksum with the manifest (SQLite always; PostgreSQL when the suite runs on it)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import tarfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from wangge.ops import backup as ops_backup
from wangge.workorders.tests.conftest import act, local, new_case

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite drill")


def _cases(world: SimpleNamespace) -> None:
    for i in range(3):
        new_case(world, at=local(2025, 6, 3, 9, i))
    wo = new_case(world, at=local(2025, 6, 3, 10, 0))
    act(world, wo, "dispatch", "dispatcher", local(2025, 6, 3, 10, 5), unit=world.dept)


def _media(settings: Any, root: Path) -> None:
    settings.MEDIA_ROOT = str(root)
    (root / "attachments" / "2025").mkdir(parents=True)
    (root / "attachments" / "2025" / "photo.jpg").write_bytes(b"\xff\xd8jpeg")


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _archive(directory: Path) -> Path:
    [archive] = directory.glob("wangge-backup-*.tar")
    return archive


@sqlite_only
@pytest.mark.django_db(transaction=True)  # the online backup API waits for the test's own write lock
def test_sqlite_drill_restores_into_a_fresh_file(world: SimpleNamespace, tmp_path: Path, settings: Any) -> None:
    _cases(world)
    _media(settings, tmp_path / "media")
    _run("backup", "--out", str(tmp_path / "backups"))
    archive = _archive(tmp_path / "backups")
    manifest = ops_backup.read_manifest(archive)
    assert manifest["engine"] == "sqlite"
    assert manifest["row_counts"]["workorders.WorkOrder"] == 4
    assert manifest["case_checksum"] == ops_backup.case_checksum()
    assert "workorders" in manifest["migrations"]
    with tarfile.open(archive) as tar:
        assert "media/attachments/2025/photo.jpg" in tar.getnames()

    settings.MEDIA_ROOT = str(tmp_path / "restored-media")
    target = tmp_path / "fresh.sqlite3"
    output = _run("restore", str(archive), "--database-url", f"sqlite:///{target}")
    assert "restore verified" in output
    assert "DIFF" not in output
    assert (tmp_path / "restored-media" / "attachments" / "2025" / "photo.jpg").read_bytes() == b"\xff\xd8jpeg"
    with ops_backup.database_alias(f"sqlite:///{target}") as alias:
        assert ops_backup.figures(alias) == ops_backup.figures("default")

    # The restored file now holds rows: a second restore refuses unless forced.
    with pytest.raises(CommandError, match="holds rows"):
        _run("restore", str(archive), "--database-url", f"sqlite:///{target}")
    assert "restore verified" in _run("restore", str(archive), "--database-url", f"sqlite:///{target}", "--force")


@sqlite_only
@pytest.mark.django_db(transaction=True)  # the online backup API waits for the test's own write lock
def test_restore_exits_non_zero_when_the_figures_differ(world: SimpleNamespace, tmp_path: Path, settings: Any) -> None:
    _cases(world)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    _run("backup", "--out", str(tmp_path))
    archive = _archive(tmp_path)
    # A manifest that claims one case more than the database file holds.
    tampered = tmp_path / "tampered.tar"
    with tarfile.open(archive) as src, tarfile.open(tampered, "w") as dst:
        for member in src.getmembers():
            data = src.extractfile(member)
            if member.name == ops_backup.MANIFEST:
                manifest = json.load(data)  # type: ignore[arg-type]
                manifest["row_counts"]["workorders.WorkOrder"] += 1
                raw = json.dumps(manifest).encode()
                member.size = len(raw)
                data = io.BytesIO(raw)
            dst.addfile(member, data)
    out = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("restore", str(tampered), "--database-url", f"sqlite:///{tmp_path / 'x.sqlite3'}", stdout=out)
    assert info.value.returncode == 3
    assert "DIFF workorders.WorkOrder: manifest 5, restored 4" in out.getvalue()


@pytest.mark.django_db
def test_the_case_checksum_follows_status_and_version(world: SimpleNamespace) -> None:
    wo = new_case(world, at=local(2025, 6, 3, 9, 0))
    before = ops_backup.case_checksum()
    act(world, wo, "dispatch", "dispatcher", local(2025, 6, 3, 9, 5), unit=world.dept)
    assert ops_backup.case_checksum() != before


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_another_engine_is_refused(world: SimpleNamespace, tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    archive, manifest = ops_backup.backup(tmp_path, now=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC))
    assert archive.name == "wangge-backup-20260102T030405000000Z.tar"
    manifest["engine"] = "oracle"
    bad = tmp_path / "other.tar"
    with tarfile.open(bad, "w") as tar:
        raw = json.dumps(manifest).encode()
        info = tarfile.TarInfo(ops_backup.MANIFEST)
        info.size = len(raw)
        tar.addfile(info, io.BytesIO(raw))
    with pytest.raises(ops_backup.BackupError, match="backup is of oracle"):
        ops_backup.restore(bad)


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql" or not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="the PostgreSQL drill needs PostgreSQL and its client tools",
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgresql_drill_restores_into_a_fresh_database(world: SimpleNamespace, tmp_path: Path, settings: Any) -> None:
    _cases(world)
    _media(settings, tmp_path / "media")
    _run("backup", "--out", str(tmp_path / "backups"))
    archive = _archive(tmp_path / "backups")
    assert ops_backup.read_manifest(archive)["engine"] == "postgresql"

    name = f"test_restore_{os.getpid()}"
    config = connection.settings_dict
    url = (
        f"postgres://{config['USER'] or ''}{':' + config['PASSWORD'] if config['PASSWORD'] else ''}"
        f"@{config['HOST'] or 'localhost'}:{config['PORT'] or 5432}/{name}"
    )
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        settings.MEDIA_ROOT = str(tmp_path / "restored-media")
        output = _run("restore", str(archive), "--database-url", url)
        assert "restore verified" in output
        assert (tmp_path / "restored-media" / "attachments" / "2025" / "photo.jpg").exists()
        with ops_backup.database_alias(url) as alias:
            assert ops_backup.figures(alias) == ops_backup.figures("default")
            assert ops_backup.figures(alias)["row_counts"]["workorders.WorkOrder"] == 4
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_case_written_during_the_dump_is_in_neither_the_manifest_nor_the_dump(
    world: SimpleNamespace, tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manifest and pg_dump read one snapshot: a busy server's backup still verifies."""
    _cases(world)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    real_run = ops_backup._run
    config = connection.settings_dict
    url = (
        f"postgres://{config['USER'] or ''}{':' + config['PASSWORD'] if config['PASSWORD'] else ''}"
        f"@{config['HOST'] or 'localhost'}:{config['PORT'] or 5432}/{config['NAME']}"
    )

    def write_then_dump(cmd: list[str], env: dict[str, str]) -> None:
        # Another connection closes a case and commits between the manifest's figures and pg_dump.
        with ops_backup.database_alias(url) as other, connections[other].cursor() as cursor:
            cursor.execute(
                "UPDATE workorders_workorder SET version = version + 1"
                " WHERE id = (SELECT MIN(id) FROM workorders_workorder)"
            )
        real_run(cmd, env)

    monkeypatch.setattr(ops_backup, "_run", write_then_dump)
    archive, manifest = ops_backup.backup(tmp_path / "backups")
    monkeypatch.setattr(ops_backup, "_run", real_run)
    assert manifest["case_checksum"] != ops_backup.case_checksum()  # the write landed after the snapshot

    name = f"test_restore_snap_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        with ops_backup.database_alias(url.rsplit("/", 1)[0] + f"/{name}") as alias:
            comparison = ops_backup.restore(archive, alias=alias, media=False)
        assert comparison.ok, comparison.lines()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db
def test_a_backup_of_an_unmigrated_database_says_so(tmp_path: Path) -> None:
    with (
        ops_backup.database_alias(f"sqlite:///{tmp_path / 'empty.sqlite3'}") as alias,
        pytest.raises(ops_backup.BackupError, match="not migrated"),
    ):
        ops_backup.backup(tmp_path / "backups", alias=alias)
    assert not list((tmp_path / "backups").glob("*.tar"))
