"""The embedded default: SQLite under var/, debug on, console e-mail."""

from config import env
from config.settings.base import *  # noqa: F403

DEBUG = env.env_bool("WANGGE_DEBUG", True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
