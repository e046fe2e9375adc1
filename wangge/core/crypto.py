"""Protection of personal fields at rest: Fernet encryption plus an HMAC blind index for lookups."""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(key_material: str) -> Fernet:
    digest = hashlib.sha256(("wangge-field:" + key_material).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str) -> str:
    if value == "":
        return ""
    return _fernet(settings.WANGGE_FIELD_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if token == "":
        return ""
    try:
        return _fernet(settings.WANGGE_FIELD_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # pragma: no cover - key rotation problem, never silent
        raise ValueError("protected field cannot be decrypted with the configured WANGGE_FIELD_KEY") from exc


def blind_index(value: str) -> str:
    """Deterministic keyed hash, so equality lookups work without storing the clear value."""
    if value == "":
        return ""
    key = hashlib.sha256(("wangge-index:" + settings.WANGGE_FIELD_KEY).encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]
