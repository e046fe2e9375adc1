"""Pages of 好差评 (``wangge.evaluations``), wired by wangge.web.urls through ``routes``:

- public: the window's static QR code page (办件 number + phone digits or receipt code, five levels, reasons,
  comment, optional real name) and the online rating link of a 办件; both counted per address;
- staff: the figures per hall, window, item or staff; the ratings (a 差评's appeal and its review); the
  rectifications with the steps this user may take (核实 → 整改 → 反馈 → 回访); the monthly callback draws
  (draw a month), each draw's task list for the callers (phone masked, revealed with an audit entry) and the
  outcome form.

Everything is scoped: a row outside the user's ``view`` scope answers 404 like a missing one. The services
decide every write.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.actors import CITIZEN
from wangge.core.clientaddr import client_ip
from wangge.core.errors import DomainError
from wangge.core.validators import mask_phone
from wangge.evaluations.choices import CallbackStatus, EvaluationChannel, Rating, Reason
from wangge.evaluations.filtersets import CallbackTaskFilterSet, EvaluationFilterSet, RectificationFilterSet
from wangge.evaluations.models import Appeal, CallbackDraw, CallbackTask, Evaluation, Rectification
from wangge.evaluations.selectors import GROUPS, figures, is_overdue
from wangge.evaluations.services import (
    ROUNDING,
    appeal_file,
    appeal_transition,
    application_for_token,
    callback_draw,
    callback_phone_reveal,
    callback_task_record,
    evaluation_create,
    rating_hit,
    rectification_transition,
)
from wangge.evaluations.services.common import acts_for_hall, holds_any
from wangge.evaluations.workflow import (
    APPEAL_WORKFLOW,
    CALLERS,
    DRAWERS,
    HALL_ROLES,
    RECTIFICATION_WORKFLOW,
)
from wangge.hall.models import Window
from wangge.web.filters import tune_form
from wangge.web.views.common import is_htmx, paginate, querystring_without, run_step
from wangge.web.workflow_forms import StepForm

PER_PAGE = 30
GROUP_LABELS = {
    "hall": gettext_lazy("大厅"),
    "window": gettext_lazy("窗口"),
    "item": gettext_lazy("事项"),
    "staff": gettext_lazy("经办人"),
}

# --- public rating pages -----------------------------------------------------------------------------------


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=gettext_lazy("评价等级"), choices=Rating.choices, coerce=int, widget=forms.RadioSelect
    )
    reasons = forms.MultipleChoiceField(
        label=gettext_lazy("评价原因"), choices=Reason.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    comment = forms.CharField(
        label=gettext_lazy("意见建议"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    rater_name = forms.CharField(label=gettext_lazy("姓名（选填，实名评价）"), required=False, max_length=50)
    rater_phone = forms.CharField(label=gettext_lazy("手机号（选填，实名评价）"), required=False, max_length=20)
    is_complaint = forms.BooleanField(label=gettext_lazy("作为投诉处理（须实名）"), required=False)


class QrRatingForm(RatingForm):
    code = forms.CharField(label=gettext_lazy("办件编号"), max_length=32)
    phone_last4 = forms.CharField(
        label=gettext_lazy("申请人手机号后4位"),
        required=False,
        max_length=4,
        help_text=gettext_lazy("或填写回执上的6位评价码"),
    )
    receipt = forms.CharField(label=gettext_lazy("回执评价码"), required=False, max_length=6)

    field_order = [
        "code",
        "phone_last4",
        "receipt",
        "level",
        "reasons",
        "comment",
        "rater_name",
        "rater_phone",
        "is_complaint",
    ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("phone_last4") or data.get("receipt")):
            self.add_error("phone_last4", _("请填写手机号后4位或回执评价码"))
        return data


def _rate(request: HttpRequest, form: RatingForm, **kwargs: Any) -> tuple[Evaluation | None, int]:
    decision = rating_hit(client_ip(request) or "-")
    if not decision.allowed:
        form.add_error(None, _("提交过于频繁，请稍后再试"))
        return None, 429
    d = form.cleaned_data
    try:
        ev = evaluation_create(
            actor=CITIZEN,
            level=d["level"],
            reasons=d.get("reasons") or [],
            comment=d.get("comment", ""),
            rater_name=d.get("rater_name", ""),
            rater_phone=d.get("rater_phone", ""),
            is_complaint=bool(d.get("is_complaint")),
            **kwargs,
        )
    except DomainError as exc:
        for detail in exc.details if isinstance(exc.details, list) else []:
            if isinstance(detail, dict) and detail.get("field") in form.fields:
                form.add_error(detail["field"], _("请检查此项"))
        form.add_error(None, exc.message)
        return None, exc.http_status
    return ev, 200


def rate_window(request: HttpRequest, window_pk: int) -> HttpResponse:
    """The page a window's static QR code opens."""
    window = Window.objects.select_related("hall").filter(pk=window_pk, is_active=True).first()
    if window is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = QrRatingForm(request.POST)
        if form.is_valid():
            ev, status = _rate(
                request,
                form,
                channel=EvaluationChannel.QR,
                code=form.cleaned_data["code"],
                phone_last4=form.cleaned_data.get("phone_last4", ""),
                receipt=form.cleaned_data.get("receipt", ""),
                window=window,
            )
            if ev is not None:
                return render(request, "web/evaluations/rate_done.html", {"evaluation": ev})
        else:
            status = 400
    else:
        form = QrRatingForm(initial={"code": request.GET.get("code", "")})
    return render(
        request, "web/evaluations/rate.html", {"form": form, "window": window, "hall": window.hall}, status=status
    )


def rate_window_qr(request: HttpRequest, window_pk: int, fmt: str) -> HttpResponse:
    """The window's static 好差评 QR code (PNG or SVG) to print at the window: it opens :func:`rate_window`."""
    from wangge.web.views.qr import qr_response

    window = Window.objects.filter(pk=window_pk, is_active=True).first()
    if window is None:
        raise Http404
    url = request.build_absolute_uri(reverse("web:evaluations_rate_window", args=[window.pk]))
    return qr_response(url, fmt, f"rating-window-{window.pk}")


def rate_link(request: HttpRequest, token: str) -> HttpResponse:
    """The online rating link of one 办件 (from the 办件's notice)."""
    try:
        app = application_for_token(token)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    status = 200
    if request.method == "POST":
        form = RatingForm(request.POST)
        if form.is_valid():
            ev, status = _rate(request, form, channel=EvaluationChannel.ONLINE, token=token)
            if ev is not None:
                return render(request, "web/evaluations/rate_done.html", {"evaluation": ev})
        else:
            status = 400
    else:
        form = RatingForm()
    context = {
        "form": form,
        "application": app,
        "hall": app.hall,
        "rated": Evaluation.objects.filter(application=app).exists(),
    }
    return render(request, "web/evaluations/rate.html", context, status=status)


# --- staff pages ------------------------------------------------------------------------------------------


def _may_see(user: Any) -> bool:
    return holds_any(user, HALL_ROLES) or Evaluation.objects.restrict(user).exists()


def _month(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    field = forms.DateField(required=False)
    try:
        end = field.clean(request.GET.get("end")) or today
        start = field.clean(request.GET.get("start")) or end.replace(day=1)
    except forms.ValidationError:
        start, end = today.replace(day=1), today
    if not (
        dt.date(2000, 1, 1) <= start <= dt.date(2099, 12, 31) and dt.date(2000, 1, 1) <= end <= dt.date(2099, 12, 31)
    ):
        start, end = today.replace(day=1), today
    return start, end


@login_required
def evaluation_figures(request: HttpRequest) -> HttpResponse:
    """The figures per hall, window, item or staff member over a period (this month by default)."""
    user = request.user
    by = request.GET.get("by") or "hall"
    if by not in GROUPS:
        by = "hall"
    start, end = _month(request)
    tz = timezone.get_current_timezone()
    data = figures(
        by,
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
        evaluations=Evaluation.objects.restrict(user),
        rectifications=Rectification.objects.restrict(user),
    )
    for row in [*data["rows"], data["total"]]:
        row["good_pct"] = "—" if row["good_rate"] is None else f"{row['good_rate']:.1%}"
    context = {
        "data": data,
        "by": by,
        "groups": [(k, GROUP_LABELS[k]) for k in GROUPS],
        "start": start,
        "end": end,
        "may_draw": holds_any(user, DRAWERS),
        "may_see": _may_see(user),
    }
    return render(request, "web/evaluations/figures.html", context)


@login_required
def evaluation_list(request: HttpRequest) -> HttpResponse:
    qs: QuerySet[Evaluation] = Evaluation.objects.restrict(request.user).select_related(
        "application", "hall", "window", "item", "appeal"
    )
    filterset = EvaluationFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows.order_by("-rated_at", "-id"), PER_PAGE)
    context = {"filterset": filterset, "page": page, "querystring": querystring_without(request, "page")}
    return render(request, "web/evaluations/list.html", context)


def _evaluation(user: Any, pk: int) -> Evaluation:
    ev: Evaluation | None = (
        Evaluation.objects.restrict(user)
        .select_related("application", "hall__territory", "window", "item", "department", "staff")
        .filter(pk=pk)
        .first()
    )
    if ev is None:
        raise Http404(_("评价不存在"))
    return ev


class AppealForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("申诉理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


def _evaluation_context(request: HttpRequest, ev: Evaluation, appeal_form: AppealForm | None = None) -> dict[str, Any]:
    user = request.user
    appeal: Appeal | None = Appeal.objects.filter(evaluation=ev).first()
    may_appeal = (
        appeal is None and ev.is_bad and not ev.excluded and acts_for_hall(user, ev.hall, HALL_ROLES, ev.department_id)
    )
    reviews = []
    if appeal is not None:
        reviews = [
            {"transition": t, "form": StepForm(transition=t, obj=appeal, user=user)}
            for t in APPEAL_WORKFLOW.available(user, appeal, appeal.status)
        ]
    return {
        "evaluation": ev,
        "phone": mask_phone(ev.rater_phone or ""),
        "reasons": [str(Reason(x).label) for x in ev.reasons if x in Reason.values],
        "appeal": appeal,
        "may_appeal": may_appeal,
        "appeal_form": appeal_form or AppealForm(),
        "reviews": reviews,
        "rectifications": list(ev.rectifications.order_by("opened_at")),
    }


@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ev = _evaluation(request.user, pk)
    return render(request, "web/evaluations/detail.html", _evaluation_context(request, ev))


@login_required
def evaluation_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    ev = _evaluation(request.user, pk)
    if request.method != "POST":
        return redirect("web:evaluations_detail", pk=ev.pk)
    form = AppealForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            appeal_file(actor=request.user, evaluation=ev, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            status = exc.http_status
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已提出申诉，等待复核"))
            return redirect("web:evaluations_detail", pk=ev.pk)
    return render(request, "web/evaluations/detail.html", _evaluation_context(request, ev, form), status=status)


@login_required
def appeal_review(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    user = request.user
    appeal: Appeal | None = Appeal.objects.restrict(user).select_related("evaluation").filter(pk=pk).first()
    if appeal is None:
        raise Http404
    t = APPEAL_WORKFLOW.get(name)
    if t is None or request.method != "POST":
        raise Http404
    form = StepForm(request.POST, transition=t, obj=appeal, user=user)
    target = reverse("web:evaluations_detail", args=[appeal.evaluation_id])
    done, status, message = run_step(
        request,
        form,
        lambda: appeal_transition(actor=user, appeal=appeal, name=name, **form.payload()),
        label=str(t.label),
        target=target,
    )
    if done is not None:
        return done
    messages.error(request, message)
    ev = _evaluation(user, appeal.evaluation_id)
    return render(request, "web/evaluations/detail.html", _evaluation_context(request, ev), status=status)


@login_required
def rectification_list(request: HttpRequest) -> HttpResponse:
    qs: QuerySet[Rectification] = Rectification.objects.restrict(request.user).select_related(
        "application", "hall", "window", "item", "department"
    )
    filterset = RectificationFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows.order_by("due_at", "id"), PER_PAGE)
    now = timezone.now()
    for r in page.object_list:
        r.is_overdue = is_overdue(r, now)  # type: ignore[attr-defined]
    context = {"filterset": filterset, "page": page, "querystring": querystring_without(request, "page")}
    return render(request, "web/evaluations/rectifications.html", context)


def _rectification(user: Any, pk: int) -> Rectification:
    r: Rectification | None = (
        Rectification.objects.restrict(user)
        .select_related("application", "hall__territory", "window", "item", "department", "evaluation__appeal")
        .filter(pk=pk)
        .first()
    )
    if r is None:
        raise Http404(_("整改记录不存在"))
    return r


def _rectification_context(
    request: HttpRequest, r: Rectification, bound: dict[str, StepForm] | None = None
) -> dict[str, Any]:
    user = request.user
    actions = [
        {"transition": t, "form": (bound or {}).get(t.name) or StepForm(transition=t, obj=r, user=user)}
        for t in RECTIFICATION_WORKFLOW.available(user, r, r.status)
    ]
    labels = RECTIFICATION_WORKFLOW.labels()
    events = list(r.events.order_by("at", "id"))
    for e in events:
        e.label = labels.get(e.action, e.action)  # type: ignore[attr-defined]
    return {"r": r, "actions": actions, "events": events, "overdue": is_overdue(r)}


@login_required
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    r = _rectification(request.user, pk)
    return render(request, "web/evaluations/rectification.html", _rectification_context(request, r))


@login_required
def rectification_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    user = request.user
    r = _rectification(user, pk)
    t = RECTIFICATION_WORKFLOW.get(name)
    if t is None:
        raise Http404
    if request.method != "POST":
        return redirect("web:evaluations_rectification", pk=r.pk)
    form = StepForm(request.POST, transition=t, obj=r, user=user)
    done, status, message = run_step(
        request,
        form,
        lambda: rectification_transition(actor=user, rectification=r, name=name, **form.payload()),
        label=str(t.label),
        target=reverse("web:evaluations_rectification", args=[r.pk]),
    )
    if done is not None:
        return done
    if is_htmx(request):
        context = {"item": {"transition": t, "form": form}, "r": r, "error": message}
        return render(request, "web/evaluations/action_form.html", context, status=status)
    messages.error(request, message)
    r = _rectification(user, pk)
    return render(
        request, "web/evaluations/rectification.html", _rectification_context(request, r, {name: form}), status=status
    )


class DrawForm(forms.Form):
    month = forms.RegexField(label=gettext_lazy("月份"), regex=r"^20\d{2}-(0[1-9]|1[0-2])$", help_text="YYYY-MM")
    share = forms.DecimalField(
        label=gettext_lazy("抽取比例"), min_value=0, max_value=1, decimal_places=4, required=False
    )
    seed = forms.IntegerField(label=gettext_lazy("随机种子"), min_value=0)


@login_required
def callback_draws(request: HttpRequest) -> HttpResponse:
    """The monthly draws, and the form to draw last month."""
    user = request.user
    if not holds_any(user, HALL_ROLES):
        raise Http404
    may_draw = holds_any(user, DRAWERS)
    status = 200
    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    if request.method == "POST":
        if not may_draw:
            raise DjangoPermissionDenied
        form = DrawForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                draw, created = callback_draw(
                    actor=user,
                    month=dt.datetime.strptime(d["month"], "%Y-%m").date(),
                    seed=d["seed"],
                    share=d.get("share"),
                )
            except DomainError as exc:
                status = exc.http_status
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已抽取") if created else _("该月已按相同参数抽取，显示已记录的结果"))
                return redirect("web:evaluations_draw", pk=draw.pk)
        else:
            status = 400
    else:
        form = DrawForm(initial={"month": f"{last_month:%Y-%m}", "seed": int(f"{last_month:%Y%m}")})
    draws = list(CallbackDraw.objects.order_by("-month")[:24])
    context = {"draws": draws, "form": form, "may_draw": may_draw, "rounding": ROUNDING}
    return render(request, "web/evaluations/draws.html", context, status=status)


@login_required
def callback_draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A draw's parameters and counts, and its tasks in the user's scope (the callers' list)."""
    user = request.user
    if not holds_any(user, HALL_ROLES):
        raise Http404
    draw = CallbackDraw.objects.filter(pk=pk).first()
    if draw is None:
        raise Http404
    qs: QuerySet[CallbackTask] = (
        CallbackTask.objects.restrict(user).filter(draw=draw).select_related("application", "hall", "item")
    )
    filterset = CallbackTaskFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows.order_by("status", "id"), PER_PAGE)
    for t in page.object_list:
        t.phone = mask_phone(t.application.applicant_phone or "")  # type: ignore[attr-defined]
    context = {"draw": draw, "filterset": filterset, "page": page, "querystring": querystring_without(request, "page")}
    return render(request, "web/evaluations/draw.html", context)


class OutcomeForm(forms.Form):
    reached = forms.TypedChoiceField(
        label=gettext_lazy("是否接通"),
        choices=(("1", gettext_lazy("已接通")), ("0", gettext_lazy("无法联系"))),
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    satisfied = forms.TypedChoiceField(
        label=gettext_lazy("是否满意"),
        choices=(("", "—"), ("1", gettext_lazy("满意")), ("0", gettext_lazy("不满意"))),
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
    )
    problems = forms.CharField(
        label=gettext_lazy("发现的问题（填写后转整改）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(
        label=gettext_lazy("回访记录"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


def _task(user: Any, pk: int) -> CallbackTask:
    t: CallbackTask | None = (
        CallbackTask.objects.restrict(user)
        .select_related("application", "hall__territory", "item", "draw", "window", "evaluation")
        .filter(pk=pk)
        .first()
    )
    if t is None:
        raise Http404(_("回访任务不存在"))
    return t


def _task_context(user: Any, t: CallbackTask, form: OutcomeForm | None = None, phone: str = "") -> dict[str, Any]:
    may_call = acts_for_hall(user, t.hall, CALLERS)
    return {
        "task": t,
        "form": form or OutcomeForm(),
        "may_call": may_call and t.status == CallbackStatus.PENDING,
        "may_reveal": may_call,
        "phone": phone or mask_phone(t.application.applicant_phone or ""),
        "revealed": bool(phone),
        "rectifications": list(t.rectifications.all()),
    }


@login_required
def callback_task(request: HttpRequest, pk: int) -> HttpResponse:
    """A callback task: the applicant (phone masked), and the outcome form for the callers."""
    user = request.user
    t = _task(user, pk)
    status = 200
    form = None
    if request.method == "POST":
        form = OutcomeForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                callback_task_record(
                    actor=user,
                    task=t,
                    reached=d["reached"],
                    satisfied=d.get("satisfied"),
                    problems=d.get("problems", ""),
                    note=d.get("note", ""),
                )
            except DomainError as exc:
                status = exc.http_status
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已记录回访结果"))
                return redirect("web:evaluations_draw", pk=t.draw_id)
        else:
            status = 400
    return render(request, "web/evaluations/task.html", _task_context(user, t, form), status=status)


@login_required
def callback_task_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant's full number, for a caller: written to the audit trail."""
    user = request.user
    t = _task(user, pk)
    if request.method != "POST":
        return redirect("web:evaluations_task", pk=t.pk)
    try:
        phone = callback_phone_reveal(actor=user, task=t)
    except DomainError as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    return render(request, "web/evaluations/task.html", _task_context(user, t, phone=phone or "—"))


routes: list[URLPattern] = [
    path("hall/rate/w/<int:window_pk>/", rate_window, name="evaluations_rate_window"),
    path("hall/rate/w/<int:window_pk>/qr.<slug:fmt>", rate_window_qr, name="evaluations_rate_window_qr"),
    path("hall/rate/link/<str:token>/", rate_link, name="evaluations_rate_link"),
    path("evaluations/", evaluation_figures, name="evaluations_figures"),
    path("evaluations/ratings/", evaluation_list, name="evaluations_list"),
    path("evaluations/ratings/<int:pk>/", evaluation_detail, name="evaluations_detail"),
    path("evaluations/ratings/<int:pk>/appeal/", evaluation_appeal, name="evaluations_appeal"),
    path("evaluations/appeals/<int:pk>/<slug:name>/", appeal_review, name="evaluations_appeal_review"),
    path("evaluations/rectifications/", rectification_list, name="evaluations_rectifications"),
    path("evaluations/rectifications/<int:pk>/", rectification_detail, name="evaluations_rectification"),
    path(
        "evaluations/rectifications/<int:pk>/act/<slug:name>/", rectification_act, name="evaluations_rectification_act"
    ),
    path("evaluations/callbacks/", callback_draws, name="evaluations_draws"),
    path("evaluations/callbacks/<int:pk>/", callback_draw_detail, name="evaluations_draw"),
    path("evaluations/callbacks/tasks/<int:pk>/", callback_task, name="evaluations_task"),
    path("evaluations/callbacks/tasks/<int:pk>/reveal/", callback_task_reveal, name="evaluations_task_reveal"),
]
