"""Attachments: a file is kept only after checking what it really is and its size."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from wangge.core.actors import user_of
from wangge.core.errors import ValidationFailed
from wangge.workorders.choices import AttachmentKind
from wangge.workorders.models import Attachment, WorkOrder


def attachment_add(*, actor: Any, work_order: WorkOrder, upload: Any, kind: str = AttachmentKind.PHOTO) -> Attachment:
    """Store a photo or file after checking what it really is and its size."""
    max_bytes = int(getattr(settings, "WANGGE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
    size = int(getattr(upload, "size", 0) or 0)
    if kind not in AttachmentKind.values:
        raise ValidationFailed("附件类型不正确", code="invalid_attachment_kind")
    if size <= 0:
        raise ValidationFailed("附件为空", code="empty_file")
    if size > max_bytes:
        raise ValidationFailed(f"附件超过 {max_bytes // (1024 * 1024)} MB", code="file_too_large")
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationFailed("仅支持 JPEG、PNG、GIF、WebP 图片和 PDF 文件", code="unsupported_file_type")
    with transaction.atomic():
        return Attachment.objects.create(
            work_order=work_order,
            kind=kind,
            file=upload,
            content_type=content_type,
            size=size,
            uploaded_by=user_of(actor),
        )


def sniff_content_type(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None
