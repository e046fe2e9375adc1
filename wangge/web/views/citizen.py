"""Citizen pages, no login: submit an appeal, follow it by tracking code, rate it (好差评). Mobile first.

A tracking code is the citizen's only credential, so every lookup is counted per client address
(``WANGGE_CITIZEN_TRACK_LOOKUPS``, codes that do not exist ``WANGGE_CITIZEN_TRACK_MISSES``), and so is every
rating (``WANGGE_CITIZEN_RATINGS``). Rating a case that has the reporter's phone number also asks for the last
four digits of that number, wrong answers limited per case (``WANGGE_CITIZEN_PHONE_TAIL_FAILURES``); a case
filed without a phone number is rated with its code alone.
"""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from wangge.core import ratelimit
from wangge.core.actors import CITIZEN, CitizenActor
from wangge.core.clientaddr import client_ip
from wangge.core.errors import DomainError
from wangge.core.masking import mask_numbers
from wangge.core.tracking import normalise_tracking_code
from wangge.places.models import Point
from wangge.territory.maps import display_point, map_settings
from wangge.web.forms import AppealForm, RatingForm, TrackForm
from wangge.workorders.choices import Channel, Status
from wangge.workorders.models import WorkOrder
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


@require_http_methods(["GET", "POST"])
def appeal(request: HttpRequest) -> HttpResponse:
    point_code = (request.POST.get("point") or request.GET.get("point") or "").strip()
    window = (request.POST.get("window") or request.GET.get("window") or "").strip()
    point = Point.objects.select_related("type").filter(code=point_code).first() if point_code else None
    if request.method == "POST":
        form = AppealForm(request.POST, request.FILES)
        if _over_limit(request):
            form.is_valid()
            form.add_error(None, _("提交过于频繁，请稍后再试或拨打 12345"))
        elif form.is_valid() and not _photos_allowed(request, len(form.cleaned_data["photos"])):
            form.add_error("photos", _("今日从您所在网络上传的照片已达上限，请不附照片提交，或拨打 12345"))
        elif form.is_valid():
            try:
                wo = appeal_submit(
                    actor=CITIZEN,
                    channel=Channel.QR if (point or window) else Channel.H5,
                    window=form.cleaned_data["window"][:60],
                    **form.appeal(),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                _count_submission(request)
                _count_photos(request, len(form.cleaned_data["photos"]))
                request.session["appeal_code"] = wo.tracking_code
                return redirect("web:appeal_done")
    else:
        form = AppealForm(initial={"point": point_code, "window": window})
    context = {
        "form": form,
        "point": point,
        "point_xy": display_point(point.lng, point.lat) if point else None,
        "window": window,
        "map": map_settings(),
    }
    return render(request, "web/citizen/appeal.html", context)


def appeal_done(request: HttpRequest) -> HttpResponse:
    code = request.session.get("appeal_code")
    if not code:
        return redirect("web:appeal")
    return render(request, "web/citizen/appeal_done.html", {"code": code})


def _case_by_code(code: str) -> WorkOrder | None:
    return WorkOrder.objects.select_related("category").filter(tracking_code=normalise_tracking_code(code)).first()


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


def public_steps(wo: WorkOrder) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = [{"label": PUBLIC_STEPS["create"], "at": wo.received_at}]
    for ev in wo.events.order_by("at", "id").only("name", "at"):
        if ev.name in PUBLIC_STEPS and ev.name != "create":
            steps.append({"label": PUBLIC_STEPS[ev.name], "at": ev.at})
    return steps


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
    context = {
        "wo": wo,
        "text": public_text(wo),
        "steps": public_steps(wo),
        "can_rate": wo.status == Status.CALLBACK,
        "rated": wo.rating is not None,
        "rating_form": RatingForm(asks_phone=_asks_phone(wo)),
    }
    return render(request, "web/citizen/track_detail.html", context)


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
    context = {
        "wo": wo,
        "text": public_text(wo),
        "steps": public_steps(wo),
        "can_rate": wo.status == Status.CALLBACK,
        "rated": wo.rating is not None,
        "rating_form": form,
        "rating_error": error,
    }
    return render(request, "web/citizen/track_detail.html", context, status=400)
