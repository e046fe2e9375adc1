"""Open311 GeoReport v2 endpoints. The format is the path suffix (.xml or .json); errors use the spec's body.

Intake is synchronous (every service is ``realtime``): POST requests answers with the service_request_id,
so no token is ever issued and ``tokens/{token}`` answers 404 as the spec does for an unknown token.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from wangge.core import geo, ratelimit
from wangge.core.clientaddr import client_ip
from wangge.core.errors import DomainError, NotFound, ValidationFailed
from wangge.open311 import render, selectors
from wangge.open311.errors import ErrorCode
from wangge.open311.models import ApiKey
from wangge.open311.services import Intake, apikey_authenticate, apikey_quota_hit, submission_create
from wangge.workorders.choices import AppealType

View = Callable[..., HttpResponse]

CRS_VALUES = geo.CRS_CHOICES
FIELD_LIMITS = {
    "address_string": 200,
    "email": 254,
    "device_id": 100,
    "account_id": 100,
    "first_name": 25,
    "last_name": 25,
    "phone": 32,
    "media_url": 1000,
}

# What each problem code found in a request means, for the error description.
REASONS = {
    "required": gettext_lazy("必填"),
    "too_long": gettext_lazy("过长"),
    "unknown_attribute": gettext_lazy("该服务没有这个属性"),
    "single_value_expected": gettext_lazy("只能填写一个值"),
    "number_expected": gettext_lazy("须为数字"),
    "datetime_expected": gettext_lazy("须为 W3C 日期时间"),
    "line_break_not_allowed": gettext_lazy("不能换行"),
    "unknown_value": gettext_lazy("不是可选值之一"),
    "invalid_phone": gettext_lazy("电话号码格式不正确"),
}


def _rates() -> tuple[ratelimit.Rate | None, ratelimit.Rate | None]:
    return (
        ratelimit.parse_rate(getattr(settings, "WANGGE_OPEN311_THROTTLE_KEY", None)),
        ratelimit.parse_rate(getattr(settings, "WANGGE_OPEN311_THROTTLE_IP", None)),
    )


def too_many(fmt: str, retry_after: int) -> HttpResponse:
    return render.errors(
        fmt,
        429,
        [_("请求过于频繁，请 %(seconds)s 秒后重试") % {"seconds": retry_after}],
        headers={"Retry-After": str(retry_after)},
    )


# Names the closed loop gives to fields that Open311 calls differently.
PARAMETER_NAMES = {"reporter_phone": "phone", "reporter_name": "first_name/last_name", "location": "lat/long"}


def domain_error(fmt: str, exc: DomainError) -> HttpResponse:
    status = exc.http_status if exc.http_status in (403, 404) else 400
    problems = []
    if isinstance(exc.details, list) and exc.details:
        for item in exc.details:
            if isinstance(item, dict) and item.get("field"):
                reason = str(item.get("reason") or item.get("code") or "")
                name = PARAMETER_NAMES.get(str(item["field"]), item["field"])
                problems.append(f"{name}: {REASONS.get(reason) or exc.message}")
    return render.errors(fmt, status, problems or [exc.message])


def endpoint(*methods: str) -> Callable[[View], View]:
    """Common handling: allowed methods, the per-address throttle, body size and domain errors."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, fmt: str = "xml", **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                return render.errors(
                    fmt,
                    405,
                    [_("不支持 %(method)s 请求") % {"method": request.method}],
                    headers={"Allow": ", ".join(methods)},
                )
            limit = int(getattr(settings, "WANGGE_OPEN311_MAX_BODY_BYTES", 64 * 1024))
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return render.errors(fmt, 413, [_("请求内容超过 %(limit)s 字节") % {"limit": limit}])
            _key_rate, ip_rate = _rates()
            decision = ratelimit.hit("open311.ip", client_ip(request) or "unknown", ip_rate)
            if not decision.allowed:
                return too_many(fmt, decision.retry_after)
            try:
                if request.method == "POST" and len(request.body) > limit:
                    return render.errors(fmt, 413, [_("请求内容超过 %(limit)s 字节") % {"limit": limit}])
                bad = _nul_parameter(request, kwargs)
                if bad is not None:
                    return render.errors(fmt, 400, [_("%(name)s 含有不允许的空字符（NUL）") % {"name": bad}])
                return view(request, *args, fmt=fmt, **kwargs)
            except RequestDataTooBig:
                return render.errors(fmt, 413, [_("请求内容超过 %(limit)s 字节") % {"limit": limit}])
            except SuspiciousOperation:  # e.g. more form fields than Django accepts
                return render.errors(fmt, 400, [_("请求格式不正确")])
            except DomainError as exc:
                return domain_error(fmt, exc)

        return wrapper

    return decorate


def _nul_parameter(request: HttpRequest, path_args: dict[str, Any]) -> str | None:
    """The first parameter (query, form or path) holding a NUL character, which no text column can store or
    be compared with (PostgreSQL refuses it): such a request is malformed, not a server error."""
    sources = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    for data in sources:
        for name, values in data.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return name.replace("\x00", "")[:40]
    for name, value in path_args.items():
        if "\x00" in str(value):
            return name
    return None


def _param(data: QueryDict, name: str) -> str:
    """Optional arguments: an empty value is the same as no value."""
    return (data.get(name) or "").strip()


def _list_param(data: QueryDict, name: str) -> str:
    """A comma-delimited argument that may also be declared several times (``status=open&status=closed``)."""
    return ",".join(value.strip() for value in data.getlist(name) if value.strip())


def _district_of(data: QueryDict) -> Any:
    return selectors.jurisdiction(_param(data, "jurisdiction_id"))


# --- discovery and services ----------------------------------------------------------------------


@endpoint("GET", "HEAD")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(request.path.rsplit("/", 1)[0] + "/")
    return render.respond(fmt, "discovery", selectors.discovery(base))


@endpoint("GET", "HEAD")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    _district_of(request.GET)
    return render.respond(fmt, "services", selectors.service_list())


@endpoint("GET", "HEAD")
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    _district_of(request.GET)
    return render.respond(fmt, "service_definition", selectors.service_definition(code))


# --- requests ------------------------------------------------------------------------------------


@csrf_exempt
@endpoint("GET", "HEAD", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    data = request.GET
    district = _district_of(data)
    orders = selectors.request_query(
        district,
        ids=_list_param(data, "service_request_id"),
        service_codes=_list_param(data, "service_code"),
        start=_param(data, "start_date"),
        end=_param(data, "end_date"),
        status=_list_param(data, "status"),
    )
    return render.respond(fmt, "service_requests", selectors.request_rows(orders))


@endpoint("GET", "HEAD")
def request_detail(request: HttpRequest, service_request_id: str, fmt: str) -> HttpResponse:
    district = _district_of(request.GET)
    wo = selectors.request_detail(district, service_request_id)
    return render.respond(fmt, "service_requests", selectors.request_rows([wo]))


@endpoint("GET", "HEAD")
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    _district_of(request.GET)
    raise NotFound(_("token 不存在：本接口实时受理，提交即返回 service_request_id，不发放 token"), code=ErrorCode.TOKEN)


def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    fmt = "json" if path.endswith(".json") else "xml"
    return render.errors(fmt, 404, [_("资源不存在：%(path)s") % {"path": path[:100]}])


def _api_key(request: HttpRequest) -> str:
    return _param(request.POST, "api_key") or _param(request.GET, "api_key")


def _post_jurisdiction(request: HttpRequest, key: ApiKey) -> Any:
    """The body's jurisdiction_id, else one in the query string (``requests.xml?jurisdiction_id=…``, as in the
    spec's sample URLs), else the key's district."""
    value = _param(request.POST, "jurisdiction_id") or _param(request.GET, "jurisdiction_id")
    return selectors.jurisdiction(value, default=key.district)


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    raw_key = _api_key(request)
    if not raw_key:
        return render.errors(fmt, 403, [_("缺少 api_key，无法提交诉求")])
    key = apikey_authenticate(raw_key)
    if key is None:
        return render.errors(fmt, 403, [_("api_key 无效或已吊销，无法提交诉求")])
    key_rate, _ip_rate = _rates()
    decision = ratelimit.hit("open311.key", str(key.pk), key_rate)
    if not decision.allowed:
        return too_many(fmt, decision.retry_after)
    quota = apikey_quota_hit(key)
    if not quota.allowed:
        return render.errors(
            fmt,
            429,
            [_("该 api_key 今日的 %(limit)s 次请求额度已用完，请明日再试") % {"limit": quota.limit}],
            headers={"Retry-After": str(quota.retry_after)},
        )
    district = _post_jurisdiction(request, key)
    if key.district_id is not None and key.district_id != district.pk:
        return render.errors(fmt, 403, [_("该 api_key 不能向此区（jurisdiction_id）提交诉求")])
    code = _param(data, "service_code")
    if not code:
        return render.errors(fmt, 400, [_("service_code 必填")])
    service = selectors.catalogue().services.get(code)
    if service is None:
        return render.errors(fmt, 404, [_("service_code 不存在：%(code)s") % {"code": code[:40]}])
    intake, problems = parse_intake(data, category=service.category, district=district)
    if problems:
        return render.errors(fmt, 400, problems)
    assert intake is not None
    try:
        submission = submission_create(actor=key, intake=intake, definitions=list(service.attributes))
    except ValidationFailed as exc:
        return domain_error(fmt, exc)
    wo = submission.work_order
    notice = _("诉求已受理，查询码 %(code)s。") % {"code": wo.tracking_code}
    if submission.auto_dispatched and submission.suggested_unit:
        notice += _("已派遣至%(unit)s。") % {"unit": submission.suggested_unit.name}
    elif submission.suggested_unit:
        notice += _("拟由%(unit)s办理。") % {"unit": submission.suggested_unit.name}
    notice += service.notice + "。"
    body = [{"service_request_id": str(wo.pk), "service_notice": notice, "account_id": intake.account_id or None}]
    return render.respond(fmt, "service_requests", body)


def _float(data: QueryDict, name: str, problems: list[str]) -> float | None:
    raw = _param(data, name)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problems.append(_("%(name)s 须为数字") % {"name": name})
        return None
    return value


def parse_intake(data: QueryDict, *, category: Any, district: Any) -> tuple[Intake | None, list[str]]:
    """Read the POST arguments into an Intake, listing every malformed one."""
    problems: list[str] = []
    lat = _float(data, "lat", problems)
    lng = _float(data, "long", problems)
    address = _param(data, "address_string")
    if (lat is None) != (lng is None) and not problems:
        problems.append(_("lat 和 long 须同时提供"))
    if lat is not None and lng is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        problems.append(_("lat/long 超出范围"))
    if lat is None and lng is None and not address and not problems:
        if _param(data, "address_id"):
            problems.append(_("暂不支持 address_id，请提供 lat/long 或 address_string"))
        else:
            problems.append(_("须提供位置：lat 和 long，或 address_string"))
    crs = _param(data, "crs").lower() or "wgs84"
    if crs not in CRS_VALUES:
        problems.append(_("crs 只能是 wgs84、gcj02 或 bd09"))
    description = (data.get("description") or "").strip()
    if len(description) > selectors.DESCRIPTION_LIMIT:
        problems.append(_("description 不能超过 4000 个字符"))
    values = {name: _param(data, name) for name in FIELD_LIMITS}
    for name, limit in FIELD_LIMITS.items():
        if len(values[name]) > limit:
            problems.append(_("%(name)s 不能超过 %(limit)s 个字符") % {"name": name, "limit": limit})
    if values["email"]:
        try:
            EmailValidator()(values["email"])
        except ValidationError:
            problems.append(_("email 格式不正确"))
    if values["media_url"]:
        try:
            URLValidator(schemes=["http", "https"])(values["media_url"])
        except ValidationError:
            problems.append(_("media_url 须为 http(s) 网址"))
    appeal_type = _param(data, "appeal_type") or AppealType.COMPLAINT
    if appeal_type not in AppealType.values:
        problems.append(_("appeal_type 不正确"))
    attributes: dict[str, list[str]] = {}
    for name in data:
        if name.startswith("attribute[") and "]" in name:
            attr_code = name[len("attribute[") : name.index("]")]
            attributes.setdefault(attr_code, []).extend(data.getlist(name))
    if problems:
        return None, problems
    return (
        Intake(
            category=category,
            district=district,
            lng=lng,
            lat=lat,
            crs=crs,
            address=address,
            description=description,
            attributes=attributes,
            media_url=values["media_url"],
            email=values["email"],
            device_id=values["device_id"],
            account_id=values["account_id"],
            first_name=values["first_name"],
            last_name=values["last_name"],
            phone=values["phone"],
            appeal_type=appeal_type,
        ),
        [],
    )
