"""Pages of 共商共治, wired by wangge.web.urls through ``routes``: the home page (the tasks' figures, the overdue
ones, the meetings, the 红色物业 小区 and 分包), a meeting recorded with its resolutions and follow-up tasks, a
meeting's page with each task's steps (办结, 撤销, 重新落实), a 红色物业 page (the three parties, 亮牌 staff,
述职评议, the residents' ratings and the QR code of its public page), the public 亮牌 rating page (no login,
rate-limited per address), the 分包 list and the map layer of 分包 (GeoJSON).

Everything is scoped: a meeting, task, 小区 or assignment outside the user's scope answers 404. The services
decide every write.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from wangge.accounts.models import Unit
from wangge.cogovernance.choices import ASSIGNMENT_COLOURS, STARS, AssignmentKind, MeetingKind, Reviewer
from wangge.cogovernance.deadlines import is_overdue
from wangge.cogovernance.filtersets import AssignmentFilterSet, MeetingFilterSet
from wangge.cogovernance.models import BadgeStaff, FollowUpTask, Meeting, RedProperty
from wangge.cogovernance.selectors import (
    DEFINITIONS,
    assignment_geometry,
    assignments,
    meeting_rows,
    overdue_tasks,
    properties,
    property_figures,
    staff_figures,
    task_figures,
)
from wangge.cogovernance.services import (
    assignment_end,
    assignment_save,
    may_assign,
    may_convene,
    meeting_record,
    property_register,
    rating_submit,
    review_record,
    staff_add,
    staff_remove,
)
from wangge.cogovernance.services import task_transition as run_task_transition
from wangge.cogovernance.workflow import EVENT_LABELS, TRANSITIONS, available
from wangge.core.actors import CITIZEN
from wangge.core.errors import DomainError
from wangge.ledgers.models import Estate
from wangge.places.models import Point
from wangge.territory.choices import TerritoryKind
from wangge.territory.maps import display_points
from wangge.territory.models import Territory
from wangge.web.filters import tune_form
from wangge.web.views.common import client_ip, is_htmx, paginate, querystring_without, run_step
from wangge.web.views.party import capped
from wangge.web.views.qr import qr_response
from wangge.web.workflow_forms import StepForm

PER_PAGE = 30
CHOICE_LIMIT = 500

# --- helpers -------------------------------------------------------------------------------------------------


def get_meeting(user: Any, pk: int) -> Meeting:
    m: Meeting | None = (
        Meeting.objects.restrict(user).select_related("territory", "estate", "convened_by").filter(pk=pk).first()
    )
    if m is None:
        raise Http404(_("会议不存在"))
    return m


def get_task(user: Any, pk: int) -> FollowUpTask:
    t: FollowUpTask | None = (
        FollowUpTask.objects.restrict(user).select_related("meeting", "meeting__territory").filter(pk=pk).first()
    )
    if t is None:
        raise Http404(_("落实事项不存在"))
    return t


def get_property(user: Any, pk: int) -> RedProperty:
    p: RedProperty | None = properties(user).filter(pk=pk).first()
    if p is None:
        raise Http404(_("小区不存在"))
    return p


class TaskStepForm(StepForm):
    """The inputs of one task step, generated from its row in ``cogovernance.workflow``."""


def _task_actions(user: Any, task: FollowUpTask, bound: dict[str, TaskStepForm] | None = None) -> list[dict[str, Any]]:
    return [
        {"transition": t, "form": (bound or {}).get(t.name) or TaskStepForm(transition=t, obj=task, user=user)}
        for t in available(user, task)
    ]


# --- home ----------------------------------------------------------------------------------------------------


@login_required
def cogov_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    scoped: QuerySet[Meeting] = Meeting.objects.restrict(user)
    filterset = MeetingFilterSet(request.GET or None, queryset=scoped.order_by("-held_on", "-id"), request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else scoped.order_by("-held_on", "-id")
    page = paginate(request, meeting_rows(rows, now), PER_PAGE)
    top = Territory.objects.restrict(user).order_by("depth", "path").first()
    context = {
        "figures": task_figures(FollowUpTask.objects.restrict(user), now),
        "overdue": list(overdue_tasks(user, now)[:20]),
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "properties": list(properties(user).order_by("estate__code")[:50]),
        "assignments": assignments(user).filter(is_active=True).count(),
        "definitions": DEFINITIONS,
        "may_convene": top is not None and may_convene(user, top.path),
    }
    return render(request, "web/cogovernance/home.html", context)


# --- meetings ------------------------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("会议类型"), choices=MeetingKind.choices)
    title = forms.CharField(label=gettext_lazy("议题"), max_length=150)
    territory = forms.ModelChoiceField(label=gettext_lazy("所在社区/网格"), queryset=Territory.objects.none())
    estate = forms.ModelChoiceField(
        label=gettext_lazy("小区（联席会议必选）"), queryset=Estate.objects.none(), required=False
    )
    held_on = forms.DateField(label=gettext_lazy("会议日期"), widget=forms.DateInput(attrs={"type": "date"}))
    location = forms.CharField(label=gettext_lazy("地点"), max_length=120, required=False)
    attendance = forms.IntegerField(label=gettext_lazy("参会人数"), min_value=0, required=False)
    agenda = forms.CharField(label=gettext_lazy("议程"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    participants = forms.CharField(
        label=gettext_lazy("参会人员（每行一人或一方）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    summary = forms.CharField(label=gettext_lazy("会议纪要"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    resolutions = forms.CharField(
        label=gettext_lazy("决议（每行一条）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    tasks = forms.CharField(
        label=gettext_lazy("落实事项（每行：事项｜责任人｜工作日数｜决议序号）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("例如：清理楼道堆物｜物业公司｜5｜1"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["territory"].queryset = capped(
            Territory.objects.restrict(user)
            .filter(kind__in=[TerritoryKind.STREET, TerritoryKind.COMMUNITY, TerritoryKind.GRID])
            .order_by("path")
        )
        fields["estate"].queryset = capped(Estate.objects.restrict(user).order_by("code"))
        self.initial.setdefault("held_on", timezone.localdate())

    def task_specs(self) -> list[dict[str, Any]]:
        specs = []
        for line in str(self.cleaned_data.get("tasks") or "").splitlines():
            parts = [p.strip() for p in line.replace("|", "｜").split("｜")]
            if not parts or not parts[0]:
                continue
            parts += [""] * (4 - len(parts))
            specs.append(
                {
                    "title": parts[0],
                    "owner_name": parts[1],
                    "deadline_days": parts[2] or 5,
                    "resolution": parts[3] or None,
                }
            )
        return specs


@login_required
def cogov_meeting_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    status = 200
    form = MeetingForm(request.POST or None, user=user)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                meeting = meeting_record(
                    actor=user,
                    kind=d["kind"],
                    title=d["title"],
                    territory=d["territory"],
                    estate=d["estate"],
                    held_on=d["held_on"],
                    location=d["location"],
                    attendance=d["attendance"] or 0,
                    agenda=d["agenda"],
                    participants=d["participants"],
                    summary=d["summary"],
                    resolutions=str(d["resolutions"] or "").splitlines(),
                    tasks=form.task_specs(),
                )
            except DomainError as exc:
                status = exc.http_status
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("会议已记录"))
                return redirect("web:cogov_meeting", pk=meeting.pk)
    return render(request, "web/cogovernance/meeting_form.html", {"form": form}, status=status)


def _meeting_context(
    request: HttpRequest, m: Meeting, bound: dict[int, dict[str, TaskStepForm]] | None = None
) -> dict[str, Any]:
    user = request.user
    now = timezone.now()
    tasks: list[FollowUpTask] = list(
        FollowUpTask.objects.restrict(user).filter(meeting=m).select_related("resolution").order_by("deadline", "id")
    )
    for t in tasks:
        t.overdue = is_overdue(t, now)  # type: ignore[attr-defined]
        t.actions = _task_actions(user, t, (bound or {}).get(t.pk))  # type: ignore[attr-defined]
        events = list(t.events.order_by("at", "id"))
        for ev in events:
            ev.label = EVENT_LABELS.get(ev.action, ev.action)  # type: ignore[attr-defined]
        t.history = events  # type: ignore[attr-defined]
    return {
        "meeting": m,
        "resolutions": list(m.resolutions.order_by("number")),
        "tasks": tasks,
        "figures": task_figures(FollowUpTask.objects.restrict(user).filter(meeting=m), now),
    }


@login_required
def cogov_meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    m = get_meeting(request.user, pk)
    return render(request, "web/cogovernance/meeting.html", _meeting_context(request, m))


@login_required
def cogov_task_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    user = request.user
    task = get_task(user, pk)
    if request.method != "POST":
        return redirect("web:cogov_meeting", pk=task.meeting_id)
    t = TRANSITIONS.get(name)
    if t is None:
        raise Http404
    form = TaskStepForm(request.POST, transition=t, obj=task, user=user)
    target = reverse("web:cogov_meeting", args=[task.meeting_id])
    done, status, message = run_step(
        request,
        form,
        lambda: run_task_transition(actor=user, task=task, name=name, **form.payload()),
        label=str(t.label),
        target=target,
    )
    if done is not None:
        return done
    if is_htmx(request):
        context = {"item": {"transition": t, "form": form}, "task": task, "error": message}
        return render(request, "web/cogovernance/action_form.html", context, status=status)
    messages.error(request, message)
    m = get_meeting(user, task.meeting_id)
    return render(
        request, "web/cogovernance/meeting.html", _meeting_context(request, m, {task.pk: {name: form}}), status=status
    )


# --- 红色物业 --------------------------------------------------------------------------------------------------


def _public_url(request: HttpRequest, prop: RedProperty) -> str:
    return request.build_absolute_uri(reverse("web:cogov_rate", args=[prop.public_token]))


class PropertyForm(forms.Form):
    """三方联动 of a 小区: the property company and its party branch, the owners' committee."""

    estate = forms.ModelChoiceField(label=gettext_lazy("小区"), queryset=Estate.objects.none())
    company = forms.CharField(label=gettext_lazy("物业服务企业"), max_length=120)
    company_branch = forms.CharField(label=gettext_lazy("物业企业党组织"), max_length=120, required=False)
    manager_name = forms.CharField(label=gettext_lazy("项目经理"), max_length=50, required=False)
    owners_committee = forms.CharField(label=gettext_lazy("业主委员会"), max_length=120, required=False)
    committee_chair = forms.CharField(label=gettext_lazy("业委会主任"), max_length=50, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["estate"]
        field.queryset = capped(Estate.objects.restrict(user).select_related("community").order_by("code"))


class StaffForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    post = forms.CharField(label=gettext_lazy("岗位"), max_length=50)
    badge_no = forms.CharField(label=gettext_lazy("亮牌编号"), max_length=20)
    is_party_member = forms.BooleanField(label=gettext_lazy("党员"), required=False)


class ReviewForm(forms.Form):
    period = forms.CharField(label=gettext_lazy("评议期"), max_length=40, help_text=gettext_lazy("例如：2026年下半年"))
    held_on = forms.DateField(label=gettext_lazy("评议日期"), widget=forms.DateInput(attrs={"type": "date"}))
    reviewer = forms.ChoiceField(label=gettext_lazy("评议方"), choices=Reviewer.choices)
    score = forms.DecimalField(
        label=gettext_lazy("得分（0–100）"), min_value=0, max_value=100, max_digits=4, decimal_places=1
    )
    note = forms.CharField(
        label=gettext_lazy("评议意见"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("held_on", timezone.localdate())


def _property_context(
    request: HttpRequest, prop: RedProperty, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    user = request.user
    bound = bound or {}
    joint = meeting_rows(Meeting.objects.restrict(user).filter(estate=prop.estate)).order_by("-held_on")[:20]
    may = may_convene(user, prop.estate.community.path)
    context: dict[str, Any] = {
        "prop": prop,
        "figures": property_figures(prop),
        "staff": staff_figures(prop),
        "reviews": list(prop.reviews.order_by("-held_on", "reviewer")[:30]),
        "ratings": list(prop.ratings.select_related("staff").order_by("-created_at")[:20]),
        "meetings": list(joint),
        "public_url": _public_url(request, prop),
        "may_convene": may,
    }
    if may:
        context["staff_form"] = bound.get("staff") or StaffForm()
        context["review_form"] = bound.get("review") or ReviewForm()
    return context


@login_required
def cogov_property_detail(request: HttpRequest, pk: int) -> HttpResponse:
    prop = get_property(request.user, pk)
    return render(request, "web/cogovernance/property.html", _property_context(request, prop))


@login_required
def cogov_property_register(request: HttpRequest) -> HttpResponse:
    """Register a 小区's 红色物业, or change it (``?estate=<pk>`` fills in the current one)."""
    user = request.user
    initial: dict[str, Any] = {}
    raw = request.GET.get("estate", "")
    if raw.isdigit():
        current = properties(user).filter(estate_id=int(raw)).first()
        initial = {"estate": int(raw)}
        if current is not None:
            initial.update(
                company=current.company,
                company_branch=current.company_branch,
                manager_name=current.manager_name,
                owners_committee=current.owners_committee,
                committee_chair=current.committee_chair,
            )
    status = 200
    form = PropertyForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                prop = property_register(
                    actor=user,
                    estate=d["estate"],
                    company=d["company"],
                    company_branch=d["company_branch"],
                    manager_name=d["manager_name"],
                    owners_committee=d["owners_committee"],
                    committee_chair=d["committee_chair"],
                )
            except DomainError as exc:
                status = exc.http_status
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已保存"))
                return redirect("web:cogov_property", pk=prop.pk)
    return render(request, "web/cogovernance/property_form.html", {"form": form}, status=status)


@login_required
def cogov_property_act(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """The conveners' forms of a 红色物业 page: ``staff`` (add a 亮牌 member), ``staff-remove``, ``review``."""
    user = request.user
    prop = get_property(user, pk)
    if request.method != "POST" or what not in {"staff", "staff-remove", "review"}:
        return redirect("web:cogov_property", pk=prop.pk)
    if what == "staff-remove":
        raw = request.POST.get("staff", "")
        member: BadgeStaff | None = prop.staff.filter(pk=int(raw)).first() if raw.isdigit() else None
        if member is None:
            raise Http404
        try:
            staff_remove(actor=user, staff=member)
        except DomainError as exc:
            messages.error(request, exc.message)
            context = _property_context(request, prop)
            return render(request, "web/cogovernance/property.html", context, status=exc.http_status)
        messages.success(request, _("已离岗"))
        return redirect("web:cogov_property", pk=prop.pk)
    form: forms.Form = StaffForm(request.POST) if what == "staff" else ReviewForm(request.POST)
    status = 400
    if form.is_valid():
        d = form.cleaned_data
        try:
            if what == "staff":
                staff_add(
                    actor=user,
                    property=prop,
                    name=d["name"],
                    post=d["post"],
                    badge_no=d["badge_no"],
                    is_party_member=d["is_party_member"],
                )
            else:
                review_record(
                    actor=user,
                    property=prop,
                    period=d["period"],
                    held_on=d["held_on"],
                    reviewer=d["reviewer"],
                    score=d["score"],
                    note=d["note"],
                )
        except DomainError as exc:
            status = exc.http_status
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存"))
            return redirect("web:cogov_property", pk=prop.pk)
    bound = {"staff" if what == "staff" else "review": form}
    return render(request, "web/cogovernance/property.html", _property_context(request, prop, bound), status=status)


@login_required
def cogov_property_qr(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    prop = get_property(request.user, pk)
    return qr_response(_public_url(request, prop), fmt, f"rating-{prop.estate.code}")


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=gettext_lazy("评分"), choices=STARS, coerce=int, widget=forms.RadioSelect, initial=5
    )
    staff = forms.ChoiceField(label=gettext_lazy("服务人员（选填）"), required=False)
    comment = forms.CharField(
        label=gettext_lazy("意见建议（选填）"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, prop: RedProperty, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["staff"]
        field.choices = [("", "—")] + [
            (str(s.pk), f"{s.badge_no} {s.name}（{s.post}）")
            for s in prop.staff.filter(is_active=True).order_by("badge_no")
        ]


def cogov_rate(request: HttpRequest, token: str) -> HttpResponse:
    """The public 亮牌 page of a 小区 (its QR code): the property company, the staff with their badges, and a
    rating form. No login; ratings are counted per address (``rating_submit``)."""
    prop = RedProperty.objects.select_related("estate").filter(public_token=token).first()
    if prop is None:
        raise Http404
    status = 200
    form = RatingForm(request.POST or None, prop=prop)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            staff = prop.staff.filter(pk=int(d["staff"])).first() if str(d.get("staff") or "").isdigit() else None
            try:
                rating_submit(
                    actor=CITIZEN,
                    property=prop,
                    stars=d["stars"],
                    staff=staff,
                    comment=d["comment"],
                    client_key=client_ip(request) or "-",
                )
            except DomainError as exc:
                status = exc.http_status
                form.add_error(None, exc.message)
            else:
                return render(request, "web/cogovernance/rate.html", {"prop": prop, "done": True})
    badges = list(prop.staff.filter(is_active=True).order_by("badge_no"))
    return render(request, "web/cogovernance/rate.html", {"prop": prop, "form": form, "staff": badges}, status=status)


# --- 分包 ------------------------------------------------------------------------------------------------------


class AssignmentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("分包类型"), choices=AssignmentKind.choices)
    territory = forms.ModelChoiceField(
        label=gettext_lazy("社区（分包社区）"), queryset=Territory.objects.none(), required=False
    )
    point = forms.ModelChoiceField(label=gettext_lazy("路段/路口点位"), queryset=Point.objects.none(), required=False)
    leader_name = forms.CharField(label=gettext_lazy("分包领导"), max_length=50, required=False)
    leader_title = forms.CharField(label=gettext_lazy("职务"), max_length=60, required=False)
    unit = forms.ModelChoiceField(label=gettext_lazy("分包单位"), queryset=Unit.objects.none(), required=False)
    unit_name = forms.CharField(label=gettext_lazy("或：分包单位名称（如文明单位）"), max_length=100, required=False)
    duty = forms.CharField(label=gettext_lazy("分包职责"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["territory"].queryset = capped(
            Territory.objects.restrict(user).filter(kind=TerritoryKind.COMMUNITY).order_by("path")
        )
        fields["point"].queryset = capped(
            Point.objects.restrict(user).filter(type__key__in=["road", "intersection"]).order_by("code")
        )
        fields["unit"].queryset = capped(Unit.objects.order_by("code"))


@login_required
def cogov_assignments(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs = assignments(user).order_by("kind", "territory__path", "id")
    filterset = AssignmentFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs.filter(is_active=True)
    top = Territory.objects.restrict(user).order_by("depth", "path").first()
    status = 200
    form = AssignmentForm(user=user)
    if request.method == "POST":
        if request.POST.get("end"):
            a = qs.filter(pk=request.POST["end"]).first() if request.POST["end"].isdigit() else None
            if a is None:
                raise Http404
            try:
                assignment_end(actor=user, assignment=a)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("已结束分包"))
            return redirect("web:cogov_assignments")
        form = AssignmentForm(request.POST, user=user)
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                assignment_save(
                    actor=user,
                    kind=d["kind"],
                    territory=d["territory"],
                    point=d["point"],
                    leader_name=d["leader_name"],
                    leader_title=d["leader_title"],
                    unit=d["unit"],
                    unit_name=d["unit_name"],
                    duty=d["duty"],
                )
            except DomainError as exc:
                status = exc.http_status
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已保存"))
                return redirect("web:cogov_assignments")
    page = paginate(request, rows, 50)
    for a in page.object_list:
        a.may_end = a.is_active and may_assign(user, a.territory.path)  # type: ignore[attr-defined]
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "form": form,
        "may_assign": top is not None and may_assign(user, top.path),
    }
    return render(request, "web/cogovernance/assignments.html", context, status=status)


@login_required
@require_GET
def cogov_assignments_map(request: HttpRequest) -> JsonResponse:
    """The 分包 in force the user sees as a GeoJSON FeatureCollection in the tiles' datum (a community at its
    centroid, an intersection at its point, a road section as its line or point): ``name``, ``kind``,
    ``kind_label``, ``responsible``, ``duty``, ``colour``, ``url`` (the 分包 list of its node)."""
    rows = list(assignments(request.user).filter(is_active=True))
    base = reverse("web:cogov_assignments")
    features = []
    for a in rows:
        geometry = assignment_geometry(a)
        if geometry is None:
            continue
        coords = geometry["coordinates"] if geometry["type"] == "LineString" else [geometry["coordinates"]]
        xs, ys = display_points([float(c[0]) for c in coords], [float(c[1]) for c in coords])
        shown = [[x, y] for x, y in zip(xs, ys, strict=True)]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": shown}
                if geometry["type"] == "LineString"
                else {"type": "Point", "coordinates": shown[0]},
                "properties": {
                    "name": a.point.name if a.point else a.territory.name,
                    "kind": a.kind,
                    "kind_label": str(AssignmentKind(a.kind).label),
                    "responsible": a.responsible,
                    "leader_title": a.leader_title,
                    "duty": a.duty,
                    "colour": ASSIGNMENT_COLOURS[a.kind],
                    "url": f"{base}?territory={a.territory.code}",
                },
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


routes: list[URLPattern] = [
    path("cogovernance/", cogov_home, name="cogov_home"),
    path("cogovernance/meetings/new/", cogov_meeting_new, name="cogov_meeting_new"),
    path("cogovernance/meetings/<int:pk>/", cogov_meeting_detail, name="cogov_meeting"),
    path("cogovernance/tasks/<int:pk>/act/<slug:name>/", cogov_task_act, name="cogov_task_act"),
    path("cogovernance/properties/register/", cogov_property_register, name="cogov_property_register"),
    path("cogovernance/properties/<int:pk>/", cogov_property_detail, name="cogov_property"),
    path("cogovernance/properties/<int:pk>/act/<slug:what>/", cogov_property_act, name="cogov_property_act"),
    path("cogovernance/properties/<int:pk>/qr.<str:fmt>", cogov_property_qr, name="cogov_property_qr"),
    path("cogovernance/assignments/", cogov_assignments, name="cogov_assignments"),
    path("cogovernance/assignments.geojson", cogov_assignments_map, name="cogov_assignments_map"),
    path("rate/property/<slug:token>/", cogov_rate, name="cogov_rate"),
]
