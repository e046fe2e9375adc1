"""Pages of 调度会与交办 (``wangge.meetings``): the meetings by day, a meeting with its issues and tasks (the record
edited, issues added and split into tasks while it is a draft; 定稿), the tasks the user may see — a unit's handler
sees its unit's tasks, phone first, to sign and report progress — a task with its history and photos, the printable
交办单 of a unit (page and PDF) and the .xlsx list of tasks.

Everything is scoped: a meeting or task outside the user's ``view`` scope answers 404 like a missing one. The step
forms are generated from ``meetings.workflow``; the services decide every write.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wangge.accounts import permissions
from wangge.accounts.models import Unit
from wangge.core import audit, files
from wangge.core.errors import DomainError
from wangge.core.workflow import Transition
from wangge.meetings.choices import OPEN_TASK_STATUSES, IssueSource, MeetingKind
from wangge.meetings.deadlines import is_overdue, open_q, overdue_q
from wangge.meetings.documents import tasks_xlsx
from wangge.meetings.documents import unit_sheet_pdf as unit_sheet_pdf_bytes
from wangge.meetings.filtersets import MeetingFilterSet, TaskFilterSet
from wangge.meetings.models import Issue, Meeting, Task, TaskPhoto
from wangge.meetings.services import (
    issue_create,
    issue_split,
    meeting_create,
    meeting_transition,
    meeting_update,
    task_transition,
)
from wangge.meetings.workflow import (
    COORDINATORS,
    MEETING_EVENT_LABELS,
    MEETING_WORKFLOW,
    TASK_EVENT_LABELS,
    TASK_WORKFLOW,
    available,
    meeting_available,
)
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.web.filters import tune_form
from wangge.web.views.common import client_ip, paginate, querystring_without, run_step
from wangge.web.workflow_forms import StepForm

PER_PAGE = 30
SPLIT_ROWS = 4


# --- forms ---------------------------------------------------------------------------------------------------


def _units_for(meeting: Meeting) -> QuerySet[Unit]:
    """Units at or above the meeting's node, or under it: the ones a task of it may go to."""
    p = meeting.territory.path
    ancestors = [p[:i] for i in range(Territory.steplen, len(p) + 1, Territory.steplen)]
    return (
        Unit.objects.filter(Q(territory__path__in=ancestors) | Q(territory__path__startswith=p), is_active=True)
        .exclude(kind="command_centre")
        .order_by("kind", "code")
    )


def _unit_field(obj: Any, user: Any, i: Any) -> forms.Field:
    return forms.ModelChoiceField(label=i.label, queryset=_units_for(obj.meeting), required=i.required)


class TaskStepForm(StepForm):
    refs = {"unit": _unit_field}


def coordinated_nodes(user: Any) -> QuerySet[Territory]:
    """The districts and streets whose meetings ``user`` records."""
    visible = Territory.objects.restrict(user).filter(kind__in=[TerritoryKind.DISTRICT, TerritoryKind.STREET])
    ids = [n.pk for n in visible.order_by("path")[:200] if permissions.has_role_over(user, COORDINATORS, n.path)]
    return Territory.objects.filter(pk__in=ids).order_by("path")


class MeetingForm(forms.Form):
    territory = forms.ModelChoiceField(label=gettext_lazy("召开辖区"), queryset=Territory.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("会议类型"), choices=MeetingKind.choices, initial=MeetingKind.DAILY)
    held_on = forms.DateField(label=gettext_lazy("会议日期"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(
        label=gettext_lazy("开始时间"), initial=dt.time(18, 0), widget=forms.TimeInput(attrs={"type": "time"})
    )
    title = forms.CharField(label=gettext_lazy("会议名称（选填）"), max_length=200, required=False)
    place = forms.CharField(label=gettext_lazy("会议地点（选填）"), max_length=200, required=False)
    chair_name = forms.CharField(label=gettext_lazy("主持人"), max_length=100, required=False)
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("参会单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_attendees = forms.CharField(
        label=gettext_lazy("参会人员"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nodes = coordinated_nodes(user)
        self.fields["territory"].queryset = nodes  # type: ignore[attr-defined]
        paths = [n.path for n in nodes]
        q = Q(pk__in=[])
        for p in paths:
            q |= Q(territory__path__startswith=p)
        self.fields["units"].queryset = Unit.objects.filter(q, is_active=True).order_by("kind", "code")  # type: ignore[attr-defined]
        self.initial.setdefault("held_on", timezone.localdate())


class RecordForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("会议名称"), max_length=200)
    place = forms.CharField(label=gettext_lazy("会议地点"), max_length=200, required=False)
    chair_name = forms.CharField(label=gettext_lazy("主持人"), max_length=100, required=False)
    other_attendees = forms.CharField(
        label=gettext_lazy("参会人员"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    decisions = forms.CharField(
        label=gettext_lazy("会议决定"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    minutes = forms.CharField(
        label=gettext_lazy("会议纪要"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 5})
    )


class IssueForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("议题"), max_length=200, required=False)
    source = forms.ChoiceField(label=gettext_lazy("来源"), choices=IssueSource.choices, initial=IssueSource.SUPERVISION)
    work_order = forms.CharField(
        label=gettext_lazy("工单查询码（选填）"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("填写后标题与网格取自工单"),
    )
    description = forms.CharField(
        label=gettext_lazy("问题描述"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    territory = forms.ModelChoiceField(
        label=gettext_lazy("涉及辖区（选填）"), queryset=Territory.objects.none(), required=False
    )
    location = forms.CharField(label=gettext_lazy("地点（选填）"), max_length=200, required=False)
    decision = forms.CharField(
        label=gettext_lazy("会议决定"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = Territory.objects.filter(
            path__startswith=meeting.territory.path, kind__in=[TerritoryKind.STREET, TerritoryKind.COMMUNITY]
        ).order_by("path")
        self.fields["territory"].queryset = qs  # type: ignore[attr-defined]


class SplitForm(forms.Form):
    """Up to four units at once: for each, the requirement and a date or a number of working days."""

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = _units_for(meeting)
        for i in range(SPLIT_ROWS):
            self.fields[f"r{i}_unit"] = forms.ModelChoiceField(
                label=_("责任单位 %(n)s") % {"n": i + 1}, queryset=units, required=i == 0
            )
            self.fields[f"r{i}_requirement"] = forms.CharField(
                label=_("交办要求"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[f"r{i}_deadline"] = forms.DateField(
                label=_("办结日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
            )
            self.fields[f"r{i}_deadline_days"] = forms.IntegerField(
                label=_("或：工作日时限"), required=False, min_value=1, max_value=60
            )

    def rows(self) -> list[list[Any]]:
        names = ("unit", "requirement", "deadline", "deadline_days")
        return [[self[f"r{i}_{n}"] for n in names] for i in range(SPLIT_ROWS)]

    def tasks(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        return [
            {k: d.get(f"r{i}_{k}") for k in ("unit", "requirement", "deadline", "deadline_days")}
            for i in range(SPLIT_ROWS)
            if d.get(f"r{i}_unit")
        ]


# --- helpers -------------------------------------------------------------------------------------------------


def get_meeting(user: Any, pk: int) -> Meeting:
    meeting: Meeting | None = Meeting.objects.restrict(user).select_related("territory").filter(pk=pk).first()
    if meeting is None:
        raise Http404(_("会议不存在"))
    return meeting


def get_task(user: Any, pk: int) -> Task:
    task: Task | None = (
        Task.objects.restrict(user)
        .select_related("meeting__territory", "issue__work_order", "unit__territory")
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise Http404(_("交办事项不存在"))
    return task


def _may_coordinate(user: Any, meeting: Meeting) -> bool:
    return permissions.has_role_over(user, COORDINATORS, meeting.territory.path)


def _errors(request: HttpRequest, form: forms.Form) -> None:
    errors = "；".join(
        f"{form.fields[k].label if k in form.fields else ''}{' '.join(str(e) for e in v)}"
        for k, v in form.errors.items()
    )
    messages.error(request, _("请检查填写的内容：%(errors)s") % {"errors": errors})


def meeting_context(
    request: HttpRequest,
    meeting: Meeting,
    *,
    record_form: RecordForm | None = None,
    issue_form: IssueForm | None = None,
    bound: dict[str, StepForm] | None = None,
) -> dict[str, Any]:
    user = request.user
    coordinator = _may_coordinate(user, meeting)
    draft = meeting.status == "draft"
    now = timezone.now()
    visible_tasks: set[int] = set(Task.objects.restrict(user).filter(meeting=meeting).values_list("pk", flat=True))
    issues = list(meeting.issues.select_related("territory", "work_order").order_by("number", "id"))
    tasks: list[Task] = list(meeting.tasks.select_related("unit").order_by("issue_id", "id"))
    task_row: Task
    for task_row in tasks:
        task_row.overdue = is_overdue(task_row, now)  # type: ignore[attr-defined]
        task_row.visible = task_row.pk in visible_tasks  # type: ignore[attr-defined]
    by_issue = {k: list(v) for k, v in groupby(tasks, key=lambda t: t.issue_id)}
    for issue in issues:
        issue.task_rows = by_issue.get(issue.pk, [])  # type: ignore[attr-defined]
    unit_ids = sorted({t.unit_id for t in tasks if t.pk in visible_tasks})
    events = list(meeting.events.order_by("at", "id"))
    for ev in events:
        ev.label = MEETING_EVENT_LABELS.get(ev.action, ev.action)  # type: ignore[attr-defined]
    actions = []
    for step in meeting_available(user, meeting):
        form = (bound or {}).get(step.name) or StepForm(transition=step, obj=meeting, user=user)
        actions.append({"transition": step, "form": form})
    return {
        "meeting": meeting,
        "issues": issues,
        "coordinator": coordinator,
        "editable": coordinator and draft,
        "record_form": record_form
        or RecordForm(
            initial={
                k: getattr(meeting, k)
                for k in ("title", "place", "chair_name", "other_attendees", "decisions", "minutes")
            }
        ),
        "issue_form": issue_form or IssueForm(meeting=meeting),
        "sheet_units": Unit.objects.filter(pk__in=unit_ids).order_by("code"),
        "events": events,
        "actions": actions,
        "attending_units": list(meeting.units.order_by("code")),
    }


# --- meetings ------------------------------------------------------------------------------------------------


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    """The meetings the user may see, by day, with their counts of issues, tasks and open tasks."""
    user = request.user
    qs: QuerySet[Meeting] = (
        Meeting.objects.restrict(user)
        .select_related("territory")
        .annotate(
            n_issues=Count("issues", distinct=True),
            n_tasks=Count("tasks", distinct=True),
            n_open=Count("tasks", filter=Q(tasks__status__in=sorted(OPEN_TASK_STATUSES)), distinct=True),
        )
        .order_by("-held_on", "-starts_at", "-id")
    )
    filterset = MeetingFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    days = [(day, list(items)) for day, items in groupby(page.object_list, key=lambda m: m.held_on)]
    mine: QuerySet[Task] = Task.objects.restrict(user)
    context = {
        "filterset": filterset,
        "page": page,
        "days": days,
        "querystring": querystring_without(request, "page"),
        "can_create": coordinated_nodes(user).exists(),
        "open_tasks": mine.filter(open_q()).count(),
        "overdue_tasks": mine.filter(overdue_q(timezone.now())).count(),
    }
    return render(request, "web/meetings/list.html", context)


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not coordinated_nodes(user).exists():
        raise Http404(_("您不负责任何辖区的调度会"))
    form = MeetingForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_create(actor=user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已新建会议记录"))
            return redirect("web:meeting_detail", pk=meeting.pk)
    return render(request, "web/meetings/new.html", {"form": form})


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting(request.user, pk)
    return render(request, "web/meetings/detail.html", meeting_context(request, meeting))


@login_required
@require_POST
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting(request.user, pk)
    form = RecordForm(request.POST)
    if form.is_valid():
        try:
            meeting_update(actor=request.user, meeting=meeting, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存会议记录"))
            return redirect("web:meeting_detail", pk=meeting.pk)
    else:
        _errors(request, form)
    context = meeting_context(request, meeting, record_form=form)
    return render(request, "web/meetings/detail.html", context, status=400)


@login_required
@require_POST
def meeting_issue_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    meeting = get_meeting(user, pk)
    form = IssueForm(request.POST, meeting=meeting)
    status = 400
    if form.is_valid():
        d = dict(form.cleaned_data)
        code = d.pop("work_order", "").strip()
        if code:
            from wangge.workorders.models import WorkOrder

            wo: WorkOrder | None = WorkOrder.objects.restrict(user).filter(tracking_code=code).first()
            d["work_order"] = wo.pk if wo else 0
        try:
            issue = issue_create(actor=user, meeting=meeting, **d)
        except DomainError as exc:
            messages.error(request, exc.message)
            status = exc.http_status
        else:
            messages.success(request, _("已新增议题：%(title)s") % {"title": issue.title})
            return redirect(reverse("web:meeting_detail", args=[meeting.pk]) + f"#issue-{issue.pk}")
    else:
        _errors(request, form)
    return render(
        request, "web/meetings/detail.html", meeting_context(request, meeting, issue_form=form), status=status
    )


@login_required
def issue_split_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Split an issue into tasks for up to four units at once."""
    user = request.user
    issue: Issue | None = Issue.objects.select_related("meeting__territory").filter(pk=pk).first()
    if issue is None:
        raise Http404
    meeting = get_meeting(user, issue.meeting_id)
    if not _may_coordinate(user, meeting):
        raise Http404
    if meeting.status != "draft":
        messages.info(request, _("会议记录已定稿，不能再分解交办"))
        return redirect("web:meeting_detail", pk=meeting.pk)
    form = SplitForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            tasks = issue_split(actor=user, issue=issue, tasks=form.tasks())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已交办 %(n)s 个单位") % {"n": len(tasks)})
            return redirect(reverse("web:meeting_detail", args=[meeting.pk]) + f"#issue-{issue.pk}")
    return render(request, "web/meetings/split.html", {"form": form, "issue": issue, "meeting": meeting})


@login_required
@require_POST
def meeting_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    user = request.user
    meeting = get_meeting(user, pk)
    t: Transition | None = MEETING_WORKFLOW.get(name)
    if t is None:
        raise Http404
    form = StepForm(request.POST, transition=t, obj=meeting, user=user)
    done, status, message = run_step(
        request,
        form,
        lambda: meeting_transition(actor=user, meeting=meeting, name=name, **form.payload()),
        label=str(t.label),
        target=reverse("web:meeting_detail", args=[meeting.pk]),
    )
    if done is not None:
        return done
    messages.error(request, message)
    meeting = get_meeting(user, pk)
    return render(
        request, "web/meetings/detail.html", meeting_context(request, meeting, bound={name: form}), status=status
    )


# --- tasks ---------------------------------------------------------------------------------------------------


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    """The tasks the user may see — a unit's handler: its unit's — open first, overdue flagged; phone first."""
    user = request.user
    qs: QuerySet[Task] = (
        Task.objects.restrict(user).select_related("unit", "issue", "meeting").order_by("deadline", "id")
    )
    data = request.GET.copy()
    if not data:
        data["open"] = "true"
    filterset = TaskFilterSet(data, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    now = timezone.now()
    for t in page.object_list:
        t.overdue = is_overdue(t, now)  # type: ignore[attr-defined]
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "export_query": querystring_without(request, "page"),
    }
    return render(request, "web/meetings/tasks.html", context)


def task_context(request: HttpRequest, task: Task, bound: dict[str, StepForm] | None = None) -> dict[str, Any]:
    user = request.user
    events = list(task.events.prefetch_related("photos").order_by("at", "id"))
    for ev in events:
        ev.label = TASK_EVENT_LABELS.get(ev.action, ev.action)  # type: ignore[attr-defined]
    actions = []
    for t in available(user, task):
        form = (bound or {}).get(t.name) or TaskStepForm(transition=t, obj=task, user=user)
        actions.append({"transition": t, "form": form})
    return {
        "task": task,
        "overdue": is_overdue(task, timezone.now()),
        "events": events,
        "actions": actions,
        "meeting_visible": Meeting.objects.restrict(user).filter(pk=task.meeting_id).exists(),
    }


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_task(request.user, pk)
    return render(request, "web/meetings/task_detail.html", task_context(request, task))


@login_required
@require_POST
def task_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    user = request.user
    task = get_task(user, pk)
    t: Transition | None = TASK_WORKFLOW.get(name)
    if t is None:
        raise Http404
    form = TaskStepForm(request.POST, request.FILES, transition=t, obj=task, user=user)
    done, status, message = run_step(
        request,
        form,
        lambda: task_transition(actor=user, task=task, name=name, **form.payload()),
        label=str(t.label),
        target=reverse("web:meeting_task_detail", args=[task.pk]),
        still_visible=lambda: Task.objects.restrict(user).filter(pk=task.pk).exists(),
        queue=reverse("web:meeting_tasks"),
    )
    if done is not None:
        return done
    messages.error(request, message)
    task = get_task(user, pk)
    return render(request, "web/meetings/task_detail.html", task_context(request, task, {name: form}), status=status)


@login_required
def task_photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse | FileResponse:
    task = get_task(request.user, pk)
    photo = TaskPhoto.objects.filter(pk=photo_pk, task=task).first()
    if photo is None:
        raise Http404
    return files.serve_protected(photo.file, photo.content_type)


@login_required
def tasks_export(request: HttpRequest) -> HttpResponse:
    """The tasks of the list as filtered, as .xlsx (through the one safe writer); audited."""
    user = request.user
    qs: QuerySet[Task] = (
        Task.objects.restrict(user).select_related("unit", "issue", "meeting").order_by("deadline", "id")
    )
    filterset = TaskFilterSet(request.GET or None, queryset=qs, request=request)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    content, n = tasks_xlsx(rows[:5000])
    audit.record_export(
        actor=user,
        action="meetings.tasks_export",
        what="交办事项",
        fmt="xlsx",
        count=n,
        filters=dict(request.GET.items()),
    )
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="tasks-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


# --- 交办单 --------------------------------------------------------------------------------------------------


def _sheet(request: HttpRequest, pk: int, unit_pk: int) -> tuple[Meeting, Unit, list[Task]]:
    tasks: list[Task] = list(
        Task.objects.restrict(request.user)
        .filter(meeting_id=pk, unit_id=unit_pk)
        .select_related("meeting__territory", "unit", "issue")
        .order_by("issue__number", "id")
    )
    if not tasks:
        raise Http404(_("没有该单位的交办事项"))
    return tasks[0].meeting, tasks[0].unit, tasks


@login_required
def unit_sheet(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """The print-friendly 交办单 of a unit for a meeting."""
    meeting, unit, tasks = _sheet(request, pk, unit_pk)
    return render(request, "web/meetings/sheet.html", {"meeting": meeting, "unit": unit, "tasks": tasks})


@login_required
def unit_sheet_pdf(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    meeting, unit, tasks = _sheet(request, pk, unit_pk)
    pdf = unit_sheet_pdf_bytes(meeting, unit, tasks)
    audit.record(
        actor=request.user,
        action="meetings.sheet_download",
        obj=meeting,
        note=f"交办单 {unit.name}",
        ip=client_ip(request),
        only_changes=False,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="jiaoban-{meeting.held_on:%Y%m%d}-{unit.code}.pdf"'
    return response


routes: list[URLPattern] = [
    path("meetings/", meeting_list, name="meeting_list"),
    path("meetings/new/", meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/issues/", meeting_issue_new, name="meeting_issue_new"),
    path("meetings/<int:pk>/act/<slug:name>/", meeting_act, name="meeting_act"),
    path("meetings/issues/<int:pk>/split/", issue_split_page, name="meeting_issue_split"),
    path("meetings/<int:pk>/units/<int:unit_pk>/", unit_sheet, name="meeting_unit_sheet"),
    path("meetings/<int:pk>/units/<int:unit_pk>/sheet.pdf", unit_sheet_pdf, name="meeting_unit_sheet_pdf"),
    path("meetings/tasks/", task_list, name="meeting_tasks"),
    path("meetings/tasks/export.xlsx", tasks_export, name="meeting_tasks_export"),
    path("meetings/tasks/<int:pk>/", task_detail, name="meeting_task_detail"),
    path("meetings/tasks/<int:pk>/act/<slug:name>/", task_act, name="meeting_task_act"),
    path("meetings/tasks/<int:pk>/photos/<int:photo_pk>/", task_photo, name="meeting_task_photo"),
]
