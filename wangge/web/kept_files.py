"""Files a page keeps for the session that made them, and files sent as downloads.

An import page keeps two kinds of file between requests: the row report of a refused file (offered as a
download) and a checked upload waiting for the user's confirmation. Each is written under
``MEDIA_ROOT/<folder>`` with a random name that only the session which made it knows, kept for a day at
most, and never published under ``MEDIA_URL``: a view hands it back only to that session.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIFETIME_S = 24 * 3600
# How many files of one folder a session remembers (the oldest are forgotten first).
REMEMBERED = 10


def attachment(data: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    """``data`` as a download named ``filename`` (any characters, RFC 5987), never shown as a page."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _folder(name: str) -> Path:
    folder = Path(settings.MEDIA_ROOT) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_old(folder: Path) -> None:
    limit = time.time() - LIFETIME_S
    for old in folder.iterdir():
        try:
            if old.is_file() and old.stat().st_mtime < limit:
                old.unlink()
        except OSError:  # another worker removed it first
            continue


def keep(request: HttpRequest, data: bytes, *, folder: str, session_key: str, extension: str = "xlsx") -> str:
    """Write ``data`` for this session; the token names it in later requests."""
    where = _folder(folder)
    _forget_old(where)
    token = secrets.token_hex(16)
    (where / f"{token}.{extension}").write_bytes(data)
    remembered = request.session.get(session_key, [])[-(REMEMBERED - 1) :]
    request.session[session_key] = [*remembered, token]
    return token


def kept(request: HttpRequest, token: str, *, folder: str, session_key: str, extension: str = "xlsx") -> Path:
    """The file this session kept under ``token``; 404 for any other token, session or a file gone."""
    if not token.isalnum() or token not in request.session.get(session_key, []):
        raise Http404
    file = _folder(folder) / f"{token}.{extension}"
    if not file.exists():
        raise Http404
    return file


def forget(request: HttpRequest, token: str, *, folder: str, session_key: str, extension: str = "xlsx") -> None:
    """Remove a kept file (an upload once imported) and its token."""
    request.session[session_key] = [t for t in request.session.get(session_key, []) if t != token]
    if token.isalnum():
        (_folder(folder) / f"{token}.{extension}").unlink(missing_ok=True)
