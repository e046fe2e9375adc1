"""One case: detail with timeline, map pin and photos, the actions this user may take now, and dispatch."""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from wangge.accounts.choices import Role
from wangge.accounts.roles import REVEAL
from wangge.core import audit, files
from wangge.core.errors import DomainError
from wangge.core.masking import mask_numbers
from wangge.core.validators import mask_phone
from wangge.intel import intake
from wangge.territory.maps import display_point, focus_bounds, grid_feature, map_settings
from wangge.web import outbox, selectors
from wangge.web.forms import AppealForm, IntakeForm, TransitionForm
from wangge.web.views import offline
from wangge.web.views.common import client_ip, is_htmx, run_step
from wangge.workforce.selectors import sunk_staff_for_grid
from wangge.workorders.choices import Channel, DurationUnit
from wangge.workorders.models import Attachment, WorkOrder
from wangge.workorders.services import appeal_submit, work_order_transition
from wangge.workorders.workflow import EVENT_LABELS, TRANSITIONS, Transition, available

logger = logging.getLogger(__name__)


def get_case(user: Any, pk: int) -> WorkOrder:
    """A case in the user's scope; out of scope answers exactly like a missing case."""
    wo: WorkOrder | None = (
        WorkOrder.objects.restrict(user)
        .select_related("category", "category__parent", "assigned_unit", "grid", "community", "street", "district")
        .filter(pk=pk)
        .first()
    )
    if wo is None:
        raise Http404(_("工单不存在"))
    return wo


def may_reveal(user: Any, wo: WorkOrder) -> bool:
    return WorkOrder.objects.restrict(user, REVEAL).filter(pk=wo.pk).exists()


def action_forms(user: Any, wo: WorkOrder, bound: dict[str, TransitionForm] | None = None) -> list[dict[str, Any]]:
    """One form per transition the user may take now (dispatch lives on its own screen)."""
    out = []
    for t in available(user, wo):
        form = (bound or {}).get(t.name) or TransitionForm(transition=t, work_order=wo, user=user)
        out.append({"transition": t, "form": form, "multipart": form.is_multipart()})
    return out


def suggestion_for(user: Any, wo: WorkOrder) -> intake.IntakeSuggestion | None:
    """Routing, classifier and duplicate suggestions for the dispatch screen; the screen works without them."""
    try:
        return intake.suggest_for_case(wo, user=user)
    except Exception:  # an aid must never stop a dispatch: log it and show the screen without it
        logger.exception("intake suggestions failed for work order %s", wo.pk)
        return None


# The cases a history row names (by their tracking code in the row's data), with what each is to this case.
EVENT_LINKS = {
    "parent": _lazy("主工单"),
    "moved_children": _lazy("随同转移的工单"),
    "rectification": _lazy("整改工单"),
    "rectification_of": _lazy("原工单"),
}


def _event_links(user: Any, events: list[Any]) -> None:
    """``ev.links``: the related cases of each history row as (label, tracking code, pk or None); a case out of
    the user's scope is named by its code without a link."""
    named: list[list[tuple[Any, str]]] = []
    for ev in events:
        rows: list[tuple[Any, str]] = []
        for key, label in EVENT_LINKS.items():
            value = (ev.data or {}).get(key)
            codes = value if isinstance(value, list) else [value] if value else []
            rows += [(label, str(code)) for code in codes]
        named.append(rows)
    wanted = {code for rows in named for _label, code in rows}
    pks: dict[str, int] = dict(
        WorkOrder.objects.restrict(user).filter(tracking_code__in=wanted).values_list("tracking_code", "pk")
    )
    for ev, rows in zip(events, named, strict=True):
        ev.links = [{"label": label, "code": code, "pk": pks.get(code)} for label, code in rows]


def pending_extension(wo: WorkOrder, events: list[Any], shown: Any) -> dict[str, Any] | None:
    """The 延期 request awaiting a decision, as the page states it: how long (with its unit), who asked and
    when, why, and who decides (the roles of the 批准延期 step)."""
    req = wo.extension_pending
    if not req:
        return None
    asked = next((ev for ev in reversed(events) if ev.name == "request_extension"), None)
    try:
        amount = f"{Decimal(str(req.get('amount'))).normalize():f}"
    except (InvalidOperation, ValueError):
        amount = str(req.get("amount", ""))
    unit = str(req.get("unit") or "")
    deciders = TRANSITIONS["approve_extension"].roles - {Role.ADMIN}
    return {
        "amount": amount,
        "unit": DurationUnit(unit).label if unit in DurationUnit.values else unit,
        "reason": shown(str(req.get("reason") or "")),
        "requester": (asked.actor_label or str(asked.actor or "")) if asked else "",
        "requested_at": asked.at if asked else None,
        "approvers": "、".join(str(Role(r).label) for r in sorted(deciders)),
    }


def case_context(request: HttpRequest, wo: WorkOrder, bound: dict[str, TransitionForm] | None = None) -> dict[str, Any]:
    user = request.user
    reveal = may_reveal(user, wo)
    # Numbers typed into the text (a phone in the description, an ID in a reply) are personal data too: a role
    # without the reveal right over the case reads them masked (core.masking), as the public pages do.
    shown = (lambda text: text or "") if reveal else mask_numbers
    events = list(wo.events.select_related("actor").order_by("at", "id"))
    for ev in events:
        ev.label = EVENT_LABELS.get(ev.name, ev.name)  # type: ignore[attr-defined]
        ev.note_shown = shown(ev.note)  # type: ignore[attr-defined]
    _event_links(user, events)
    photos = [a for a in wo.attachments.all() if a.content_type.startswith("image/")]
    files = [a for a in wo.attachments.all() if not a.content_type.startswith("image/")]
    selectors.decorate([wo], timezone.now())
    pin = display_point(wo.lng, wo.lat) if wo.lng is not None and wo.lat is not None else None
    return {
        "wo": wo,
        "events": events,
        "photos": photos,
        "files": files,
        "actions": action_forms(user, wo, bound),
        "can_dispatch": any(t.name == "dispatch" for t in available(user, wo)),
        "phone_masked": mask_phone(wo.reporter_phone),
        "can_reveal": bool(wo.reporter_phone) and reveal,
        "text": {"title": shown(wo.title), "description": shown(wo.description), "reply": shown(wo.reply_text)},
        "pin": pin,
        "grid_outline": grid_feature(wo.grid_id) if pin else None,
        "map": map_settings(),
        "children": list(wo.children.all()[:20]),
        "extension": pending_extension(wo, events, shown),
    }


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wo = get_case(request.user, pk)
    return render(request, "web/case_detail.html", case_context(request, wo))


@login_required
@require_POST
def case_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """Every action of the detail page posts here; the transition service decides. A stale version answers
    409 with a clear message, other refusals with their own status."""
    user = request.user
    wo = get_case(user, pk)
    t: Transition | None = TRANSITIONS.get(name)
    if t is None:
        raise Http404
    form = TransitionForm(request.POST, request.FILES, transition=t, work_order=wo, user=user)
    done, status, message = run_step(
        request,
        form,
        lambda: work_order_transition(
            actor=user,
            work_order_id=wo.pk,
            name=name,
            expected_version=form.cleaned_data["expected_version"],
            **form.payload(),
        ),
        label=t.label,
        target=reverse("web:case_detail", args=[wo.pk]),
        conflict_message=_("该工单已被他人处理（版本已变化），请刷新页面后查看最新状态再操作。"),
        # e.g. after 退回 or 改派 the unit no longer sees the case: back to its queue with a message
        still_visible=lambda: WorkOrder.objects.restrict(user).filter(pk=wo.pk).exists(),
        queue=reverse("web:workbench"),
    )
    if done is not None:
        return done
    if is_htmx(request):
        context = {"item": {"transition": t, "form": form, "multipart": True}, "wo": wo, "error": message}
        return render(request, "web/partials/action_form.html", context, status=status)
    messages.error(request, message)
    wo = get_case(user, pk)
    return render(request, "web/case_detail.html", case_context(request, wo, {name: form}), status=status)


@login_required
def case_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    """派遣 screen: the case, the routing suggestion, the classifier's suggestion when available, the form."""
    user = request.user
    wo = get_case(user, pk)
    t = TRANSITIONS["dispatch"]
    if t not in available(user, wo):
        messages.warning(request, _("该工单当前不能由您派遣"))
        return redirect("web:case_detail", pk=wo.pk)
    suggestion = suggestion_for(user, wo)
    form = TransitionForm(transition=t, work_order=wo, user=user)
    if suggestion is not None and suggestion.unit is not None:
        form.initial["unit"] = suggestion.unit.pk
        field = form.fields["unit"]
        field.offer(field.queryset, recommended=suggestion.unit)  # type: ignore[attr-defined]
    if suggestion is not None and wo.category_id is None and suggestion.category is not None:
        form.initial["category"] = suggestion.category.pk
    merge = TRANSITIONS["merge"]
    can_merge = merge in available(user, wo)
    context = case_context(request, wo)
    sunk = list(sunk_staff_for_grid(wo.grid, on=timezone.localdate())) if wo.grid is not None else []
    for s in sunk:
        s.phone_masked = mask_phone(s.unit.phone)  # type: ignore[attr-defined]  # staff reach through their unit
    context.update(
        {
            "suggestion": suggestion,
            "can_merge": can_merge,
            "sunk": sunk,
            "dispatch": {"transition": t, "form": form, "multipart": False},
        }
    )
    return render(request, "web/case_dispatch.html", context)


@login_required
def case_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse | FileResponse:
    """A case's file, through the case's scope (never from a public media URL), as a download of its stored
    type (``core.files.serve_protected``)."""
    wo = get_case(request.user, pk)
    att = Attachment.objects.filter(pk=attachment_pk, work_order=wo).first()
    if att is None:
        raise Http404
    return files.serve_protected(att.file, att.content_type)


@login_required
@require_POST
def case_reveal_phone(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the reporter's full number to an entitled user, and write that to the audit trail."""
    wo = get_case(request.user, pk)
    if not may_reveal(request.user, wo):
        return HttpResponse(_("无权查看完整号码"), status=403)
    audit.record(
        actor=request.user,
        action="workorders.reveal_reporter_phone",
        obj=wo,
        note="case detail page",
        ip=client_ip(request),
        only_changes=False,
    )
    return HttpResponse(f'<a href="tel:{wo.reporter_phone}">{wo.reporter_phone}</a>')


@login_required
def case_report(request: HttpRequest) -> HttpResponse:
    """上报: a grid worker (or any staff member) registers a case found on patrol. The form may come from the
    phone's outbox (``web.views.offline``): the same client id sent again answers with the case it made."""
    if request.method == "POST":
        sent = outbox.client_id(request)
        if (pk := outbox.earlier(actor=request.user, client_id=sent, kind=outbox.REPORT)) is not None:
            code = WorkOrder.objects.filter(pk=pk).values_list("tracking_code", flat=True).first()
            return offline.answer(
                request, reverse("web:case_detail", args=[pk]), _("已上报，查询码 %(code)s") % {"code": code}
            )
        form = AppealForm(request.POST, request.FILES)
        if form.is_valid():
            done = _register(request, form, _("已上报，查询码 %(code)s"), channel=Channel.PATROL, client_id=sent)
            if done is not None:
                return done
        if outbox.from_outbox(request):
            return offline.refused(form)
    else:
        form = AppealForm(initial={"point": request.GET.get("point", "")})
    context = {"form": form, "map": map_settings(), "staff": True, "focus": focus_bounds(request.user)}
    return render(request, "web/case_report.html", context)


def _register(
    request: HttpRequest, form: AppealForm, done: str, client_id: uuid.UUID | None = None, **extra: Any
) -> HttpResponse | None:
    """Register the appeal of a valid staff form (once per ``client_id``, ``web.outbox``); the case page on
    success (who filed a case may always see it), None with the rule error on the form otherwise."""
    try:
        pk, _made = outbox.submit_once(
            actor=request.user,
            client_id=client_id,
            kind=outbox.REPORT,
            create=lambda: appeal_submit(actor=request.user, **form.appeal(), **extra),
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None
    code = WorkOrder.objects.filter(pk=pk).values_list("tracking_code", flat=True).first()
    return offline.answer(request, reverse("web:case_detail", args=[pk]), done % {"code": code})


@login_required
def case_intake(request: HttpRequest) -> HttpResponse:
    """受理登记: the command centre registers a hotline call or another staff channel, with the suggestions
    (category, unit, duplicates, address match), the caller's earlier cases and the knowledge base's answers
    refreshed as the call taker types. A confident category suggestion is filled in (README "Intake aids"),
    also at saving when the page had no time to; a 咨询 answered from the knowledge base is closed on the spot
    (直接答复, ``knowledge.services.answer_call``)."""
    user = request.user
    if request.method == "POST":
        form = IntakeForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            d = form.cleaned_data
            extra = {"channel": d["channel"], "title": d["title"], "urgency": d["urgency"], "district": d["district"]}
            if request.POST.get("answer_direct"):
                done = _answer_direct(request, form, extra)
            else:
                if d.get("category") is None and request.POST.get("category_auto") != "0":
                    d["category"] = _confident_category(d.get("title") or "", d.get("description") or "")
                done = _register(request, form, _("已受理，查询码 %(code)s"), **extra)
            if done is not None:
                return done
    else:
        form = IntakeForm(user=user)
    context = {
        "form": form,
        "map": map_settings(),
        "staff": True,
        "kb": {k: request.POST.get(k, "") for k in ("kb_article", "kb_version", "kb_title", "kb_answer")},
    }
    return render(request, "web/case_intake.html", context)


def _confident_category(title: str, description: str) -> Any:
    """The classifier's category when it reaches ``WANGGE_CLASSIFIER_MIN_CONFIDENCE`` and is one the form
    offers (a sub-category), else None; an aid never stops intake."""
    from wangge.web.forms import leaf_categories

    if len(description.strip()) < 5:
        return None
    try:
        _active, guesses = intake.guess_categories(title, description)
    except Exception:  # an aid must never stop intake
        logger.exception("category guess failed at intake")
        return None
    best = guesses[0] if guesses else None
    if best is None or best.category is None or best.confidence < intake.min_confidence():
        return None
    return leaf_categories().filter(pk=best.category.pk).first()


def _answer_direct(request: HttpRequest, form: IntakeForm, extra: dict[str, Any]) -> HttpResponse | None:
    """直接答复: register the 咨询 and close it with the knowledge-base answer; the rule error on the form
    otherwise."""
    from wangge.knowledge.services import answer_call

    raw_id, raw_version = request.POST.get("kb_article", ""), request.POST.get("kb_version", "")
    if not raw_id.isdigit():
        form.add_error(None, _("请先在知识库中选择答复口径并插入"))
        return None
    try:
        wo = answer_call(
            actor=request.user,
            article_id=int(raw_id),
            article_version=int(raw_version) if raw_version.isdigit() else None,
            answer=request.POST.get("kb_answer", ""),
            intake={**form.appeal(), **extra},
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None
    messages.success(request, _("已直接答复并办结，查询码 %(code)s") % {"code": wo.tracking_code})
    return redirect("web:case_detail", pk=wo.pk)


CALLER_HISTORY_ROWS = 10


def _caller_history(request: HttpRequest) -> HttpResponse:
    """The earlier cases of the phone number being typed (exact match on its blind index), within the user's
    scope; a lookup that shows cases is written to the audit trail (it reads cases by a personal number)."""
    from django.core.exceptions import ValidationError

    from wangge.core.crypto import blind_index
    from wangge.core.validators import normalise_phone, validate_phone
    from wangge.workorders.choices import OPEN_STATUSES

    phone = normalise_phone(request.POST.get("reporter_phone", ""))
    context: dict[str, Any] = {"phone": mask_phone(phone), "cases": [], "count": 0, "checked": False}
    try:
        validate_phone(phone)
    except ValidationError:
        return render(request, "web/partials/caller_history.html", context)
    qs: Any = WorkOrder.objects.restrict(request.user).filter(reporter_phone_index=blind_index(phone))
    rows = list(qs.select_related("category").order_by("-received_at")[:CALLER_HISTORY_ROWS])
    count = qs.count()
    for wo in rows:
        wo.title_shown = mask_numbers(wo.title)  # type: ignore[attr-defined]
        wo.is_open = wo.status in OPEN_STATUSES  # type: ignore[attr-defined]
    context.update(
        {"cases": rows, "count": count, "checked": True, "open": qs.filter(status__in=OPEN_STATUSES).count()}
    )
    if count:
        audit.record(
            actor=request.user,
            action="workorders.caller_history",
            note=f"受理登记按来电号码 {mask_phone(phone)} 查询历史工单 {count} 件",
            ip=client_ip(request),
            only_changes=False,
        )
    return render(request, "web/partials/caller_history.html", context)


@login_required
@require_POST
def case_intake_suggest(request: HttpRequest) -> HttpResponse:
    """The suggestion panel of the intake page for what has been typed so far (htmx; writes nothing but the
    audit entry of a caller-history lookup). ``part=history``: the caller's earlier cases by phone number."""
    from wangge.core.geo import to_wgs84
    from wangge.territory import locator

    if request.POST.get("part") == "history":
        return _caller_history(request)
    form = IntakeForm(request.POST, user=request.user)
    form.is_valid()  # a half-filled form still gets suggestions from what is valid in it
    d = getattr(form, "cleaned_data", {})
    text = (d.get("description") or request.POST.get("description", "")).strip()
    if len(text) < 5:
        return render(request, "web/partials/suggestions.html", {"suggestion": None, "waiting": True})
    lng, lat, node = d.get("lng"), d.get("lat"), None
    if lng is not None and lat is not None:
        lng, lat = to_wgs84(lng, lat, d.get("crs") or "wgs84")
        node = locator.locate(lng, lat)
    try:
        suggestion = intake.suggest(
            user=request.user,
            title=d.get("title") or "",
            description=text,
            category=d.get("category"),
            territory=node,
            district=d.get("district") or form.fields["district"].queryset.first(),  # type: ignore[attr-defined]
            lng=lng,
            lat=lat,
            address=d.get("address") or "",
        )
    except Exception:  # an aid must never stop intake
        logger.exception("intake suggestions failed")
        suggestion = None
    fill = None
    if suggestion is not None and suggestion.category is not None and suggestion.category.parent_id:
        fill = suggestion.category.pk  # a confident guess the category field offers: the page fills it in
    return render(
        request, "web/partials/suggestions.html", {"suggestion": suggestion, "intake": True, "fill_category": fill}
    )
