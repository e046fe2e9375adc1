"""The production settings pass Django's deployment checklist, and every response carries the security headers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[3]


def test_check_deploy_is_clean_under_the_production_settings(tmp_path: Path) -> None:
    # given the environment the README asks for in production
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "WANGGE_SECRET_KEY": "k3J9-example-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "WANGGE_FIELD_KEY": "example-field-key-0123456789abcdef",
        "WANGGE_ALLOWED_HOSTS": "wangge.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    env.pop("WANGGE_DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for their own process

    # when
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/appeal/", "/api/docs/", "/admin/login/"])
def test_pages_forbid_inline_scripts_and_framing(path: str) -> None:
    response = Client().get(path)

    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-eval" not in policy


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"WANGGE_SECRET_KEY": "changeme"}, "WANGGE_SECRET_KEY is a placeholder"),
        ({"WANGGE_SECRET_KEY": "x" * 60}, "WANGGE_SECRET_KEY is fewer than 10 different characters"),
        ({"WANGGE_FIELD_KEY": "k"}, "WANGGE_FIELD_KEY is shorter than 32 characters"),
        ({"REDIS_URL": ""}, "REDIS_URL must be set in production"),
    ],
)
def test_production_refuses_weak_keys_and_a_missing_redis(
    tmp_path: Path, change: dict[str, str], complaint: str
) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "WANGGE_SECRET_KEY": "k3J9-example-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "WANGGE_FIELD_KEY": "example-field-key-0123456789abcdef",
        "WANGGE_ALLOWED_HOSTS": "wangge.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        **change,
    }
    env.pop("WANGGE_SINGLE_PROCESS", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and complaint in result.stderr
