"""The upload sanitiser: the type from the bytes, images encoded again without EXIF, PDFs checked, a generated name."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from PIL import Image

from wangge.core import uploads
from wangge.core.errors import ValidationFailed
from wangge.core.tests.images import GPS_IFD, ORIENTATION, exif_of, image

GENERATED = re.compile(r"^[0-9a-f]{32}\.(jpg|png|gif|webp|pdf)$")
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def upload(data: bytes, name: str = "photo.png", content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def refusal(data: bytes, *, accept: frozenset[str] = uploads.IMAGES, name: str = "photo.png") -> str:
    with pytest.raises(ValidationFailed) as err:
        uploads.sanitise(upload(data, name), accept=accept)
    return str(err.value.code)


# --- what is refused ---------------------------------------------------------------------------------


def test_an_html_page_behind_gif_magic_is_refused() -> None:
    page = b"GIF89a<html><body><script>alert(document.cookie)</script></body></html>"
    assert refusal(page, name="look.html") == uploads.UploadCode.DAMAGED_FILE


def test_an_html_page_behind_a_gif_header_that_decodes_is_refused() -> None:
    # a logical screen descriptor that parses, then markup where the image blocks should be
    page = b"GIF89a\x01\x00\x01\x00\x00\x00\x00<html><script>alert(1)</script></html>"
    assert refusal(page, name="look.html") == uploads.UploadCode.DAMAGED_FILE


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", uploads.UploadCode.EMPTY_FILE),
        (b"MZ\x90\x00" + b"\x00" * 60, uploads.UploadCode.UNSUPPORTED_FILE_TYPE),  # an executable named .png
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", uploads.UploadCode.UNSUPPORTED_FILE_TYPE),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, uploads.UploadCode.DAMAGED_FILE),  # PNG magic, no image
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, uploads.UploadCode.DAMAGED_FILE),  # JPEG magic, no image
        (image("PNG")[:40], uploads.UploadCode.DAMAGED_FILE),  # cut short
        (PDF, uploads.UploadCode.UNSUPPORTED_FILE_TYPE),  # a PDF where only images are accepted
    ],
)
def test_files_that_are_not_real_images_are_refused(data: bytes, code: str) -> None:
    assert refusal(data) == code


def test_a_file_over_the_size_limit_is_refused(settings: Any) -> None:
    settings.WANGGE_MAX_UPLOAD_BYTES = 1024
    assert (
        refusal(image("PNG", size=(200, 200), colour=(1, 2, 3)) + b"\x00" * 2048) == uploads.UploadCode.FILE_TOO_LARGE
    )


def test_a_file_over_the_size_limit_is_refused_without_a_declared_size(settings: Any) -> None:
    settings.WANGGE_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationFailed) as err:
        uploads.sanitise(io.BytesIO(image("PNG") + b"\x00" * 2048))
    assert err.value.code == "file_too_large"


def test_a_decompression_bomb_is_refused_before_it_is_decoded(settings: Any) -> None:
    settings.WANGGE_MAX_UPLOAD_PIXELS = 10_000
    bomb = io.BytesIO()
    Image.new("1", (4000, 4000)).save(bomb, "PNG")  # 16 million pixels in a few kilobytes
    assert len(bomb.getvalue()) < 10_000
    assert refusal(bomb.getvalue()) == uploads.UploadCode.IMAGE_TOO_LARGE


# --- what is kept --------------------------------------------------------------------------------------


def test_a_png_with_a_gps_position_is_kept_without_it_under_a_generated_png_name() -> None:
    photo = image("PNG", size=(12, 8), gps=True)
    assert exif_of(photo)[GPS_IFD]  # the phone wrote where the photo was taken

    clean = uploads.sanitise(upload(photo, name="IMG_0001 王家庄.html", content_type="text/html"))

    assert GENERATED.match(clean.name) and clean.name.endswith(".png")
    assert (clean.content_type, clean.extension, clean.size) == ("image/png", "png", len(clean.content))
    assert exif_of(clean.content) == {}
    with Image.open(io.BytesIO(clean.content)) as kept:
        assert kept.size == (12, 8) and kept.getpixel((0, 0)) == (200, 40, 40)


def test_a_jpeg_stands_the_right_way_up_without_its_exif() -> None:
    photo = image("JPEG", size=(16, 8), gps=True, orientation=6)  # taken with the phone turned
    assert exif_of(photo)[ORIENTATION] == 6

    clean = uploads.sanitise(upload(photo, name="a.jpg", content_type="image/jpeg"))

    assert clean.name.endswith(".jpg") and exif_of(clean.content) == {}
    assert b"Exif" not in clean.content
    with Image.open(io.BytesIO(clean.content)) as kept:
        assert kept.size == (8, 16)  # the rotation is in the pixels now


@pytest.mark.parametrize(
    ("fmt", "content_type", "extension"),
    [
        ("PNG", "image/png", "png"),
        ("JPEG", "image/jpeg", "jpg"),
        ("GIF", "image/gif", "gif"),
        ("WEBP", "image/webp", "webp"),
    ],
)
def test_the_type_and_the_extension_come_from_the_bytes(fmt: str, content_type: str, extension: str) -> None:
    clean = uploads.sanitise(upload(image(fmt), name="photo.exe", content_type="application/x-msdownload"))
    assert (clean.content_type, clean.extension) == (content_type, extension)
    assert GENERATED.match(clean.name) and clean.name.endswith(f".{extension}")
    assert uploads.sniff(clean.content[:16]) == content_type


def test_every_file_gets_a_new_name() -> None:
    names = {uploads.sanitise(upload(image("PNG"))).name for _ in range(20)}
    assert len(names) == 20


def test_a_transparent_gif_keeps_its_transparency() -> None:
    original = io.BytesIO()
    Image.new("P", (4, 4), 0).save(original, "GIF", transparency=0)
    clean = uploads.sanitise(upload(original.getvalue(), name="t.gif"))
    with Image.open(io.BytesIO(clean.content)) as kept:
        assert kept.info.get("transparency") == 0


# --- PDFs ---------------------------------------------------------------------------------------------


def test_a_plain_pdf_is_kept_as_sent_where_pdfs_are_accepted() -> None:
    clean = uploads.sanitise(upload(PDF, name="通知.pdf"), accept=uploads.IMAGES_AND_PDF)
    assert (clean.content, clean.content_type) == (PDF, "application/pdf")
    assert GENERATED.match(clean.name) and clean.name.endswith(".pdf")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b" " + PDF, uploads.UploadCode.UNSUPPORTED_FILE_TYPE),  # %PDF- not at the very start
        (PDF[: PDF.index(b"%%EOF")], uploads.UploadCode.DAMAGED_FILE),  # no end-of-file marker
        (PDF.replace(b"/Type", b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> /Type"), "active_content"),
        (PDF.replace(b"/Type", b"/OpenAction << /S /J#61vaScript /J#53 (x) >> /Type"), "active_content"),
        (PDF.replace(b"/Type", b"/OpenAction << /S /Launch /F (cmd.exe) >> /Type"), "active_content"),
        (PDF.replace(b"/Type", b"/Names << /EmbeddedFiles 3 0 R >> /Type"), "active_content"),
    ],
)
def test_pdfs_with_a_bad_shape_or_active_content_are_refused(data: bytes, code: str) -> None:
    assert refusal(data, accept=uploads.IMAGES_AND_PDF, name="a.pdf") == code


def test_names_inside_a_pdf_stream_are_not_mistaken_for_active_content() -> None:
    binary = PDF.replace(
        b"endobj\ntrailer", b"endobj\n2 0 obj\n<< /Length 9 >>\nstream\n/JS \x00\x01\xff\nendstream\nendobj\ntrailer"
    )
    assert uploads.sanitise(upload(binary, name="a.pdf"), accept=uploads.IMAGES_AND_PDF).content == binary


# --- a submission ---------------------------------------------------------------------------------------


def test_a_submission_over_the_file_count_is_refused_before_any_file_is_read(settings: Any) -> None:
    settings.WANGGE_MAX_UPLOAD_FILES = 6
    files = [upload(image("PNG")) for _ in range(7)]
    with pytest.raises(ValidationFailed) as err:
        uploads.sanitise_all(files)
    assert err.value.code == "too_many_files"
    assert uploads.sanitise_all(files[:6]) and len(uploads.sanitise_all(files[:6])) == 6


def test_a_submission_over_the_total_size_is_refused(settings: Any) -> None:
    photo = image("PNG")
    settings.WANGGE_MAX_UPLOAD_TOTAL_BYTES = 2 * len(photo)
    with pytest.raises(ValidationFailed) as err:
        uploads.sanitise_all([upload(photo), upload(photo), upload(photo)])
    assert err.value.code == "upload_too_large"


def test_one_bad_file_refuses_the_whole_submission() -> None:
    with pytest.raises(ValidationFailed) as err:
        uploads.sanitise_all([upload(image("PNG")), upload(b"GIF89a<html>", name="look.html"), upload(image("JPEG"))])
    assert err.value.code == "damaged_file"


# --- sending a stored file --------------------------------------------------------------------------------


class Stored:
    """What the views hand over: a stored file's name and a way to open it."""

    def __init__(self, name: str, content: bytes | None) -> None:
        self.name, self.content = name, content

    def open(self, mode: str) -> io.BytesIO:
        if self.content is None:
            raise FileNotFoundError(self.name)
        return io.BytesIO(self.content)


def test_a_stored_file_is_sent_as_a_download_of_its_stored_type_and_never_sniffed() -> None:
    stored = Stored("workorders/WG1/0123456789abcdef0123456789abcdef.gif", b"GIF89a<html>")

    response = uploads.file_response(stored, "image/gif")  # type: ignore[arg-type]

    assert response["Content-Type"] == "image/gif"
    assert response["Content-Disposition"] == 'attachment; filename="0123456789abcdef0123456789abcdef.gif"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == b"GIF89a<html>"  # type: ignore[arg-type]


def test_a_file_missing_from_the_storage_is_not_found() -> None:
    with pytest.raises(Http404):
        uploads.file_response(Stored("workorders/WG1/gone.png", None), "image/png")  # type: ignore[arg-type]
