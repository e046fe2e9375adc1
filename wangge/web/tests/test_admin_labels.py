"""The admin speaks Chinese: every registered model's list, add and change pages, walked as a superuser, show
Chinese model names, column headers, field labels and filters — no English label, no raw code (an audit
entry's action reads 新建点位, not ``places.point_create``)."""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from wangge.core import audit
from wangge.core.actors import SYSTEM
from wangge.web.tests.conftest import act, local, new_case
from wangge.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u3400-\u9fff]")
RAW_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)*\.[a-z][a-z0-9_]*\b")  # places.point_create, admin.change
ALLOWED = {"ID"}


class Labels(HTMLParser):
    """The texts a reader takes as labels: column headers, form labels, fieldset and filter titles, the filter
    choices, and the cells of the list."""

    WATCHED = {"th", "label", "h2", "h3", "summary", "caption", "td"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.in_filter = 0
        self.found: list[tuple[str, str]] = []  # (where, text)

    result_list = 0

    def _in_result_list(self) -> bool:
        return bool(self.result_list) and len(self.stack) >= self.result_list

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "img", "input", "meta", "link", "hr"}:
            return
        attributes = dict(attrs)
        if attributes.get("id") == "changelist-filter":
            self.in_filter = len(self.stack) + 1
        if attributes.get("id") == "result_list":
            self.result_list = len(self.stack) + 1
        if "visually-hidden" in (attributes.get("class") or "").split():
            tag = "hidden"  # a screen reader's aid from Django's own templates, not a label of this project
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            top = self.stack.pop()
            if self.in_filter and len(self.stack) < self.in_filter:
                self.in_filter = 0
            if self.result_list and len(self.stack) < self.result_list:
                self.result_list = 0
            if top == tag or top == "hidden":
                break

    def handle_data(self, data: str) -> None:
        text = data.strip()
        if not text or not self.stack or "hidden" in self.stack:
            return
        where = next((t for t in reversed(self.stack) if t in self.WATCHED), None)
        if where == "th" and "tbody" in self.stack and "table" in self.stack and self._in_result_list():
            where = "td"  # the first column of a list row is data too
        if self.in_filter and "a" in self.stack:
            where = "filter"
        if where:
            self.found.append((where, text))


def leaks(html: str, data: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    parser = Labels()
    parser.feed(html)
    out = []
    for where, text in parser.found:
        if where == "td":  # list cells hold data; only a raw code is a leak there
            if RAW_CODE.fullmatch(text):
                out.append((where, text))
            continue
        if text.rstrip(":：") in ALLOWED or not re.search(r"[A-Za-z]", text) or CJK.search(text):
            continue
        if where == "h2" and text in data:  # the change page's heading is the object's own name
            continue
        out.append((where, text))
    return out


@pytest.fixture
def records(world: Any) -> None:
    """A case through a few steps, and audit entries of several kinds."""
    wo = new_case(world, at=local(2025, 6, 3, 9, 0))
    act(world, wo, "dispatch", "dispatcher", local(2025, 6, 3, 9, 30), unit=world.dept)
    audit.record(actor=SYSTEM, action="places.point_create", obj=world.dept, only_changes=False)
    audit.record(actor=SYSTEM, action="admin.change", obj=wo, before={"a": 1}, after={"a": 2})
    audit.record(actor=SYSTEM, action="auth.login_failed", note="root")


def test_every_registered_model_has_a_chinese_name() -> None:
    english = [
        m._meta.label
        for m in admin.site._registry
        if not (CJK.search(str(m._meta.verbose_name)) and CJK.search(str(m._meta.verbose_name_plural)))
    ]
    assert english == []


def test_admin_pages_show_no_english_label_or_raw_code(client: Client, records: None) -> None:
    root = get_user_model().objects.create_superuser(username="root", password="x-Passw0rd-long")
    client.force_login(root)
    found: dict[str, list[tuple[str, str]]] = {}
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    found["index"] = leaks(index.content.decode())
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages = [reverse(f"{prefix}_changelist")]
        obj = model_admin.get_queryset(_request(root)).order_by("pk").first()
        if obj is not None:
            pages.append(reverse(f"{prefix}_change", args=[obj.pk]))
        elif model_admin.has_add_permission(_request(root)):
            pages.append(reverse(f"{prefix}_add"))
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            found[url] = leaks(response.content.decode(), (str(obj),) if obj is not None else ())
    first_seen: dict[tuple[str, str], str] = {}
    for url, texts in found.items():
        for text in texts:
            first_seen.setdefault(text, url)

    assert first_seen == {}


def _request(user: Any) -> Any:
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_steps_and_audit_actions_read_as_words(client: Client, world: Any, records: None) -> None:
    root = get_user_model().objects.create_superuser(username="root", password="x-Passw0rd-long")
    client.force_login(root)
    wo = WorkOrder.objects.get()
    case = client.get(reverse("admin:workorders_workorder_change", args=[wo.pk])).content.decode()
    assert "<p>派遣</p>" in case and "<p>dispatch</p>" not in case
    log = client.get(reverse("admin:core_auditentry_changelist")).content.decode()
    assert "新建点位" in log and "后台修改" in log and "登录失败" in log
    territory = client.get(reverse("admin:territory_territory_change", args=[world.district.pk])).content.decode()
    assert "Child of" not in territory and "-- root --" not in territory and "作为其下级" in territory


def test_every_audit_action_in_the_source_has_a_chinese_name() -> None:
    """Every ``action="<area>.<what>"`` written by the code is named (exactly, or from its area and last word)."""
    root = Path(__file__).resolve().parents[2]
    codes: set[str] = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "action" and isinstance(node.value, ast.Constant):
                value = node.value.value
                if isinstance(value, str) and "." in value:
                    codes.add(value)
    assert len(codes) > 50
    unnamed = sorted(c for c in codes if not CJK.search(audit.action_label(c)) or "其他操作" in audit.action_label(c))
    assert unnamed == []
