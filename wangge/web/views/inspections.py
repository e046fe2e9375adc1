"""Pages of 巡查体检 (一表), wired by wangge.web.urls through ``routes``: the home page (my rounds today, phone
first, and the figures of the user's territory), the round form done on the phone (each item, photos, the
browser's position), the round detail with its results, photos, cases and the steps this user may take (抽查,
免检), the rounds list for managers (one FilterSet with the API), the summary by grid, the checklists (list,
detail, publish a new version) and the schedules (list, new, edit).

Everything is scoped: a round outside the user's ``view`` scope answers 404 like a missing one. The services
decide every write.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.core.errors import DomainError
from wangge.core.files import serve_protected
from wangge.core.workflow import Transition
from wangge.inspections import conf
from wangge.inspections.choices import AssigneeRule, Frequency, ItemKind
from wangge.inspections.filtersets import RoundFilterSet
from wangge.inspections.models import ChecklistTemplate, Round, RoundPhoto, Schedule
from wangge.inspections.selectors import (
    DEFINITIONS,
    current_templates,
    is_missed,
    rounds_by_grid,
    rounds_summary,
    today_rounds,
)
from wangge.inspections.services import (
    checklist_publish,
    default_checklists_seed,
    may_edit_checklists,
    may_schedule,
    round_submit,
    round_transition,
    schedule_save,
)
from wangge.inspections.workflow import EVENT_LABELS, TRANSITIONS, WORKFLOW, available
from wangge.places.models import Point, PointType
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.web.filters import tune_form
from wangge.web.views.common import is_htmx, paginate, querystring_without, run_step
from wangge.web.workflow_forms import MultipleImageField, StepForm
from wangge.workorders.models import WorkOrder

PER_PAGE = 30
ITEM_ROWS = 12  # rows of the checklist editor by default (blank rows are ignored)
EXTRA_ROWS = 3  # blank rows offered below a checklist's items
MAX_ROWS = 40

# --- helpers -------------------------------------------------------------------------------------------------


def get_round(user: Any, pk: int) -> Round:
    """A round in the user's scope; out of scope answers exactly like a missing one."""
    r: Round | None = (
        Round.objects.restrict(user)
        .select_related("point", "point__type", "grid", "template", "assignee", "schedule")
        .filter(pk=pk)
        .first()
    )
    if r is None:
        raise Http404(_("巡查任务不存在"))
    return r


def top_node(user: Any, code: str | None = None) -> Territory | None:
    visible = Territory.objects.restrict(user).exclude(kind=TerritoryKind.BUILDING)
    if code:
        node = visible.filter(code=code).first()
        if node is not None:
            return node
    found: Territory | None = visible.filter(kind=TerritoryKind.DISTRICT).order_by("path").first()
    return found or visible.order_by("depth", "path").first()


def _period(request: HttpRequest, days: int = 7) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        end = dt.date.fromisoformat(request.GET["to"]) if request.GET.get("to") else today
        start = (
            dt.date.fromisoformat(request.GET["from"]) if request.GET.get("from") else end - dt.timedelta(days=days - 1)
        )
    except ValueError:
        start, end = today - dt.timedelta(days=days - 1), today
    if start > end:
        start, end = end, start
    return start, end


def _nodes(user: Any) -> QuerySet[Territory]:
    kinds = [TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY]
    return Territory.objects.restrict(user).filter(kind__in=kinds).order_by("path")[:80]


class RoundStepForm(StepForm):
    """The inputs of one round step (抽查, 免检), generated from its row in ``inspections.workflow``."""


class RoundForm(forms.Form):
    """The checklist of a round, one field per item (``r_<key>``) and a photo input per item (``p_<key>``)."""

    latitude = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    note = forms.CharField(
        label=gettext_lazy("巡查说明（选填）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, round: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(round.template.items.order_by("ordering", "id"))
        for item in self.items:
            label = item.label
            if item.kind == ItemKind.YES_NO:
                self.fields[f"r_{item.key}"] = forms.ChoiceField(
                    label=label,
                    choices=(("true", _("是")), ("false", _("否"))),
                    widget=forms.RadioSelect,
                    required=item.required,
                )
            elif item.kind == ItemKind.NUMBER:
                bounds = "～".join(
                    str(v).rstrip("0").rstrip(".") if v is not None else "" for v in (item.min_value, item.max_value)
                )
                self.fields[f"r_{item.key}"] = forms.DecimalField(
                    label=f"{label}（{item.unit}）" if item.unit else label,
                    required=item.required,
                    max_digits=12,
                    decimal_places=2,
                    help_text=_("合格范围：%(r)s") % {"r": bounds} if bounds != "～" else "",
                    widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
                )
            elif item.kind == ItemKind.TEXT:
                self.fields[f"r_{item.key}"] = forms.CharField(
                    label=label, required=item.required, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
                )
            if item.kind == ItemKind.PHOTO:
                self.fields[f"p_{item.key}"] = MultipleImageField(label=label, required=item.required)
            elif item.kind != ItemKind.TEXT:
                self.fields[f"p_{item.key}"] = MultipleImageField(
                    label=_("%(l)s：照片（选填，不合格时随工单上报）") % {"l": label}
                )
        self.order_fields(
            [n for i in self.items for n in (f"r_{i.key}", f"p_{i.key}")] + ["note", "latitude", "longitude"]
        )

    def rows(self) -> list[tuple[Any, Any]]:
        out = []
        for item in self.items:
            value = self[f"r_{item.key}"] if f"r_{item.key}" in self.fields else None
            photo = self[f"p_{item.key}"] if f"p_{item.key}" in self.fields else None
            out.append((value, photo))
        return out

    def arguments(self) -> dict[str, Any]:
        d = self.cleaned_data
        results = {i.key: d.get(f"r_{i.key}") for i in self.items if f"r_{i.key}" in self.fields}
        results = {k: v for k, v in results.items() if v not in (None, "")}
        photos = {i.key: d.get(f"p_{i.key}") or [] for i in self.items if f"p_{i.key}" in self.fields}
        return {
            "results": results,
            "photos": {k: v for k, v in photos.items() if v},
            "lng": d.get("longitude"),
            "lat": d.get("latitude"),
            "note": d.get("note") or "",
        }


def may_submit(user: Any, r: Round) -> bool:
    t = WORKFLOW["submit_round"]
    return r.status in t.sources and WORKFLOW.may(user, t, r)


def action_forms(user: Any, r: Round, bound: dict[str, RoundStepForm] | None = None) -> list[dict[str, Any]]:
    out = []
    for t in available(user, r):
        if t.name == "submit_round":
            continue
        form = (bound or {}).get(t.name) or RoundStepForm(transition=t, obj=r, user=user)
        out.append({"transition": t, "form": form})
    return out


def detail_context(request: HttpRequest, r: Round, bound: dict[str, RoundStepForm] | None = None) -> dict[str, Any]:
    user = request.user
    results = list(r.results.select_related("item", "work_order").order_by("item__ordering", "id"))
    visible: set[int] = set(
        WorkOrder.objects.restrict(user)
        .filter(pk__in=[x.work_order_id for x in results if x.work_order_id])
        .values_list("pk", flat=True)
    )
    for x in results:
        x.case_visible = x.work_order_id in visible  # type: ignore[attr-defined]
    photos = list(r.photos.select_related("item").order_by("id"))
    events = list(r.events.order_by("at", "id"))
    for ev in events:
        ev.label = EVENT_LABELS.get(ev.action, ev.action)  # type: ignore[attr-defined]
    return {
        "round": r,
        "missed": is_missed(r),
        "results": results,
        "photos": photos,
        "events": events,
        "actions": action_forms(user, r, bound),
        "may_submit": may_submit(user, r),
        "max_distance": int(conf.max_distance_m()),
    }


# --- pages: rounds --------------------------------------------------------------------------------------------


@login_required
def inspection_home(request: HttpRequest) -> HttpResponse:
    """My rounds today (phone first) and, for those who see more than a grid, the figures of the last week."""
    user = request.user
    scoped: QuerySet[Round] = Round.objects.restrict(user)
    mine = list(today_rounds(user, scoped)[:100])
    node = top_node(user, request.GET.get("territory"))
    start, end = _period(request)
    summary = rounds_summary(node, start, end, qs=scoped) if node is not None else None
    context = {
        "mine": mine,
        "today": timezone.localdate(),
        "node": node,
        "start": start,
        "end": end,
        "summary": summary,
        "definitions": DEFINITIONS,
        "nodes": _nodes(user),
        "may_manage": may_edit_checklists(user) or Schedule.objects.restrict(user).exists() or scoped.exists(),
    }
    return render(request, "web/inspections/home.html", context)


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs: QuerySet[Round] = (
        Round.objects.restrict(user)
        .select_related("point", "point__type", "grid", "assignee")
        .order_by("-period_end", "point__code")
    )
    filterset = RoundFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    now = timezone.now()
    for r in page.object_list:
        r.is_missed = is_missed(r, now)  # type: ignore[attr-defined]
    context = {"filterset": filterset, "page": page, "querystring": querystring_without(request, "page")}
    return render(request, "web/inspections/list.html", context)


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_round(request.user, pk)
    return render(request, "web/inspections/detail.html", detail_context(request, r))


@login_required
def round_do(request: HttpRequest, pk: int) -> HttpResponse:
    """The round done on the phone: the checklist, photos and the browser's position."""
    user = request.user
    r = get_round(user, pk)
    if not may_submit(user, r):
        messages.info(request, _("该巡查任务当前不能由您提交"))
        return redirect("web:inspection_round_detail", pk=r.pk)
    status = 200
    if request.method == "POST":
        form = RoundForm(request.POST, request.FILES, round=r)
        if form.is_valid():
            try:
                done = round_submit(actor=user, round=r, **form.arguments())
            except DomainError as exc:
                status = exc.http_status
                form.add_error(None, exc.message)
                for detail in exc.details if isinstance(exc.details, list) else []:
                    key = str(detail.get("field", "")).split(".", 1)[-1]
                    for name in (f"r_{key}", f"p_{key}"):
                        if name in form.fields:
                            form.add_error(name, detail.get("reason") or _("请检查此项"))
                            break
            else:
                flags = []
                if done.is_late:
                    flags.append(_("逾期提交"))
                if done.far_from_point:
                    flags.append(_("位置偏离 %(d)s 米") % {"d": int(done.distance_m or 0)})
                if done.no_position:
                    flags.append(_("未定位"))
                text = _("巡查已提交")
                if done.failed_items:
                    text += _("，%(n)s 项不合格，已转立工单 %(c)s 件") % {
                        "n": done.failed_items,
                        "c": done.cases_opened,
                    }
                if flags:
                    text += "（" + "、".join(str(f) for f in flags) + "）"
                messages.success(request, text)
                return redirect("web:inspection_round_detail", pk=r.pk)
        else:
            status = 400
    else:
        form = RoundForm(round=r)
    context = {"round": r, "form": form, "max_distance": int(conf.max_distance_m()), "late": timezone.now() > r.due_at}
    return render(request, "web/inspections/form.html", context, status=status)


@login_required
def round_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    if request.method != "POST":
        return redirect("web:inspection_round_detail", pk=pk)
    user = request.user
    r = get_round(user, pk)
    t: Transition | None = TRANSITIONS.get(name)
    if t is None or name == "submit_round":
        raise Http404
    form = RoundStepForm(request.POST, transition=t, obj=r, user=user)
    done, status, message = run_step(
        request,
        form,
        lambda: round_transition(actor=user, round=r, name=name, **form.payload()),
        label=str(t.label),
        target=reverse("web:inspection_round_detail", args=[r.pk]),
    )
    if done is not None:
        return done
    if is_htmx(request):
        context = {"item": {"transition": t, "form": form}, "round": r, "error": message}
        return render(request, "web/inspections/action_form.html", context, status=status)
    messages.error(request, message)
    r = get_round(user, pk)
    return render(request, "web/inspections/detail.html", detail_context(request, r, {name: form}), status=status)


@login_required
def round_photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse | FileResponse:
    r = get_round(request.user, pk)
    photo: RoundPhoto | None = r.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404
    return serve_protected(photo.file, photo.content_type or "image/jpeg")


@login_required
def inspection_summary(request: HttpRequest) -> HttpResponse:
    """The figures per grid of a territory node over a period (the lowest on-time rate first)."""
    user = request.user
    node = top_node(user, request.GET.get("territory"))
    start, end = _period(request)
    scoped: QuerySet[Round] = Round.objects.restrict(user)
    context = {
        "node": node,
        "start": start,
        "end": end,
        "summary": rounds_summary(node, start, end, qs=scoped) if node is not None else None,
        "grids": rounds_by_grid(node, start, end, qs=scoped) if node is not None else [],
        "definitions": DEFINITIONS,
        "nodes": _nodes(user),
    }
    return render(request, "web/inspections/summary.html", context)


# --- pages: checklists ------------------------------------------------------------------------------------------


class ChecklistForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("体检表名称"), max_length=100)
    note = forms.CharField(label=gettext_lazy("修订说明（选填）"), max_length=200, required=False)

    def __init__(self, *args: Any, rows: int = ITEM_ROWS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.row_count = rows
        for n in range(rows):
            self.fields[f"i{n}_label"] = forms.CharField(label=_("检查项"), max_length=100, required=False)
            self.fields[f"i{n}_key"] = forms.SlugField(label=_("键"), max_length=40, required=False)
            self.fields[f"i{n}_kind"] = forms.ChoiceField(label=_("记录方式"), choices=ItemKind.choices)
            self.fields[f"i{n}_min"] = forms.DecimalField(
                label=_("合格下限"), required=False, max_digits=10, decimal_places=2
            )
            self.fields[f"i{n}_max"] = forms.DecimalField(
                label=_("合格上限"), required=False, max_digits=10, decimal_places=2
            )
            self.fields[f"i{n}_unit"] = forms.CharField(label=_("单位"), max_length=16, required=False)
            self.fields[f"i{n}_required"] = forms.BooleanField(label=_("必填"), required=False, initial=True)
            self.fields[f"i{n}_opens_case"] = forms.BooleanField(label=_("不合格立工单"), required=False)
            self.fields[f"i{n}_category"] = forms.CharField(label=_("工单分类编码"), max_length=20, required=False)

    NAMES = ("label", "key", "kind", "min", "max", "unit", "required", "opens_case", "category")

    def item_rows(self) -> list[list[Any]]:
        return [[self[f"i{n}_{k}"] for k in self.NAMES] for n in range(self.row_count)]

    def items(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        return [
            {
                "label": d[f"i{n}_label"],
                "key": d[f"i{n}_key"] or f"item{n + 1}",
                "kind": d[f"i{n}_kind"],
                "min_value": d.get(f"i{n}_min"),
                "max_value": d.get(f"i{n}_max"),
                "unit": d.get(f"i{n}_unit") or "",
                "required": d.get(f"i{n}_required"),
                "opens_case": d.get(f"i{n}_opens_case"),
                "category_code": d.get(f"i{n}_category") or "",
            }
            for n in range(self.row_count)
            if d.get(f"i{n}_label")
        ]


def _initial(template: ChecklistTemplate | None) -> dict[str, Any]:
    if template is None:
        return {}
    out: dict[str, Any] = {"name": template.name}
    for n, item in enumerate(template.items.order_by("ordering", "id")):
        out.update(
            {
                f"i{n}_label": item.label,
                f"i{n}_key": item.key,
                f"i{n}_kind": item.kind,
                f"i{n}_min": item.min_value,
                f"i{n}_max": item.max_value,
                f"i{n}_unit": item.unit,
                f"i{n}_required": item.required,
                f"i{n}_opens_case": item.opens_case,
                f"i{n}_category": item.category_code,
            }
        )
    return out


@login_required
def checklist_list(request: HttpRequest) -> HttpResponse:
    templates = list(current_templates().prefetch_related("items"))
    have = {t.point_type_id for t in templates}
    context = {
        "templates": templates,
        "missing": PointType.objects.exclude(pk__in=have).order_by("ordering", "key"),
        "may_edit": may_edit_checklists(request.user),
    }
    return render(request, "web/inspections/checklists.html", context)


@login_required
def checklist_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = ChecklistTemplate.objects.select_related("point_type").filter(pk=pk).first()
    if template is None:
        raise Http404
    versions = ChecklistTemplate.objects.filter(point_type=template.point_type).order_by("-version")
    context = {
        "template": template,
        "items": template.items.order_by("ordering", "id"),
        "versions": versions,
        "may_edit": may_edit_checklists(request.user),
    }
    return render(request, "web/inspections/checklist_detail.html", context)


@login_required
def checklist_edit(request: HttpRequest, type_key: str) -> HttpResponse:
    """Publish a new version of a point type's checklist (command centre, administrators)."""
    user = request.user
    if not may_edit_checklists(user):
        raise Http404
    point_type = PointType.objects.filter(key=type_key).first()
    if point_type is None:
        raise Http404
    current = ChecklistTemplate.objects.filter(point_type=point_type, is_current=True).first()
    status = 200
    rows = (current.items.count() if current else 0) + EXTRA_ROWS
    if request.method == "POST":
        raw = str(request.POST.get("rows") or "")
        rows = max(1, min(int(raw), MAX_ROWS)) if raw.isdigit() else rows
        form = ChecklistForm(request.POST, rows=rows)
        if form.is_valid():
            try:
                template = checklist_publish(
                    actor=user,
                    point_type=point_type,
                    name=form.cleaned_data["name"],
                    items=form.items(),
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                status = exc.http_status
                form.add_error(None, exc.message)
                for detail in exc.details if isinstance(exc.details, list) else []:
                    form.add_error(None, detail.get("reason", ""))
            else:
                messages.success(request, _("已发布第 %(v)s 版") % {"v": template.version})
                return redirect("web:inspection_checklist_detail", pk=template.pk)
        else:
            status = 400
    else:
        form = ChecklistForm(initial=_initial(current) or {"name": f"{point_type.name}巡查体检表"}, rows=rows)
    return render(
        request,
        "web/inspections/checklist_edit.html",
        {"form": form, "point_type": point_type, "current": current},
        status=status,
    )


@login_required
def checklist_seed(request: HttpRequest) -> HttpResponse:
    if request.method != "POST" or not may_edit_checklists(request.user):
        raise Http404
    n = default_checklists_seed(actor=request.user)
    messages.success(request, _("已生成默认体检表 %(n)s 张") % {"n": n})
    return redirect("web:inspection_checklists")


# --- pages: schedules -------------------------------------------------------------------------------------------


class ScheduleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("计划名称"), max_length=100)
    territory = forms.ModelChoiceField(label=gettext_lazy("适用辖区"), queryset=Territory.objects.none())
    point_types = forms.ModelMultipleChoiceField(
        label=gettext_lazy("点位类型"),
        queryset=PointType.objects.order_by("ordering"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    points = forms.CharField(
        label=gettext_lazy("指定点位编码（选填，每行一个；填写后只巡查这些点位）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    season_start = forms.CharField(label=gettext_lazy("汛期开始（月-日）"), max_length=5, initial="06-01")
    season_end = forms.CharField(label=gettext_lazy("汛期结束（月-日）"), max_length=5, initial="09-30")
    season_frequency = forms.ChoiceField(
        label=gettext_lazy("汛期频次"), choices=Frequency.choices, initial=Frequency.DAILY
    )
    off_season_frequency = forms.ChoiceField(
        label=gettext_lazy("非汛期频次"), choices=Frequency.choices, initial=Frequency.WEEKLY
    )
    working_days_only = forms.BooleanField(label=gettext_lazy("仅工作日（按工作日历）"), required=False)
    assignee_rule = forms.ChoiceField(label=gettext_lazy("责任人规则"), choices=AssigneeRule.choices)
    priority = forms.IntegerField(label=gettext_lazy("优先级（小者优先）"), min_value=0, max_value=999, initial=100)
    is_active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY, TerritoryKind.GRID]
        self.fields["territory"].queryset = Territory.objects.restrict(user).filter(kind__in=kinds).order_by("path")  # type: ignore[attr-defined]

    def _month_day(self, name: str) -> tuple[int, int]:
        text = str(self.cleaned_data.get(name) or "").strip().replace("/", "-")
        try:
            month, day = (int(x) for x in text.split("-"))
        except ValueError:
            raise forms.ValidationError(_("请按“月-日”填写，如 06-01")) from None
        return month, day

    def clean_season_start(self) -> tuple[int, int]:
        return self._month_day("season_start")

    def clean_season_end(self) -> tuple[int, int]:
        return self._month_day("season_end")

    def clean_points(self) -> list[Point]:
        codes = [c.strip() for c in str(self.cleaned_data.get("points") or "").split() if c.strip()]
        found = list(Point.objects.filter(code__in=codes).select_related("territory"))
        missing = sorted(set(codes) - {p.code for p in found})
        if missing:
            raise forms.ValidationError(_("点位不存在：%(c)s") % {"c": "、".join(missing[:5])})
        return found

    def arguments(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "territory": d["territory"],
            "point_types": list(d["point_types"]),
            "points": d["points"],
            "name": d["name"],
            "season_start_month": d["season_start"][0],
            "season_start_day": d["season_start"][1],
            "season_end_month": d["season_end"][0],
            "season_end_day": d["season_end"][1],
            "season_frequency": d["season_frequency"],
            "off_season_frequency": d["off_season_frequency"],
            "working_days_only": d["working_days_only"],
            "assignee_rule": d["assignee_rule"],
            "priority": d["priority"],
            "is_active": d["is_active"],
        }


def _schedule_initial(s: Schedule) -> dict[str, Any]:
    return {
        "name": s.name,
        "territory": s.territory,
        "point_types": list(s.point_types.all()),
        "points": "\n".join(s.points.values_list("code", flat=True)),
        "season_start": f"{s.season_start_month:02d}-{s.season_start_day:02d}",
        "season_end": f"{s.season_end_month:02d}-{s.season_end_day:02d}",
        "season_frequency": s.season_frequency,
        "off_season_frequency": s.off_season_frequency,
        "working_days_only": s.working_days_only,
        "assignee_rule": s.assignee_rule,
        "priority": s.priority,
        "is_active": s.is_active,
    }


@login_required
def schedule_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    schedules: QuerySet[Schedule] = (
        Schedule.objects.restrict(user)
        .select_related("territory")
        .prefetch_related("point_types")
        .order_by("priority", "id")
    )
    node = top_node(user)
    may_create = node is not None and may_schedule(user, node)
    rows = list(schedules)
    for s in rows:
        s.editable = may_schedule(user, s.territory)  # type: ignore[attr-defined]
    return render(request, "web/inspections/schedules.html", {"schedules": rows, "may_create": may_create})


@login_required
def schedule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    schedule: Schedule | None = None
    if pk is not None:
        schedule = Schedule.objects.restrict(user).filter(pk=pk).first()
        if schedule is None:
            raise Http404
    status = 200
    if request.method == "POST":
        form = ScheduleForm(request.POST, user=user)
        if form.is_valid():
            try:
                saved = schedule_save(actor=user, schedule=schedule, **form.arguments())
            except DomainError as exc:
                status = exc.http_status
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已保存巡查计划“%(n)s”") % {"n": saved.name})
                return redirect("web:inspection_schedules")
        else:
            status = 400
    else:
        form = ScheduleForm(initial=_schedule_initial(schedule) if schedule else None, user=user)
    return render(request, "web/inspections/schedule_edit.html", {"form": form, "schedule": schedule}, status=status)


routes: list[URLPattern] = [
    path("inspections/", inspection_home, name="inspection_home"),
    path("inspections/rounds/", round_list, name="inspection_round_list"),
    path("inspections/rounds/<int:pk>/", round_detail, name="inspection_round_detail"),
    path("inspections/rounds/<int:pk>/do/", round_do, name="inspection_round_do"),
    path("inspections/rounds/<int:pk>/act/<slug:name>/", round_act, name="inspection_round_act"),
    path("inspections/rounds/<int:pk>/photos/<int:photo_pk>/", round_photo, name="inspection_round_photo"),
    path("inspections/summary/", inspection_summary, name="inspection_summary"),
    path("inspections/checklists/", checklist_list, name="inspection_checklists"),
    path("inspections/checklists/seed/", checklist_seed, name="inspection_checklist_seed"),
    path("inspections/checklists/<int:pk>/", checklist_detail, name="inspection_checklist_detail"),
    path("inspections/checklists/<slug:type_key>/edit/", checklist_edit, name="inspection_checklist_edit"),
    path("inspections/schedules/", schedule_list, name="inspection_schedules"),
    path("inspections/schedules/new/", schedule_edit, name="inspection_schedule_new"),
    path("inspections/schedules/<int:pk>/edit/", schedule_edit, name="inspection_schedule_edit"),
]
