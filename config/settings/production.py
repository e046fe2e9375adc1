"""Production: PostgreSQL, Redis, secrets from the environment, HTTPS only, hardened cookies and headers.

``python manage.py check --deploy`` is clean under these settings (tested in wangge/accounts/tests). Behind a
reverse proxy that terminates TLS, set WANGGE_TRUSTED_PROXIES and have the proxy set X-Forwarded-Proto.
"""

from django.core.exceptions import ImproperlyConfigured

from config import env
from config.keys import weak_key_reason
from config.settings.base import *  # noqa: F403
from wangge.ops.logging import logging_config

if not env.SECRET_KEY:
    raise ImproperlyConfigured("WANGGE_SECRET_KEY must be set in production")
if not env.FIELD_KEY:
    raise ImproperlyConfigured("WANGGE_FIELD_KEY must be set in production (protects personal data)")
for _name, _value, _length in (("WANGGE_SECRET_KEY", env.SECRET_KEY, 50), ("WANGGE_FIELD_KEY", env.FIELD_KEY, 32)):
    _reason = weak_key_reason(_value, min_length=_length)
    if _reason:
        raise ImproperlyConfigured(
            f"{_name} is {_reason}: generate one, e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
# Rate limits, login counters and caches live in the cache: per process without Redis, so each of several
# workers would count alone. Production needs REDIS_URL unless the operator says it runs one process.
if not env.REDIS_URL and not env.SINGLE_PROCESS:
    raise ImproperlyConfigured(
        "REDIS_URL must be set in production (rate limits and login counters are shared through it); "
        "set WANGGE_SINGLE_PROCESS=1 only when the platform runs as one process"
    )

DEBUG = False
SESSION_COOKIE_SECURE = env.SECURE_COOKIES
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS only: plain HTTP is redirected (the health check answers on both, for load balancers), and browsers are
# told to use HTTPS for a year (HSTS).
SECURE_SSL_REDIRECT = env.SSL_REDIRECT
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.HSTS_SECONDS
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.HSTS_INCLUDE_SUBDOMAINS
SECURE_HSTS_PRELOAD = env.HSTS_PRELOAD
# The proxy that terminates TLS says so in X-Forwarded-Proto; trusted only when there is such a proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.TRUSTED_PROXIES else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# JSON log lines with the request id (wangge.ops.logging) unless WANGGE_LOG_FORMAT=text.
LOGGING = logging_config(json=env.LOG_FORMAT != "text")
# Behind nginx, uploads leave through its internal /protected-media/ location once the view has checked who asks
# (X-Accel-Redirect, wangge.core.files); without nginx (gunicorn alone) the application sends them itself.
WANGGE_X_ACCEL_REDIRECT = env.X_ACCEL_REDIRECT
WANGGE_X_ACCEL_PREFIX = "/protected-media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
