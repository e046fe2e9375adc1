"""The case page: the check's evidence (photo upload, position capture, the refusal on the field), photos
labelled 处置前 / 处置后, and related cases named by their tracking code, never by an internal id."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wangge.core.tests.images import PNG
from wangge.web.tests.conftest import act, local, new_case, to_handling
from wangge.workorders.choices import Status

pytestmark = pytest.mark.django_db
T0 = local(2025, 6, 3, 9, 0)


def png(name: str = "a.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def replied(world: Any, **kw: Any) -> Any:
    wo = new_case(world, at=T0, **kw)
    to_handling(world, wo, T0)
    return act(world, wo, "reply", "handler", T0 + dt.timedelta(hours=1), text="已拆除", result="resolved")


def test_the_verify_form_offers_a_photo_and_a_position(client: Client, world: Any) -> None:
    wo = replied(world)
    client.force_login(world.inspector)
    page = client.get(reverse("web:case_detail", args=[wo.pk])).content.decode()
    form = page[page.index('action="' + reverse("web:case_act", args=[wo.pk, "verify_pass"])) :]
    form = form[: form.index("</form>")]
    assert 'name="after_photos"' in form and 'enctype="multipart/form-data"' in page
    assert 'name="latitude"' in form and 'name="longitude"' in form
    assert "web/position.js" in page and 'id="position-texts"' in page


def test_a_check_without_the_required_position_is_refused_on_the_field(client: Client, world: Any) -> None:
    world.category.verify_position_required = True
    world.category.save()
    wo = replied(world)
    client.force_login(world.inspector)

    response = client.post(
        reverse("web:case_act", args=[wo.pk, "verify_pass"]), {"expected_version": wo.version, "note": "现场已拆除"}
    )

    assert response.status_code == 400
    bound = next(item["form"] for item in response.context["actions"] if item["transition"].name == "verify_pass")
    assert bound.errors["latitude"] == ["请点击“获取当前位置”记录核查位置"]
    assert "该类工单核查通过须记录核查人所在位置" in response.content.decode()
    wo.refresh_from_db()
    assert wo.status == Status.REPLIED

    ok = client.post(
        reverse("web:case_act", args=[wo.pk, "verify_pass"]),
        {"expected_version": wo.version, "latitude": "33.012345", "longitude": "113.012345", "after_photos": png()},
    )
    assert ok.status_code == 302
    wo.refresh_from_db()
    assert wo.status == Status.CALLBACK


def test_photos_are_labelled_before_and_after(client: Client, world: Any) -> None:
    wo = new_case(world, at=T0, photos=[png()])
    to_handling(world, wo, T0)
    act(world, wo, "reply", "handler", T0, text="已拆除", result="resolved", attachments=[png()])
    client.force_login(world.dispatcher)
    page = client.get(reverse("web:case_detail", args=[wo.pk])).content.decode()
    assert 'photo-before">处置前</figcaption>' in page
    assert 'photo-after">处置后</figcaption>' in page


def test_related_cases_are_named_by_tracking_code_with_a_link(client: Client, world: Any) -> None:
    main = new_case(world, at=T0)
    child = new_case(world, at=T0)
    act(world, child, "merge", "dispatcher", T0 + dt.timedelta(minutes=5), parent=main)
    client.force_login(world.dispatcher)

    page = client.get(reverse("web:case_detail", args=[child.pk])).content.decode()

    link = f'href="{reverse("web:case_detail", args=[main.pk])}">{main.tracking_code}</a>'
    assert page.count(link) == 2  # the facts (主工单) and the merge's history row
    assert f"#{main.pk}<" not in page and f"#{main.pk} " not in page


def test_a_bulk_dispatch_result_never_names_a_case_by_its_id(client: Client, world: Any) -> None:
    from wangge.web.tests.test_workbench import other_district_unit

    wo = new_case(world)
    client.force_login(world.stranger)  # the case is out of this dispatcher's district
    response = client.post(
        reverse("web:bulk_dispatch"),
        {"cases": [f"{wo.pk}:{wo.version}"], "unit": other_district_unit(world).pk},
        headers={"HX-Request": "true"},
    )
    assert [r["code"] for r in response.context["results"]] == ["未知工单"]
    assert f"#{wo.pk}" not in response.content.decode()


def test_the_check_s_position_is_shown_in_the_history(client: Client, world: Any) -> None:
    wo = replied(world)
    act(world, wo, "verify_pass", "inspector", T0 + dt.timedelta(hours=2), latitude="33.0134", longitude="113.0123")
    client.force_login(world.dispatcher)
    page = client.get(reverse("web:case_detail", args=[wo.pk])).content.decode()
    assert '核查位置（WGS-84 经度, 纬度）：<span class="mono">113.0123, 33.0134</span>' in page
