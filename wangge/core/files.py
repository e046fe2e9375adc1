"""How a stored, scoped file leaves the platform once a view has checked who asks.

Uploads are never published under a public URL: every view that serves one (case attachments, hazard photos,
citizens' after-photos, survey photos, check-in photos) first applies its own permission check, then returns
:func:`serve_protected`. In development the application sends the bytes itself
(:func:`wangge.core.uploads.file_response`). In production, with ``WANGGE_X_ACCEL_REDIRECT=1``, it answers with
an empty response whose ``X-Accel-Redirect`` header names the file under nginx's *internal* location
``/protected-media/`` (``deploy/nginx.conf``): nginx then sends the file, and the worker is free at once. The
internal location cannot be requested from outside, so the permission check still decides who gets a file.

API::

    serve_protected(field_file, content_type) -> HttpResponse | FileResponse
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse

from wangge.core import uploads


def accel_redirect_enabled() -> bool:
    """Whether nginx sends the files (``WANGGE_X_ACCEL_REDIRECT``, production settings only)."""
    return bool(getattr(settings, "WANGGE_X_ACCEL_REDIRECT", False))


def serve_protected(stored: FieldFile, content_type: str) -> HttpResponse | FileResponse:
    """Send a stored file as a download of its stored type; a file missing from the storage is a 404.

    With X-Accel-Redirect on, the response is empty and carries the headers nginx keeps (type, disposition,
    ``nosniff``, the sandboxing CSP, caching) and ``X-Accel-Redirect: <prefix><path in MEDIA_ROOT>``.
    """
    if not accel_redirect_enabled():
        return uploads.file_response(stored, content_type)
    if not stored.name or not stored.storage.exists(stored.name):
        raise Http404
    prefix = str(getattr(settings, "WANGGE_X_ACCEL_PREFIX", "/protected-media/"))
    response = HttpResponse(content_type=content_type)
    filename = stored.name.rsplit("/", 1)[-1]
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(stored.name.lstrip("/"))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
