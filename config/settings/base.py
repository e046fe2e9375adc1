"""Settings shared by every environment. Values that vary come from ``config.env``."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config import env
from config.routers import replica_settings
from wangge.ops.logging import logging_config

BASE_DIR: Path = env.BASE_DIR
SECRET_KEY = env.SECRET_KEY or "insecure-development-key-change-me"
DEBUG = env.DEBUG
ALLOWED_HOSTS = env.ALLOWED_HOSTS

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "csp",
    "django_filters",
    "drf_spectacular",
    "treebeard",
    "django_tasks",
    "django_tasks_db",
    "wangge.core",
    "wangge.accounts",
    "wangge.territory",
    "wangge.places",
    "wangge.workcalendar",
    "wangge.notifications",
    "wangge.workorders",
    "wangge.ledgers",
    "wangge.hazards",
    "wangge.keypersons",
    "wangge.surveys",
    "wangge.knowledge",
    "wangge.mediation",
    "wangge.legalservice",
    "wangge.inspections",
    "wangge.campaigns",
    "wangge.emergency",
    "wangge.duty",
    "wangge.meetings",
    "wangge.projects",
    "wangge.hall",
    "wangge.queueing",
    "wangge.evaluations",
    "wangge.enterprises",
    "wangge.volunteers",
    "wangge.workforce",
    "wangge.party",
    "wangge.cogovernance",
    "wangge.intel",
    "wangge.reports",
    "wangge.api",
    "wangge.open311",
    "wangge.web",
    "wangge.ops",
    "wangge.demo",
]

MIDDLEWARE = [
    "wangge.ops.middleware.RequestContextMiddleware",  # request id, latency metric, per-request log line
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, except that a poll never renews the session and a renewal is written at most every two minutes
    "wangge.accounts.sessions.RenewingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "wangge.core.requestguard.RequestGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "wangge.core.audit.RequestAddressMiddleware",  # every audit entry of a request names its client address
    "wangge.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wangge.core.errorpages.DebugPagesMiddleware",
]
# Django's technical error pages only when WANGGE_DEBUG_PAGES asks for them, even under DEBUG (make run): the
# public 400/404/500 pages otherwise (wangge.core.errorpages).
WANGGE_DEBUG_PAGES = env.DEBUG_PAGES
DEFAULT_EXCEPTION_REPORTER = "wangge.core.errorpages.PublicExceptionReporter"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "wangge" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Persistent connections are checked before reuse: a connection the server or a proxy dropped is replaced
# instead of failing the request.
DATABASES = {"default": dj_database_url.parse(env.DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# A read replica for the reports (DATABASE_REPLICA_URL): the bulletins read from it through config.routers;
# unset, there is no second database and no router.
_replica, DATABASE_ROUTERS = replica_settings(env.DATABASE_REPLICA_URL)
DATABASES.update(_replica)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["wangge.accounts.backends.LockoutBackend"]

# 等保 2.0 第三级 口令复杂度: at least 10 characters of three of the four classes, not common, not like the account's
# name, none of the last WANGGE_PASSWORD_HISTORY passwords (wangge.accounts.passwords).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "wangge.accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "wangge.accounts.passwords.PasswordHistoryValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.TIME_ZONE
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.STATIC_ROOT
STATICFILES_DIRS = [BASE_DIR / "wangge" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.MEDIA_ROOT

SESSION_COOKIE_AGE = 30 * 60
# The idle limit: a session is renewed by a person's request once its last renewal is WANGGE_SESSION_RENEW_SECONDS
# old (wangge.accounts.sessions), so it ends between 28 and 30 minutes after the last request, never later,
# without a write of the session row on every request.
SESSION_SAVE_EVERY_REQUEST = False
WANGGE_SESSION_RENEW_SECONDS = 120
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wangge.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Wangge API",
    "DESCRIPTION": "Territory, organisation, points and the closed loop of work orders.",
    "VERSION": "0.1.0",
}


def _require_redis_extra(setting: str, modules: tuple[str, ...]) -> None:
    """The Redis stack is the optional extra ``redis``: say so at start-up rather than at the first task."""
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise ImproperlyConfigured(
            f"{setting} needs the redis extra (pip install -e '.[redis]'); not installed: {', '.join(missing)}"
        )


TASKS = {
    "default": (
        {"BACKEND": "django_tasks_rq.backend.RQBackend", "QUEUES": ["default"]}
        if env.TASK_BACKEND == "rq"
        else {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}
    )
}
if env.TASK_BACKEND == "rq":
    _require_redis_extra("WANGGE_TASK_BACKEND=rq", ("redis", "rq", "django_rq", "django_tasks_rq"))
    INSTALLED_APPS.append("django_rq")
RQ_QUEUES = {"default": {"URL": env.REDIS_URL or "redis://127.0.0.1:6379/0"}}  # read by django_rq only

if env.REDIS_URL:
    _require_redis_extra("REDIS_URL", ("redis",))
CACHES = (
    {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env.REDIS_URL}}
    if env.REDIS_URL
    else {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
)

# Plain text lines by default; one JSON object per line with the request id, route, status and user under
# WANGGE_LOG_FORMAT=json (the production default; wangge.ops.logging).
LOGGING = logging_config(json=env.LOG_FORMAT == "json")
# Health and metrics (wangge.ops.views): /readyz fails above these ages in seconds (0: reported only); /metrics
# answers these addresses or networks, or the bearer token.
WANGGE_READY_MAX_QUEUE_AGE_SECONDS = 0
WANGGE_READY_MAX_TICK_AGE_SECONDS = 0
WANGGE_READY_MAX_BULLETIN_AGE_SECONDS = 0
WANGGE_METRICS_ALLOWED_IPS = env.METRICS_ALLOWED_IPS
WANGGE_METRICS_TOKEN = env.METRICS_TOKEN

# Wangge settings --------------------------------------------------------------------------------
# Territory code segment lengths: district, street, community, grid, building.
WANGGE_CODE_SEGMENTS = env.CODE_SEGMENTS
# Key for protected personal fields (phone, ID number). Derived from SECRET_KEY when unset.
WANGGE_FIELD_KEY = env.FIELD_KEY or SECRET_KEY
WANGGE_SHARED_DATA = env.SHARED_DATA_DIR
# Sibling polygons may overlap by this share of the smaller one's area before import refuses them.
WANGGE_OVERLAP_TOLERANCE = 0.001
# Office hours for working-time arithmetic: list of (start, end) windows each working day.
WANGGE_OFFICE_HOURS = [("08:30", "12:00"), ("14:30", "18:00")]
# Login-failure handling (等保 2.0 登录失败处理; the table is in wangge.accounts.lockout). Failures never lock an
# account as a whole: this many in a row from one address lock that address out of that username for that long;
# from every address, after SLOWDOWN_AFTER the username waits 2, 4, … up to MAX_DELAY seconds between tries
# (not from an address it logged in from lately); an address failing more than ADDRESS_FAILURES is refused for
# the rest of the window, and beyond GLOBAL_FAILURES on the whole platform so is every address that failed lately.
WANGGE_LOCKOUT_ATTEMPTS = 5
WANGGE_LOCKOUT_MINUTES = 15
WANGGE_LOGIN_ACCOUNT_SLOWDOWN_AFTER = 10
WANGGE_LOGIN_ACCOUNT_MAX_DELAY = 60
WANGGE_LOGIN_ADDRESS_FAILURES = "20/h"
WANGGE_LOGIN_GLOBAL_FAILURES = "300/min"
# Passwords (wangge.accounts.passwords): changed after this many days (0: never expire), none of the last N reused.
# The demo logins share a published password: only the local settings (make run) let them keep it.
WANGGE_PASSWORD_MAX_AGE_DAYS = env.PASSWORD_MAX_AGE_DAYS
WANGGE_PASSWORD_HISTORY = 5
WANGGE_DEMO_KEEPS_PASSWORD = False
# Audit and security logs (wangge.ops.backup audit_archive): kept this many days before they may be archived;
# 网络安全法 第二十一条 requires at least six months, so below 183 is a system check error.
WANGGE_AUDIT_RETENTION_DAYS = 400
# Online migrations (wangge.core.online): how long a migration's statement waits for a lock on PostgreSQL before it
# fails (and can be run again) instead of queueing every request behind it.
WANGGE_MIGRATION_LOCK_TIMEOUT = "5s"
# Closed loop: warn when this share of a step's time has passed; 三率 weights; 满意率 definition
# ("top3": 非常满意+满意+基本满意, "top2": 非常满意+满意); 差评 rectification limit; on-site sampling.
WANGGE_WARN_SHARE = 0.8
WANGGE_SANLV_WEIGHTS = {"response": 30, "resolution": 35, "satisfaction": 35}
WANGGE_SATISFACTION_DEFINITION = "top3"
WANGGE_BAD_RATING_RECTIFY_DAYS = 15
WANGGE_ONSITE_SAMPLE_RATE = 0.2
# Automatic 催办 and escalation of a step run late (wangge.workorders.escalation), checked at startup. Each step:
# "after" = "warn" (the warning instant; first step only), 0 (the step deadline passed) or N (N working days
# overdue on the working calendar), strictly increasing; "notify" among assignee (the handler; before acceptance
# the unit's staff; before dispatch the dispatchers), unit, unit_leader (领导 over the unit's node), dispatcher,
# supervisor (督查员), leader (领导 over the case's place); "card" "yellow"/"red" shows 黄牌/红牌. [] turns it off.
WANGGE_ESCALATION_STEPS = [
    {"name": "催办", "after": "warn", "notify": ["assignee"]},
    {"name": "超期催办", "after": 0, "notify": ["assignee", "unit_leader", "dispatcher"]},
    {"name": "黄牌", "after": 1, "notify": ["assignee", "unit_leader", "dispatcher", "supervisor"], "card": "yellow"},
    {
        "name": "红牌",
        "after": 3,
        "notify": ["assignee", "unit_leader", "dispatcher", "supervisor", "leader"],
        "card": "red",
    },
]
# Uploads (wangge.core.uploads): every file is typed from its bytes, images are encoded again without their
# EXIF, each is stored under a generated name and sent only by the views that check who asks (never under
# MEDIA_URL). Bytes per file; files and their total per submission (an appeal, a step, an upload); pixels per
# image (decompression bombs); photos a client address may send with citizen appeals per day (0: no limit).
# A multipart body over the submission total plus 1 MB of form fields is refused with 413 before it is read
# (pages: wangge.core.requestguard; the API: WANGGE_API_MAX_UPLOAD_BODY_BYTES).
WANGGE_MAX_UPLOAD_BYTES = env.MAX_UPLOAD_BYTES
WANGGE_MAX_UPLOAD_FILES = env.MAX_UPLOAD_FILES
WANGGE_MAX_UPLOAD_TOTAL_BYTES = env.MAX_UPLOAD_TOTAL_BYTES
WANGGE_MAX_UPLOAD_PIXELS = env.MAX_UPLOAD_PIXELS
WANGGE_MAX_UPLOAD_REQUEST_BYTES = WANGGE_MAX_UPLOAD_TOTAL_BYTES + 1024 * 1024
WANGGE_CITIZEN_PHOTOS_PER_DAY = env.CITIZEN_PHOTOS_PER_DAY
# Intake aids: a case without coordinates is placed by matching its address against territory and point
# names (empty: off); a classifier's category suggestion below this confidence is shown, never pre-filled.
WANGGE_ADDRESS_LOCATOR = "wangge.intel.geocode.locate_by_address"
WANGGE_CLASSIFIER_MIN_CONFIDENCE = 0.5

# Open311 GeoReport v2 (/open311/v2/) --------------------------------------------------------------
# Requests per window ("N/s", "N/min", "N/h", "N/day") per api_key (POST) and per client address (every
# request); None switches a limit off. Counters live in the default cache (share Redis between workers).
WANGGE_OPEN311_THROTTLE_KEY = "120/min"
WANGGE_OPEN311_THROTTLE_IP = "600/min"
# Request bodies larger than this are refused with 413 before they are parsed.
WANGGE_OPEN311_MAX_BODY_BYTES = 64 * 1024
# Dispatch a new request at once to the suggested unit (otherwise the suggestion waits for a dispatcher).
WANGGE_OPEN311_AUTO_DISPATCH = False
# Channels whose cases are not published through GET requests (internal follow-ups).
WANGGE_OPEN311_HIDDEN_CHANNELS = ["rating"]
# Service discovery texts.
WANGGE_OPEN311_CONTACT = "区城市运行管理指挥中心 12345"
WANGGE_OPEN311_KEY_SERVICE = "请向区城市运行管理指挥中心申请接口密钥（api_key）"

# Web pages (wangge.web) -----------------------------------------------------------------------------
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
# Map background tiles. Empty: a neutral background with the territory outlines only (no request leaves
# the platform). Otherwise a Leaflet URL template, e.g. an intranet 天地图 mirror
# "https://tiles.example.gov.cn/vec_w/{z}/{x}/{y}.png", with its datum: "wgs84" (天地图 CGCS2000, OSM) or
# "gcj02" (Amap/Tencent style tiles); with "gcj02" every coordinate is shifted for display (core.geo).
WANGGE_MAP_TILE_URL = env.MAP_TILE_URL
WANGGE_MAP_TILE_CRS = env.MAP_TILE_CRS
WANGGE_MAP_TILE_ATTRIBUTION = env.MAP_TILE_ATTRIBUTION
WANGGE_MAP_TILE_MAX_ZOOM = 18
# The other background maps (wangge.territory.basemaps), one of them drawn: "tianditu" (天地图 WMTS, vector +
# annotation, with the browser key WANGGE_MAP_TIANDITU_KEY; CGCS2000 taken as WGS-84), "mbtiles" (a local MBTiles
# file served by the platform itself at /map/tiles/, for isolated networks; datum WANGGE_MAP_TILE_CRS), "tiles"
# (WANGGE_MAP_TILE_URL above) or "none"; empty: the first of them that is configured, in that order.
WANGGE_MAP_BASEMAP = env.MAP_BASEMAP
WANGGE_MAP_TIANDITU_KEY = env.MAP_TIANDITU_KEY
WANGGE_MAP_TIANDITU_URL = env.MAP_TIANDITU_URL
WANGGE_MAP_TIANDITU_LAYERS = env.MAP_TIANDITU_LAYERS
WANGGE_MAP_MBTILES = env.MAP_MBTILES
# How long browsers keep a tile of the MBTiles file (its URLs change with the file).
WANGGE_MAP_TILE_CACHE_SECONDS = 7 * 24 * 3600


def _origin(url_template: str) -> list[str]:
    """The origin of a Leaflet tile URL template for the CSP (the host label holding {s} becomes a wildcard:
    t{s}.tianditu.gov.cn → *.tianditu.gov.cn, the only wildcard a CSP source takes)."""
    parts = urlsplit(url_template)
    host = ".".join("*" if "{s}" in label else label for label in parts.netloc.split("."))
    return [f"{parts.scheme}://{host}"] if parts.scheme in ("http", "https") and parts.netloc else []


# Content Security Policy (django-csp), in every environment so the tests see what production serves: scripts only
# from the platform's own static files (no inline script, no eval); styles may be inline (Leaflet, ECharts and
# Redoc set them); images also from the map tile server; nothing may frame the pages.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [
            SELF,
            "data:",
            "blob:",
            *_origin(WANGGE_MAP_TILE_URL),
            *(_origin(WANGGE_MAP_TIANDITU_URL) if WANGGE_MAP_TIANDITU_KEY else []),
        ],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Citizen appeal form: submissions per client address per hour (0 switches the limit off).
WANGGE_CITIZEN_APPEALS_PER_HOUR = 10
# Tracking codes (查询码) per client address: lookups (the form, the progress page, ratings), lookups of codes
# that do not exist, and ratings; wrong phone tails per case and day before rating by web stops for that day.
WANGGE_CITIZEN_TRACK_LOOKUPS = "60/h"
WANGGE_CITIZEN_TRACK_MISSES = "10/h"
WANGGE_CITIZEN_RATINGS = "10/h"
WANGGE_CITIZEN_PHONE_TAIL_FAILURES = "5/day"
# Text messages to citizens (wangge.notifications.sms; README "短信网关"): the backend, the gateway's token and
# timeout, the address the texts link to; one-time codes (by phone, and per client address) for "我的诉求",
# how long a code and the list it opens last, wrong codes allowed; "我也反映" per client address.
WANGGE_SMS_BACKEND = env.SMS_BACKEND
WANGGE_SMS_TOKEN = env.SMS_TOKEN
WANGGE_SMS_TIMEOUT = env.SMS_TIMEOUT
WANGGE_PUBLIC_BASE_URL = env.PUBLIC_BASE_URL
WANGGE_SMS_MAX_AGE_HOURS = 24  # a step recorded longer ago (back-dated: the demo, old cases) is not texted
WANGGE_CITIZEN_SMS_CODES_PER_PHONE = "5/h"
WANGGE_CITIZEN_SMS_CODES_PER_ADDRESS = "20/h"
WANGGE_CITIZEN_SMS_CODE_MINUTES = 10
WANGGE_CITIZEN_SMS_CODE_TRIES = 5
WANGGE_CITIZEN_MY_APPEALS_MINUTES = 15
WANGGE_CITIZEN_VOICES = "20/h"

# REST API (wangge.api, /api/) ---------------------------------------------------------------------
# API tokens (django-rest-knox, wangge.accounts.tokens): stored as hashes, valid this many hours from their
# issue, at most this many per account; revoked by DELETE /api/auth/token/, a password change, a lock.
WANGGE_API_TOKEN_HOURS = env.API_TOKEN_HOURS
WANGGE_API_TOKENS_PER_USER = 10
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(hours=WANGGE_API_TOKEN_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
# One error body for every failure; schema with error responses; throttles per client; offline docs.
REST_FRAMEWORK["EXCEPTION_HANDLER"] = "wangge.api.exceptions.exception_handler"
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "wangge.api.schema.WanggeAutoSchema"
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = [
    "rest_framework.throttling.AnonRateThrottle",
    "rest_framework.throttling.UserRateThrottle",
]
# Counters live in the default cache (share Redis between workers). "login": token requests per address.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"anon": "60/min", "user": "1200/min", "login": "10/min"}
# The client address of every rate limit, the audit trail and the lockout log (wangge.core.clientaddr): the
# number of reverse proxies that append to X-Forwarded-For; 0 trusts REMOTE_ADDR only. DRF's throttles
# read the same number, so a forged X-Forwarded-For changes no counter.
WANGGE_TRUSTED_PROXIES = env.TRUSTED_PROXIES
REST_FRAMEWORK["NUM_PROXIES"] = WANGGE_TRUSTED_PROXIES
# Request bodies, refused with 413 before parsing: API JSON/form bodies up to 1 MB, multipart (photos) up
# to a submission's files (as the pages). Django's own limits for every form: non-file fields 2.5 MB, at
# most 1000 fields, and twice a submission's files per request (beyond that the parser refuses the request;
# up to it the upload rule answers with its message); uploads above 2.5 MB spool to a temporary file.
WANGGE_API_MAX_BODY_BYTES = 1024 * 1024
WANGGE_API_MAX_UPLOAD_BODY_BYTES = WANGGE_MAX_UPLOAD_REQUEST_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 2 * WANGGE_MAX_UPLOAD_FILES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Swagger UI is served from the sidecar package's static files: no CDN (政务外网). Redoc is not offered: its page
# always asks a CDN for a logo.
INSTALLED_APPS += ["drf_spectacular_sidecar"]
_API_SCHEMA_SETTINGS: dict[str, object] = {
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/",
    "SERVE_INCLUDE_SCHEMA": False,
    # The API's own base classes document the code, not an operation.
    "GET_LIB_DOC_EXCLUDES": "wangge.api.schema.lib_doc_excludes",
    "ENUM_NAME_OVERRIDES": {
        "TerritoryKindEnum": "wangge.territory.choices.TerritoryKind",
        "UnitKindEnum": "wangge.accounts.choices.UnitKind",
        "CategoryKindEnum": "wangge.workorders.choices.CategoryKind",
        "AttachmentKindEnum": "wangge.workorders.choices.AttachmentKind",
        "WorkOrderStatusEnum": "wangge.workorders.choices.Status",
        "ChannelEnum": "wangge.workorders.choices.Channel",
        "IntakeChannelEnum": "wangge.api.serializers.INTAKE_CHANNELS",
        "SupervisionLevelEnum": "wangge.workorders.choices.SupervisionLevel",
        "ReplyResultEnum": "wangge.workorders.choices.ReplyResult",
        "DurationUnitEnum": "wangge.workorders.choices.DurationUnit",
        "ClockStateEnum": "wangge.workorders.choices.ClockState",
        "TransitionNameEnum": "wangge.api.serializers.TRANSITION_NAMES",
        "KeyPersonStatusEnum": "wangge.keypersons.choices.KeyPersonStatus",
        "AttentionLevelEnum": "wangge.keypersons.choices.AttentionLevel",
        "MoveKindEnum": "wangge.ledgers.choices.MoveKind",
        "MerchantKindEnum": "wangge.ledgers.choices.MerchantKind",
        "MerchantStatusEnum": "wangge.ledgers.choices.MerchantStatus",
        "LedgerRecordStatusEnum": "wangge.ledgers.choices.RecordStatus",
        "ResidentStatusEnum": "wangge.ledgers.choices.ResidentStatus",
        "ResidentRelationEnum": "wangge.ledgers.choices.Relation",
    },
}
SPECTACULAR_SETTINGS.update(_API_SCHEMA_SETTINGS)  # type: ignore[arg-type]

# Supervision and assessment (wangge.reports) --------------------------------------------------------
# Daily bulletins (日通报) are generated once a day after this local time, before the 18:00 meeting, for
# every territory of these levels; overdue and 督办 lists keep this many cases (the PDF prints the first
# WANGGE_BULLETIN_PDF_ROWS). A count is rising (上升) when it is at least FACTOR × its baseline and exceeds it
# by MIN_INCREASE cases, falling the other way round, else steady (wangge.intel.hotspots.trend: the one rule of
# the hot spots and the hot issues); MIN_INCREASE 2 is the fewest cases of a hot issue, so 2 vs 0 rises as 3 vs 0.
WANGGE_BULLETIN_TIME = "17:30"
WANGGE_BULLETIN_KINDS = ["district", "street"]
# Weekly bulletins (周通报) of the previous ISO week, for the same levels, from this local time on Mondays.
WANGGE_WEEKLY_BULLETIN_TIME = "08:00"
# Days back the schedule makes up a bulletin it missed (counted from the first day it ran).
WANGGE_BULLETIN_CATCH_UP_DAYS = 7
WANGGE_BULLETIN_LIST_LIMIT = 200
WANGGE_BULLETIN_PDF_ROWS = 50
WANGGE_BULLETIN_HOTSPOT_COUNT = 10
WANGGE_BULLETIN_RISING_FACTOR = 1.5
WANGGE_BULLETIN_RISING_MIN_INCREASE = 2
# Monthly rankings: units and streets with fewer 应结案 cases are listed apart as 样本不足.
WANGGE_RANKING_MIN_DUE = 10
# PDF font: "" picks a TrueType Chinese font through fontconfig (else reportlab's STSong-Light);
# or "path" / "path#index" of a .ttf/.ttc with TrueType outlines.
WANGGE_PDF_FONT = ""
# Grid worker assessment (一考评, 100 points): automatic items (points, target) and manual items entered by
# the community; ≥ REWARD_SCORE 积分定优, ≤ PASS_SCORE 不合格 ("70分以下" includes 70: 以上/以下 include the
# number, 民法典 第1259条); ladder promotion of this share of each street's grid workers (rounded half up),
# among those scoring at least LADDER_MIN_SCORE.
WANGGE_ASSESSMENT_AUTO_ITEMS = {
    "patrol_checkins": {"label": "巡查签到", "points": 10, "target_per_working_day": 2},
    "inspection_rounds": {"label": "点位巡查按时完成率", "points": 5, "target": 1.0},
    "reports": {"label": "事件上报", "points": 10, "target": 20},
    "valid_report_rate": {"label": "有效上报率", "points": 10, "target": 0.95},
    "on_site_resolutions": {"label": "现场解决", "points": 10, "target": 5},
    "on_time_verification": {"label": "按时核查回访", "points": 10, "target": 1.0},
    "daily_log_completeness": {"label": "工作日志完整率", "points": 10, "target": 1.0},
}
WANGGE_ASSESSMENT_MANUAL_ITEMS = [
    {"key": "discipline", "label": "工作纪律与作风", "points": 10},
    {"key": "residents", "label": "群众评价", "points": 10},
    {"key": "tasks", "label": "专项工作完成情况", "points": 15},
]
WANGGE_ASSESSMENT_REWARD_SCORE = 80
WANGGE_ASSESSMENT_PASS_SCORE = 70
WANGGE_LADDER_PROPORTION = 0.10
WANGGE_LADDER_MIN_SCORE = 80
