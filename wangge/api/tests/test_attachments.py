"""The API's attachments of a case: upload with the change right on an open case, list, download as a file."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wangge.accounts.choices import Role
from wangge.core.models import AuditEntry
from wangge.core.tests.images import exif_of, image
from wangge.workorders.models import Attachment
from wangge.workorders.tests.conftest import _user

from .conftest import act, local, new_case, to_closed

T0 = local(2025, 6, 3, 9, 0)


def upload(data: bytes | None = None, name: str = "photo.png") -> dict[str, Any]:
    return {"file": SimpleUploadedFile(name, data or image("PNG", gps=True), content_type="image/png"), "kind": "photo"}


@pytest.fixture
def street_staff(world: SimpleNamespace) -> Any:
    return _user("jd", Role.STREET_STAFF, territory=world.street)


def test_upload_list_and_download(world: SimpleNamespace, client_for: Any, street_staff: Any) -> None:
    wo = new_case(world, at=T0)
    client = client_for(street_staff)

    uploaded = client.post(f"/api/work-orders/{wo.pk}/attachments/", upload(name="现场.html"), format="multipart")

    assert uploaded.status_code == 201, uploaded.content
    body = uploaded.json()
    assert body["content_type"] == "image/png" and body["name"].endswith(".png") and "现场" not in body["name"]
    listing = client.get(f"/api/work-orders/{wo.pk}/attachments/").json()
    assert [a["id"] for a in listing] == [body["id"]]

    download = client.get(f"/api/work-orders/{wo.pk}/attachments/{body['id']}/")
    content = b"".join(download.streaming_content)
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert download["Content-Disposition"] == f'attachment; filename="{body["name"]}"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert len(content) == body["size"] and exif_of(content) == {}  # no GPS position left

    # out of scope, the file is as missing as the case
    other = client_for(world.other_worker).get(f"/api/work-orders/{wo.pk}/attachments/{body['id']}/")
    assert other.status_code == 404


@pytest.mark.parametrize("who", ["leader", "inspector", "caller", "worker", "dispatcher"])
def test_roles_that_only_view_cannot_upload(world: SimpleNamespace, client_for: Any, who: str) -> None:
    wo = new_case(world, at=T0)
    response = client_for(getattr(world, who)).post(
        f"/api/work-orders/{wo.pk}/attachments/", upload(), format="multipart"
    )
    assert response.status_code == 403 and response.json()["code"] == "attachment_forbidden"
    assert not Attachment.objects.exists()


def test_nobody_uploads_to_a_closed_case(world: SimpleNamespace, client_for: Any, street_staff: Any) -> None:
    wo = to_closed(world, new_case(world, at=T0), T0 + dt.timedelta(minutes=5))
    response = client_for(street_staff).post(f"/api/work-orders/{wo.pk}/attachments/", upload(), format="multipart")
    assert response.status_code == 409 and response.json()["code"] == "case_closed"
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"GIF89a<html><script>alert(1)</script></html>", "damaged_file"),
        (b"MZ\x90\x00" * 8, "unsupported_file_type"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused(
    world: SimpleNamespace, client_for: Any, street_staff: Any, data: bytes, code: str
) -> None:
    wo = new_case(world, at=T0)
    response = client_for(street_staff).post(
        f"/api/work-orders/{wo.pk}/attachments/", upload(data, name="look.png"), format="multipart"
    )
    assert response.status_code == 400 and response.json()["code"] == code
    assert not Attachment.objects.exists()


def test_files_given_with_a_step_belong_to_it(world: SimpleNamespace, client_for: Any) -> None:
    wo = act(world, new_case(world, at=T0), "dispatch", "dispatcher", T0 + dt.timedelta(minutes=5), unit=world.dept)
    act(world, wo, "accept", "handler", T0 + dt.timedelta(minutes=10))

    response = client_for(world.handler).post(
        f"/api/work-orders/{wo.pk}/transitions/",
        {
            "name": "suspend",
            "note": "等待产权单位确认",
            "attachments": [SimpleUploadedFile("letter.png", image("PNG"), content_type="image/png")],
        },
        format="multipart",
    )

    assert response.status_code == 200, response.content
    att = Attachment.objects.get(work_order=wo)
    assert att.event is not None and att.event.name == "suspend" and att.uploaded_by == world.handler


def test_an_upload_is_audited_with_the_client_address(
    world: SimpleNamespace, client_for: Any, street_staff: Any
) -> None:
    wo = new_case(world, at=T0)

    uploaded = client_for(street_staff).post(
        f"/api/work-orders/{wo.pk}/attachments/", upload(), format="multipart", REMOTE_ADDR="203.0.113.7"
    )

    assert uploaded.status_code == 201, uploaded.content
    entry = AuditEntry.objects.get(action="workorders.attachment_add")
    assert entry.actor == street_staff and entry.ip == "203.0.113.7"
    assert (entry.model, entry.object_id) == ("workorder", str(wo.pk))
    assert entry.after is not None and entry.after["attachment"] == uploaded.json()["id"]


def test_files_given_with_a_step_are_audited(world: SimpleNamespace, client_for: Any) -> None:
    wo = act(world, new_case(world, at=T0), "dispatch", "dispatcher", T0 + dt.timedelta(minutes=5), unit=world.dept)
    act(world, wo, "accept", "handler", T0 + dt.timedelta(minutes=10))

    client_for(world.handler).post(
        f"/api/work-orders/{wo.pk}/transitions/",
        {"name": "suspend", "note": "等待产权单位确认", "attachments": [SimpleUploadedFile("a.png", image("PNG"))]},
        format="multipart",
    )

    att = Attachment.objects.get(work_order=wo)
    entry = AuditEntry.objects.get(action="workorders.attachments_add")
    assert entry.actor == world.handler and (entry.model, entry.object_id) == ("workorder", str(wo.pk))
    assert entry.after is not None and entry.after["event"] == att.event_id
    assert [a["attachment"] for a in entry.after["attachments"]] == [att.pk]
