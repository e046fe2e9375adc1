"""Simplified Chinese first, English available: the language switch and the catalogue of the pages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_pages_are_chinese_by_default(client: Client) -> None:
    body = client.get(reverse("web:login"), headers={"Accept-Language": ""}).content.decode()

    assert "工作人员登录" in body and 'lang="zh-CN"' in body


def test_language_switch_serves_english(client: Client, world: Any) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})

    body = client.get(reverse("web:login")).content.decode()

    assert "Staff login" in body and "工作人员登录" not in body


def test_english_workbench_labels(client: Client, world: Any) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.force_login(world.dispatcher)

    body = client.get(reverse("web:workbench")).content.decode()

    assert "My queue" in body and "Bulk dispatch" in body


def test_every_string_of_the_pages_has_an_english_translation() -> None:
    text = PO.read_text(encoding="utf-8")
    missing = []
    for block in text.split("\n\n")[1:]:
        refs = " ".join(re.findall(r"^#: (.*)$", block, re.M))
        if "wangge/web/" not in refs and "wangge/templates/" not in refs:
            continue
        if re.search(r'^msgstr ""\n(?!")', block + "\n", re.M) or "#, fuzzy" in block:
            missing.append(block)
    assert missing == []
