"""The audit archive: old audit and security entries move to a gzip JSON-lines file; the retention is never
crossed (网络安全法 第二十一条)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from wangge.core.models import AuditEntry
from wangge.ops.apps import audit_retention_check

pytestmark = pytest.mark.django_db


def _entry(days_ago: int, action: str) -> AuditEntry:
    entry = AuditEntry.objects.create(action=action, actor_name="admin", note=f"{days_ago}", after={"x": 1})
    AuditEntry.objects.filter(pk=entry.pk).update(at=timezone.now() - dt.timedelta(days=days_ago))
    return entry


def test_old_entries_are_archived_then_deleted(tmp_path: Path, settings: Any) -> None:
    settings.WANGGE_AUDIT_RETENTION_DAYS = 200
    old = [_entry(500, "auth.login_failed"), _entry(300, "auth.login")]
    kept = _entry(100, "auth.logout")
    out = tmp_path / "audit.jsonl.gz"
    call_command("audit_archive", "--older-than-days", "250", "--out", str(out))
    with gzip.open(out, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    assert [r["id"] for r in rows] == [e.pk for e in old]
    assert rows[0]["action"] == "auth.login_failed" and rows[0]["after"] == {"x": 1}
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [kept.pk]


def test_a_cutoff_inside_the_retention_is_refused(tmp_path: Path, settings: Any) -> None:
    settings.WANGGE_AUDIT_RETENTION_DAYS = 400
    _entry(300, "auth.login")
    out = tmp_path / "audit.jsonl.gz"
    with pytest.raises(CommandError, match="inside the audit retention"):
        call_command("audit_archive", "--older-than-days", "250", "--out", str(out))
    before = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    with pytest.raises(CommandError, match="inside the audit retention"):
        call_command("audit_archive", "--before", before, "--out", str(out))
    assert AuditEntry.objects.count() == 1
    assert not out.exists()


def test_an_existing_archive_file_is_not_overwritten(tmp_path: Path, settings: Any) -> None:
    settings.WANGGE_AUDIT_RETENTION_DAYS = 200
    _entry(300, "auth.login")
    out = tmp_path / "audit.jsonl.gz"
    out.write_bytes(b"earlier")
    with pytest.raises(CommandError, match="exists"):
        call_command("audit_archive", "--older-than-days", "250", "--out", str(out))
    assert AuditEntry.objects.count() == 1


def test_a_retention_under_six_months_is_a_check_error(settings: Any) -> None:
    settings.WANGGE_AUDIT_RETENTION_DAYS = 182
    assert [e.id for e in audit_retention_check(None)] == ["ops.E001"]
    settings.WANGGE_AUDIT_RETENTION_DAYS = 183
    assert audit_retention_check(None) == []
