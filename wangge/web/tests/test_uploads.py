"""Uploaded files on the pages: the anonymous appeal's caps, files sent only by the scoped view, never under /media/."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, clear_url_caches, resolve, reverse

from wangge.core.actors import SYSTEM
from wangge.core.tests.images import exif_of, image
from wangge.web.tests.conftest import new_case
from wangge.workorders.models import Attachment, WorkOrder
from wangge.workorders.services import attachment_add

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()  # rate-limit counters


def appeal_data(world: Any, photos: list[Any], **kw: Any) -> dict[str, Any]:
    data = {
        "category": world.category.pk,
        "appeal_type": "complaint",
        "description": "小区门口有人私搭彩钢棚，占用人行道。",
        "lng": "113.01",
        "lat": "33.01",
        "crs": "wgs84",
        "photos": photos,
    }
    data.update(kw)
    return data


def photos(count: int, **kw: Any) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"p{i}.png", image("PNG", **kw), content_type="image/png") for i in range(count)]


def nothing_kept() -> bool:
    return not WorkOrder.objects.exists() and not Attachment.objects.exists()


# --- the anonymous appeal ----------------------------------------------------------------------------


def test_an_anonymous_photo_named_look_html_with_gif_magic_is_refused(client: Client, world: Any) -> None:
    look = SimpleUploadedFile("look.html", b"GIF89a<html><script>alert(document.cookie)</script></html>", "text/html")

    response = client.post(reverse("web:appeal"), appeal_data(world, [look]))

    assert response.status_code == 200 and "文件已损坏或不是有效的图片" in response.content.decode()
    assert nothing_kept()


def test_an_appeal_photo_is_kept_without_its_gps_position_under_a_generated_png_name(
    client: Client, world: Any
) -> None:
    shot = SimpleUploadedFile("IMG_20250603_王家庄.jpg", image("PNG", gps=True), content_type="image/jpeg")

    client.post(reverse("web:appeal"), appeal_data(world, [shot]))

    att = Attachment.objects.get()
    assert att.content_type == "image/png" and att.file.name.endswith(".png") and "IMG" not in att.file.name
    with att.file.open("rb") as handle:
        assert exif_of(handle.read()) == {}


def test_an_appeal_with_seven_photos_is_refused_with_nothing_kept(client: Client, world: Any, settings: Any) -> None:
    settings.WANGGE_MAX_UPLOAD_FILES = 6

    response = client.post(reverse("web:appeal"), appeal_data(world, photos(7)))

    assert "每次最多上传 6 个文件" in response.content.decode()
    assert nothing_kept()
    assert client.post(reverse("web:appeal"), appeal_data(world, photos(6))).status_code == 302


def test_an_appeal_over_the_total_size_is_refused_with_nothing_kept(client: Client, world: Any, settings: Any) -> None:
    one = len(image("PNG", size=(64, 64)))
    settings.WANGGE_MAX_UPLOAD_TOTAL_BYTES = 2 * one

    response = client.post(reverse("web:appeal"), appeal_data(world, photos(3, size=(64, 64))))

    assert "上传的文件合计超过" in response.content.decode()
    assert nothing_kept()


def test_the_daily_photo_cap_of_an_address_refuses_the_next_appeals_photos(
    client: Client, world: Any, settings: Any
) -> None:
    settings.WANGGE_CITIZEN_PHOTOS_PER_DAY = 5
    # given an address that sent 4 photos today
    assert client.post(reverse("web:appeal"), appeal_data(world, photos(4))).status_code == 302
    assert Attachment.objects.count() == 4

    # when it sends an appeal with 2 more
    refused = client.post(reverse("web:appeal"), appeal_data(world, photos(2)))

    # then that appeal is refused and nothing of it is kept
    assert refused.status_code == 200 and "今日从您所在网络上传的照片已达上限" in refused.content.decode()
    assert (WorkOrder.objects.count(), Attachment.objects.count()) == (1, 4)
    # and one more photo, an appeal without photos, and another address still go through
    assert client.post(reverse("web:appeal"), appeal_data(world, photos(1))).status_code == 302
    assert client.post(reverse("web:appeal"), appeal_data(world, [])).status_code == 302
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post(reverse("web:appeal"), appeal_data(world, photos(2))).status_code == 302
    assert (WorkOrder.objects.count(), Attachment.objects.count()) == (4, 7)


# --- sending a case's files ----------------------------------------------------------------------------


@pytest.fixture
def case_file(world: Any) -> Attachment:
    wo = new_case(world)  # in grid 1
    return attachment_add(actor=SYSTEM, work_order=wo, upload=photos(1)[0])


def test_a_case_file_needs_a_login(client: Client, case_file: Attachment) -> None:
    url = reverse("web:case_attachment", args=[case_file.work_order_id, case_file.pk])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


@pytest.mark.parametrize("who", ["other_worker", "stranger"])
def test_a_case_file_out_of_scope_is_not_found(login: Any, world: Any, case_file: Attachment, who: str) -> None:
    url = reverse("web:case_attachment", args=[case_file.work_order_id, case_file.pk])
    assert login(getattr(world, who)).get(url).status_code == 404


def test_a_case_file_is_sent_as_a_download_of_its_stored_type(login: Any, world: Any, case_file: Attachment) -> None:
    url = reverse("web:case_attachment", args=[case_file.work_order_id, case_file.pk])

    response = login(world.worker).get(url)

    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_file_of_another_case_is_not_found_through_this_one(login: Any, world: Any, case_file: Attachment) -> None:
    other = new_case(world)
    url = reverse("web:case_attachment", args=[other.pk, case_file.pk])
    assert login(world.dispatcher).get(url).status_code == 404


# --- never under /media/ -----------------------------------------------------------------------------------


@pytest.fixture
def urls_under_debug(settings: Any, tmp_path: Path) -> Iterator[Path]:
    """The URLconf as the local settings (make run: DEBUG on) build it, with files under MEDIA_ROOT."""
    import config.urls

    settings.DEBUG = True
    settings.MEDIA_ROOT = str(tmp_path)
    importlib.reload(config.urls)
    clear_url_caches()
    yield tmp_path
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.mark.parametrize("path", ["workorders/WG1/photo.png", "classifiers/model.joblib", "patrol/2025/06/a.png"])
def test_media_is_not_served_under_the_local_settings(client: Client, urls_under_debug: Path, path: str) -> None:
    target = urls_under_debug / path
    target.parent.mkdir(parents=True)
    target.write_bytes(image("PNG"))

    with pytest.raises(Resolver404):
        resolve(f"/media/{path}")
    response = client.get(f"/media/{path}")

    assert response.status_code == 404 and b"\x89PNG" not in response.content
