"""The small closed-loop world of the work-order tests, reused by the page tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from wangge.workorders.tests.conftest import act, local, new_case, to_handling, world  # noqa: F401

PASSWORD = "x-Passw0rd-long"


@pytest.fixture
def login(client: Client) -> Any:
    def _login(user: Any) -> Client:
        client.force_login(user)
        return client

    return _login
