"""Production: PostgreSQL, Redis, secrets from the environment, hardened cookies."""

from django.core.exceptions import ImproperlyConfigured

from config import env
from config.settings.base import *  # noqa: F403

if not env.SECRET_KEY:
    raise ImproperlyConfigured("WANGGE_SECRET_KEY must be set in production")
if not env.FIELD_KEY:
    raise ImproperlyConfigured("WANGGE_FIELD_KEY must be set in production (protects personal data)")

DEBUG = False
SESSION_COOKIE_SECURE = env.env_bool("WANGGE_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
