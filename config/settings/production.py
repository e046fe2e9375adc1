"""Production: PostgreSQL, Redis, secrets from the environment, HTTPS only, hardened cookies and headers.

``python manage.py check --deploy`` is clean under these settings (tested in wangge/accounts/tests). Behind a
reverse proxy that terminates TLS, set WANGGE_TRUSTED_PROXIES and have the proxy set X-Forwarded-Proto.
"""

from django.core.exceptions import ImproperlyConfigured

from config import env
from config.settings.base import *  # noqa: F403

if not env.SECRET_KEY:
    raise ImproperlyConfigured("WANGGE_SECRET_KEY must be set in production")
if not env.FIELD_KEY:
    raise ImproperlyConfigured("WANGGE_FIELD_KEY must be set in production (protects personal data)")

DEBUG = False
SESSION_COOKIE_SECURE = env.SECURE_COOKIES
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS only: plain HTTP is redirected (the health check answers on both, for load balancers), and browsers are
# told to use HTTPS for a year (HSTS).
SECURE_SSL_REDIRECT = env.SSL_REDIRECT
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.HSTS_SECONDS
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.HSTS_INCLUDE_SUBDOMAINS
SECURE_HSTS_PRELOAD = env.HSTS_PRELOAD
# The proxy that terminates TLS says so in X-Forwarded-Proto; trusted only when there is such a proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.TRUSTED_PROXIES else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
