"""The Content-Security-Policy allows scripts only from the platform's static files: no template may hold an inline
script or an inline event handler, and the pages as served hold none either."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from wangge.web.tests.conftest import new_case

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p for p in ROOT.glob("**/templates/**/*.html"))
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)


def inline_scripts(html: str) -> list[str]:
    """Script elements that carry code instead of loading a file (JSON data blocks are data, not code)."""
    return [
        attrs
        for attrs in SCRIPT_TAG.findall(html)
        if "src=" not in attrs and "application/json" not in attrs and "application/ld+json" not in attrs
    ]


def test_the_templates_are_found() -> None:
    assert len(TEMPLATES) > 30
    assert any(p.name == "dashboard.html" for p in TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_holds_inline_script(template: Path) -> None:
    text = template.read_text(encoding="utf-8")

    assert inline_scripts(text) == []
    assert EVENT_HANDLER.findall(text) == []
    assert "javascript:" not in text


@pytest.mark.django_db
def test_the_pages_as_served_hold_no_inline_script(client: Client, world: Any) -> None:
    wo = new_case(world)
    client.force_login(world.dispatcher)
    pages = [
        reverse("web:home"),
        reverse("web:workbench"),
        reverse("web:case_detail", args=[wo.pk]),
        reverse("web:case_dispatch", args=[wo.pk]),
        reverse("web:case_intake"),
        reverse("web:case_report"),
        reverse("web:map"),
        reverse("web:inbox"),
        reverse("web:password_change"),
        reverse("web:appeal"),
        reverse("web:track_detail", args=[wo.tracking_code]),
        reverse("reports:dashboard"),
        "/api/docs/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert inline_scripts(html) == [], url
        assert EVENT_HANDLER.findall(html) == [], url
        assert "script-src 'self'" in response["Content-Security-Policy"], url
