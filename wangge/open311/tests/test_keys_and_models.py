"""API keys (command and services) and attribute definitions (the throttle arithmetic: core/tests/test_ratelimit.py)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from wangge.core.actors import SYSTEM
from wangge.core.errors import NotFound
from wangge.core.models import AuditEntry
from wangge.open311.choices import Datatype
from wangge.open311.models import ApiKey, attribute_definition_problems
from wangge.open311.services import apikey_authenticate, apikey_create, apikey_revoke, key_digest

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("open311_key", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_the_key_once_and_stores_only_its_hash() -> None:
    # when a key is created through the command
    out, err = _run("create", "市民通 App")
    raw = out.strip()
    # then the clear key is printed, the database holds its digest and prefix, and the creation is audited
    key = ApiKey.objects.get()
    assert raw.startswith("wg311_") and len(raw) > 40
    assert key.key_hash == key_digest(raw) and raw not in key.key_hash
    assert key.prefix == raw[: len(key.prefix)] and key.prefix in err
    assert AuditEntry.objects.filter(action="open311.apikey_create", object_id=str(key.pk)).exists()
    assert apikey_authenticate(raw) == key


def test_list_shows_prefixes_not_keys() -> None:
    out, _err = _run("create", "A")
    listing, _ = _run("list")
    key = ApiKey.objects.get()
    assert key.prefix in listing and "A" in listing
    assert out.strip() not in listing


def test_revoke_switches_the_key_off_and_is_audited() -> None:
    key, raw = apikey_create(actor=SYSTEM, name="A")
    out, _ = _run("revoke", key.prefix)
    key.refresh_from_db()
    assert not key.is_active and key.revoked_at is not None and "已吊销" in out
    assert apikey_authenticate(raw) is None
    assert AuditEntry.objects.filter(action="open311.apikey_revoke", object_id=str(key.pk)).exists()


def test_revoking_an_unknown_prefix_changes_nothing() -> None:
    key, _raw = apikey_create(actor=SYSTEM, name="A")
    with pytest.raises(CommandError):
        _run("revoke", "wg311_nothing")
    with pytest.raises(NotFound):
        apikey_revoke(actor=SYSTEM, prefix="wg311_nothing")
    assert ApiKey.objects.get(pk=key.pk).is_active


def test_create_for_an_unknown_district_is_refused() -> None:
    with pytest.raises(CommandError):
        _run("create", "A", "--district", "999999")
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize("raw", ["", "wg311_", "abc", "wg311_" + "x" * 200])
def test_malformed_keys_do_not_authenticate(raw: str) -> None:
    apikey_create(actor=SYSTEM, name="A")
    assert apikey_authenticate(raw) is None


@pytest.mark.parametrize(
    ("datatype", "values", "ok"),
    [
        (Datatype.STRING, [], True),
        (Datatype.STRING, [{"key": "a", "name": "A"}], False),
        (Datatype.SINGLEVALUELIST, [], False),
        (Datatype.SINGLEVALUELIST, [{"key": "a", "name": "A"}], True),
        (Datatype.MULTIVALUELIST, [{"key": "a", "name": "A"}, {"key": "a", "name": "B"}], False),
        (Datatype.MULTIVALUELIST, [{"key": "a"}], False),
        (Datatype.SINGLEVALUELIST, "a,b", False),
    ],
)
def test_attribute_definition_problems(datatype: str, values: object, ok: bool) -> None:
    assert (attribute_definition_problems(datatype, values) == []) is ok
