"""The public legal service in a real Chromium at phone width: the home page, the coverage, every register's list
and form and the legal-aid case page fit 390 px without sideways scrolling, a case is accepted from the phone, and
no page breaks the Content-Security-Policy."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from wangge.legalservice.choices import AidStatus, ConsultChannel, LiaisonRole
from wangge.legalservice.models import LegalAidCase
from wangge.legalservice.services import adviser_create, consultation_record, liaison_create, literate_create
from wangge.legalservice.tests.conftest import apply

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PHONE = {"width": 390, "height": 844}
PAGES = (
    "",
    "coverage/",
    "advisers/",
    "advisers/new/",
    "literates/",
    "literates/new/",
    "liaisons/",
    "liaisons/new/",
    "aid-points/",
    "aid-points/new/",
    "aid-cases/",
    "aid-cases/new/",
    "consultations/",
    "consultations/new/",
)


@pytest.fixture
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium fonts-noto-cjk); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield chromium
        chromium.close()


def _fits(page: Any, name: str) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: {width}px wide"


def test_street_staff_work_from_a_phone(lw: SimpleNamespace, browser: Any, live_server: Any) -> None:
    adviser_create(
        actor=lw.admin,
        name="王立新",
        law_firm="平顶山安和律师事务所（示例）",
        licence_no="14104201810123456",
        phone="13900002222",
        territory=lw.district,
        communities=[lw.c1],
    )
    literate_create(actor=lw.admin, name="刘秀兰", grid=lw.g1, identity="楼栋长", phone="13900003333")
    liaison_create(
        actor=lw.admin,
        role=LiaisonRole.PROSECUTOR,
        institution="卫东区人民检察院",
        person_name="陈志远",
        community=lw.c1,
        starts_on=dt.date(2025, 1, 1),
    )
    consultation_record(
        actor=lw.admin,
        territory=lw.c1,
        consulted_on=dt.date.today(),
        channel=ConsultChannel.ONLINE,
        topic="公司拖欠三个月工资，能否申请劳动仲裁并要求经济补偿金",
        answered_by="王立新",
    )
    case = apply(lw)
    refused: list[str] = []
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "street_staff")
    page.fill("#id_password", "x-Passw0rd-long")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    for suffix in PAGES:
        page.goto(f"{live_server.url}/legal/{suffix}")
        _fits(page, suffix or "home")
    page.goto(f"{live_server.url}/legal/aid-cases/{case.pk}/")
    _fits(page, "case")
    page.click("summary:has-text('受理')")
    with page.expect_response(lambda r: "/act/aid_accept/" in r.url):
        page.click("#action-aid_accept button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert LegalAidCase.objects.get(pk=case.pk).status == AidStatus.ACCEPTED
    _fits(page, "case accepted")
    assert refused == []
    context.close()
