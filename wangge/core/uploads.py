"""The one sanitiser every uploaded file passes before it is stored.

What a user sends is never kept as sent. The type is read from the bytes (the name and the declared
content type are ignored); an image is decoded and encoded again by Pillow, so only a real picture
survives — a file that merely starts with image magic (an HTML page behind ``GIF89a``) is refused — and
nothing but its pixels is kept: EXIF (the phone's GPS position, its serial number, the time), XMP, ICC
and text chunks go, after the EXIF orientation has been applied to the pixels. Where the platform needs
a position it records it on purpose (a case's or a check-in's coordinates), never from a photo. A PDF
is kept as sent only when it starts with ``%PDF-``, ends with ``%%EOF`` and names no active content
(scripts, launch actions, embedded files, forms that submit). Every file gets a server-generated name
(random, with the extension of the type found); nothing of the user's file name reaches the storage.

API::

    sanitise(upload, *, accept=IMAGES) -> CleanFile          # one file
    sanitise_all(uploads, *, accept=IMAGES) -> list[CleanFile]  # a submission: count and total size first
    sanitise_data(upload, *, accept=DATA_FILES) -> CleanFile     # a file to import: .xlsx, GeoJSON or CSV
    sniff(head) -> str | None                                   # the content type the first bytes announce
    generated_name(extension) -> str                            # "<32 random hex digits>.<extension>"

    CleanFile.content, .content_type, .extension, .name, .size; .as_file() -> ContentFile for a FileField

    file_response(field_file, content_type) -> FileResponse      # how a stored file is sent, by every view

Stored files are never published under ``MEDIA_URL``: a view that has checked who asks sends them with
:func:`file_response` — the stored content type, ``Content-Disposition: attachment``, ``nosniff`` and a
sandboxing Content-Security-Policy, so that no file is ever run as a page of the platform.

Refusals raise :class:`~wangge.core.errors.ValidationFailed` with one of :class:`UploadCode` (the API maps it
to 400). Limits come from the settings (see ``config/settings/base.py``): ``WANGGE_MAX_UPLOAD_BYTES`` per
file, ``WANGGE_MAX_UPLOAD_FILES`` and ``WANGGE_MAX_UPLOAD_TOTAL_BYTES`` per submission,
``WANGGE_MAX_UPLOAD_PIXELS`` per image (width × height, against decompression bombs).
"""

from __future__ import annotations

import io
import json
import re
import secrets
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from wangge.core.errors import ValidationFailed


class UploadCode(StrEnum):
    """The codes of the refusals of an upload; part of the API contract."""

    EMPTY_FILE = "empty_file"  # a file of no bytes
    FILE_TOO_LARGE = "file_too_large"  # a file over WANGGE_MAX_UPLOAD_BYTES
    UNSUPPORTED_FILE_TYPE = "unsupported_file_type"  # the bytes are not a type this upload accepts
    DAMAGED_FILE = "damaged_file"  # the bytes announce a type but are not a valid file of it
    IMAGE_TOO_LARGE = "image_too_large"  # more pixels than WANGGE_MAX_UPLOAD_PIXELS
    ACTIVE_CONTENT = "active_content"  # a PDF naming scripts, launch actions, embedded files or forms
    TOO_MANY_FILES = "too_many_files"  # more files in one submission than WANGGE_MAX_UPLOAD_FILES
    UPLOAD_TOO_LARGE = "upload_too_large"  # a submission over WANGGE_MAX_UPLOAD_TOTAL_BYTES


JPEG = "image/jpeg"
PNG = "image/png"
GIF = "image/gif"
WEBP = "image/webp"
PDF = "application/pdf"

IMAGES = frozenset({JPEG, PNG, GIF, WEBP})
IMAGES_AND_PDF = IMAGES | {PDF}

# Files to import (read by the importers, never served back).
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GEOJSON = "application/geo+json"
CSV = "text/csv"
DATA_FILES = frozenset({XLSX, GEOJSON, CSV})
_DATA_EXTENSIONS = {XLSX: "xlsx", GEOJSON: "geojson", CSV: "csv"}
_DATA_LABELS = {XLSX: "Excel（.xlsx）", GEOJSON: "GeoJSON", CSV: "CSV"}

EXTENSIONS = {JPEG: "jpg", PNG: "png", GIF: "gif", WEBP: "webp", PDF: "pdf"}
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", GIF: "GIF", WEBP: "WEBP"}
_SAVE_OPTIONS: dict[str, dict[str, Any]] = {JPEG: {"quality": 90}, WEBP: {"quality": 90}, PNG: {}, GIF: {}}
# Image modes each format can store as decoded; anything else is converted to RGB(A) before encoding.
_MODES = {
    JPEG: {"L", "RGB", "CMYK"},
    PNG: {"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"},
    GIF: {"L", "P"},
    WEBP: {"RGB", "RGBA"},
}

# Names in a PDF that run something or carry another file, looked for in the objects outside the streams
# (stream bodies are binary: short names would turn up there by chance). Names may hide letters as #xx
# (PDF 1.2), which are decoded before looking.
_PDF_ACTIVE = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA|SubmitForm|ImportData|GoToE)(?![A-Za-z0-9])"
)
_PDF_STREAM = re.compile(rb"\bstream\r?\n.*?\bendstream\b", re.DOTALL)
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class CleanFile:
    """A sanitised upload, ready to store under its generated ``name``."""

    content: bytes
    content_type: str
    extension: str
    name: str

    @property
    def size(self) -> int:
        return len(self.content)

    def as_file(self) -> ContentFile:  # type: ignore[type-arg]
        return ContentFile(self.content, name=self.name)


def max_file_bytes() -> int:
    return int(getattr(settings, "WANGGE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))


def max_files() -> int:
    return int(getattr(settings, "WANGGE_MAX_UPLOAD_FILES", 6))


def max_total_bytes() -> int:
    return int(getattr(settings, "WANGGE_MAX_UPLOAD_TOTAL_BYTES", 30 * 1024 * 1024))


def max_pixels() -> int:
    return int(getattr(settings, "WANGGE_MAX_UPLOAD_PIXELS", 40_000_000))


def sniff(head: bytes) -> str | None:
    """The content type the first bytes of a file announce (JPEG, PNG, GIF, WebP, PDF), or None. An
    announcement only: :func:`sanitise` checks that the rest agrees."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def generated_name(extension: str) -> str:
    """A new random file name with ``extension``: 128 bits from the operating system's generator."""
    return f"{secrets.token_hex(16)}.{extension}"


def _accepted_label(accept: frozenset[str]) -> str:
    return _("JPEG、PNG、GIF、WebP 图片和 PDF 文件") if PDF in accept else _("JPEG、PNG、GIF、WebP 图片")


def _size_of(upload: Any) -> int | None:
    size = getattr(upload, "size", None)
    return int(size) if isinstance(size, int) else None


def _read(upload: Any, limit: int) -> bytes:
    """At most ``limit`` + 1 bytes of the upload from its start (one more tells that it is too large)."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    chunks: list[bytes] = []
    total = 0
    source = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(64 * 1024), b"")
    for chunk in source:
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            break
    if hasattr(upload, "seek"):
        upload.seek(0)
    return b"".join(chunks)


def sanitise(upload: Any, *, accept: frozenset[str] = IMAGES) -> CleanFile:
    """The upload as it may be stored: its real type among ``accept``, re-encoded if an image, under a
    generated name. Raises ValidationFailed (:class:`UploadCode`) for anything else."""
    limit = max_file_bytes()
    declared = _size_of(upload)
    if declared is not None and declared > limit:
        raise _too_large(limit)
    data = _read(upload, limit)
    if not data:
        raise ValidationFailed(_("附件为空"), code=UploadCode.EMPTY_FILE)
    if len(data) > limit:
        raise _too_large(limit)
    content_type = sniff(data[:16])
    if content_type is None or content_type not in accept:
        raise ValidationFailed(
            _("仅支持 %(types)s") % {"types": _accepted_label(accept)}, code=UploadCode.UNSUPPORTED_FILE_TYPE
        )
    content = _check_pdf(data) if content_type == PDF else _reencode(data, content_type)
    extension = EXTENSIONS[content_type]
    return CleanFile(content=content, content_type=content_type, extension=extension, name=generated_name(extension))


def sanitise_all(uploads: Iterable[Any], *, accept: frozenset[str] = IMAGES) -> list[CleanFile]:
    """Every file of one submission (an appeal, a step, an upload), or none: the count and the total size
    are checked before any file is read, then each file as :func:`sanitise` does."""
    files = [u for u in uploads if u]
    if len(files) > max_files():
        raise ValidationFailed(
            _("每次最多上传 %(count)s 个文件") % {"count": max_files()}, code=UploadCode.TOO_MANY_FILES
        )
    total = sum(_size_of(u) or 0 for u in files)
    if total > max_total_bytes():
        raise ValidationFailed(
            _("上传的文件合计超过 %(mb)s MB") % {"mb": max_total_bytes() // (1024 * 1024)},
            code=UploadCode.UPLOAD_TOO_LARGE,
        )
    return [sanitise(u, accept=accept) for u in files]


def sanitise_data(upload: Any, *, accept: frozenset[str] = DATA_FILES) -> CleanFile:
    """A file to import, read from its bytes: an .xlsx workbook (a zip holding a workbook and no macros,
    kept as sent), GeoJSON (a JSON object, written again as UTF-8) or CSV (text in UTF-8 or GB18030, written
    again as UTF-8 without NUL characters). Raises ValidationFailed (:class:`UploadCode`) for anything else."""
    limit = max_file_bytes()
    declared = _size_of(upload)
    if declared is not None and declared > limit:
        raise _too_large(limit)
    data = _read(upload, limit)
    if not data:
        raise ValidationFailed(_("附件为空"), code=UploadCode.EMPTY_FILE)
    if len(data) > limit:
        raise _too_large(limit)
    content_type, content = _data_type(data, accept)
    if content_type is None:
        labels = "、".join(_DATA_LABELS[t] for t in (XLSX, GEOJSON, CSV) if t in accept)
        raise ValidationFailed(_("仅支持 %(types)s 文件") % {"types": labels}, code=UploadCode.UNSUPPORTED_FILE_TYPE)
    extension = _DATA_EXTENSIONS[content_type]
    return CleanFile(content=content, content_type=content_type, extension=extension, name=generated_name(extension))


def _data_type(data: bytes, accept: frozenset[str]) -> tuple[str | None, bytes]:
    if data.startswith(b"PK\x03\x04"):
        if XLSX not in accept:
            return None, b""
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError) as exc:
            raise ValidationFailed(_("文件已损坏或不是有效的 Excel 文件"), code=UploadCode.DAMAGED_FILE) from exc
        if "xl/workbook.xml" not in names:
            raise ValidationFailed(_("文件已损坏或不是有效的 Excel 文件"), code=UploadCode.DAMAGED_FILE)
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise ValidationFailed(_("Excel 文件含有宏，不能上传"), code=UploadCode.ACTIVE_CONTENT)
        return XLSX, data
    if b"\x00" in data:
        return None, b""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            return None, b""
    if text.lstrip().startswith("{") and GEOJSON in accept:
        try:
            parsed = json.loads(text)
        except ValueError as exc:
            raise ValidationFailed(_("文件已损坏或不是有效的 GeoJSON"), code=UploadCode.DAMAGED_FILE) from exc
        if not isinstance(parsed, dict):
            raise ValidationFailed(_("文件已损坏或不是有效的 GeoJSON"), code=UploadCode.DAMAGED_FILE)
        return GEOJSON, json.dumps(parsed, ensure_ascii=False).encode("utf-8")
    if CSV in accept and not text.lstrip().startswith("{"):
        return CSV, text.encode("utf-8")
    return None, b""


def _too_large(limit: int) -> ValidationFailed:
    return ValidationFailed(_("附件超过 %(mb)s MB") % {"mb": limit // (1024 * 1024)}, code=UploadCode.FILE_TOO_LARGE)


def _damaged() -> ValidationFailed:
    return ValidationFailed(_("文件已损坏或不是有效的图片、PDF"), code=UploadCode.DAMAGED_FILE)


def _too_many_pixels() -> ValidationFailed:
    return ValidationFailed(
        _("图片尺寸过大（超过 %(mp)s 百万像素）") % {"mp": max_pixels() // 1_000_000}, code=UploadCode.IMAGE_TOO_LARGE
    )


def _reencode(data: bytes, content_type: str) -> bytes:
    """Decode the image with the decoder of its sniffed format only, and encode its first frame again from
    the pixels alone (transparency kept, every other piece of metadata dropped)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[content_type]]) as opened:
                width, height = opened.size
                if width <= 0 or height <= 0:
                    raise _damaged()
                if width * height > max_pixels():
                    raise _too_many_pixels()
                opened.load()
                image = ImageOps.exif_transpose(opened)  # the photo stands the right way up without its EXIF
                transparency = image.info.get("transparency")
                clean = image.copy()
    except ValidationFailed:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels() from exc
    except UnidentifiedImageError as exc:
        raise _damaged() from exc
    except Exception as exc:  # a malformed file can fail in any way inside a decoder: it is damaged, not a 500
        raise _damaged() from exc
    clean.info = {} if transparency is None or clean.mode not in {"P", "L", "RGB"} else {"transparency": transparency}
    if clean.mode not in _MODES[content_type]:
        clean = clean.convert("RGBA" if "A" in clean.mode and content_type != JPEG else "RGB")
        clean.info = {}
    out = io.BytesIO()
    clean.save(out, format=_PILLOW_FORMATS[content_type], **_SAVE_OPTIONS[content_type])
    return out.getvalue()


def _check_pdf(data: bytes) -> bytes:
    """A light check of a PDF kept as sent: the header at the very start, the end-of-file marker near the
    end, and no name of active content (after decoding #xx escapes in names)."""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise _damaged()
    objects = _PDF_STREAM.sub(b"stream endstream", data)
    if _PDF_ACTIVE.search(_PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), objects)):
        raise ValidationFailed(_("PDF 文件含有脚本、附件或表单等活动内容，不能上传"), code=UploadCode.ACTIVE_CONTENT)
    return data


def file_response(stored: FieldFile, content_type: str) -> FileResponse:
    """Send a stored file as a download of its stored type; a file missing from the storage is a 404."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = stored.name.rsplit("/", 1)[-1] if stored.name else "file"
    response = FileResponse(handle, content_type=content_type, as_attachment=True, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
