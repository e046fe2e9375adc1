"""Citizen pages, no login: submit an appeal, follow it by tracking code, rate it (好差评). Mobile first.

A tracking code is the citizen's only credential, so every lookup is counted per client address
(``WANGGE_CITIZEN_TRACK_LOOKUPS``, codes that do not exist ``WANGGE_CITIZEN_TRACK_MISSES``), and so is every
rating (``WANGGE_CITIZEN_RATINGS``). Rating a case that has the reporter's phone number also asks for the last
four digits of that number, wrong answers limited per case (``WANGGE_CITIZEN_PHONE_TAIL_FAILURES``); a case
filed without a phone number is rated with its code alone.

The tracking page speaks plain words (已受理, 已转交某单位处理, 正在处理, 已办结，等待回访 …), never the internal
statuses. "我的诉求" lists the cases filed with a mobile number once its owner typed the six-digit code texted to
it (through the SMS interface, ``notifications.services.sms_send``): codes per number and per address are
limited, expire, and only their hash is kept (in the session); the list stays open in the session for
``WANGGE_CITIZEN_MY_APPEALS_MINUTES``. Before filing, the appeal page shows open cases of the same category near
the picked place (已有人反映); the citizen may add their voice (我也反映) to one instead.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wangge.core import crypto, files, ratelimit, uploads
from wangge.core.actors import CITIZEN, CitizenActor
from wangge.core.clientaddr import client_ip
from wangge.core.errors import DomainError
from wangge.core.masking import mask_numbers, masked_excerpt
from wangge.core.tracking import normalise_tracking_code
from wangge.core.validators import mask_phone
from wangge.places.models import Point
from wangge.territory.maps import display_point, map_settings
from wangge.web.forms import AppealForm, PhoneCodeForm, PhoneLookupForm, RatingForm, TrackForm, VoiceForm
from wangge.workorders.choices import AttachmentKind, Channel, Status
from wangge.workorders.models import Attachment, WorkOrder
from wangge.workorders.services import appeal_submit, work_order_transition
from wangge.workorders.workflow import WORKFLOW

# What a citizen sees of each step: the public name of the transition, never who did it.
PUBLIC_STEPS = WORKFLOW.public_labels()  # step → what the citizen reads, declared in the workflow table


def _appeal_rate() -> ratelimit.Rate | None:
    """Accepted appeals per client address and hour (``WANGGE_CITIZEN_APPEALS_PER_HOUR``; 0 switches it off)."""
    limit = int(getattr(settings, "WANGGE_CITIZEN_APPEALS_PER_HOUR", 10))
    return ratelimit.Rate(limit, 3600) if limit > 0 else None


def _over_limit(request: HttpRequest) -> bool:
    return not ratelimit.check("web.appeal", client_ip(request) or "-", _appeal_rate()).allowed


def _count_submission(request: HttpRequest) -> None:
    ratelimit.hit("web.appeal", client_ip(request) or "-", _appeal_rate())


def _photo_rate() -> ratelimit.Rate | None:
    """Photos sent with appeals per client address and day (``WANGGE_CITIZEN_PHOTOS_PER_DAY``; 0: no limit)."""
    limit = int(getattr(settings, "WANGGE_CITIZEN_PHOTOS_PER_DAY", 30))
    return ratelimit.Rate(limit, 86400) if limit > 0 else None


def _photos_allowed(request: HttpRequest, count: int) -> bool:
    """Whether this address may still send ``count`` photos today (nothing is counted here)."""
    if count == 0:
        return True
    decision = ratelimit.check("web.appeal_photos", client_ip(request) or "-", _photo_rate())
    return decision.allowed and (decision.remaining is None or decision.remaining >= count - 1)


def _count_photos(request: HttpRequest, count: int) -> None:
    for _photo in range(count):
        ratelimit.hit("web.appeal_photos", client_ip(request) or "-", _photo_rate())


# --- photos kept across a failed submission ------------------------------------------------------------

KEPT_PHOTO_SECONDS = 30 * 60


def _kept_key(token: str) -> str:
    return f"wangge:appeal-photo:{token}"


def _keep_photos(uploaded: list[Any]) -> list[str]:
    """Sanitise the photos of a submission that failed and keep them in the cache for half an hour: the
    citizen does not pick them again. Returns their tokens (nothing is kept from a file that is not a photo)."""
    try:
        cleaned = uploads.sanitise_all(uploaded, accept=uploads.IMAGES)
    except DomainError:
        return []
    tokens = []
    for clean in cleaned:
        token = secrets.token_urlsafe(24)
        cache.set(
            _kept_key(token),
            {"content": clean.content, "content_type": clean.content_type, "name": clean.name},
            KEPT_PHOTO_SECONDS,
        )
        tokens.append(token)
    return tokens


def _kept_photos(tokens: list[str]) -> list[tuple[str, dict[str, Any]]]:
    found = [(t, cache.get(_kept_key(t))) for t in tokens]
    return [(t, v) for t, v in found if isinstance(v, dict)]


def _raw_tokens(request: HttpRequest) -> list[str]:
    form = AppealForm(data={"photo_tokens": request.POST.get("photo_tokens", "")})
    form.is_valid()
    return list(form.cleaned_data.get("photo_tokens") or [])


@require_GET
def appeal_photo(request: HttpRequest, token: str) -> HttpResponse:
    """A kept photo, for its preview under the form (only its holder knows the random token)."""
    kept = cache.get(_kept_key(token))
    if not isinstance(kept, dict):
        raise Http404
    response = HttpResponse(kept["content"], content_type=kept["content_type"])
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def appeal(request: HttpRequest) -> HttpResponse:
    point_code = (request.POST.get("point") or request.GET.get("point") or "").strip()
    window = (request.POST.get("window") or request.GET.get("window") or "").strip()
    point = Point.objects.select_related("type").filter(code=point_code).first() if point_code else None
    kept: list[tuple[str, dict[str, Any]]] = []
    if request.method == "POST":
        form = AppealForm(request.POST, request.FILES)
        kept = _kept_photos(_raw_tokens(request))
        kept_files = [SimpleUploadedFile(v["name"], v["content"], v["content_type"]) for _t, v in kept]
        if _over_limit(request):
            form.is_valid()
            form.add_error(None, _("提交过于频繁，请稍后再试或拨打 12345"))
        elif form.is_valid() and not _photos_allowed(request, len(form.cleaned_data["photos"]) + len(kept)):
            form.add_error("photos", _("今日从您所在网络上传的照片已达上限，请不附照片提交，或拨打 12345"))
        elif form.is_valid():
            photos = [*kept_files, *form.cleaned_data["photos"]]
            try:
                wo = appeal_submit(
                    actor=CITIZEN,
                    channel=Channel.QR if (point or window) else Channel.H5,
                    window=form.cleaned_data["window"][:60],
                    **{**form.appeal(), "photos": photos},
                )
            except DomainError as exc:
                form.add_error("photos" if exc.code in set(uploads.UploadCode) else None, exc.message)
            else:
                _count_submission(request)
                _count_photos(request, len(photos))
                for token, _value in kept:
                    cache.delete(_kept_key(token))
                request.session["appeal_code"] = wo.tracking_code
                return redirect("web:appeal_done")
        # Not filed: keep the photos just sent (the place is kept by the bound form's fields).
        fresh = request.FILES.getlist("photos")
        if fresh and "photos" not in form.errors:
            kept += _kept_photos(_keep_photos(fresh))
        data = request.POST.copy()
        data["photo_tokens"] = ",".join(t for t, _v in kept)
        form.data = data
    else:
        form = AppealForm(initial={"point": point_code, "window": window})
    context = {
        "form": form,
        "point": point,
        "point_xy": display_point(point.lng, point.lat) if point else None,
        "window": window,
        "map": map_settings(),
        "kept_photos": [t for t, _v in kept],
    }
    return render(request, "web/citizen/appeal.html", context)


def appeal_done(request: HttpRequest) -> HttpResponse:
    code = request.session.get("appeal_code")
    if not code:
        return redirect("web:appeal")
    return render(request, "web/citizen/appeal_done.html", {"code": code})


# The statuses in which the promised date (办结时限) still means something to the citizen.
OPEN_WITH_DEADLINE = frozenset(
    {Status.REGISTERED, Status.RETURNED, Status.DISPATCHED, Status.HANDLING, Status.SUSPENDED}
)


def _case_by_code(code: str) -> WorkOrder | None:
    return (
        WorkOrder.objects.select_related("category", "assigned_unit")
        .filter(tracking_code=normalise_tracking_code(code))
        .first()
    )


def _rate(name: str, default: str) -> ratelimit.Rate | None:
    return ratelimit.parse_rate(str(getattr(settings, name, default) or ""))


def _lookup(request: HttpRequest, code: str) -> tuple[WorkOrder | None, bool]:
    """The case of ``code`` and whether this address may look codes up at all now (False: refused, not looked)."""
    address = client_ip(request) or "-"
    misses = _rate("WANGGE_CITIZEN_TRACK_MISSES", "10/h")
    if not ratelimit.check("web.track_miss", address, misses).allowed:
        return None, False
    if not ratelimit.hit("web.track", address, _rate("WANGGE_CITIZEN_TRACK_LOOKUPS", "60/h")).allowed:
        return None, False
    wo = _case_by_code(code)
    if wo is None:
        ratelimit.hit("web.track_miss", address, misses)
    return wo, True


def _too_many(request: HttpRequest) -> HttpResponse:
    context = {"form": TrackForm(), "refused": _("查询过于频繁，请稍后再试或拨打 12345")}
    return render(request, "web/citizen/track.html", context, status=429)


def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        wo, allowed = _lookup(request, form.cleaned_data["code"])
        if not allowed:
            return _too_many(request)
        if wo is not None:
            return redirect("web:track_detail", code=wo.tracking_code)
        form.add_error("code", _("未找到该查询码对应的诉求，请核对后重试"))
    return render(request, "web/citizen/track.html", {"form": form})


def public_status(wo: WorkOrder) -> str:
    """Where the case stands, in the words a citizen uses (never 待派遣, 待签收 or 待回访)."""
    unit = wo.assigned_unit.name if wo.assigned_unit_id and wo.assigned_unit else ""
    if wo.status in {Status.REGISTERED, Status.RETURNED}:
        return _("已受理，正在安排承办单位")
    if wo.status == Status.DISPATCHED:
        return _("已转交%(unit)s处理") % {"unit": unit} if unit else _("已转交承办单位处理")
    if wo.status == Status.HANDLING:
        return _("%(unit)s正在处理") % {"unit": unit} if unit else _("正在处理")
    if wo.status == Status.SUSPENDED:
        return _("暂缓办理，等待相关方配合")
    if wo.status == Status.REPLIED:
        return _("已有办理结果，正在核实")
    if wo.status == Status.CALLBACK:
        return _("已办结，等待回访")
    if wo.status in {Status.TO_CLOSE, Status.CLOSED}:
        return _("已办结")
    if wo.status == Status.MERGED:
        return _("已与同类诉求合并办理")
    return _("不予受理")


def public_steps(wo: WorkOrder) -> list[dict[str, Any]]:
    """The public history: each step the workflow shows citizens, in plain words; a hand-over names the unit;
    others who reported the same problem (我也反映) are counted."""
    steps: list[dict[str, Any]] = [{"label": PUBLIC_STEPS["create"], "at": wo.received_at}]
    for ev in wo.events.order_by("at", "id").only("name", "at", "data"):
        unit = (ev.data or {}).get("unit_name") if isinstance(ev.data, dict) else None
        if unit and ev.name != "create":
            steps.append({"label": _("已转交%(unit)s处理") % {"unit": unit}, "at": ev.at})
        elif ev.name == "voice":
            steps.append({"label": _("又有群众反映了此问题"), "at": ev.at})
        elif ev.name in PUBLIC_STEPS and ev.name != "create":
            steps.append({"label": PUBLIC_STEPS[ev.name], "at": ev.at})
    return steps


def public_photos(wo: WorkOrder) -> list[Attachment]:
    """The photos a citizen may see: those taken after handling (处置后), never the reporter's or staff files."""
    return list(wo.attachments.filter(kind=AttachmentKind.AFTER).order_by("uploaded_at", "id"))


def public_text(wo: WorkOrder) -> dict[str, str]:
    """The free text of a case as anyone holding its tracking code may read it: phone and identity numbers
    masked (the code is a credential that travels by SMS and screenshots, not proof of identity)."""
    return {
        "title": mask_numbers(wo.title),
        "description": mask_numbers(wo.description),
        "reply": mask_numbers(wo.reply_text),
    }


def _asks_phone(wo: WorkOrder) -> bool:
    return bool(wo.reporter_phone)


def _phone_tail_matches(wo: WorkOrder, tail: str) -> bool:
    """Whether ``tail`` is the last four digits of the case's phone number (compared, never shown)."""
    digits = "".join(ch for ch in str(wo.reporter_phone or "") if ch.isdigit())
    return len(digits) >= 4 and hmac.compare_digest(digits[-4:], tail)


def track_detail(request: HttpRequest, code: str) -> HttpResponse:
    wo, allowed = _lookup(request, code)
    if not allowed:
        return _too_many(request)
    if wo is None:
        raise Http404(_("未找到该查询码对应的诉求"))
    context = _detail_context(wo, RatingForm(asks_phone=_asks_phone(wo)))
    return render(request, "web/citizen/track_detail.html", context)


def _detail_context(wo: WorkOrder, rating_form: RatingForm, error: str = "") -> dict[str, Any]:
    replied = wo.status not in {Status.HANDLING, Status.SUSPENDED} and bool(wo.reply_text)
    return {
        "wo": wo,
        "text": public_text(wo),
        "status": public_status(wo),
        "unit": wo.assigned_unit.name if wo.assigned_unit_id and wo.assigned_unit else "",
        "promised": wo.due_at if wo.status in OPEN_WITH_DEADLINE else None,
        "replied": replied,
        "photos": public_photos(wo) if replied else [],
        "steps": public_steps(wo),
        "can_rate": wo.status == Status.CALLBACK,
        "rated": wo.rating is not None,
        "rating_form": rating_form,
        "rating_error": error,
    }


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, code: str) -> HttpResponse:
    """好差评: the citizen's callback, through the transition service as the citizen holding the code (and, when
    the case has a phone number, its last four digits)."""
    if request.method == "GET":
        return redirect("web:track_detail", code=code)
    if not ratelimit.hit("web.rate", client_ip(request) or "-", _rate("WANGGE_CITIZEN_RATINGS", "10/h")).allowed:
        return _too_many(request)
    wo, allowed = _lookup(request, code)
    if not allowed:
        return _too_many(request)
    if wo is None:
        raise Http404(_("未找到该查询码对应的诉求"))
    asks_phone = _asks_phone(wo)
    form = RatingForm(request.POST, asks_phone=asks_phone)
    error = ""
    tails = _rate("WANGGE_CITIZEN_PHONE_TAIL_FAILURES", "5/day")
    if asks_phone and not ratelimit.check("web.rate_phone", str(wo.pk), tails).allowed:
        form.is_valid()
        error = _("手机号后四位核对错误次数过多，今日不能在网上评价，请拨打 12345")
    elif form.is_valid() and asks_phone and not _phone_tail_matches(wo, form.cleaned_data["phone_tail"]):
        ratelimit.hit("web.rate_phone", str(wo.pk), tails)
        form.add_error("phone_tail", _("与登记的手机号不符"))
    elif form.is_valid():
        try:
            work_order_transition(
                actor=CitizenActor(tracking_code=wo.tracking_code),
                work_order_id=wo.pk,
                name="callback",
                rating=form.cleaned_data["rating"],
                resolved=form.cleaned_data["resolved"] == "1",
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            error = exc.message
        else:
            return redirect(reverse("web:track_detail", args=[wo.tracking_code]) + "?rated=1")
    return render(request, "web/citizen/track_detail.html", _detail_context(wo, form, error), status=400)


def track_photo(request: HttpRequest, code: str, pk: int) -> HttpResponse | FileResponse:
    """A photo taken after handling (处置后), to whoever holds the case's code; nothing else is served."""
    wo, allowed = _lookup(request, code)
    if not allowed:
        return _too_many(request)
    if wo is None or wo.status in {Status.HANDLING, Status.SUSPENDED}:
        raise Http404
    att = Attachment.objects.filter(pk=pk, work_order=wo, kind=AttachmentKind.AFTER).first()
    if att is None:
        raise Http404
    return files.serve_protected(att.file, att.content_type)


# --- 我的诉求: the cases of a mobile number, after a code texted to it ---------------------------------------

OTP_SESSION = "citizen_phone_code"
MINE_SESSION = "citizen_my_appeals"


def _code_hash(phone_index: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone_index}:{code}".encode(), hashlib.sha256).hexdigest()


def _mine_index(request: HttpRequest) -> str | None:
    """The blind index of the number whose appeals this session may list, while it lasts."""
    mine = request.session.get(MINE_SESSION)
    if not isinstance(mine, dict) or float(mine.get("until", 0)) < time.time():
        request.session.pop(MINE_SESSION, None)
        return None
    return str(mine.get("index") or "") or None


@require_http_methods(["GET", "POST"])
def track_phone(request: HttpRequest) -> HttpResponse:
    """我的诉求, step one: the citizen types their mobile number and a six-digit code is texted to it."""
    if _mine_index(request):
        return redirect("web:my_appeals")
    form = PhoneLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        phone = form.cleaned_data["phone"]
        index = crypto.blind_index(phone)
        per_phone = _rate("WANGGE_CITIZEN_SMS_CODES_PER_PHONE", "5/h")
        per_address = _rate("WANGGE_CITIZEN_SMS_CODES_PER_ADDRESS", "20/h")
        if (
            not ratelimit.check("web.sms_code_phone", index, per_phone).allowed
            or not ratelimit.hit("web.sms_code_address", client_ip(request) or "-", per_address).allowed
        ):
            form.add_error(None, _("获取验证码过于频繁，请稍后再试或拨打 12345"))
        else:
            ratelimit.hit("web.sms_code_phone", index, per_phone)
            from wangge.notifications.services import sms_send

            code = f"{secrets.randbelow(10**6):06d}"
            minutes = int(getattr(settings, "WANGGE_CITIZEN_SMS_CODE_MINUTES", 10))
            sms_send(
                key=f"code:{index[:16]}:{secrets.token_hex(8)}",
                phone=phone,
                text=_("您的验证码为 %(code)s，%(minutes)d 分钟内有效，用于查看您反映的问题。请勿告诉他人。")
                % {"code": code, "minutes": minutes},
                topic="citizen_code",
                secret=code,
            )
            request.session[OTP_SESSION] = {
                "index": index,
                "hash": _code_hash(index, code),
                "until": time.time() + minutes * 60,
                "tries": 0,
                "masked": mask_phone(phone),
            }
            return redirect("web:track_phone_verify")
    return render(request, "web/citizen/track_phone.html", {"form": form})


@require_http_methods(["GET", "POST"])
def track_phone_verify(request: HttpRequest) -> HttpResponse:
    """我的诉求, step two: the code. Right: the session may list that number's cases for a while. A code
    expires, and after ``WANGGE_CITIZEN_SMS_CODE_TRIES`` wrong answers a new one must be asked for."""
    pending = request.session.get(OTP_SESSION)
    if not isinstance(pending, dict):
        return redirect("web:track_phone")
    form = PhoneCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tries = int(getattr(settings, "WANGGE_CITIZEN_SMS_CODE_TRIES", 5))
        expired = float(pending.get("until", 0)) < time.time()
        if expired or int(pending.get("tries", 0)) >= tries:
            request.session.pop(OTP_SESSION, None)
            form.add_error("code", _("验证码已失效，请重新获取"))
        elif not hmac.compare_digest(
            str(pending.get("hash")), _code_hash(str(pending["index"]), form.cleaned_data["code"])
        ):
            pending["tries"] = int(pending.get("tries", 0)) + 1
            request.session[OTP_SESSION] = pending
            form.add_error("code", _("验证码不正确"))
        else:
            request.session.pop(OTP_SESSION, None)
            request.session.cycle_key()
            minutes = int(getattr(settings, "WANGGE_CITIZEN_MY_APPEALS_MINUTES", 15))
            request.session[MINE_SESSION] = {"index": pending["index"], "until": time.time() + minutes * 60}
            return redirect("web:my_appeals")
    return render(request, "web/citizen/track_phone_verify.html", {"form": form, "masked": pending.get("masked", "")})


def my_appeals(request: HttpRequest) -> HttpResponse:
    """我的诉求: the cases filed with the verified number (by its blind index), newest first."""
    index = _mine_index(request)
    if index is None:
        return redirect("web:track_phone")
    cases = list(
        WorkOrder.objects.filter(reporter_phone_index=index)
        .select_related("category", "assigned_unit")
        .order_by("-received_at")[:100]
    )
    rows = [{"wo": wo, "title": mask_numbers(wo.title), "status": public_status(wo)} for wo in cases]
    return render(request, "web/citizen/my_appeals.html", {"rows": rows})


@require_POST
def my_appeals_leave(request: HttpRequest) -> HttpResponse:
    request.session.pop(MINE_SESSION, None)
    return redirect("web:track")


# --- 已有人反映 and 我也反映 ------------------------------------------------------------------------------


@require_GET
def appeal_nearby(request: HttpRequest) -> HttpResponse:
    """The open cases of the picked category near the picked place (htmx, as the citizen picks them)."""
    from wangge.core.geo import to_wgs84
    from wangge.intel.duplicates import open_nearby

    if not ratelimit.hit(
        "web.nearby", client_ip(request) or "-", _rate("WANGGE_CITIZEN_TRACK_LOOKUPS", "60/h")
    ).allowed:
        return HttpResponse("")
    try:
        lng, lat = float(request.GET["lng"]), float(request.GET["lat"])
        category = int(request.GET["category"])
    except (KeyError, ValueError):
        return render(request, "web/citizen/_nearby.html", {"rows": []})
    crs = request.GET.get("crs") if request.GET.get("crs") in {"wgs84", "gcj02"} else "wgs84"
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        return render(request, "web/citizen/_nearby.html", {"rows": []})
    lng, lat = to_wgs84(lng, lat, str(crs))
    rows = [
        {"wo": wo, "metres": metres, "title": masked_excerpt(wo.title, 40), "status": public_status(wo)}
        for wo, metres in open_nearby(lng=lng, lat=lat, category_id=category)
    ]
    return render(request, "web/citizen/_nearby.html", {"rows": rows, "voice_form": VoiceForm()})


@require_POST
def appeal_voice(request: HttpRequest, pk: int) -> HttpResponse:
    """我也反映: one more voice on an open case (once per case and session), optionally with a mobile number that
    then hears how the case goes; limited per client address (``WANGGE_CITIZEN_VOICES``)."""
    from wangge.workorders.services.voices import work_order_add_voice

    # The panel sits inside the appeal form: each case's number input is named after the case.
    form = VoiceForm({"phone": request.POST.get(f"phone_{pk}", request.POST.get("phone", ""))})
    voiced = list(request.session.get("citizen_voiced") or [])
    context: dict[str, Any] = {"pk": pk, "voice_form": form}
    if pk in voiced:
        context["done"] = _("您已反映过此问题，感谢关注")
    elif not form.is_valid():
        pass
    elif not ratelimit.hit("web.voice", client_ip(request) or "-", _rate("WANGGE_CITIZEN_VOICES", "20/h")).allowed:
        context["error"] = _("操作过于频繁，请稍后再试")
    else:
        try:
            wo = work_order_add_voice(actor=CITIZEN, work_order_id=pk, phone=form.cleaned_data["phone"])
        except DomainError as exc:
            context["error"] = exc.message
        else:
            request.session["citizen_voiced"] = [*voiced, pk][-50:]
            context["done"] = _("已记录您的反映，目前共有 %(n)d 人反映此问题。") % {"n": wo.voice_count + 1}
            if form.cleaned_data["phone"]:
                context["done"] += _("办理进展将以短信通知您。")
    status = 200 if "error" not in context and (form.is_valid() or "done" in context) else 400
    return render(request, "web/citizen/_voice.html", context, status=status)


routes = [
    path("appeal/photo/<str:token>/", appeal_photo, name="appeal_photo"),
    path("appeal/nearby/", appeal_nearby, name="appeal_nearby"),
    path("appeal/voice/<int:pk>/", appeal_voice, name="appeal_voice"),
    path("track/phone/", track_phone, name="track_phone"),
    path("track/phone/verify/", track_phone_verify, name="track_phone_verify"),
    path("track/mine/", my_appeals, name="my_appeals"),
    path("track/mine/leave/", my_appeals_leave, name="my_appeals_leave"),
    path("track/<str:code>/photos/<int:pk>/", track_photo, name="track_photo"),
]
