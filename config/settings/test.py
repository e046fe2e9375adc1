"""Settings for the test suite: fast hashing, in-memory e-mail, immediate tasks."""

from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WANGGE_LOCATOR_RECHECK_SECONDS = 0
WANGGE_CALENDAR_RECHECK_SECONDS = 0
WANGGE_ROUTING_RECHECK_SECONDS = 0
