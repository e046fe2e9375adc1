"""The embedded default: SQLite under var/, debug on, console e-mail; the demo logins keep their published
password (production makes each change it at the first login)."""

from config import env
from config.settings.base import *  # noqa: F403

DEBUG = env.env_bool("WANGGE_DEBUG", True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
WANGGE_DEMO_KEEPS_PASSWORD = True
