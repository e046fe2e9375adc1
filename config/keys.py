"""What production refuses to start with: weak keys (a ``changeme`` secret, a one-character field key)."""

from __future__ import annotations

# Values seen in copied configuration files and tutorials; never a key.
PLACEHOLDERS = frozenset(
    {"changeme", "change-me", "change_me", "secret", "secret-key", "password", "wangge", "example", "test", "dev"}
)


def weak_key_reason(value: str, *, min_length: int) -> str | None:
    """Why ``value`` is not good enough as a key, or None. Lengths count characters of the value as given."""
    text = value.strip()
    if text.lower() in PLACEHOLDERS or text.lower().startswith(("django-insecure", "changeme")):
        return "a placeholder"
    if len(text) < min_length:
        return f"shorter than {min_length} characters"
    if len(set(text)) < 10:
        return "fewer than 10 different characters"
    return None
