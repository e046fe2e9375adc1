"""Pages of 志愿服务与岗位, wired by wangge.web.urls through ``routes``.

Staff pages (signed in): the home page with the figures of a territory node over a period, the volunteer
register (list with the one FilterSet shared with the API, registration from a resident or directly, the
volunteer's page with their roles, teams, hours, reports and check-ins — the number masked, revealed through
the audited service), the teams, the activities with each participant's hours and their confirmation, the posts
with a day's roster and check-ins, the roles table, and the posts as GeoJSON for the map
(``volunteer_posts_geojson``).

Citizen pages (no account): a volunteer is recognised by the mobile number they verified with the citizen
pages' SMS code (我的诉求, ``web.views.citizen``: the same pages, limits and session — here only the page they
land on differs). Signed in, they see their own record (reports and how they stand, activities and hours, their
roster), report a problem under their name through the one intake service, check in on their slot with the
phone's position, and — a team's leader — confirm their team's hours.

Everything is scoped: a row outside the user's ``view`` scope answers 404 like a missing one. The services
decide every write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from wangge.core.actors import CITIZEN
from wangge.core.errors import DomainError
from wangge.core.masking import mask_numbers
from wangge.core.validators import mask_phone
from wangge.ledgers.models import Resident
from wangge.territory.choices import TerritoryKind
from wangge.territory.maps import display_point
from wangge.territory.models import Territory
from wangge.volunteers import conf
from wangge.volunteers.choices import HoursStatus, PostKind, VolunteerStatus
from wangge.volunteers.filtersets import ActivityFilterSet, PostFilterSet, TeamFilterSet, VolunteerFilterSet
from wangge.volunteers.models import Activity, Post, RosterSlot, ServiceHours, Team, Volunteer, VolunteerRole
from wangge.volunteers.selectors import (
    DEFINITIONS,
    hours_totals,
    post_today,
    volunteer_by_phone_index,
    volunteer_figures,
    volunteer_record,
)
from wangge.volunteers.services import (
    activity_create,
    check_in_record,
    hours_decide,
    may_decide_hours,
    may_edit_roles,
    may_manage,
    may_register,
    post_save,
    roster_slot_add,
    roster_slot_remove,
    team_save,
    volunteer_create,
    volunteer_leave,
    volunteer_report_create,
    volunteer_reveal_phone,
    volunteer_role_save,
    volunteer_update,
)
from wangge.web.filters import tune_form
from wangge.web.forms import CategoryChoiceField
from wangge.web.views import citizen
from wangge.web.views.common import paginate, querystring_without
from wangge.web.workflow_forms import MultipleImageField
from wangge.workorders.choices import AppealType
from wangge.workorders.models import WorkOrder

PER_PAGE = 30
NODE_KINDS = [TerritoryKind.DISTRICT, TerritoryKind.STREET, TerritoryKind.COMMUNITY, TerritoryKind.GRID]

# --- helpers -------------------------------------------------------------------------------------------------


def _get(model: Any, user: Any, pk: int, *related: str) -> Any:
    """A row in the user's scope; out of scope answers exactly like a missing one."""
    obj = model.objects.restrict(user).select_related(*related).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def top_node(user: Any, code: str | None = None) -> Territory | None:
    visible = Territory.objects.restrict(user).exclude(kind=TerritoryKind.BUILDING)
    if code:
        node = visible.filter(code=code).first()
        if node is not None:
            return node
    found: Territory | None = visible.filter(kind=TerritoryKind.DISTRICT).order_by("path").first()
    return found or visible.order_by("depth", "path").first()


def _nodes(user: Any, kinds: Sequence[str] | None = None) -> QuerySet[Territory]:
    return Territory.objects.restrict(user).filter(kind__in=kinds or NODE_KINDS).order_by("path")


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """The period of the figures: ``from``/``to``, by default this month up to today."""
    today = timezone.localdate()
    try:
        end = dt.date.fromisoformat(request.GET["to"]) if request.GET.get("to") else today
        start = dt.date.fromisoformat(request.GET["from"]) if request.GET.get("from") else end.replace(day=1)
    except ValueError:
        start, end = today.replace(day=1), today
    if start > end:
        start, end = end, start
    return start, end


def _refused(form: forms.Form, exc: DomainError) -> None:
    form.add_error(None, exc.message)
    for detail in exc.details if isinstance(exc.details, list) else []:
        field = detail.get("field") if isinstance(detail, dict) else None
        if field in form.fields and detail.get("reason"):
            form.add_error(field, str(detail["reason"]))


def _list(request: HttpRequest, filterset: Any, qs: QuerySet[Any]) -> tuple[Any, Any]:
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    return filterset, paginate(request, rows, PER_PAGE)


# --- home and figures -------------------------------------------------------------------------------------------


@login_required
def volunteer_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    node = top_node(user, request.GET.get("territory"))
    start, end = _period(request)
    context = {
        "node": node,
        "start": start,
        "end": end,
        "figures": volunteer_figures(node, start, end) if node is not None else None,
        "definitions": DEFINITIONS,
        "nodes": _nodes(user, NODE_KINDS[:3])[:80],
        "may_register": node is not None and may_register(user, node.path),
        "may_manage": node is not None and may_manage(user, node.path),
        "may_edit_roles": may_edit_roles(user),
    }
    return render(request, "web/volunteers/home.html", context)


# --- the register ------------------------------------------------------------------------------------------------


@login_required
def volunteer_list(request: HttpRequest) -> HttpResponse:
    qs: QuerySet[Volunteer] = (
        Volunteer.objects.restrict(request.user)
        .select_related("territory")
        .prefetch_related("roles")
        .order_by("territory__path", "name", "id")
    )
    filterset, page = _list(request, VolunteerFilterSet(request.GET or None, queryset=qs, request=request), qs)
    for v in page.object_list:
        v.masked = mask_phone(v.phone)  # type: ignore[attr-defined]
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "may_register": Territory.objects.restrict(request.user).exists()
        and any(may_register(request.user, n.path) for n in _nodes(request.user)[:50]),
    }
    return render(request, "web/volunteers/list.html", context)


def _role_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=gettext_lazy("角色"),
        queryset=VolunteerRole.objects.filter(is_active=True).order_by("ordering"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class VolunteerForm(forms.Form):
    """Direct registration: a name, a mobile number, the node the volunteer serves in, roles."""

    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    phone = forms.CharField(
        label=gettext_lazy("手机号"), max_length=20, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    territory = forms.ModelChoiceField(label=gettext_lazy("所属辖区"), queryset=Territory.objects.none())
    roles = _role_field()
    note = forms.CharField(label=gettext_lazy("备注（选填）"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"] = _role_field()
        nodes = _nodes(user, [TerritoryKind.COMMUNITY, TerritoryKind.GRID])
        self.fields["territory"].queryset = nodes  # type: ignore[attr-defined]


class ResidentRolesForm(forms.Form):
    resident = forms.IntegerField(widget=forms.HiddenInput)
    roles = _role_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"] = _role_field()


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_new(request: HttpRequest) -> HttpResponse:
    """Register a volunteer: search the residents in scope (not yet volunteers) and register one, or register a
    person directly."""
    user = request.user
    status = 200
    form = VolunteerForm(user=user)
    q = (request.GET.get("q") or "").strip()
    if request.method == "POST":
        try:
            if request.POST.get("resident"):
                pick = ResidentRolesForm(request.POST)
                if not pick.is_valid():
                    raise Http404
                resident: Resident | None = (
                    Resident.objects.restrict(user).filter(pk=pick.cleaned_data["resident"]).first()
                )
                if resident is None:
                    raise Http404
                v = volunteer_create(actor=user, resident=resident, roles=pick.cleaned_data["roles"])
            else:
                form = VolunteerForm(request.POST, user=user)
                if not form.is_valid():
                    return render(
                        request, "web/volunteers/new.html", {"form": form, "q": q, "residents": []}, status=400
                    )
                d = form.cleaned_data
                v = volunteer_create(
                    actor=user,
                    name=d["name"],
                    phone=d["phone"],
                    territory=d["territory"],
                    roles=d["roles"],
                    note=d["note"],
                )
        except DomainError as exc:
            status = exc.http_status
            if form.is_bound:
                _refused(form, exc)
            else:
                messages.error(request, exc.message)
        else:
            messages.success(request, _("已登记志愿者“%(n)s”") % {"n": v.name})
            return redirect("web:volunteer_detail", pk=v.pk)
    residents: list[Resident] = []
    if q:
        taken = Volunteer.objects.filter(resident__isnull=False).values("resident_id")
        residents = list(
            Resident.objects.restrict(user)
            .filter(name__icontains=q)
            .exclude(pk__in=taken)
            .select_related("grid")
            .order_by("name", "id")[:20]
        )
    context = {"form": form, "q": q, "residents": residents, "pick": ResidentRolesForm()}
    return render(request, "web/volunteers/new.html", context, status=status)


def _volunteer_context(request: HttpRequest, v: Volunteer, phone: str | None = None) -> dict[str, Any]:
    user = request.user
    record = volunteer_record(v)
    visible: set[int] = set(
        WorkOrder.objects.restrict(user)
        .filter(pk__in=[r.work_order_id for r in record["reports"]])
        .values_list("pk", flat=True)
    )
    for r in record["reports"]:
        r.case_visible = r.work_order_id in visible  # type: ignore[attr-defined]
    editable = may_register(user, v.territory.path)
    return {
        **record,
        "phone": phone if phone is not None else mask_phone(v.phone),
        "revealed": phone is not None,
        "editable": editable,
        "roles_form": RolesForm(initial={"roles": record["roles"]}),
    }


class RolesForm(forms.Form):
    roles = _role_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"] = _role_field()


@login_required
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    v = _get(Volunteer, request.user, pk, "territory", "resident")
    return render(request, "web/volunteers/detail.html", _volunteer_context(request, v))


@login_required
@require_POST
def volunteer_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    v = _get(Volunteer, request.user, pk, "territory", "resident")
    try:
        phone = volunteer_reveal_phone(actor=request.user, volunteer=v)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("web:volunteer_detail", pk=v.pk)
    response = render(request, "web/volunteers/detail.html", _volunteer_context(request, v, phone))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def volunteer_roles(request: HttpRequest, pk: int) -> HttpResponse:
    v = _get(Volunteer, request.user, pk, "territory")
    form = RolesForm(request.POST)
    if form.is_valid():
        try:
            volunteer_update(actor=request.user, volunteer=v, roles=form.cleaned_data["roles"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已更新角色"))
    return redirect("web:volunteer_detail", pk=v.pk)


@login_required
@require_POST
def volunteer_leave_view(request: HttpRequest, pk: int) -> HttpResponse:
    v = _get(Volunteer, request.user, pk, "territory")
    try:
        volunteer_leave(actor=request.user, volunteer=v)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已办理退出"))
    return redirect("web:volunteer_detail", pk=v.pk)


# --- roles table -------------------------------------------------------------------------------------------------


class RoleForm(forms.Form):
    key = forms.SlugField(label=gettext_lazy("角色键"), max_length=40)
    name = forms.CharField(label=gettext_lazy("角色名称"), max_length=50)
    description = forms.CharField(label=gettext_lazy("说明（选填）"), max_length=200, required=False)
    ordering = forms.IntegerField(label=gettext_lazy("排序"), min_value=0, max_value=999, initial=100)
    is_active = forms.BooleanField(label=gettext_lazy("启用"), required=False, initial=True)


@login_required
@require_http_methods(["GET", "POST"])
def volunteer_role_list(request: HttpRequest) -> HttpResponse:
    editable = may_edit_roles(request.user)
    form = RoleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                role = volunteer_role_save(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                status = exc.http_status
                _refused(form, exc)
            else:
                messages.success(request, _("已保存角色“%(n)s”") % {"n": role.name})
                return redirect("web:volunteer_roles")
        else:
            status = 400
    roles = VolunteerRole.objects.annotate(n=Count("volunteers")).order_by("ordering", "key")
    return render(
        request, "web/volunteers/roles.html", {"roles": roles, "form": form, "editable": editable}, status=status
    )


# --- teams -------------------------------------------------------------------------------------------------------


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    qs: QuerySet[Team] = (
        Team.objects.restrict(request.user)
        .select_related("territory", "leader")
        .annotate(n=Count("members", distinct=True))
        .order_by("territory__path", "name")
    )
    filterset, page = _list(request, TeamFilterSet(request.GET or None, queryset=qs, request=request), qs)
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "may_create": any(may_manage(request.user, n.path) for n in _nodes(request.user)[:50]),
    }
    return render(request, "web/volunteers/teams.html", context)


class TeamForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("队伍名称"), max_length=100)
    territory = forms.ModelChoiceField(label=gettext_lazy("所在辖区"), queryset=Territory.objects.none())
    members = forms.ModelMultipleChoiceField(
        label=gettext_lazy("队员"),
        queryset=Volunteer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    leader = forms.ModelChoiceField(label=gettext_lazy("队长"), queryset=Volunteer.objects.none(), required=False)
    note = forms.CharField(label=gettext_lazy("说明（选填）"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = _nodes(user)  # type: ignore[attr-defined]
        people: list[Volunteer] = list(
            Volunteer.objects.restrict(user).filter(status=VolunteerStatus.ACTIVE).order_by("name")[:300]
        )
        people_qs = Volunteer.objects.filter(pk__in=[p.pk for p in people]).order_by("name")
        self.fields["members"].queryset = people_qs  # type: ignore[attr-defined]
        self.fields["leader"].queryset = people_qs  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    team: Team | None = _get(Team, user, pk, "territory") if pk is not None else None
    status = 200
    if request.method == "POST":
        form = TeamForm(request.POST, user=user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                team = team_save(
                    actor=user,
                    team=team,
                    name=d["name"],
                    territory=d["territory"],
                    members=list(d["members"]),
                    leader=d["leader"],
                    note=d["note"],
                )
            except DomainError as exc:
                status = exc.http_status
                _refused(form, exc)
            else:
                messages.success(request, _("已保存队伍“%(n)s”") % {"n": team.name})
                return redirect("web:volunteer_team_detail", pk=team.pk)
        else:
            status = 400
    else:
        initial = (
            {
                "name": team.name,
                "territory": team.territory,
                "members": list(team.members.all()),
                "leader": team.leader,
                "note": team.note,
            }
            if team
            else None
        )
        form = TeamForm(initial=initial, user=user)
    return render(request, "web/volunteers/team_edit.html", {"form": form, "team": team}, status=status)


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = _get(Team, request.user, pk, "territory", "leader")
    hours = ServiceHours.objects.filter(activity__team=team)
    context = {
        "team": team,
        "members": team.members.order_by("name"),
        "activities": team.activities.order_by("-date", "-start_time")[:30],
        "totals": hours_totals(hours),
        "posts": team.posts.filter(is_active=True).order_by("code"),
        "editable": may_manage(request.user, team.territory.path),
    }
    return render(request, "web/volunteers/team_detail.html", context)


# --- activities and hours ----------------------------------------------------------------------------------------


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    qs: QuerySet[Activity] = (
        Activity.objects.restrict(request.user)
        .select_related("team", "territory", "role")
        .annotate(n=Count("hours"))
        .order_by("-date", "-start_time")
    )
    filterset, page = _list(request, ActivityFilterSet(request.GET or None, queryset=qs, request=request), qs)
    context = {"filterset": filterset, "page": page, "querystring": querystring_without(request, "page")}
    return render(request, "web/volunteers/activities.html", context)


class ActivityForm(forms.Form):
    team = forms.ModelChoiceField(label=gettext_lazy("组织队伍"), queryset=Team.objects.none())
    title = forms.CharField(label=gettext_lazy("活动名称"), max_length=120)
    role = forms.ModelChoiceField(label=gettext_lazy("服务类别"), queryset=VolunteerRole.objects.none(), required=False)
    date = forms.DateField(label=gettext_lazy("活动日期"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label=gettext_lazy("开始时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=gettext_lazy("结束时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=gettext_lazy("活动地点"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("活动内容（选填）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    participants = forms.ModelMultipleChoiceField(
        label=gettext_lazy("参加的队员"),
        queryset=Volunteer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    hours = forms.DecimalField(
        label=gettext_lazy("每人服务时长（小时）"), min_value=Decimal("0.1"), max_value=Decimal("24"), decimal_places=1
    )

    def __init__(self, *args: Any, user: Any, team: Team | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.restrict(user).filter(is_active=True).order_by("name")  # type: ignore[attr-defined]
        self.fields["role"].queryset = VolunteerRole.objects.filter(is_active=True).order_by("ordering")  # type: ignore[attr-defined]
        members = team.members.filter(status=VolunteerStatus.ACTIVE) if team else Volunteer.objects.none()
        self.fields["participants"].queryset = members.order_by("name")  # type: ignore[attr-defined]


@login_required
@require_http_methods(["GET", "POST"])
def activity_new(request: HttpRequest) -> HttpResponse:
    """Record an activity: first the team (its members become the choices), then the rest."""
    user = request.user
    raw = request.POST.get("team") or request.GET.get("team") or ""
    team = Team.objects.restrict(user).select_related("territory").filter(pk=raw).first() if raw.isdigit() else None
    status = 200
    if request.method == "POST" and team is not None:
        form = ActivityForm(request.POST, user=user, team=team)
        if form.is_valid():
            d = form.cleaned_data
            try:
                a = activity_create(
                    actor=user,
                    team=d["team"],
                    title=d["title"],
                    role=d["role"],
                    date=d["date"],
                    start_time=d["start_time"],
                    end_time=d["end_time"],
                    place=d["place"],
                    description=d["description"],
                    hours={v: d["hours"] for v in d["participants"]},
                )
            except DomainError as exc:
                status = exc.http_status
                _refused(form, exc)
            else:
                messages.success(request, _("已登记活动，服务时长待确认"))
                return redirect("web:volunteer_activity_detail", pk=a.pk)
        else:
            status = 400
    else:
        form = ActivityForm(
            initial={"team": team, "date": timezone.localdate(), "hours": Decimal("2")}, user=user, team=team
        )
    return render(request, "web/volunteers/activity_new.html", {"form": form, "team": team}, status=status)


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    a = _get(Activity, user, pk, "team", "team__leader", "territory", "role")
    rows = list(a.hours.select_related("volunteer", "activity", "activity__team").order_by("volunteer__name"))
    for r in rows:
        r.decidable = r.status == HoursStatus.PENDING and may_decide_hours(user, r)  # type: ignore[attr-defined]
    context = {
        "activity": a,
        "rows": rows,
        "totals": hours_totals(a.hours.all()),
        "any_decidable": any(getattr(r, "decidable", False) for r in rows),
    }
    return render(request, "web/volunteers/activity_detail.html", context)


@login_required
@require_POST
def hours_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    row = _get(ServiceHours, request.user, pk, "activity")
    try:
        hours_decide(actor=request.user, hours=row, confirm=request.POST.get("decision") != "reject")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已处理服务时长"))
    return redirect("web:volunteer_activity_detail", pk=row.activity_id)


# --- posts, rosters, check-ins -----------------------------------------------------------------------------------


@login_required
@require_GET
def volunteer_posts_geojson(request: HttpRequest) -> JsonResponse:
    """The active posts the user may see, as a FeatureCollection for the map (coordinates in the tiles' datum);
    properties ``name``, ``kind`` (护学岗 ``school``, 交通文明岗 ``traffic``, ``other``), ``kind_label``, ``code``
    and ``url`` (the post's page). ``?kind=`` keeps one kind."""
    qs: QuerySet[Post] = Post.objects.restrict(request.user).filter(is_active=True).order_by("code")
    if request.GET.get("kind"):
        qs = qs.filter(kind=request.GET["kind"])
    labels = dict(PostKind.choices)
    features: list[dict[str, Any]] = []
    for post in qs.only("pk", "code", "name", "kind", "lng", "lat"):
        x, y = display_point(post.lng, post.lat)
        features.append(
            {
                "type": "Feature",
                "id": post.pk,
                "geometry": {"type": "Point", "coordinates": [x, y]},
                "properties": {
                    "name": post.name,
                    "code": post.code,
                    "kind": post.kind,
                    "kind_label": str(labels.get(post.kind, post.kind)),
                    "url": reverse("web:volunteer_post_detail", args=[post.pk]),
                },
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
def post_list(request: HttpRequest) -> HttpResponse:
    qs: QuerySet[Post] = Post.objects.restrict(request.user).select_related("territory", "team").order_by("code")
    filterset, page = _list(request, PostFilterSet(request.GET or None, queryset=qs, request=request), qs)
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "may_create": any(may_manage(request.user, n.path) for n in _nodes(request.user)[:50]),
    }
    return render(request, "web/volunteers/posts.html", context)


class PostForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("岗位编码"), max_length=40)
    name = forms.CharField(label=gettext_lazy("岗位名称"), max_length=120)
    kind = forms.ChoiceField(label=gettext_lazy("岗位类型"), choices=PostKind.choices)
    point = forms.CharField(label=gettext_lazy("对应点位编码（选填，如学校）"), max_length=40, required=False)
    longitude = forms.FloatField(label=gettext_lazy("经度(WGS-84)"), required=False, min_value=-180, max_value=180)
    latitude = forms.FloatField(label=gettext_lazy("纬度(WGS-84)"), required=False, min_value=-90, max_value=90)
    address = forms.CharField(label=gettext_lazy("地址（选填）"), max_length=200, required=False)
    team = forms.ModelChoiceField(label=gettext_lazy("负责队伍"), queryset=Team.objects.none(), required=False)
    usual_hours = forms.CharField(label=gettext_lazy("上岗时段（选填）"), max_length=100, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.restrict(user).order_by("name")  # type: ignore[attr-defined]

    def clean_point(self) -> Any:
        from wangge.places.models import Point

        code = str(self.cleaned_data.get("point") or "").strip()
        if not code:
            return None
        point = Point.objects.filter(code=code).first()
        if point is None:
            raise forms.ValidationError(_("点位不存在"))
        return point


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    post: Post | None = _get(Post, user, pk, "territory", "point") if pk is not None else None
    status = 200
    if request.method == "POST":
        form = PostForm(request.POST, user=user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                post = post_save(
                    actor=user,
                    post=post,
                    code=post.code if post else d["code"],
                    name=d["name"],
                    kind=d["kind"],
                    point=d["point"],
                    lng=d["longitude"],
                    lat=d["latitude"],
                    address=d["address"],
                    team=d["team"],
                    usual_hours=d["usual_hours"],
                )
            except DomainError as exc:
                status = exc.http_status
                _refused(form, exc)
            else:
                messages.success(request, _("已保存岗位“%(n)s”") % {"n": post.name})
                return redirect("web:volunteer_post_detail", pk=post.pk)
        else:
            status = 400
    else:
        initial = (
            {
                "code": post.code,
                "name": post.name,
                "kind": post.kind,
                "point": post.point.code if post.point else "",
                "longitude": post.lng,
                "latitude": post.lat,
                "address": post.address,
                "team": post.team,
                "usual_hours": post.usual_hours,
            }
            if post
            else {"kind": PostKind.SCHOOL}
        )
        form = PostForm(initial=initial, user=user)
    return render(request, "web/volunteers/post_edit.html", {"form": form, "post": post}, status=status)


class SlotForm(forms.Form):
    volunteer = forms.ModelChoiceField(label=gettext_lazy("志愿者"), queryset=Volunteer.objects.none())
    date = forms.DateField(label=gettext_lazy("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label=gettext_lazy("上岗时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=gettext_lazy("下岗时间"), widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args: Any, post: Post, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Volunteer.objects.filter(status=VolunteerStatus.ACTIVE)
        if post.team_id:
            people = people.filter(teams=post.team_id)
        else:
            community = post.territory.path[: max(4, len(post.territory.path) - 4)]
            people = people.filter(territory__path__startswith=community)
        self.fields["volunteer"].queryset = people.order_by("name")  # type: ignore[attr-defined]


def _day(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("day") or "")
    except ValueError:
        return timezone.localdate()


def _post_context(request: HttpRequest, post: Post, day: dt.date, slot_form: SlotForm | None = None) -> dict[str, Any]:
    user = request.user
    editable = may_manage(user, post.territory.path)
    slots = post_today(post, day=day)
    return {
        "post": post,
        "day": day,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "slots": slots,
        "checked": sum(1 for s in slots if hasattr(s, "check_in")),
        "editable": editable,
        "may_check_in": may_register(user, post.territory.path),
        "slot_form": slot_form
        or (
            SlotForm(initial={"date": day, "start_time": dt.time(7, 20), "end_time": dt.time(8, 0)}, post=post)
            if editable
            else None
        ),
        "radius": int(conf.post_radius_m()),
    }


@login_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A post's page: where it is, and a day's roster (today by default) with each slot's check-in."""
    post = _get(Post, request.user, pk, "territory", "team", "point")
    return render(request, "web/volunteers/post_detail.html", _post_context(request, post, _day(request)))


@login_required
@require_POST
def slot_add(request: HttpRequest, pk: int) -> HttpResponse:
    post = _get(Post, request.user, pk, "territory", "team", "point")
    form = SlotForm(request.POST, post=post)
    if form.is_valid():
        d = form.cleaned_data
        try:
            roster_slot_add(actor=request.user, post=post, **d)
        except DomainError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("已排班"))
            return redirect(f"{reverse('web:volunteer_post_detail', args=[post.pk])}?day={d['date']:%Y-%m-%d}")
    context = _post_context(request, post, form.cleaned_data.get("date") or _day(request), form)
    return render(request, "web/volunteers/post_detail.html", context, status=400)


@login_required
@require_POST
def slot_remove(request: HttpRequest, pk: int) -> HttpResponse:
    slot = _get(RosterSlot, request.user, pk, "post", "post__territory")
    try:
        roster_slot_remove(actor=request.user, slot=slot)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已删除排班"))
    return redirect(f"{reverse('web:volunteer_post_detail', args=[slot.post_id])}?day={slot.date:%Y-%m-%d}")


@login_required
@require_POST
def slot_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """代签: staff check the slot's volunteer in, with the staff member's position."""
    slot = _get(RosterSlot, request.user, pk, "post", "post__territory")
    form = PositionForm(request.POST)
    form.is_valid()
    try:
        c = check_in_record(actor=request.user, slot=slot, **form.position())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _check_in_text(c))
    return redirect(f"{reverse('web:volunteer_post_detail', args=[slot.post_id])}?day={slot.date:%Y-%m-%d}")


class PositionForm(forms.Form):
    latitude = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)

    def position(self) -> dict[str, Any]:
        d = getattr(self, "cleaned_data", {}) or {}
        return {"lng": d.get("longitude"), "lat": d.get("latitude")}


def _check_in_text(c: Any) -> str:
    text = _("已签到 %(t)s") % {"t": timezone.localtime(c.at).strftime("%H:%M")}
    flags = []
    if c.is_late:
        flags.append(_("迟到 %(m)s 分钟") % {"m": c.late_minutes})
    if c.far_from_post:
        flags.append(_("位置偏离 %(d)s 米") % {"d": int(c.distance_m or 0)})
    if c.no_position:
        flags.append(_("未定位"))
    return text + ("（" + "、".join(str(f) for f in flags) + "）" if flags else "")


# --- citizen pages: the volunteer's own record ------------------------------------------------------------------


def signed_in_volunteer(request: HttpRequest) -> Volunteer | None:
    """The volunteer whose number this session verified with the citizen pages' SMS code, if any."""
    return volunteer_by_phone_index(citizen._mine_index(request))


def _swap(response: HttpResponse, swaps: dict[str, str]) -> HttpResponse:
    if isinstance(response, HttpResponseRedirect):
        target = swaps.get(response.url)
        if target is not None:
            return redirect(target)
    return response


@require_http_methods(["GET", "POST"])
def volunteer_signin(request: HttpRequest) -> HttpResponse:
    """The citizen pages' own sign-in (我的诉求: the number, a six-digit code texted to it), leading back here."""
    response = citizen.track_phone(request)
    return _swap(
        response,
        {
            reverse("web:track_phone_verify"): "web:volunteer_signin_verify",
            reverse("web:my_appeals"): "web:volunteer_me",
        },
    )


@require_http_methods(["GET", "POST"])
def volunteer_signin_verify(request: HttpRequest) -> HttpResponse:
    response = citizen.track_phone_verify(request)
    return _swap(
        response,
        {reverse("web:my_appeals"): "web:volunteer_me", reverse("web:track_phone"): "web:volunteer_signin"},
    )


def volunteer_me(request: HttpRequest) -> HttpResponse:
    """我的志愿服务: the signed-in volunteer's record (reports and how they stand, activities and hours, roster,
    check-ins); the sign-in when not signed in."""
    index = citizen._mine_index(request)
    if index is None:
        return render(request, "web/volunteers/citizen_signin.html", {})
    v = volunteer_by_phone_index(index)
    if v is None:
        return render(request, "web/volunteers/citizen_signin.html", {"not_volunteer": True})
    record = volunteer_record(v)
    now = timezone.now()
    for r in record["reports"]:
        r.public_status = citizen.public_status(r.work_order)  # type: ignore[attr-defined]
        r.title = mask_numbers(r.work_order.title)  # type: ignore[attr-defined]
    for s in record["slots"]:
        start = timezone.make_aware(dt.datetime.combine(s.date, s.start_time))
        end = timezone.make_aware(dt.datetime.combine(s.date, s.end_time))
        s.open = not hasattr(s, "check_in") and start - conf.opens_before() <= now <= end  # type: ignore[attr-defined]
    context = {**record, "position_form": PositionForm(auto_id=False), "radius": int(conf.post_radius_m())}
    response = render(request, "web/volunteers/citizen_me.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


class VolunteerReportForm(forms.Form):
    """随手拍: what, where (the phone's position, or an address), in which role, photos."""

    role = forms.ModelChoiceField(label=gettext_lazy("反映身份"), queryset=VolunteerRole.objects.none(), required=False)
    category = CategoryChoiceField(
        label=gettext_lazy("问题分类"),
        queryset=VolunteerRole.objects.none(),
        required=False,
        empty_label=gettext_lazy("请选择（不确定可不选）"),
    )
    appeal_type = forms.ChoiceField(label=gettext_lazy("类型"), choices=AppealType.choices, initial=AppealType.REPORT)
    description = forms.CharField(
        label=gettext_lazy("问题描述"),
        min_length=5,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": gettext_lazy("请描述问题发生的地点、时间和具体情况")}),
    )
    address = forms.CharField(label=gettext_lazy("地址或位置描述"), max_length=200, required=False)
    latitude = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(widget=forms.HiddenInput, required=False, min_value=-180, max_value=180)
    photos = MultipleImageField(label=gettext_lazy("现场照片（选填）"))

    def __init__(self, *args: Any, volunteer: Volunteer, **kwargs: Any) -> None:
        from wangge.web.forms import leaf_categories

        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = volunteer.roles.order_by("ordering")  # type: ignore[attr-defined]
        self.fields["category"].queryset = leaf_categories()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_xy = data.get("longitude") is not None and data.get("latitude") is not None
        if not has_xy and not str(data.get("address") or "").strip():
            raise forms.ValidationError(_("请获取当前位置，或填写地址"))
        return data


@require_http_methods(["GET", "POST"])
def volunteer_report(request: HttpRequest) -> HttpResponse:
    """A volunteer reports a problem under their name (through the one intake service)."""
    v = signed_in_volunteer(request)
    if v is None:
        return redirect("web:volunteer_me")
    status = 200
    if request.method == "POST":
        form = VolunteerReportForm(request.POST, request.FILES, volunteer=v)
        if form.is_valid():
            d = form.cleaned_data
            try:
                report = volunteer_report_create(
                    actor=CITIZEN,
                    volunteer=v,
                    role=d["role"],
                    category=d["category"],
                    appeal_type=d["appeal_type"],
                    description=d["description"],
                    address=d["address"],
                    lng=d["longitude"],
                    lat=d["latitude"],
                    photos=d["photos"] or [],
                )
            except DomainError as exc:
                status = exc.http_status
                _refused(form, exc)
            else:
                messages.success(
                    request,
                    _("已受理，查询码 %(code)s，办理进展将以短信通知您") % {"code": report.work_order.tracking_code},
                )
                return redirect("web:volunteer_me")
        else:
            status = 400
    else:
        first = v.roles.order_by("ordering").first()
        form = VolunteerReportForm(initial={"role": first}, volunteer=v)
    return render(request, "web/volunteers/citizen_report.html", {"form": form, "volunteer": v}, status=status)


@require_POST
def volunteer_check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """到岗签到 on the volunteer's own slot, with the phone's position."""
    v = signed_in_volunteer(request)
    if v is None:
        return redirect("web:volunteer_me")
    form = PositionForm(request.POST)
    form.is_valid()
    try:
        c = check_in_record(actor=CITIZEN, slot=pk, volunteer=v, **form.position())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _check_in_text(c))
    return redirect("web:volunteer_me")


@require_POST
def volunteer_hours_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """A team's leader confirms (or not) a member's hours."""
    v = signed_in_volunteer(request)
    if v is None:
        return redirect("web:volunteer_me")
    try:
        hours_decide(actor=CITIZEN, hours=pk, by_volunteer=v, confirm=request.POST.get("decision") != "reject")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已处理服务时长"))
    return redirect("web:volunteer_me")


routes: list[URLPattern] = [
    path("volunteers/", volunteer_home, name="volunteer_home"),
    path("volunteers/list/", volunteer_list, name="volunteer_list"),
    path("volunteers/new/", volunteer_new, name="volunteer_new"),
    path("volunteers/<int:pk>/", volunteer_detail, name="volunteer_detail"),
    path("volunteers/<int:pk>/reveal/", volunteer_reveal, name="volunteer_reveal"),
    path("volunteers/<int:pk>/roles/", volunteer_roles, name="volunteer_set_roles"),
    path("volunteers/<int:pk>/leave/", volunteer_leave_view, name="volunteer_leave"),
    path("volunteers/roles/", volunteer_role_list, name="volunteer_roles"),
    path("volunteers/teams/", team_list, name="volunteer_teams"),
    path("volunteers/teams/new/", team_edit, name="volunteer_team_new"),
    path("volunteers/teams/<int:pk>/", team_detail, name="volunteer_team_detail"),
    path("volunteers/teams/<int:pk>/edit/", team_edit, name="volunteer_team_edit"),
    path("volunteers/activities/", activity_list, name="volunteer_activities"),
    path("volunteers/activities/new/", activity_new, name="volunteer_activity_new"),
    path("volunteers/activities/<int:pk>/", activity_detail, name="volunteer_activity_detail"),
    path("volunteers/hours/<int:pk>/decide/", hours_decide_view, name="volunteer_hours_decide"),
    path("volunteers/posts/", post_list, name="volunteer_posts"),
    path("volunteers/posts.geojson", volunteer_posts_geojson, name="volunteer_posts_geojson"),
    path("volunteers/posts/new/", post_edit, name="volunteer_post_new"),
    path("volunteers/posts/<int:pk>/", post_detail, name="volunteer_post_detail"),
    path("volunteers/posts/<int:pk>/edit/", post_edit, name="volunteer_post_edit"),
    path("volunteers/posts/<int:pk>/slots/", slot_add, name="volunteer_slot_add"),
    path("volunteers/slots/<int:pk>/remove/", slot_remove, name="volunteer_slot_remove"),
    path("volunteers/slots/<int:pk>/check-in/", slot_check_in, name="volunteer_slot_check_in"),
    # The citizen side: no account, the number verified by SMS code.
    path("volunteer/", volunteer_me, name="volunteer_me"),
    path("volunteer/signin/", volunteer_signin, name="volunteer_signin"),
    path("volunteer/signin/verify/", volunteer_signin_verify, name="volunteer_signin_verify"),
    path("volunteer/report/", volunteer_report, name="volunteer_report"),
    path("volunteer/slots/<int:pk>/check-in/", volunteer_check_in, name="volunteer_check_in"),
    path("volunteer/hours/<int:pk>/decide/", volunteer_hours_decide, name="volunteer_citizen_hours_decide"),
]
