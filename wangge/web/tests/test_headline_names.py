"""The step clock running out is 环节超时 wherever it is counted (home page, workbench filter, map), never 超期."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from wangge.web.tests.conftest import new_case

pytestmark = pytest.mark.django_db


def test_the_homes_step_clock_figure_and_the_workbench_filter_it_opens_share_name_and_count(
    client: Client, world: Any
) -> None:
    new_case(world)  # registered long ago: its dispatch step ran out
    new_case(world)
    client.force_login(world.dispatcher)

    home = client.get(reverse("web:home"))
    listed = client.get(reverse("web:workbench"), {"clock": "overdue"})

    assert "环节超时" in home.content.decode() and home.context["overdue_count"] == 2
    assert listed.context["page"].paginator.count == 2
    field = listed.context["filterset"].form.fields["clock"]
    assert str(field.label) == "环节时限" and dict(field.choices)["overdue"] == "环节超时"
    assert '<option value="overdue" selected>环节超时</option>' in listed.content.decode()
