"""The admin publishes versions through the service, with the engine's problems shown on the form."""

from __future__ import annotations

import json
from types import SimpleNamespace

from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from wangge.accounts.models import User
from wangge.surveys.models import FormVersion


def test_admin_publishes_a_checked_version(place: SimpleNamespace) -> None:
    root = User.objects.create_superuser(username="root", password="x-Passw0rd-long")
    c = Client()
    c.force_login(root)
    url = reverse("admin:surveys_formversion_add")
    form = c.get(url, {"template": place.household_check.pk})
    assert form.status_code == 200 and "entered" in form.content.decode()  # starts from the current fields
    bad = [{"name": "a", "label": "A", "kind": "text", "when": {"field": "b", "equals": "x"}}]
    response = c.post(url, {"template": place.household_check.pk, "fields": json.dumps(bad), "actions": "{}"})
    assert response.status_code == 200 and "条件须引用前面的字段" in response.content.decode()
    assert FormVersion.objects.filter(template=place.household_check).count() == 1
    good = [{"name": "a", "label": "A", "kind": "text"}]
    response = c.post(
        url, {"template": place.household_check.pk, "fields": json.dumps(good), "actions": "{}", "note": "精简"}
    )
    assert response.status_code == 302
    version = FormVersion.objects.get(template=place.household_check, number=2)
    assert version.fields == good and version.published_at is not None and version.created_by == root
    assert c.get(reverse("admin:surveys_formversion_change", args=[version.pk])).status_code == 200  # read-only view
    assert c.get(reverse("admin:surveys_formtemplate_changelist")).status_code == 200
    assert c.get(reverse("admin:surveys_formsubmission_changelist")).status_code == 200


def test_the_admin_add_is_for_administrators_only(place: SimpleNamespace) -> None:
    # Even holding the model permission, a grid worker (no administer right) cannot publish.
    place.worker.is_staff = True
    place.worker.save()
    place.worker.user_permissions.add(
        Permission.objects.get(codename="add_formversion"), Permission.objects.get(codename="view_formversion")
    )
    c = Client()
    c.force_login(place.worker)
    assert c.get(reverse("admin:surveys_formversion_changelist")).status_code == 200
    assert c.get(reverse("admin:surveys_formversion_add")).status_code == 403
