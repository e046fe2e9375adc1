"""The hazard pages: list with filters and overdue badges, the report form, the detail with its steps and
photos; 200 for those entitled, 404 out of scope."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from wangge.core.models import AuditEntry
from wangge.hazards.choices import HazardStatus
from wangge.hazards.models import HazardFinding
from wangge.hazards.services import hazard_transition
from wangge.hazards.tests.conftest import jpeg, report

pytestmark = pytest.mark.django_db


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_the_scope_with_an_overdue_badge(hw: SimpleNamespace) -> None:
    late = report(hw, deadline_days=1)
    other = report(hw, building=None, lng=113.07, lat=33.01, actor=hw.community_staff)

    page = browser(hw.worker).get(reverse("web:hazard_list"))
    html = page.content.decode()

    assert page.status_code == 200
    assert late.code in html and other.code not in html
    assert "超期" in html and "登记隐患" in html
    filtered = browser(hw.community_staff).get(reverse("web:hazard_list"), {"grid": hw.grid2.code}).content.decode()
    assert other.code in filtered and late.code not in filtered
    assert late.code not in browser(hw.stranger).get(reverse("web:hazard_list")).content.decode()


def test_the_detail_is_404_out_of_scope(hw: SimpleNamespace) -> None:
    finding = report(hw, photos=[jpeg()])
    photo = finding.photos.get()
    detail = reverse("web:hazard_detail", args=[finding.pk])
    photo_url = reverse("web:hazard_photo", args=[finding.pk, photo.pk])

    for user in (hw.worker, hw.community_staff, hw.dispatcher):
        assert browser(user).get(detail).status_code == 200
    assert browser(hw.worker).get(photo_url).status_code == 200
    for user in (hw.other_worker, hw.stranger):
        assert browser(user).get(detail).status_code == 404
        assert browser(user).get(photo_url).status_code == 404
    assert browser(hw.worker).get(reverse("web:hazard_detail", args=[finding.pk + 99])).status_code == 404


def test_the_detail_shows_history_photos_and_the_steps(hw: SimpleNamespace) -> None:
    finding = report(hw, photos=[jpeg()])

    html = browser(hw.worker).get(reverse("web:hazard_detail", args=[finding.pk])).content.decode()

    assert finding.code in html and "排查登记" in html
    assert reverse("web:hazard_photo", args=[finding.pk, finding.photos.get().pk]) in html
    assert reverse("web:hazard_act", args=[finding.pk, "submit_rectification"]) in html
    assert reverse("web:hazard_act", args=[finding.pk, "verify"]) not in html
    assert "13900001111" not in html  # masked until revealed
    assert "<script>" not in html.replace('<script type="application/json"', "")  # no inline script (CSP)


def test_steps_from_the_page(hw: SimpleNamespace) -> None:
    finding = report(hw)
    act = reverse("web:hazard_act", args=[finding.pk, "submit_rectification"])

    missing = browser(hw.worker).post(act, {"expected_version": 1, "rectification": "已清理"})
    assert missing.status_code == 400
    done = browser(hw.worker).post(act, {"expected_version": 1, "rectification": "已清理", "after_photos": [jpeg()]})
    assert done.status_code == 302
    finding.refresh_from_db()
    assert finding.status == HazardStatus.SUBMITTED and finding.photos.filter(stage="after").count() == 1

    verify = reverse("web:hazard_act", args=[finding.pk, "verify"])
    assert browser(hw.worker).post(verify, {"expected_version": 1}).status_code == 403
    assert browser(hw.other_worker).post(verify, {"expected_version": 1}).status_code == 404
    assert browser(hw.community_staff).post(verify, {"expected_version": 1}, HTTP_HX_REQUEST="true").status_code == 204
    finding.refresh_from_db()
    assert finding.status == HazardStatus.CLOSED


def test_open_case_links_the_work_order_on_the_page(hw: SimpleNamespace) -> None:
    finding = report(hw)
    finding = hazard_transition(actor=hw.worker, finding=finding, name="open_case")

    html = browser(hw.worker).get(reverse("web:hazard_detail", args=[finding.pk])).content.decode()

    assert reverse("web:case_detail", args=[finding.work_order_id]) in html


def test_the_report_form_on_the_phone(hw: SimpleNamespace) -> None:
    page = browser(hw.worker).get(reverse("web:hazard_report"))
    assert page.status_code == 200
    assert hw.building.code in page.content.decode()  # offered in the building list

    response = browser(hw.worker).post(
        reverse("web:hazard_report"),
        {
            "type": hw.fire.pk,
            "title": "消防通道被占用",
            "lng": "113.01",
            "lat": "33.01",
            "crs": "wgs84",
            "owner_name": "物业",
            "deadline_days": "3",
            "photos": [jpeg()],
        },
    )

    assert response.status_code == 302
    finding = HazardFinding.objects.get()
    assert response["Location"] == reverse("web:hazard_detail", args=[finding.pk])
    assert finding.grid == hw.grid1 and finding.photos.count() == 1


def test_the_report_form_refuses_without_a_place_or_outside_ones_grids(hw: SimpleNamespace) -> None:
    data = {"type": hw.fire.pk, "title": "x", "owner_name": "物业", "deadline_days": "3"}

    no_place = browser(hw.worker).post(reverse("web:hazard_report"), data)
    elsewhere = browser(hw.worker).post(reverse("web:hazard_report"), {**data, "lng": "113.07", "lat": "33.01"})
    foreign_building = browser(hw.other_worker).post(
        reverse("web:hazard_report"), {**data, "building": hw.building.code}
    )

    assert no_place.status_code == elsewhere.status_code == foreign_building.status_code == 200
    assert "该位置不在您负责登记的网格内" in elsewhere.content.decode()
    assert "楼栋不存在或不在您的登记范围内" in foreign_building.content.decode()
    assert not HazardFinding.objects.exists()
    assert browser(hw.dispatcher).get(reverse("web:hazard_report")).status_code == 404  # keeps no ledger


def test_reveal_the_owner_phone_is_audited(hw: SimpleNamespace) -> None:
    finding = report(hw)
    url = reverse("web:hazard_reveal_phone", args=[finding.pk])

    assert browser(hw.worker).post(url).content.decode().count("13900001111") == 2
    assert AuditEntry.objects.filter(action="hazards.reveal_owner_phone", actor=hw.worker).exists()
    assert browser(hw.other_worker).post(url).status_code == 404
