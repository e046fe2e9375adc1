"""The only module that reads ``os.environ``.

Every setting that may differ between machines is read here, typed, with a default that runs the
embedded configuration (SQLite under ``var/``) on a fresh checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'wangge.sqlite3'}")
# A read replica of the database for the reports (config.routers); empty: none.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
REDIS_URL = env_str("REDIS_URL", "")
# The operator states that the platform runs as one process (per-process rate limits are then exact).
SINGLE_PROCESS = env_bool("WANGGE_SINGLE_PROCESS")
SECRET_KEY = env_str("WANGGE_SECRET_KEY", "")
DEBUG = env_bool("WANGGE_DEBUG", False)
ALLOWED_HOSTS = env_list("WANGGE_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
# Reverse proxies in front of the application that append to X-Forwarded-For (0: trust REMOTE_ADDR only).
TRUSTED_PROXIES = env_int("WANGGE_TRUSTED_PROXIES", 0)
FIELD_KEY = env_str("WANGGE_FIELD_KEY", "")
CODE_SEGMENTS = [int(x) for x in env_list("WANGGE_CODE_SEGMENTS", ["6", "3", "3", "3", "3"])]
TIME_ZONE = env_str("WANGGE_TIME_ZONE", "Asia/Shanghai")
TASK_BACKEND = env_str("WANGGE_TASK_BACKEND", "database")
MEDIA_ROOT = env_str("WANGGE_MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
# Uploads (wangge.core.uploads): bytes per file; files and bytes per submission; pixels per image; photos an
# address may send with citizen appeals per day (0: no limit).
MAX_UPLOAD_BYTES = env_int("WANGGE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
MAX_UPLOAD_FILES = env_int("WANGGE_MAX_UPLOAD_FILES", 6)
MAX_UPLOAD_TOTAL_BYTES = env_int("WANGGE_MAX_UPLOAD_TOTAL_BYTES", 30 * 1024 * 1024)
MAX_UPLOAD_PIXELS = env_int("WANGGE_MAX_UPLOAD_PIXELS", 40_000_000)
CITIZEN_PHOTOS_PER_DAY = env_int("WANGGE_CITIZEN_PHOTOS_PER_DAY", 30)
# Django's technical error pages (tracebacks with the environment) under DEBUG: only when asked for.
DEBUG_PAGES = env_bool("WANGGE_DEBUG_PAGES", False)
STATIC_ROOT = env_str("WANGGE_STATIC_ROOT", str(BASE_DIR / "var" / "static"))
EMAIL_URL = env_str("WANGGE_EMAIL_BACKEND", "")
# Text messages (wangge.notifications.sms): "console", "file:///path/sms.jsonl" or the gateway's http(s) URL,
# its bearer token and answer timeout; the site address the messages link to (the tracking page).
SMS_BACKEND = env_str("WANGGE_SMS_BACKEND", "console")
SMS_TOKEN = env_str("WANGGE_SMS_TOKEN", "")
SMS_TIMEOUT = env_int("WANGGE_SMS_TIMEOUT", 5)
PUBLIC_BASE_URL = env_str("WANGGE_PUBLIC_BASE_URL", "http://localhost:8000")
SHARED_DATA_DIR = env_str("WANGGE_SHARED_DATA", str(BASE_DIR.parent / "shared" / "data"))
MAP_TILE_URL = env_str("WANGGE_MAP_TILE_URL", "")
MAP_TILE_CRS = env_str("WANGGE_MAP_TILE_CRS", "wgs84")
MAP_TILE_ATTRIBUTION = env_str("WANGGE_MAP_TILE_ATTRIBUTION", "")
# The background map (wangge.territory.basemaps): which source, the 天地图 key, host and layers, a local MBTiles file.
MAP_BASEMAP = env_str("WANGGE_MAP_BASEMAP", "")
MAP_TIANDITU_KEY = env_str("WANGGE_MAP_TIANDITU_KEY", "")
MAP_TIANDITU_URL = env_str("WANGGE_MAP_TIANDITU_URL", "https://t{s}.tianditu.gov.cn")
MAP_TIANDITU_LAYERS = env_str("WANGGE_MAP_TIANDITU_LAYERS", "vec,cva")
MAP_MBTILES = env_str("WANGGE_MAP_MBTILES", "")
# Security (production settings, SECURITY.md).
PASSWORD_MAX_AGE_DAYS = env_int("WANGGE_PASSWORD_MAX_AGE_DAYS", 90)
API_TOKEN_HOURS = env_int("WANGGE_API_TOKEN_HOURS", 10)
SECURE_COOKIES = env_bool("WANGGE_SECURE_COOKIES", True)
SSL_REDIRECT = env_bool("WANGGE_SSL_REDIRECT", True)
HSTS_SECONDS = env_int("WANGGE_HSTS_SECONDS", 31_536_000)
HSTS_INCLUDE_SUBDOMAINS = env_bool("WANGGE_HSTS_INCLUDE_SUBDOMAINS", True)
HSTS_PRELOAD = env_bool("WANGGE_HSTS_PRELOAD", True)
# Logs (wangge.ops.logging): "json" for one JSON object per line with the request id, "text" for plain lines;
# empty: JSON under the production settings, text otherwise.
LOG_FORMAT = env_str("WANGGE_LOG_FORMAT", "")
# /metrics (wangge.ops.views): the addresses or networks allowed to scrape, and a bearer token that also admits.
METRICS_ALLOWED_IPS = env_list("WANGGE_METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
METRICS_TOKEN = env_str("WANGGE_METRICS_TOKEN", "")
# Behind nginx (deploy/nginx.conf): scoped files are sent by nginx through X-Accel-Redirect (wangge.core.files).
X_ACCEL_REDIRECT = env_bool("WANGGE_X_ACCEL_REDIRECT", False)
