"""Pages of 预警与应急响应, wired by wangge.web.urls through ``routes``: the home page (warnings in force, the ones
waiting for the user's 收到), the warning list with its filters, the issue form (the command centre), the warning
page with its required actions, history, the steps the user may take (升级, 降级, 解除) and its live coverage (a
table by grid and a map, refreshed by htmx polling, exported as .xlsx), and the phone-first 收到 page the inbox
message links to.

Everything is scoped: a warning outside the user's reach answers 404 like a missing one. The step forms are
generated from ``emergency.workflow``; the services decide every write.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wangge.accounts import permissions
from wangge.accounts.selectors import user_grant_rows
from wangge.core.clientaddr import client_ip
from wangge.core.errors import DomainError
from wangge.emergency.choices import LEVEL_BADGES, LEVEL_COLOURS, HazardType, Level, WarningStatus
from wangge.emergency.exporting import coverage_xlsx
from wangge.emergency.filtersets import WarningFilterSet
from wangge.emergency.models import Warning, WarningAction
from wangge.emergency.selectors import DEFINITIONS, coverage, my_delivery, my_pending
from wangge.emergency.services import warning_acknowledge, warning_issue, warning_transition
from wangge.emergency.workflow import COMMAND, EVENT_LABELS, TRANSITIONS, available
from wangge.territory.choices import TerritoryKind
from wangge.territory.maps import map_settings
from wangge.territory.models import Territory
from wangge.web.filters import tune_form
from wangge.web.views.common import is_htmx, paginate, querystring_without, run_step
from wangge.web.workflow_forms import StepForm

PER_PAGE = 30
ISSUE_KINDS = [TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY, TerritoryKind.GRID]


# --- forms ---------------------------------------------------------------------------------------------------


def issue_nodes(user: Any) -> QuerySet[Territory]:
    """The nodes ``user`` may issue a warning over: visible, and the command centre holds a role over them."""
    visible = Territory.objects.restrict(user).filter(kind__in=ISSUE_KINDS).order_by("path")
    if user.is_superuser:
        return visible
    paths = [p for r, p, _u in user_grant_rows(user) if r in COMMAND and p]
    if not paths:
        return visible.none()
    q = Q(pk__in=[])
    for p in paths:
        q |= Q(path__startswith=p)
    return visible.filter(q)


def may_issue(user: Any) -> bool:
    return issue_nodes(user).exists()


class NodeChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        indent = "　" * max(0, (len(obj.path) // Territory.steplen) - 1)
        return f"{indent}{obj.name}（{obj.get_kind_display()}）"


class WarningForm(forms.Form):
    hazard_type = forms.ChoiceField(label=gettext_lazy("预警类型"), choices=HazardType.choices)
    level = forms.ChoiceField(label=gettext_lazy("预警级别"), choices=Level.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=gettext_lazy("预警内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    nodes = NodeChoiceField(
        label=gettext_lazy("预警范围"),
        queryset=Territory.objects.none(),
        help_text=gettext_lazy("可多选；每个辖区含其下全部网格"),
    )
    valid_from = forms.DateTimeField(
        label=gettext_lazy("生效时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("留空为立即生效"),
    )
    valid_until = forms.DateTimeField(
        label=gettext_lazy("有效期至"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("留空为直至解除"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        nodes: Any = self.fields["nodes"]
        nodes.queryset = issue_nodes(user)
        nodes.widget.attrs["size"] = 8


class WarningStepForm(StepForm):
    """The inputs of one warning step, generated from its row in ``emergency.workflow``."""


# --- helpers -------------------------------------------------------------------------------------------------


def get_warning(user: Any, pk: int) -> Warning:
    """A warning in the user's reach; out of reach answers exactly like a missing one."""
    found: Warning | None = Warning.objects.restrict(user).filter(pk=pk).first()
    if found is None:
        raise Http404(_("预警不存在"))
    return found


def _decorate(w: Warning) -> Warning:
    w.badge = LEVEL_BADGES.get(w.level, "")  # type: ignore[attr-defined]
    w.colour = LEVEL_COLOURS.get(w.level, "")  # type: ignore[attr-defined]
    return w


def action_forms(user: Any, w: Warning, bound: dict[str, WarningStepForm] | None = None) -> list[dict[str, Any]]:
    out = []
    for t in available(user, w):
        form = (bound or {}).get(t.name) or WarningStepForm(transition=t, obj=w, user=user)
        out.append({"transition": t, "form": form})
    return out


GRID_ROWS = 30  # the polled table lists the grids with the lowest acknowledged share first; all: ?grids=all


def coverage_context(w: Warning, *, all_grids: bool = False) -> dict[str, Any]:
    c = coverage(w)
    grids = c["by_grid"]
    order = sorted(grids, key=lambda g: (g["acknowledged_share"] is None, g["acknowledged_share"] or 0, g["code"]))
    shown = order if all_grids else order[:GRID_ROWS]
    rows = []
    for g in shown:
        share = g["acknowledged_share"]
        percent = None if share is None else round(share * 100)
        rows.append(
            {
                "name": g["name"] or "—",
                "code": g["code"],
                "notified": f"{g['notified']} / {g['recipients']}",
                "acknowledged": f"{g['acknowledged']} / {g['must_ack']}",
                "percent": "—" if percent is None else f"{percent}%",
                "badge": "" if percent is None else "green" if percent >= 90 else "yellow" if percent >= 60 else "red",
                "not_reached": str(g["not_reached"]),
                "escalated": str(g["escalated"]),
                "households": f"{g['households_messaged']} / {g['households']}",
                "households_not_reached": str(g["households_not_reached"]),
            }
        )
    return {
        "warning": w,
        "cov": c,
        "rows": rows,
        "hidden_grids": len(grids) - len(shown),
        "all_grids": all_grids,
        "percent": None if c["acknowledged_share"] is None else round(c["acknowledged_share"] * 100),
        "definitions": DEFINITIONS,
        "refreshed_at": timezone.now(),
        "poll": w.status == WarningStatus.ACTIVE,
    }


def detail_context(request: HttpRequest, w: Warning, bound: dict[str, WarningStepForm] | None = None) -> dict[str, Any]:
    user = request.user
    events = list(w.events.order_by("at", "id"))
    for ev in events:
        ev.label = EVENT_LABELS.get(ev.action, ev.action)  # type: ignore[attr-defined]
    mine = my_delivery(user, w)
    return {
        **coverage_context(_decorate(w), all_grids=request.GET.get("grids") == "all"),
        "areas": list(w.areas.select_related("node").order_by("path")),
        "events": events,
        "actions": action_forms(user, w, bound),
        "mine": mine,
        "map": map_settings(),
        "labels": {"legend": _("确认率"), "none": _("无须确认人员")},
    }


# --- pages ---------------------------------------------------------------------------------------------------


@login_required
def emergency_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    active = [
        _decorate(w)
        for w in Warning.objects.restrict(user)
        .filter(status=WarningStatus.ACTIVE, valid_from__lte=now)
        .prefetch_related("areas__node")
        .order_by("-issued_at")[:20]
    ]
    context = {
        "active": active,
        "pending": [_decorate(d.warning) for d in my_pending(user)[:20]],
        "can_issue": may_issue(user),
    }
    return render(request, "web/emergency/home.html", context)


@login_required
def warning_list(request: HttpRequest) -> HttpResponse:
    qs: QuerySet[Warning] = (
        Warning.objects.restrict(request.user).prefetch_related("areas__node").order_by("-issued_at", "-id")
    )
    filterset = WarningFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    page = paginate(request, rows, PER_PAGE)
    for w in page.object_list:
        _decorate(w)
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "can_issue": may_issue(request.user),
    }
    return render(request, "web/emergency/list.html", context)


def _actions_table() -> list[dict[str, Any]]:
    rows = WarningAction.objects.filter(is_active=True, hazard_type="").order_by("ordering", "id")
    by_level: dict[str, list[str]] = {}
    for a in rows:
        by_level.setdefault(a.level, []).append(a.text)
    return [
        {"level": v, "label": label, "badge": LEVEL_BADGES[v], "actions": by_level.get(v, [])}
        for v, label in Level.choices
    ]


@login_required
def warning_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_issue(user):
        raise Http404(_("您没有发布预警的辖区"))
    form = WarningForm(request.POST or None, user=user, initial={"level": Level.BLUE})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                w = warning_issue(
                    actor=user,
                    hazard_type=data["hazard_type"],
                    level=data["level"],
                    text=data["text"],
                    nodes=list(data["nodes"]),
                    valid_from=data.get("valid_from"),
                    valid_until=data.get("valid_until"),
                )
            except DomainError as exc:
                for d in exc.details if isinstance(exc.details, list) else []:
                    if isinstance(d, dict) and d.get("field") in form.fields:
                        form.add_error(d["field"], str(d.get("reason") or exc.message))
                if not form.errors:
                    form.add_error(None, exc.message)
                status = exc.http_status
            else:
                messages.success(request, _("预警已发布，正在通知辖区内网格员、网格长、点位责任人和住户"))
                return redirect("web:warning_detail", pk=w.pk)
        else:
            status = 400
    context = {"form": form, "levels": _actions_table()}
    return render(request, "web/emergency/new.html", context, status=status)


@login_required
def warning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    w = get_warning(request.user, pk)
    return render(request, "web/emergency/detail.html", detail_context(request, w))


@login_required
@require_GET
def warning_coverage(request: HttpRequest, pk: int) -> HttpResponse:
    """The coverage block alone: what the page's htmx polling swaps in."""
    w = get_warning(request.user, pk)
    context = coverage_context(_decorate(w), all_grids=request.GET.get("grids") == "all")
    return render(request, "web/emergency/coverage.html", context)


@login_required
@require_GET
def warning_coverage_json(request: HttpRequest, pk: int) -> JsonResponse:
    """Acknowledged share by grid id: what the map colours the grids with."""
    w = get_warning(request.user, pk)
    c = coverage(w)
    return JsonResponse(
        {
            "grids": {
                str(g["grid_id"]): {
                    "share": g["acknowledged_share"],
                    "acknowledged": g["acknowledged"],
                    "must_ack": g["must_ack"],
                    "not_reached": g["not_reached"],
                }
                for g in c["by_grid"]
                if g["grid_id"]
            }
        }
    )


@login_required
@require_GET
def warning_export(request: HttpRequest, pk: int) -> HttpResponse:
    w = get_warning(request.user, pk)
    data = coverage_xlsx(actor=request.user, warning=w, ip=client_ip(request))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{w.code}-coverage.xlsx"'
    return response


@login_required
@require_POST
def warning_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    user = request.user
    w = get_warning(user, pk)
    t = TRANSITIONS.get(name)
    if t is None:
        raise Http404(_("未知的操作"))
    form = WarningStepForm(request.POST, transition=t, obj=w, user=user)
    done, status, message = run_step(
        request,
        form,
        lambda: warning_transition(actor=user, warning=w, name=name, **form.payload()),
        label=str(t.label),
        target=reverse("web:warning_detail", args=[w.pk]),
    )
    if done is not None:
        return done
    if is_htmx(request):
        context = {"item": {"transition": t, "form": form}, "warning": w, "error": message}
        return render(request, "web/emergency/action_form.html", context, status=status)
    messages.error(request, message)
    return render(request, "web/emergency/detail.html", detail_context(request, w, {name: form}), status=status)


@login_required
def warning_ack(request: HttpRequest, pk: int) -> HttpResponse:
    """收到: one big button on a phone; POST acknowledges (a second tap changes nothing)."""
    user = request.user
    w = _decorate(get_warning(user, pk))
    status = 200
    error = ""
    if request.method == "POST":
        try:
            warning_acknowledge(actor=user, warning=w)
        except DomainError as exc:
            error, status = exc.message, exc.http_status
        else:
            messages.success(request, _("已确认收到"))
            return redirect("web:warning_ack", pk=w.pk)
    context = {
        "warning": w,
        "mine": my_delivery(user, w),
        "error": error,
        "may_see_coverage": permissions.has_role_over(user, COMMAND, w.scope_path) or user.is_superuser,
        "lifted": w.status == WarningStatus.LIFTED,
    }
    return render(request, "web/emergency/ack.html", context, status=status)


@login_required
def warning_mine(request: HttpRequest) -> HttpResponse:
    """The warnings waiting for the user's 收到, newest first (phone-first)."""
    pending = [_decorate(d.warning) for d in my_pending(request.user)]
    return render(request, "web/emergency/mine.html", {"pending": pending})


routes: list[URLPattern] = [
    path("emergency/", emergency_home, name="emergency_home"),
    path("emergency/mine/", warning_mine, name="warning_mine"),
    path("emergency/warnings/", warning_list, name="warning_list"),
    path("emergency/warnings/new/", warning_new, name="warning_new"),
    path("emergency/warnings/<int:pk>/", warning_detail, name="warning_detail"),
    path("emergency/warnings/<int:pk>/coverage/", warning_coverage, name="warning_coverage"),
    path("emergency/warnings/<int:pk>/coverage.json", warning_coverage_json, name="warning_coverage_json"),
    path("emergency/warnings/<int:pk>/coverage.xlsx", warning_export, name="warning_export"),
    path("emergency/warnings/<int:pk>/act/<slug:name>/", warning_act, name="warning_act"),
    path("emergency/warnings/<int:pk>/ack/", warning_ack, name="warning_ack"),
]
