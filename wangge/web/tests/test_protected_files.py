"""Scoped files leave through ``core.files.serve_protected``: the bytes from the application in development,
an ``X-Accel-Redirect`` to nginx's internal location in production; the permission check decides either way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from wangge.core.actors import SYSTEM
from wangge.core.tests.images import image
from wangge.web.tests.conftest import new_case
from wangge.workorders.models import Attachment
from wangge.workorders.services import attachment_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_file(world: Any, settings: Any, tmp_path: Path) -> Attachment:
    settings.MEDIA_ROOT = str(tmp_path)
    wo = new_case(world)  # in grid 1
    upload = SimpleUploadedFile("p.png", image("PNG"), content_type="image/png")
    return attachment_add(actor=SYSTEM, work_order=wo, upload=upload)


def url_of(att: Attachment) -> str:
    return reverse("web:case_attachment", args=[att.work_order_id, att.pk])


def test_without_x_accel_the_application_sends_the_bytes(login: Any, world: Any, case_file: Attachment) -> None:
    response = login(world.worker).get(url_of(case_file))

    assert response.status_code == 200 and "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_with_x_accel_nginx_is_told_where_the_file_is_and_the_body_is_empty(
    login: Any, world: Any, case_file: Attachment, settings: Any
) -> None:
    settings.WANGGE_X_ACCEL_REDIRECT = True

    response = login(world.worker).get(url_of(case_file))

    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-media/" + case_file.file.name
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'attachment; filename="{case_file.file.name.rsplit("/", 1)[-1]}"'
    assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize("who", ["other_worker", "stranger"])
def test_with_x_accel_a_file_out_of_scope_is_not_found_and_names_no_file(
    login: Any, world: Any, case_file: Attachment, settings: Any, who: str
) -> None:
    settings.WANGGE_X_ACCEL_REDIRECT = True

    response = login(getattr(world, who)).get(url_of(case_file))

    assert response.status_code == 404 and "X-Accel-Redirect" not in response


def test_with_x_accel_an_anonymous_request_is_sent_to_the_login(
    client: Client, case_file: Attachment, settings: Any
) -> None:
    settings.WANGGE_X_ACCEL_REDIRECT = True

    response = client.get(url_of(case_file))

    assert response.status_code == 302 and "X-Accel-Redirect" not in response


def test_with_x_accel_a_file_missing_from_the_storage_is_not_found(
    login: Any, world: Any, case_file: Attachment, settings: Any
) -> None:
    settings.WANGGE_X_ACCEL_REDIRECT = True
    case_file.file.storage.delete(case_file.file.name)

    response = login(world.worker).get(url_of(case_file))

    assert response.status_code == 404 and "X-Accel-Redirect" not in response


def test_with_x_accel_the_api_names_the_file_for_nginx_too(world: Any, case_file: Attachment, settings: Any) -> None:
    settings.WANGGE_X_ACCEL_REDIRECT = True
    client = Client()
    client.force_login(world.worker)

    url = reverse(
        "api:work-order-attachment-file", kwargs={"pk": case_file.work_order_id, "attachment_id": case_file.pk}
    )
    response = client.get(url)

    assert response.status_code == 200 and response["X-Accel-Redirect"].endswith(case_file.file.name)


def test_every_view_sends_stored_files_through_serve_protected() -> None:
    # core.uploads.file_response sends the bytes itself: only serve_protected may call it, so that no view
    # bypasses X-Accel-Redirect in production
    root = Path(__file__).resolve().parents[2]
    callers = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts and path.name != "uploads.py" and "file_response(" in path.read_text()
    ]
    assert callers == ["core/files.py"]
