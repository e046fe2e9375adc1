"""Text messages (短信) behind one interface, whatever the gateway: ``send(phone, text, *, key) -> SmsResult``.

The backend is chosen by ``WANGGE_SMS_BACKEND`` (environment variable of the same name):

- ``console`` (the default): the message is written to the log and kept in :data:`ConsoleSmsBackend.sent`
  (a development machine, the demo, the tests);
- ``file:///path/to/sms.jsonl``: one JSON object per line appended to the file (demos, end-to-end tests);
- ``https://gateway.example/sms`` (or ``http://``): a POST of JSON to the operator's gateway, with
  ``WANGGE_SMS_TOKEN`` as a bearer token and ``WANGGE_SMS_TIMEOUT`` seconds to answer (README, "短信网关").

Nothing here knows what a message is about: case notices, warnings (预警) and one-time codes all pass through
:func:`wangge.notifications.services.sms_send`, which records each message in the outbox (``SmsMessage``)
once per key and delivers it through the backend after commit, retried by the periodic sweep.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def can_receive_sms(phone: str) -> bool:
    """Only a mainland mobile number receives a text message (a landline does not)."""
    return bool(_MOBILE.match(phone or ""))


@dataclass(frozen=True)
class SmsResult:
    """What the gateway said: ``ok``; its message id when it gave one; the reason when it refused."""

    ok: bool
    provider_id: str = ""
    error: str = ""


class SmsBackend(Protocol):
    def send(self, phone: str, text: str, *, key: str) -> SmsResult: ...


class ConsoleSmsBackend:
    """Logs each message and keeps it in memory (``sent``), newest last. Never fails."""

    sent: list[dict[str, str]] = []
    _lock = threading.Lock()

    def send(self, phone: str, text: str, *, key: str) -> SmsResult:
        logger.info("SMS to %s [%s]: %s", phone, key, text)
        with self._lock:
            ConsoleSmsBackend.sent.append({"phone": phone, "text": text, "key": key})
            del ConsoleSmsBackend.sent[:-1000]  # a long-running development server keeps the last thousand
        return SmsResult(ok=True)


class FileSmsBackend:
    """Appends ``{"at", "key", "phone", "text"}`` as one JSON line per message to ``path``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def send(self, phone: str, text: str, *, key: str) -> SmsResult:
        line = json.dumps(
            {"at": timezone.now().isoformat(), "key": key, "phone": phone, "text": text}, ensure_ascii=False
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(line + "\n")
        except OSError as exc:
            return SmsResult(ok=False, error=str(exc)[:300])
        return SmsResult(ok=True)


class HttpSmsBackend:
    """POSTs ``{"phone", "text", "key"}`` as JSON to ``url`` with ``Authorization: Bearer <token>``.

    Success is an HTTP 2xx answer, unless its JSON body says otherwise (``"ok": false``, a non-zero ``errcode``
    or ``code``); ``id`` or ``message_id`` in the answer is kept as the gateway's message id. ``key`` is stable
    for a message, so a gateway can drop a message it already took (a retry after a timeout)."""

    def __init__(self, url: str, *, token: str = "", timeout: float = 5.0) -> None:
        self.url = url
        self.token = token
        self.timeout = timeout

    def send(self, phone: str, text: str, *, key: str) -> SmsResult:
        data = json.dumps({"phone": phone, "text": text, "key": key}, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(self.url, data=data, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                body = resp.read(4096)
        except urllib.error.HTTPError as exc:
            return SmsResult(ok=False, error=f"HTTP {exc.code}")
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            return SmsResult(ok=False, error=str(exc)[:300])
        return _answer(body)


def _answer(body: bytes) -> SmsResult:
    try:
        answer: Any = json.loads(body or b"{}")
    except ValueError:
        return SmsResult(ok=True)
    if not isinstance(answer, dict):
        return SmsResult(ok=True)
    refused = answer.get("ok") is False or any(answer.get(k, 0) not in (0, "0", None) for k in ("errcode", "code"))
    if refused:
        reason = answer.get("errmsg") or answer.get("message") or answer.get("error") or ""
        return SmsResult(ok=False, error=f"gateway refused: {reason}"[:300])
    return SmsResult(ok=True, provider_id=str(answer.get("id") or answer.get("message_id") or "")[:64])


def backend_for(spec: str, *, token: str = "", timeout: float = 5.0) -> SmsBackend:
    """The backend a ``WANGGE_SMS_BACKEND`` value names (see the module's docstring)."""
    spec = (spec or "console").strip()
    if spec == "console":
        return ConsoleSmsBackend()
    if spec.startswith("file://"):
        path = urllib.parse.unquote(urllib.parse.urlparse(spec).path)
        if not path:
            raise ValueError(f"WANGGE_SMS_BACKEND {spec!r}: a file backend needs a path (file:///var/sms.jsonl)")
        return FileSmsBackend(path)
    if spec.startswith(("http://", "https://")):
        return HttpSmsBackend(spec, token=token, timeout=timeout)
    raise ValueError(f"WANGGE_SMS_BACKEND {spec!r}: expected console, file:///path or an http(s) URL")


def get_backend() -> SmsBackend:
    """The configured backend."""
    return backend_for(
        str(getattr(settings, "WANGGE_SMS_BACKEND", "console")),
        token=str(getattr(settings, "WANGGE_SMS_TOKEN", "")),
        timeout=float(getattr(settings, "WANGGE_SMS_TIMEOUT", 5.0)),
    )
