"""The daily quota of a key: POST requests counted per key and local calendar day; over it, 429 and nothing kept."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.test import RequestFactory, override_settings
from django.urls import get_resolver
from freezegun import freeze_time

from wangge.core.actors import SYSTEM
from wangge.core.errors import ValidationFailed
from wangge.core.models import AuditEntry
from wangge.open311.models import ApiKey
from wangge.open311.services import apikey_create, apikey_set_quota
from wangge.open311.tests.conftest import assert_error, post, valid_post
from wangge.open311.tests.test_post_requests import counts
from wangge.workorders.models import WorkOrder
from wangge.workorders.tests.conftest import local

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _views_imported() -> None:
    """Import every view before a clock is frozen: a class keeping ``time.time`` as an attribute (DRF's
    throttles) would otherwise keep freezegun's stand-in for the rest of the run."""
    get_resolver().url_patterns  # noqa: B018


# the per-minute throttles off, so only the daily quota refuses
NO_THROTTLE = {"WANGGE_OPEN311_THROTTLE_KEY": None, "WANGGE_OPEN311_THROTTLE_IP": None}


@override_settings(**NO_THROTTLE)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_key_over_its_daily_quota_is_refused_until_the_next_local_day(api: SimpleNamespace, fmt: str) -> None:
    # given a key allowed two requests a day
    _key, raw = apikey_create(actor=SYSTEM, name="限额应用", daily_quota=2)
    with freeze_time(local(2025, 6, 3, 9, 0)):
        # when it files two requests
        for _ in range(2):
            assert post(api.client, fmt, **valid_post(api, api_key=raw)).status_code == 200
        before = counts()
        # then the third is refused with the spec's error body and Retry-After (until local midnight)
        response = post(api.client, fmt, **valid_post(api, api_key=raw))
        description = assert_error(response, 429, fmt)
        assert "2" in description
        assert int(response["Retry-After"]) == 15 * 3600
        # and nothing is kept
        assert counts() == before
        # while another key is not affected
        assert post(api.client, fmt, **valid_post(api)).status_code == 200

    # late in the same local day (already the next day in UTC) it is still refused
    with freeze_time(local(2025, 6, 3, 23, 59, 30)):
        late = post(api.client, fmt, **valid_post(api, api_key=raw))
        assert_error(late, 429, fmt)
        assert int(late["Retry-After"]) == 30

    # the next local day it files again
    with freeze_time(local(2025, 6, 4, 0, 0, 5)):
        assert post(api.client, fmt, **valid_post(api, api_key=raw)).status_code == 200
    assert WorkOrder.objects.filter(open311__api_key__name="限额应用").count() == 3


@override_settings(**NO_THROTTLE)
def test_a_quota_of_zero_is_unlimited(api: SimpleNamespace) -> None:
    _key, raw = apikey_create(actor=SYSTEM, name="不限应用", daily_quota=0)
    with freeze_time(local(2025, 6, 3, 9, 0)):
        for _ in range(3):
            assert post(api.client, "json", **valid_post(api, api_key=raw)).status_code == 200


@override_settings(WANGGE_OPEN311_DAILY_QUOTA=7)
def test_a_new_key_takes_the_configured_quota() -> None:
    key, _raw = apikey_create(actor=SYSTEM, name="A")
    assert key.daily_quota == 7


@override_settings(**NO_THROTTLE)
def test_a_lowered_quota_applies_to_the_next_request(api: SimpleNamespace) -> None:
    # given a key that has filed one request today
    with freeze_time(local(2025, 6, 3, 9, 0)):
        assert post(api.client, "json", **valid_post(api)).status_code == 200
        # when its quota is lowered to one through the command
        out = io.StringIO()
        call_command("open311_key", "quota", api.key.prefix, "--daily-quota", "1", stdout=out)
        # then the change is kept and audited, and the next request is refused
        assert ApiKey.objects.get(pk=api.key.pk).daily_quota == 1
        assert AuditEntry.objects.filter(action="open311.apikey_set_quota", object_id=str(api.key.pk)).exists()
        assert_error(post(api.client, "json", **valid_post(api)), 429)


def test_the_command_creates_a_key_with_a_quota_and_lists_it() -> None:
    out = io.StringIO()
    call_command("open311_key", "create", "A", "--daily-quota", "50", stdout=out, stderr=io.StringIO())
    key = ApiKey.objects.get()
    assert key.daily_quota == 50
    listing = io.StringIO()
    call_command("open311_key", "list", stdout=listing)
    assert "50/日" in listing.getvalue()


def test_a_negative_quota_is_refused_and_changes_nothing() -> None:
    key, _raw = apikey_create(actor=SYSTEM, name="A", daily_quota=5)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed):
        apikey_set_quota(actor=SYSTEM, prefix=key.prefix, daily_quota=-1)
    with pytest.raises(CommandError):
        call_command("open311_key", "quota", key.prefix, "--daily-quota", "-1", stdout=io.StringIO())
    with pytest.raises(ValidationFailed):
        apikey_create(actor=SYSTEM, name="B", daily_quota=-1)
    assert ApiKey.objects.get().daily_quota == 5
    assert AuditEntry.objects.count() == audit_before


def test_the_quota_is_editable_in_the_admin() -> None:
    key, _raw = apikey_create(actor=SYSTEM, name="A")
    model_admin = admin.site._registry[ApiKey]
    request = RequestFactory().get("/")
    form = model_admin.get_form(request, key)
    assert "daily_quota" in form.base_fields
    assert "daily_quota" not in model_admin.get_readonly_fields(request, key)
