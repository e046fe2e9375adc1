"""Pages of 预约与叫号 (``wangge.queueing``), wired by wangge.web.urls through ``routes``.

Staff (login): the halls in the user's scope, a hall's live queue with its windows, switches and the day's
bookings, and the call-next screen of a window (叫号, 重呼, 过号, 开始办理, 办结, 转移).

Citizens (no login, under ``/citizen/hall/``): booking a slot (预约) and cancelling it with the booking code; the
kiosk of a hall (取号机: one big button per group and "我有预约"), the phone page opened by the hall's QR code,
the ticket page with the live position, and the wall screen (大屏) that lists the numbers called and speaks each
new call (``static/queueing/wall.js``). Ticket taking is limited per client address
(``WANGGE_QUEUE_TICKETS_PER_HOUR``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wangge.core import ratelimit
from wangge.core.actors import CITIZEN
from wangge.core.clientaddr import client_ip
from wangge.core.errors import DomainError
from wangge.core.validators import mask_phone
from wangge.hall.models import Application, Hall, Item, Window
from wangge.queueing.choices import TicketAction, TicketSource, TicketStatus
from wangge.queueing.models import Appointment, ItemGroup, SlotTemplate, Ticket, TidalRule, WindowGroup, WindowSwitch
from wangge.queueing.selectors import (
    DEFINITIONS,
    bookable_slots,
    current_ticket,
    day_appointments,
    day_figures,
    hall_groups,
    position,
    queue_status,
    recent_calls,
    window_group_ids,
    window_served_today,
)
from wangge.queueing.services import (
    appointment_book,
    appointment_cancel,
    flexible_windows_set,
    group_save,
    may_manage,
    may_work,
    normalise_code,
    slot_template_set,
    ticket_by_token,
    ticket_issue,
    tidal_rule_save,
    window_call_next,
    window_finish,
    window_finish_receiving,
    window_recall,
    window_skip,
    window_start,
    window_transfer,
)
from wangge.web.views.qr import qr_response

BOOKING_DAYS = 7

# --- helpers -------------------------------------------------------------------------------------------------


def _public_hall(code: str) -> Hall:
    hall = Hall.objects.filter(code=code, is_active=True).select_related("territory").first()
    if hall is None:
        raise Http404(_("大厅不存在"))
    return hall


def _staff_hall(user: Any, pk: int) -> Hall:
    hall: Hall | None = Hall.objects.restrict(user).select_related("territory").filter(pk=pk).first()
    if hall is None:
        raise Http404(_("大厅不存在"))
    return hall


def _staff_window(user: Any, pk: int) -> Window:
    w = Window.objects.select_related("hall", "hall__territory").filter(pk=pk, is_active=True).first()
    if w is None or not may_work(user, w):
        raise Http404(_("窗口不存在"))
    return w


def _ticket_rate() -> ratelimit.Rate | None:
    limit = int(getattr(settings, "WANGGE_QUEUE_TICKETS_PER_HOUR", 30))
    return ratelimit.Rate(limit, 3600) if limit > 0 else None


def _queue_rows(hall: Hall) -> list[dict[str, Any]]:
    return [q.as_dict() for q in queue_status(hall)]


# --- staff pages ---------------------------------------------------------------------------------------------


@login_required
def queueing_home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    halls: list[Hall] = list(Hall.objects.restrict(request.user).filter(is_active=True).order_by("code")[:50])
    rows = [{"hall": h, "figures": day_figures(h, today)} for h in halls]
    return render(request, "web/queueing/home.html", {"rows": rows, "today": today})


@login_required
def queueing_hall(request: HttpRequest, pk: int) -> HttpResponse:
    hall = _staff_hall(request.user, pk)
    today = timezone.localdate()
    windows = list(Window.objects.filter(hall=hall, is_active=True).order_by("number"))
    links: dict[int, list[str]] = {}
    for window_id, prefix, is_tidal in WindowGroup.objects.filter(window__in=windows).values_list(
        "window_id", "group__prefix", "is_tidal"
    ):
        links.setdefault(window_id, []).append(prefix + ("*" if is_tidal else ""))
    window_rows = [
        {
            "window": w,
            "groups": sorted(links.get(w.pk, [])),
            "current": current_ticket(w),
            "may_work": may_work(request.user, w),
        }
        for w in windows
    ]
    context = {
        "hall": hall,
        "today": today,
        "queues": queue_status(hall),
        "figures": day_figures(hall, today),
        "windows": window_rows,
        "switches": WindowSwitch.objects.filter(hall=hall).select_related("window", "group")[:20],
        "definitions": DEFINITIONS,
        "may_manage": may_manage(request.user, hall),
    }
    return render(request, "web/queueing/hall.html", context)


@login_required
def queueing_appointments(request: HttpRequest, pk: int) -> HttpResponse:
    hall = _staff_hall(request.user, pk)
    try:
        day = dt.date.fromisoformat(request.GET.get("day") or "")
    except ValueError:
        day = timezone.localdate()
    rows = day_appointments(Appointment.objects.restrict(request.user).filter(hall=hall), day)
    shown = [{"a": a, "phone": mask_phone(a.phone)} for a in rows]
    return render(request, "web/queueing/appointments.html", {"hall": hall, "day": day, "rows": shown})


class TransferForm(forms.Form):
    to_window = forms.ModelChoiceField(queryset=Window.objects.none(), required=False, label=gettext_lazy("转往窗口"))
    to_group = forms.ModelChoiceField(queryset=ItemGroup.objects.none(), required=False, label=gettext_lazy("转往业务"))

    def __init__(self, *args: Any, window: Window, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = Window.objects.filter(hall=window.hall_id, is_active=True).exclude(pk=window.pk)
        self.fields["to_window"].queryset = others  # type: ignore[attr-defined]
        groups = ItemGroup.objects.filter(hall=window.hall_id, is_active=True)
        self.fields["to_group"].queryset = groups  # type: ignore[attr-defined]


def _window_context(request: HttpRequest, w: Window) -> dict[str, Any]:
    current = current_ticket(w)
    groups = ItemGroup.objects.filter(pk__in=window_group_ids(w))
    tidal = set(WindowGroup.objects.filter(window=w, is_tidal=True).values_list("group_id", flat=True))
    return {
        "window": w,
        "hall": w.hall,
        "current": current,
        "groups": [{"group": g, "tidal": g.pk in tidal} for g in groups],
        "queues": [q for q in queue_status(w.hall) if q.group_id in {g.pk for g in groups}],
        "served": window_served_today(w),
        "items": Item.objects.filter(pk__in=current.group.items.values("pk"), is_active=True).order_by("name")
        if current is not None
        else Item.objects.none(),
        "transfer": TransferForm(window=w),
        "recent": Ticket.objects.filter(window=w, day=timezone.localdate())
        .exclude(status__in=[TicketStatus.CALLED, TicketStatus.SERVING])
        .order_by("-finished_at")[:8],
    }


@login_required
def queueing_window(request: HttpRequest, pk: int) -> HttpResponse:
    w = _staff_window(request.user, pk)
    return render(request, "web/queueing/window.html", _window_context(request, w))


WINDOW_STEPS = {
    "call": (window_call_next, TicketAction.CALL),
    "recall": (window_recall, TicketAction.RECALL),
    "skip": (window_skip, TicketAction.SKIP),
    "start": (window_start, TicketAction.START),
    "finish": (window_finish, TicketAction.FINISH),
    "transfer": (window_transfer, TicketAction.TRANSFER),
}


@login_required
@require_POST
def queueing_window_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    w = _staff_window(request.user, pk)
    if name not in WINDOW_STEPS:
        raise Http404
    step, action = WINDOW_STEPS[name]
    kwargs: dict[str, Any] = {}
    if name == "transfer":
        form = TransferForm(request.POST, window=w)
        if not form.is_valid():
            messages.error(request, _("请检查填写的内容"))
            return redirect("web:queueing_window", pk=w.pk)
        kwargs = {"to_window": form.cleaned_data.get("to_window"), "to_group": form.cleaned_data.get("to_group")}
    if name == "finish" and request.POST.get("item"):
        item = Item.objects.filter(pk=request.POST["item"] if request.POST["item"].isdigit() else 0).first()
        try:
            t = window_finish_receiving(
                actor=request.user,
                window=w,
                item=item.pk if item else 0,
                applicant_name=(request.POST.get("applicant_name") or "").strip(),
                applicant_phone=(request.POST.get("applicant_phone") or "").strip(),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            code = t.application.code if t.application else ""
            messages.success(request, _("已办结 %(number)s，登记办件 %(code)s") % {"number": t.number, "code": code})
        return redirect("web:queueing_window", pk=w.pk)
    if name == "finish" and request.POST.get("application"):
        app = Application.objects.filter(code=request.POST["application"].strip(), hall=w.hall_id).first()
        if app is None:
            messages.error(request, _("办件编号不存在"))
            return redirect("web:queueing_window", pk=w.pk)
        kwargs["application"] = app
    try:
        t = step(actor=request.user, window=w, **kwargs)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(action)s：%(number)s") % {"action": action.label, "number": t.number})
    return redirect("web:queueing_window", pk=w.pk)


# --- managers: groups, slot template, tidal rules -----------------------------------------------------------


def _managed_hall(user: Any, pk: int) -> Hall:
    """The hall, if the user sees it (else 404) and manages it (else 403)."""
    hall = _staff_hall(user, pk)
    if not may_manage(user, hall):
        raise PermissionDenied
    return hall


def _managed_group(user: Any, hall_pk: int, group_pk: int) -> ItemGroup:
    hall = _managed_hall(user, hall_pk)
    group = ItemGroup.objects.filter(hall=hall, pk=group_pk).first()
    if group is None:
        raise Http404(_("业务分组不存在"))
    group.hall = hall
    return group


class FlexibleWindowsForm(forms.Form):
    windows = forms.ModelMultipleChoiceField(
        queryset=Window.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("可切换的潮汐窗口"),
        help_text=gettext_lazy("潮汐规则只会把这些窗口临时调给排队压力大的分组"),
    )

    def __init__(self, *args: Any, hall: Hall, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["windows"].queryset = Window.objects.filter(hall=hall, is_active=True).order_by("number")  # type: ignore[attr-defined]


@login_required
def queueing_settings(request: HttpRequest, pk: int) -> HttpResponse:
    hall = _managed_hall(request.user, pk)
    windows = Window.objects.filter(hall=hall, is_active=True)
    form = FlexibleWindowsForm(
        request.POST or None, hall=hall, initial={"windows": list(windows.filter(is_flexible=True))}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                flexible_windows_set(actor=request.user, hall=hall, windows=list(form.cleaned_data["windows"]))
            except DomainError as exc:
                messages.error(request, exc.message)
                status = exc.http_status
            else:
                messages.success(request, _("已保存潮汐窗口"))
                return redirect("web:queueing_settings", pk=hall.pk)
        else:
            status = 400
    groups = list(ItemGroup.objects.filter(hall=hall).prefetch_related("items").order_by("position", "prefix"))
    counts: dict[int, int] = {}
    for group_id in SlotTemplate.objects.filter(group__in=groups).values_list("group_id", flat=True):
        counts[group_id] = counts.get(group_id, 0) + 1
    rules = {r.group_id: r for r in TidalRule.objects.filter(group__in=groups)}
    rows = [{"group": g, "templates": counts.get(g.pk, 0), "rule": rules.get(g.pk)} for g in groups]
    context = {"hall": hall, "rows": rows, "form": form}
    return render(request, "web/queueing/settings.html", context, status=status)


class GroupForm(forms.Form):
    letter = forms.RegexField(
        regex=r"^[A-Za-z]{1,2}$",
        max_length=2,
        label=gettext_lazy("号码字头"),
        help_text=gettext_lazy("一至两个字母，如 A 表示 A001"),
        error_messages={"invalid": gettext_lazy("号码字头须为一至两个字母")},
    )
    name = forms.CharField(label=gettext_lazy("分组名称"), max_length=60)
    items = forms.ModelMultipleChoiceField(
        queryset=Item.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("包含事项"),
    )
    service_minutes = forms.IntegerField(label=gettext_lazy("预计每件办理分钟数"), min_value=1, max_value=240)
    position = forms.IntegerField(label=gettext_lazy("排序"), min_value=0, max_value=999, initial=0)
    is_active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = Item.objects.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]

    def clean_letter(self) -> str:
        return str(self.cleaned_data["letter"]).upper()


@login_required
def queueing_group(request: HttpRequest, pk: int, group_pk: int | None = None) -> HttpResponse:
    if group_pk is None:
        hall = _managed_hall(request.user, pk)
        group = None
        initial: dict[str, Any] = {"service_minutes": 8, "position": 0, "is_active": True}
    else:
        group = _managed_group(request.user, pk, group_pk)
        hall = group.hall
        initial = {
            "letter": group.prefix,
            "name": group.name,
            "items": list(group.items.all()),
            "service_minutes": group.service_minutes,
            "position": group.position,
            "is_active": group.is_active,
        }
    form = GroupForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                group_save(
                    actor=request.user,
                    hall=hall,
                    prefix=data["letter"],
                    name=data["name"],
                    items=list(data["items"]),
                    service_minutes=data["service_minutes"],
                    position=data["position"],
                    is_active=data["is_active"],
                    group=group,
                )
            except DomainError as exc:
                messages.error(request, exc.message)
                status = exc.http_status
            else:
                messages.success(request, _("业务分组已保存"))
                return redirect("web:queueing_settings", pk=hall.pk)
        else:
            status = 400
    return render(request, "web/queueing/group_form.html", {"hall": hall, "group": group, "form": form}, status=status)


WEEKDAYS = [
    (0, gettext_lazy("星期一")),
    (1, gettext_lazy("星期二")),
    (2, gettext_lazy("星期三")),
    (3, gettext_lazy("星期四")),
    (4, gettext_lazy("星期五")),
    (5, gettext_lazy("星期六")),
    (6, gettext_lazy("星期日")),
]


class SlotRowForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=[("", "—"), *WEEKDAYS], coerce=int, label=gettext_lazy("星期"))
    starts_at = forms.TimeField(label=gettext_lazy("开始时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends_at = forms.TimeField(label=gettext_lazy("结束时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    capacity = forms.IntegerField(label=gettext_lazy("可预约人数"), min_value=1, max_value=200)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end <= start:
            raise forms.ValidationError(_("结束时间须晚于开始时间"))
        return data


class BaseSlotRows(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        seen: set[tuple[int, dt.time]] = set()
        for f in self.forms:
            if not hasattr(f, "cleaned_data") or not f.cleaned_data or f.cleaned_data.get("DELETE"):
                continue
            key = (f.cleaned_data["weekday"], f.cleaned_data["starts_at"])
            if key in seen:
                raise forms.ValidationError(_("同一天同一开始时间只能有一个时段"))
            seen.add(key)


SlotRows = forms.formset_factory(SlotRowForm, formset=BaseSlotRows, extra=3, can_delete=True, max_num=200)


@login_required
def queueing_template(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    group = _managed_group(request.user, pk, group_pk)
    initial = [
        {"weekday": t.weekday, "starts_at": t.starts_at, "ends_at": t.ends_at, "capacity": t.capacity}
        for t in SlotTemplate.objects.filter(group=group)
    ]
    formset = SlotRows(request.POST or None, initial=initial, prefix="rows")
    status = 200
    if request.method == "POST":
        if formset.is_valid():
            kept = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            rows = [(r["weekday"], r["starts_at"], r["ends_at"], r["capacity"]) for r in kept]
            try:
                n = slot_template_set(actor=request.user, group=group, rows=rows)
            except DomainError as exc:
                messages.error(request, exc.message)
                status = exc.http_status
            else:
                messages.success(request, _("已保存 %(n)s 个每周预约时段") % {"n": n})
                return redirect("web:queueing_settings", pk=group.hall.pk)
        else:
            status = 400
    context = {"hall": group.hall, "group": group, "formset": formset}
    return render(request, "web/queueing/template_form.html", context, status=status)


class RuleForm(forms.Form):
    open_queue = forms.IntegerField(label=gettext_lazy("开启：等候人数达到"), min_value=1, max_value=999)
    open_wait_minutes = forms.IntegerField(label=gettext_lazy("开启：预计等候分钟达到"), min_value=1, max_value=999)
    close_queue = forms.IntegerField(label=gettext_lazy("恢复：等候人数不超过"), min_value=0, max_value=999)
    close_wait_minutes = forms.IntegerField(label=gettext_lazy("恢复：预计等候分钟不超过"), min_value=0, max_value=999)
    max_windows = forms.IntegerField(label=gettext_lazy("最多调入窗口数"), min_value=1, max_value=20)
    is_active = forms.BooleanField(label=gettext_lazy("启用"), required=False)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        pairs = (("close_queue", "open_queue"), ("close_wait_minutes", "open_wait_minutes"))
        for low, high in pairs:
            if data.get(low) is not None and data.get(high) is not None and data[low] >= data[high]:
                self.add_error(low, _("恢复阈值须低于开启阈值"))
        return data


@login_required
def queueing_rule(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    group = _managed_group(request.user, pk, group_pk)
    rule = TidalRule.objects.filter(group=group).first()
    fields = ("open_queue", "open_wait_minutes", "close_queue", "close_wait_minutes", "max_windows", "is_active")
    initial = {f: getattr(rule or TidalRule(), f) for f in fields}
    form = RuleForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                tidal_rule_save(actor=request.user, group=group, **form.cleaned_data)
            except DomainError as exc:
                messages.error(request, exc.message)
                status = exc.http_status
            else:
                messages.success(request, _("潮汐规则已保存"))
                return redirect("web:queueing_settings", pk=group.hall.pk)
        else:
            status = 400
    flexible = Window.objects.filter(hall=group.hall, is_active=True, is_flexible=True).order_by("number")
    context = {"hall": group.hall, "group": group, "form": form, "flexible": flexible}
    return render(request, "web/queueing/rule_form.html", context, status=status)


# --- citizen pages: booking ----------------------------------------------------------------------------------


def queueing_citizen_halls(request: HttpRequest) -> HttpResponse:
    halls = Hall.objects.filter(is_active=True).order_by("code")
    return render(request, "web/queueing/citizen_halls.html", {"halls": halls})


class BookingForm(forms.Form):
    slot = forms.IntegerField(widget=forms.HiddenInput)
    item = forms.ModelChoiceField(queryset=Item.objects.none(), required=False, label=gettext_lazy("办理事项（选填）"))
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    phone = forms.CharField(
        label=gettext_lazy("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args: Any, group: ItemGroup | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if group is not None:
            self.fields["item"].queryset = group.items.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]


def queueing_book(request: HttpRequest, code: str) -> HttpResponse:
    hall = _public_hall(code)
    groups = list(hall_groups(hall))
    group = next(
        (g for g in groups if str(g.pk) == (request.GET.get("group") or request.POST.get("group") or "")), None
    )
    today = timezone.localdate()
    slots = list(bookable_slots(hall, group, today, BOOKING_DAYS)) if group is not None else []
    form = BookingForm(request.POST or None, group=group)
    status = 200
    if request.method == "POST" and group is not None:
        if form.is_valid():
            try:
                a = appointment_book(
                    actor=CITIZEN,
                    slot=form.cleaned_data["slot"],
                    name=form.cleaned_data["name"],
                    phone=form.cleaned_data["phone"],
                    item=form.cleaned_data.get("item"),
                )
            except DomainError as exc:
                messages.error(request, exc.message)
                status = exc.http_status
            else:
                return redirect("web:queueing_booking", code=a.code)
        else:
            status = 400
    context = {"hall": hall, "groups": groups, "group": group, "slots": slots, "form": form}
    return render(request, "web/queueing/book.html", context, status=status)


def queueing_booking(request: HttpRequest, code: str) -> HttpResponse:
    a = Appointment.objects.select_related("slot", "group", "hall", "item").filter(code=normalise_code(code)).first()
    if a is None:
        raise Http404(_("预约码不存在"))
    if request.method == "POST":
        try:
            appointment_cancel(actor=CITIZEN, code=a.code)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("预约已取消"))
        return redirect("web:queueing_booking", code=a.code)
    return render(request, "web/queueing/booking.html", {"a": a, "phone": mask_phone(a.phone)})


def queueing_booking_find(request: HttpRequest) -> HttpResponse:
    code = normalise_code(request.GET.get("code") or "")
    if code:
        return redirect("web:queueing_booking", code=code)
    return redirect("web:queueing_citizen_halls")


# --- citizen pages: tickets and the wall screen -------------------------------------------------------------


def _take(request: HttpRequest, hall: Hall, kiosk: bool) -> HttpResponse:
    decision = ratelimit.check("queueing.ticket", client_ip(request) or "-", None if kiosk else _ticket_rate())
    if not decision.allowed:
        messages.error(request, _("取号过于频繁，请稍后再试"))
        return redirect("web:queueing_kiosk" if kiosk else "web:queueing_take", code=hall.code)
    group = ItemGroup.objects.filter(hall=hall, pk=request.POST.get("group") or 0, is_active=True).first()
    booking = (request.POST.get("booking") or "").strip()
    try:
        t = ticket_issue(
            actor=CITIZEN,
            hall=hall,
            group=group,
            appointment_code=booking,
            source=TicketSource.KIOSK if kiosk else TicketSource.PHONE,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("web:queueing_kiosk" if kiosk else "web:queueing_take", code=hall.code)
    if not kiosk:
        ratelimit.hit("queueing.ticket", client_ip(request) or "-", _ticket_rate())
    return redirect(reverse("web:queueing_ticket", args=[t.token]) + ("?kiosk=1" if kiosk else ""))


def queueing_kiosk(request: HttpRequest, code: str) -> HttpResponse:
    hall = _public_hall(code)
    if request.method == "POST":
        return _take(request, hall, kiosk=True)
    return render(request, "web/queueing/kiosk.html", {"hall": hall, "queues": queue_status(hall), "kiosk": True})


def queueing_take(request: HttpRequest, code: str) -> HttpResponse:
    hall = _public_hall(code)
    if request.method == "POST":
        return _take(request, hall, kiosk=False)
    return render(request, "web/queueing/kiosk.html", {"hall": hall, "queues": queue_status(hall), "kiosk": False})


def _ticket_state(t: Ticket) -> dict[str, Any]:
    q = next((q for q in queue_status(t.hall) if q.group_id == t.group_id), None)
    ahead = position(t)
    minutes = round(ahead * q.service_minutes / max(q.windows, 1)) if q is not None else 0
    return {
        "number": t.number,
        "status": t.status,
        "status_label": str(TicketStatus(t.status).label),
        "ahead": ahead,
        "expected_wait_minutes": minutes,
        "window": t.window.number if t.window else "",
    }


def queueing_ticket(request: HttpRequest, token: str) -> HttpResponse:
    try:
        t = ticket_by_token(token)
    except DomainError:
        raise Http404(_("票号不存在")) from None
    if request.GET.get("format") == "json":
        return JsonResponse(_ticket_state(t))
    context = {"t": t, "state": _ticket_state(t), "kiosk": request.GET.get("kiosk") == "1"}
    return render(request, "web/queueing/ticket.html", context)


def queueing_wall(request: HttpRequest, code: str) -> HttpResponse:
    hall = _public_hall(code)
    context = {"hall": hall, "calls": recent_calls(hall), "queues": queue_status(hall)}
    return render(request, "web/queueing/wall.html", context)


def queueing_wall_feed(request: HttpRequest, code: str) -> JsonResponse:
    hall = _public_hall(code)
    return JsonResponse({"calls": recent_calls(hall), "queues": _queue_rows(hall), "at": timezone.now().isoformat()})


def queueing_hall_qr(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    hall = _public_hall(code)
    url = request.build_absolute_uri(reverse("web:queueing_take", args=[hall.code]))
    return qr_response(url, fmt, f"hall-{hall.code}")


routes: list[URLPattern] = [
    path("queueing/", queueing_home, name="queueing_home"),
    path("queueing/halls/<int:pk>/", queueing_hall, name="queueing_hall"),
    path("queueing/halls/<int:pk>/appointments/", queueing_appointments, name="queueing_appointments"),
    path("queueing/halls/<int:pk>/settings/", queueing_settings, name="queueing_settings"),
    path("queueing/halls/<int:pk>/groups/new/", queueing_group, name="queueing_group_new"),
    path("queueing/halls/<int:pk>/groups/<int:group_pk>/", queueing_group, name="queueing_group"),
    path("queueing/halls/<int:pk>/groups/<int:group_pk>/template/", queueing_template, name="queueing_template"),
    path("queueing/halls/<int:pk>/groups/<int:group_pk>/rule/", queueing_rule, name="queueing_rule"),
    path("queueing/windows/<int:pk>/", queueing_window, name="queueing_window"),
    path("queueing/windows/<int:pk>/<slug:name>/", queueing_window_act, name="queueing_window_act"),
    path("citizen/hall/", queueing_citizen_halls, name="queueing_citizen_halls"),
    path("citizen/hall/booking/", queueing_booking_find, name="queueing_booking_find"),
    path("citizen/hall/booking/<str:code>/", queueing_booking, name="queueing_booking"),
    path("citizen/hall/ticket/<str:token>/", queueing_ticket, name="queueing_ticket"),
    path("citizen/hall/<str:code>/book/", queueing_book, name="queueing_book"),
    path("citizen/hall/<str:code>/kiosk/", queueing_kiosk, name="queueing_kiosk"),
    path("citizen/hall/<str:code>/take/", queueing_take, name="queueing_take"),
    path("citizen/hall/<str:code>/wall/", queueing_wall, name="queueing_wall"),
    path("citizen/hall/<str:code>/wall/feed/", queueing_wall_feed, name="queueing_wall_feed"),
    path("citizen/hall/<str:code>/qr.<str:fmt>", queueing_hall_qr, name="queueing_hall_qr"),
]
