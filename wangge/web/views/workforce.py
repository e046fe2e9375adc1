"""Pages of the grid workforce (网格队伍, ``wangge.workforce``), wired by wangge.web.urls through ``routes``: the
overview of the user's territory (workers by kind and route, special tasks), a grid's 五长一员 with its workers,
下沉 staff and open tasks, the workers list and a worker's profile with the ladder history (阶梯晋级) and records,
the special tasks (list, assign, detail with the steps this user may take), rewards and penalties (list and
record), the performance pay of a month and the awards tally of a period.

Everything is scoped: an object outside the user's ``view`` scope answers 404 like a missing one. The services
decide every write; the figures come from ``workforce.selectors``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import Unit, User
from wangge.core.errors import DomainError
from wangge.core.masking import mask_numbers
from wangge.core.validators import normalise_phone, validate_phone
from wangge.core.workflow import Transition
from wangge.ledgers.models import Building
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.web.filters import tune_form
from wangge.web.views.common import is_htmx, paginate, querystring_without, run_step
from wangge.web.workflow_forms import StepForm
from wangge.workforce import conf, selectors
from wangge.workforce.choices import RECORD_COLOURS, TASK_COLOURS, RecordKind, Route, TaskKind, WorkerKind
from wangge.workforce.filtersets import SpecialTaskFilterSet, WorkerProfileFilterSet, WorkerRecordFilterSet
from wangge.workforce.models import RoleAssignment, SpecialTask, SunkStaff, WorkerProfile, WorkerRecord, WorkforceRole
from wangge.workforce.rules import is_overdue, open_q
from wangge.workforce.services import (
    assignment_create,
    assignment_end,
    may_assign,
    may_keep,
    profile_save,
    record_create,
    sunk_staff_assign,
    sunk_staff_end,
    task_assign,
    task_transition,
)
from wangge.workforce.workflow import EVENT_LABELS, TRANSITIONS, available

PER_PAGE = 30

# --- helpers -------------------------------------------------------------------------------------------------


def _grids(user: Any) -> QuerySet[Territory]:
    return Territory.objects.restrict(user).filter(kind=TerritoryKind.GRID).order_by("path")


def _profiles(user: Any) -> QuerySet[WorkerProfile]:
    return WorkerProfile.objects.restrict(user).select_related("user", "grid")


def _tasks(user: Any) -> QuerySet[SpecialTask]:
    return SpecialTask.objects.restrict(user).select_related("grid", "assignee")


def _month(request: HttpRequest) -> dt.date:
    today = timezone.localdate()
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return selectors.parse_month(request.GET.get("month"), last) or last


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET["from"]) if request.GET.get("from") else today.replace(month=1, day=1)
        end = dt.date.fromisoformat(request.GET["to"]) if request.GET.get("to") else today
    except ValueError:
        start, end = today.replace(month=1, day=1), today
    return (start, end) if start <= end else (end, start)


def _mark_tasks(tasks: Any) -> None:
    now = timezone.now()
    for t in tasks:
        t.overdue = is_overdue(t, now)
        t.colour = TASK_COLOURS.get(t.status, "grey")


# --- overview and grid ---------------------------------------------------------------------------------------


@login_required
def workforce_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    profiles = _profiles(user)
    grids = list(_grids(user)[:200])
    per_grid = dict(
        profiles.filter(is_active=True).values_list("grid_id").annotate(n=Count("id")).values_list("grid_id", "n")
    )
    tasks = _tasks(user)
    open_by_grid = dict(
        tasks.filter(open_q()).values_list("grid_id").annotate(n=Count("id")).values_list("grid_id", "n")
    )
    for g in grids:
        g.workers = per_grid.get(g.pk, 0)  # type: ignore[attr-defined]
        g.open_tasks = open_by_grid.get(g.pk, 0)  # type: ignore[attr-defined]
    context = {
        "counts": selectors.worker_counts(profiles),
        "tasks": selectors.task_figures(tasks),
        "grids": grids,
        "levels": conf.levels(),
        "level_counts": dict(
            profiles.filter(is_active=True)
            .values_list("ladder_level")
            .annotate(n=Count("id"))
            .values_list("ladder_level", "n")
        ),
    }
    return render(request, "web/workforce/home.html", context)


@login_required
def workforce_grid(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    grid = _grids(user).filter(pk=pk).first()
    if grid is None:
        raise Http404(_("网格不存在"))
    assignments = list(selectors.assignments_for_grid(grid))
    for a in assignments:
        a.phone_masked = mask_numbers(a.phone)  # type: ignore[attr-defined]
    tasks = list(_tasks(user).filter(grid=grid).filter(open_q()).order_by("deadline", "id"))
    _mark_tasks(tasks)
    workers = list(_profiles(user).filter(grid=grid, is_active=True).order_by("-ladder_level", "user_id"))
    for p in workers:
        p.level_name = conf.level_name(p.ladder_level)  # type: ignore[attr-defined]
    context = {
        "grid": grid,
        "assignments": assignments,
        "workers": workers,
        "sunk": list(selectors.sunk_staff_for_grid(grid)),
        "tasks": tasks,
        "may_assign": may_assign(user, grid),
        "may_keep": may_keep(user, grid),
    }
    return render(request, "web/workforce/grid.html", context)


# --- workers -------------------------------------------------------------------------------------------------


@login_required
def workforce_worker_list(request: HttpRequest) -> HttpResponse:
    qs = _profiles(request.user).order_by("grid__path", "user_id")
    filterset = WorkerProfileFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    for p in page.object_list:
        p.level_name = conf.level_name(p.ladder_level)
    context = {"filterset": filterset, "page": page, "querystring": querystring_without(request, "page")}
    return render(request, "web/workforce/workers.html", context)


@login_required
def workforce_worker(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    profile = _profiles(user).filter(pk=pk).first()
    if profile is None:
        raise Http404(_("网格员不存在"))
    history = list(selectors.ladder_history(profile))
    for row in history:
        row.from_name = conf.level_name(row.from_level)  # type: ignore[attr-defined]
        row.to_name = conf.level_name(row.to_level)  # type: ignore[attr-defined]
    records: list[WorkerRecord] = list(
        WorkerRecord.objects.restrict(user).filter(worker_id=profile.user_id).select_related("recorded_by")
    )
    for r in records:
        r.colour = RECORD_COLOURS.get(r.kind, "grey")  # type: ignore[attr-defined]
    tasks = list(_tasks(user).filter(assignee_id=profile.user_id).order_by("-assigned_at")[:20])
    _mark_tasks(tasks)
    context = {
        "profile": profile,
        "level_name": conf.level_name(profile.ladder_level),
        "top_level": conf.top_level(),
        "history": history,
        "records": records,
        "tasks": tasks,
        "may_keep": may_keep(user, profile.grid),
    }
    return render(request, "web/workforce/worker.html", context)


# --- special tasks -------------------------------------------------------------------------------------------


class TaskForm(forms.Form):
    grid = forms.ModelChoiceField(queryset=Territory.objects.none(), label=gettext_lazy("网格"))
    kind = forms.ChoiceField(choices=TaskKind.choices, label=gettext_lazy("专项类别"))
    title = forms.CharField(max_length=200, label=gettext_lazy("任务名称"))
    description = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), label=gettext_lazy("任务要求")
    )
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=gettext_lazy("承办网格员（选填）"),
        help_text=gettext_lazy("留空：交办给网格，由该网格的网格员、网格长承办"),
    )
    deadline_days = forms.IntegerField(min_value=1, max_value=60, initial=3, label=gettext_lazy("时限（工作日）"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        grids = _grids(user)
        grid_field: Any = self.fields["grid"]
        grid_field.queryset = grids
        grid_field.label_from_instance = lambda t: t.name
        paths = list(grids.values_list("path", flat=True)[:500])
        q = Q(pk__in=[])
        for p in paths:
            q |= Q(grants__territory__path__startswith=p)
        assignee: Any = self.fields["assignee"]
        assignee.queryset = (
            User.objects.filter(is_active=True, grants__role__in=[Role.GRID_WORKER, Role.GRID_LEADER])
            .filter(q)
            .distinct()
            .order_by("display_name", "username")
        )
        assignee.label_from_instance = lambda u: str(u)


class TaskStepForm(StepForm):
    """The inputs of one task step, generated from its row in ``workforce.workflow``."""


@login_required
def workforce_task_list(request: HttpRequest) -> HttpResponse:
    qs = _tasks(request.user).order_by("-assigned_at", "-id")
    filterset = SpecialTaskFilterSet(request.GET or None, queryset=qs, request=request)
    filterset.form.fields.pop("assignee", None)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    _mark_tasks(page.object_list)
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "figures": selectors.task_figures(_tasks(request.user)),
        "may_assign": any(may_assign(request.user, g) for g in _grids(request.user)[:50]),
    }
    return render(request, "web/workforce/tasks.html", context)


@login_required
def workforce_task_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    status = 200
    if request.method == "POST":
        form = TaskForm(request.POST, user=user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                task = task_assign(
                    actor=user,
                    grid=d["grid"],
                    kind=d["kind"],
                    title=d["title"],
                    description=d["description"],
                    assignee=d["assignee"],
                    deadline_days=d["deadline_days"],
                )
            except DomainError as exc:
                status = exc.http_status
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("专项任务已交办"))
                return redirect("web:workforce_task_detail", pk=task.pk)
        else:
            status = 400
    else:
        initial = {"grid": request.GET.get("grid")} if request.GET.get("grid") else {}
        form = TaskForm(user=user, initial=initial)
    return render(request, "web/workforce/task_form.html", {"form": form}, status=status)


def _get_task(user: Any, pk: int) -> SpecialTask:
    task = _tasks(user).filter(pk=pk).first()
    if task is None:
        raise Http404(_("专项任务不存在"))
    return task


def _task_context(request: HttpRequest, task: SpecialTask, bound: dict[str, TaskStepForm] | None = None) -> Any:
    user = request.user
    events = list(task.events.order_by("at", "id"))
    for ev in events:
        ev.label = EVENT_LABELS.get(ev.action, ev.action)  # type: ignore[attr-defined]
    _mark_tasks([task])
    actions = [
        {"transition": t, "form": (bound or {}).get(t.name) or TaskStepForm(transition=t, obj=task, user=user)}
        for t in available(user, task)
    ]
    return {"task": task, "events": events, "actions": actions}


@login_required
def workforce_task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _get_task(request.user, pk)
    return render(request, "web/workforce/task_detail.html", _task_context(request, task))


@login_required
def workforce_task_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if request.method != "POST":
        return redirect("web:workforce_task_detail", pk=pk)
    user = request.user
    task = _get_task(user, pk)
    t: Transition | None = TRANSITIONS.get(name)
    if t is None:
        raise Http404
    form = TaskStepForm(request.POST, transition=t, obj=task, user=user)
    done, status, message = run_step(
        request,
        form,
        lambda: task_transition(actor=user, task=task, name=name, **form.payload()),
        label=str(t.label),
        target=reverse("web:workforce_task_detail", args=[task.pk]),
    )
    if done is not None:
        return done
    if is_htmx(request):
        context = {"item": {"transition": t, "form": form}, "task": task, "error": message}
        return render(request, "web/workforce/action_form.html", context, status=status)
    messages.error(request, message)
    task = _get_task(user, pk)
    return render(request, "web/workforce/task_detail.html", _task_context(request, task, {name: form}), status=status)


# --- 五长一员, profiles and 下沉 (community / street staff and admins over the grid) --------------------------


def _kept_grid(user: Any, pk: int) -> Territory:
    """The grid in the user's scope (404 otherwise) that the user keeps the records of (403 otherwise)."""
    grid = _grids(user).filter(pk=pk).first()
    if grid is None:
        raise Http404(_("网格不存在"))
    if not may_keep(user, grid):
        raise DjangoPermissionDenied
    return grid


def _dated(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


class AssignmentForm(forms.Form):
    role = forms.ModelChoiceField(queryset=WorkforceRole.objects.none(), label=gettext_lazy("角色"))
    building = forms.ModelChoiceField(
        queryset=Building.objects.none(), required=False, label=gettext_lazy("楼栋（楼栋长、单元长必选）")
    )
    user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label=gettext_lazy("工作人员账号（选填）"),
        help_text=gettext_lazy("留空：由居民担任，请填写姓名和联系电话"),
    )
    name = forms.CharField(required=False, max_length=50, label=gettext_lazy("姓名"))
    phone = forms.CharField(
        required=False,
        max_length=32,
        label=gettext_lazy("联系电话"),
        help_text=gettext_lazy("加密保存，页面上只显示部分号码"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    start_date = _dated(gettext_lazy("任职日期"))
    note = forms.CharField(required=False, max_length=200, label=gettext_lazy("备注"))

    def __init__(self, *args: Any, grid: Territory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role: Any = self.fields["role"]
        role.queryset = WorkforceRole.objects.filter(is_active=True).order_by("ordering", "key")
        role.label_from_instance = lambda r: r.name
        building: Any = self.fields["building"]
        building.queryset = Building.objects.filter(grid=grid).order_by("code", "id")
        user: Any = self.fields["user"]
        user.queryset = (
            User.objects.filter(is_active=True, grants__territory__path__startswith=grid.path)
            .distinct()
            .order_by("display_name", "username")
        )
        user.label_from_instance = lambda u: str(u)

    def clean_phone(self) -> str:
        phone = (self.cleaned_data.get("phone") or "").strip()
        if phone:
            validate_phone(phone)
            phone = normalise_phone(phone)
        return phone

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        if d.get("user") is None:
            if not (d.get("name") or "").strip():
                self.add_error("name", _("居民担任时请填写姓名"))
            if not d.get("phone") and "phone" not in self.errors:
                self.add_error("phone", _("居民担任时请填写联系电话"))
        role = d.get("role")
        if role is not None and role.level == TerritoryKind.BUILDING and d.get("building") is None:
            self.add_error("building", _("请选择楼栋"))
        return d


class EndForm(forms.Form):
    end_date = _dated(gettext_lazy("结束日期"))


class ProfileForm(forms.Form):
    kind = forms.ChoiceField(choices=WorkerKind.choices, label=gettext_lazy("专兼职"))
    route = forms.ChoiceField(
        choices=[("", gettext_lazy("未登记")), *Route.choices], required=False, label=gettext_lazy("招录途径")
    )
    start_date = _dated(gettext_lazy("入职日期"), required=False)
    note = forms.CharField(required=False, max_length=200, label=gettext_lazy("备注"))


class SunkForm(forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=gettext_lazy("派出单位"))
    name = forms.CharField(max_length=50, label=gettext_lazy("姓名"))
    duty = forms.CharField(required=False, max_length=100, label=gettext_lazy("下沉职责"))
    start_date = _dated(gettext_lazy("下沉开始"))
    end_date = _dated(gettext_lazy("下沉结束（选填）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit: Any = self.fields["unit"]
        unit.queryset = Unit.objects.filter(kind__in=[UnitKind.DEPARTMENT, UnitKind.COMPANY], is_active=True).order_by(
            "code", "id"
        )
        unit.label_from_instance = lambda u: u.name

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        start, end = d.get("start_date"), d.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于开始日期"))
        return d


def _form_page(
    request: HttpRequest, form: forms.Form, *, title: str, back: str, submit: str, status: int = 200, note: str = ""
) -> HttpResponse:
    context = {"form": form, "title": title, "back": back, "submit": submit, "note": note}
    return render(request, "web/workforce/form.html", context, status=status)


def _write(form: forms.Form, call: Any) -> tuple[Any, int]:
    """Run a service for a valid form: (its result, 200), or (None, the refusal's status) with the message on the
    form."""
    try:
        return call(), 200
    except DomainError as exc:
        form.add_error(None, exc.message)
        return None, exc.http_status


@login_required
def workforce_assignment_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    grid = _kept_grid(user, pk)
    back = reverse("web:workforce_grid", args=[grid.pk])
    status = 200
    if request.method == "POST":
        form = AssignmentForm(request.POST, grid=grid)
        if form.is_valid():
            d = form.cleaned_data
            done, status = _write(
                form,
                lambda: assignment_create(
                    actor=user,
                    role=d["role"],
                    grid=grid,
                    user=d["user"],
                    name=d["name"],
                    phone=d["phone"],
                    building=d["building"],
                    start_date=d["start_date"],
                    note=d["note"],
                ),
            )
            if done is not None:
                messages.success(request, _("已任命"))
                return redirect(back)
        else:
            status = 400
    else:
        form = AssignmentForm(grid=grid, initial={"start_date": timezone.localdate()})
    title = _("任命五长一员") + " · " + grid.name
    return _form_page(request, form, title=title, back=back, submit=_("任命"), status=status)


@login_required
def workforce_assignment_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    found: RoleAssignment | None = (
        RoleAssignment.objects.restrict(user).select_related("grid", "role").filter(pk=pk).first()
    )
    if found is None:
        raise Http404(_("任职记录不存在"))
    _kept_grid(user, found.grid_id)
    back = reverse("web:workforce_grid", args=[found.grid_id])
    status = 200
    if request.method == "POST":
        form = EndForm(request.POST)
        if form.is_valid():
            end = form.cleaned_data["end_date"]
            done, status = _write(form, lambda: assignment_end(actor=user, assignment=found, end_date=end))
            if done is not None:
                messages.success(request, _("已离任"))
                return redirect(back)
        else:
            status = 400
    else:
        form = EndForm(initial={"end_date": timezone.localdate()})
    title = _("五长一员离任") + f" · {found.role.name} · {found.name}"
    return _form_page(request, form, title=title, back=back, submit=_("确认离任"), status=status)


@login_required
def workforce_profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    profile = _profiles(user).filter(pk=pk).first()
    if profile is None:
        raise Http404(_("网格员不存在"))
    grid = _kept_grid(user, profile.grid_id)
    back = reverse("web:workforce_worker", args=[profile.pk])
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            done, status = _write(
                form,
                lambda: profile_save(
                    actor=user,
                    user=profile.user,
                    grid=grid,
                    kind=d["kind"],
                    route=d["route"],
                    start_date=d["start_date"],
                    is_active=profile.is_active,
                    note=d["note"],
                ),
            )
            if done is not None:
                messages.success(request, _("档案已保存"))
                return redirect(back)
        else:
            status = 400
    else:
        form = ProfileForm(
            initial={
                "kind": profile.kind,
                "route": profile.route,
                "start_date": profile.start_date,
                "note": profile.note,
            }
        )
    title = _("编辑网格员档案") + f" · {profile.user}"
    return _form_page(request, form, title=title, back=back, submit=_("保存"), status=status)


@login_required
def workforce_sunk_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    grid = _kept_grid(user, pk)
    back = reverse("web:workforce_grid", args=[grid.pk])
    status = 200
    if request.method == "POST":
        form = SunkForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            done, status = _write(
                form,
                lambda: sunk_staff_assign(
                    actor=user,
                    grid=grid,
                    unit=d["unit"],
                    name=d["name"],
                    duty=d["duty"],
                    start_date=d["start_date"],
                    end_date=d["end_date"],
                ),
            )
            if done is not None:
                messages.success(request, _("已安排下沉"))
                return redirect(back)
        else:
            status = 400
    else:
        form = SunkForm(initial={"start_date": timezone.localdate()})
    title = _("安排下沉人员") + " · " + grid.name
    return _form_page(request, form, title=title, back=back, submit=_("安排"), status=status)


@login_required
def workforce_sunk_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    found: SunkStaff | None = SunkStaff.objects.restrict(user).select_related("grid", "unit").filter(pk=pk).first()
    if found is None:
        raise Http404(_("下沉记录不存在"))
    _kept_grid(user, found.grid_id)
    back = reverse("web:workforce_grid", args=[found.grid_id])
    status = 200
    if request.method == "POST":
        form = EndForm(request.POST)
        if form.is_valid():
            end = form.cleaned_data["end_date"]
            done, status = _write(form, lambda: sunk_staff_end(actor=user, staff=found, end_date=end))
            if done is not None:
                messages.success(request, _("下沉已结束"))
                return redirect(back)
        else:
            status = 400
    else:
        form = EndForm(initial={"end_date": timezone.localdate()})
    title = _("结束下沉") + f" · {found.name} · {found.unit.name}"
    return _form_page(request, form, title=title, back=back, submit=_("确认结束"), status=status)


# --- rewards, pay and awards ---------------------------------------------------------------------------------


class RecordForm(forms.Form):
    worker = forms.ModelChoiceField(queryset=WorkerProfile.objects.none(), label=gettext_lazy("网格员"))
    date = forms.DateField(label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(choices=RecordKind.choices, label=gettext_lazy("类别"))
    title = forms.CharField(
        max_length=60, label=gettext_lazy("名目"), help_text=gettext_lazy("如：优秀网格员、积分定优奖励")
    )
    amount = forms.DecimalField(
        required=False, min_value=0, max_digits=10, decimal_places=2, label=gettext_lazy("金额（元）")
    )
    points = forms.IntegerField(required=False, label=gettext_lazy("积分"))
    reason = forms.CharField(max_length=300, label=gettext_lazy("事由"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["worker"]
        field.queryset = _profiles(user).filter(is_active=True).order_by("grid__path", "user_id")
        field.label_from_instance = lambda p: f"{p.user} · {p.grid.name}"


@login_required
def workforce_records(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs: QuerySet[WorkerRecord] = (
        WorkerRecord.objects.restrict(user).select_related("worker", "grid", "recorded_by").order_by("-date", "-id")
    )
    status = 200
    may_record = any(may_keep(user, g) for g in _grids(user)[:50])
    form = RecordForm(user=user, initial={"date": timezone.localdate()}) if may_record else None
    if request.method == "POST" and may_record:
        form = RecordForm(request.POST, user=user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                record_create(
                    actor=user,
                    worker=d["worker"].user,
                    date=d["date"],
                    kind=d["kind"],
                    title=d["title"],
                    reason=d["reason"],
                    amount=d["amount"] or 0,
                    points=d["points"] or 0,
                )
            except DomainError as exc:
                status = exc.http_status
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已登记"))
                return redirect("web:workforce_records")
        else:
            status = 400
    filterset = WorkerRecordFilterSet(request.GET or None, queryset=qs, request=request)
    filterset.form.fields.pop("worker", None)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    for r in page.object_list:
        r.colour = RECORD_COLOURS.get(r.kind, "grey")
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "form": form,
    }
    return render(request, "web/workforce/records.html", context, status=status)


@login_required
def workforce_pay(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    lines = selectors.monthly_pay(_profiles(request.user).filter(is_active=True), month)
    context = {
        "month": month,
        "lines": lines,
        "settled": sum(1 for line in lines if line.total is not None),
        "pay": conf.pay(),
        "levels": conf.levels(),
    }
    return render(request, "web/workforce/pay.html", context)


@login_required
def workforce_awards(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    tally = selectors.awards_tally(WorkerRecord.objects.restrict(request.user), start, end)
    return render(request, "web/workforce/awards.html", {"tally": tally})


routes: list[URLPattern] = [
    path("workforce/", workforce_home, name="workforce_home"),
    path("workforce/grids/<int:pk>/", workforce_grid, name="workforce_grid"),
    path("workforce/workers/", workforce_worker_list, name="workforce_workers"),
    path("workforce/workers/<int:pk>/", workforce_worker, name="workforce_worker"),
    path("workforce/workers/<int:pk>/edit/", workforce_profile_edit, name="workforce_profile_edit"),
    path("workforce/grids/<int:pk>/assignments/new/", workforce_assignment_new, name="workforce_assignment_new"),
    path("workforce/assignments/<int:pk>/end/", workforce_assignment_end, name="workforce_assignment_end"),
    path("workforce/grids/<int:pk>/sunk/new/", workforce_sunk_new, name="workforce_sunk_new"),
    path("workforce/sunk/<int:pk>/end/", workforce_sunk_end, name="workforce_sunk_end"),
    path("workforce/tasks/", workforce_task_list, name="workforce_tasks"),
    path("workforce/tasks/new/", workforce_task_new, name="workforce_task_new"),
    path("workforce/tasks/<int:pk>/", workforce_task_detail, name="workforce_task_detail"),
    path("workforce/tasks/<int:pk>/act/<slug:name>/", workforce_task_act, name="workforce_task_act"),
    path("workforce/records/", workforce_records, name="workforce_records"),
    path("workforce/pay/", workforce_pay, name="workforce_pay"),
    path("workforce/awards/", workforce_awards, name="workforce_awards"),
]
