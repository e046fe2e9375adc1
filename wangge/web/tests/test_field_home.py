"""巡查与应急: the page that leads to the field and emergency modules, and its place in the navigation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_page_links_every_module(client: Client, world: Any) -> None:
    client.force_login(world.worker)
    body = client.get(reverse("web:field_home")).content.decode()
    for name in ("inspection_home", "campaign_list", "emergency_home", "duty_home", "meeting_list", "project_list"):
        assert f'href="{reverse("web:" + name)}"' in body, name
    assert "巡查体检" in body and "预警发布" in body


def test_the_navigation_leads_there_and_marks_it_on_a_module_page(client: Client, world: Any) -> None:
    client.force_login(world.dispatcher)
    body = client.get(reverse("web:inspection_home")).content.decode()
    assert f'class="active" href="{reverse("web:field_home")}"' in body


def test_anonymous_visitors_are_sent_to_log_in(client: Client) -> None:
    response = client.get(reverse("web:field_home"))
    assert response.status_code == 302 and reverse("web:login") in response["Location"]
