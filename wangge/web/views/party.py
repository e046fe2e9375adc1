"""Pages of 党建引领, wired by wangge.web.urls through ``routes``: the party-organisation tree (collapsible, phone
first), an organisation's page (its members, the organisations under it, 联户 by 片区, 红色管家, and for the
organisers the forms to enrol a member, add an organisation below, a 片区 or a 联户 household), a member's page,
the cadres' 包片 and the map layer of the organisations (GeoJSON).

Everything is scoped: an organisation or member outside the user's scope answers 404 like a missing one. The
services decide every write.
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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from wangge.accounts.models import User
from wangge.core.errors import DomainError
from wangge.ledgers.choices import ResidentStatus
from wangge.ledgers.models import Building, Estate, Household, Resident
from wangge.party.choices import LEVEL_COLOURS, PARENT_LEVEL, MemberRole, OrgLevel
from wangge.party.filtersets import CadreAreaFilterSet
from wangge.party.models import CadreArea, LiaisonArea, LiaisonLink, PartyMember, PartyOrganisation, RedSteward
from wangge.party.selectors import map_rows, members_of, organisation_figures, tree
from wangge.party.services import (
    cadre_area_assign,
    cadre_area_remove,
    liaison_area_create,
    liaison_link,
    may_organise,
    member_change,
    member_enrol,
    organisation_create,
    steward_assign,
)
from wangge.territory.choices import TerritoryKind
from wangge.territory.maps import display_points
from wangge.territory.models import Territory
from wangge.web.filters import tune_form
from wangge.web.views.common import paginate, querystring_without

CHOICE_LIMIT = 500
CHILD_LEVEL: dict[str, str] = {parent: level for level, parent in PARENT_LEVEL.items() if parent is not None}

# --- helpers -------------------------------------------------------------------------------------------------


def capped(qs: QuerySet[Any]) -> QuerySet[Any]:
    """The first ``CHOICE_LIMIT`` rows of a choice list, as a queryset a form can still look a value up in."""
    return qs.filter(pk__in=list(qs.values_list("pk", flat=True)[:CHOICE_LIMIT]))


def get_org(user: Any, pk: int) -> PartyOrganisation:
    org: PartyOrganisation | None = (
        PartyOrganisation.objects.restrict(user)
        .select_related("territory", "estate", "building", "household", "parent")
        .filter(pk=pk)
        .first()
    )
    if org is None:
        raise Http404(_("党组织不存在"))
    return org


def get_member(user: Any, pk: int) -> PartyMember:
    member: PartyMember | None = (
        PartyMember.objects.restrict(user)
        .select_related("resident", "resident__household", "organisation", "organisation__territory")
        .filter(pk=pk)
        .first()
    )
    if member is None:
        raise Http404(_("党员不存在"))
    return member


def _community(org: PartyOrganisation) -> Territory:
    t = org.territory
    if t.kind == TerritoryKind.COMMUNITY:
        return t
    parent: Territory = t.get_parent() or t
    return parent


def _households(user: Any, org: PartyOrganisation) -> QuerySet[Household]:
    """The households an organisation's members may look after, nearest first: its building, 小区 or grid,
    else its community."""
    qs: QuerySet[Household] = Household.objects.restrict(user).select_related("building")
    if org.building_id:
        qs = qs.filter(building_id=org.building_id)
    elif org.household_id:
        qs = qs.filter(pk=org.household_id)
    elif org.estate_id:
        qs = qs.filter(building__estate_id=org.estate_id)
    else:
        qs = qs.filter(grid__path__startswith=org.territory.path)
    return qs.order_by("code")


def _places(user: Any, org: PartyOrganisation) -> list[tuple[str, str]]:
    """Where an organisation of the next level under ``org`` may be built: ("t:<pk>"|"e:"|"b:"|"h:", label)."""
    level = CHILD_LEVEL.get(org.level)
    if level == OrgLevel.BRANCH:
        grids = Territory.objects.restrict(user).filter(path__startswith=org.territory.path, kind=TerritoryKind.GRID)
        estates: QuerySet[Estate] = Estate.objects.restrict(user).filter(community=org.territory)
        return [(f"t:{g.pk}", _("网格：%(n)s") % {"n": g.name}) for g in grids.order_by("code")] + [
            (f"e:{e.pk}", _("小区：%(n)s") % {"n": e.name}) for e in estates.order_by("code")
        ]
    if level == OrgLevel.GROUP:
        buildings: QuerySet[Building] = Building.objects.restrict(user)
        buildings = (
            buildings.filter(estate_id=org.estate_id) if org.estate_id else buildings.filter(grid_id=org.territory_id)
        )
        taken: Any = PartyOrganisation.objects.filter(level=OrgLevel.GROUP).values("building_id")
        return [(f"b:{b.pk}", b.name) for b in buildings.exclude(pk__in=taken).order_by("code")[:CHOICE_LIMIT]]
    if level == OrgLevel.CENTRE:
        taken = PartyOrganisation.objects.filter(level=OrgLevel.CENTRE).values("household_id")
        return [(f"h:{h.pk}", str(h)) for h in _households(user, org).exclude(pk__in=taken)[:CHOICE_LIMIT]]
    return []


class MemberForm(forms.Form):
    resident = forms.ModelChoiceField(label=gettext_lazy("居民"), queryset=Resident.objects.none())
    role = forms.ChoiceField(label=gettext_lazy("职务"), choices=MemberRole.choices, initial=MemberRole.MEMBER)
    joined_party_on = forms.DateField(
        label=gettext_lazy("入党时间"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, user: Any, org: PartyOrganisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        base = org.territory if org.territory.kind == TerritoryKind.GRID else _community(org)
        field: Any = self.fields["resident"]
        field.queryset = capped(
            Resident.objects.restrict(user)
            .filter(grid__path__startswith=base.path, status=ResidentStatus.CURRENT, party_member__isnull=True)
            .order_by("name", "id")
        )


class ChildForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("组织名称"), max_length=100)
    place = forms.ChoiceField(label=gettext_lazy("所在位置"))

    def __init__(self, *args: Any, places: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["place"]
        field.choices = places


class AreaForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("片区名称"), max_length=100)


class LinkForm(forms.Form):
    member = forms.ModelChoiceField(label=gettext_lazy("党员"), queryset=PartyMember.objects.none())
    household = forms.ModelChoiceField(label=gettext_lazy("联系户"), queryset=Household.objects.none())
    area = forms.ModelChoiceField(label=gettext_lazy("联户片区"), queryset=LiaisonArea.objects.none(), required=False)

    def __init__(self, *args: Any, user: Any, org: PartyOrganisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["member"].queryset = org.members.filter(is_active=True).select_related("resident")
        fields["member"].label_from_instance = lambda m: m.resident.name
        fields["household"].queryset = capped(_households(user, org))
        owners = [org.pk] + ([org.parent_id] if org.parent_id else [])
        fields["area"].queryset = LiaisonArea.objects.filter(organisation_id__in=owners)


def _buildings(user: Any, org: PartyOrganisation) -> QuerySet[Building]:
    """The buildings whose 红色管家 an organisation's members may be: its own building, its 小区's or household's,
    else every building under its territory."""
    qs: QuerySet[Building] = Building.objects.restrict(user)
    if org.building_id:
        qs = qs.filter(pk=org.building_id)
    elif org.household_id:
        qs = qs.filter(households__pk=org.household_id)
    elif org.estate_id:
        qs = qs.filter(estate_id=org.estate_id)
    else:
        qs = qs.filter(grid__path__startswith=org.territory.path)
    return qs.order_by("code")


class StewardForm(forms.Form):
    building = forms.ModelChoiceField(label=gettext_lazy("楼栋"), queryset=Building.objects.none())
    member = forms.ModelChoiceField(
        label=gettext_lazy("红色管家（党员）"),
        queryset=PartyMember.objects.none(),
        help_text=gettext_lazy("该楼栋已有红色管家时将被替换"),
    )

    def __init__(self, *args: Any, user: Any, org: PartyOrganisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["building"].queryset = capped(_buildings(user, org))
        fields["member"].queryset = org.members.filter(is_active=True).select_related("resident")
        fields["member"].label_from_instance = lambda m: m.resident.name


def _figures_of(nodes: list[Any]) -> dict[str, int]:
    out = {"organisations": 0, "members": 0, "households": 0}

    def walk(n: Any) -> None:
        out["organisations"] += 1
        out["members"] += n.members
        out["households"] += n.households
        for c in n.children:
            walk(c)

    for n in nodes:
        walk(n)
    return out


# --- pages ---------------------------------------------------------------------------------------------------


@login_required
def party_home(request: HttpRequest) -> HttpResponse:
    """The tree of the organisations the user sees (四级架构), collapsible."""
    user = request.user
    nodes = tree(user)
    context = {
        "nodes": nodes,
        "figures": _figures_of(nodes),
        "levels": OrgLevel,
        "cadres": CadreArea.objects.restrict(user).count(),
    }
    return render(request, "web/party/home.html", context)


def _org_context(
    request: HttpRequest, org: PartyOrganisation, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    user = request.user
    bound = bound or {}
    may = may_organise(user, org.territory.path)
    links: list[LiaisonLink] = list(
        LiaisonLink.objects.restrict(user)
        .filter(member__organisation=org)
        .select_related("member__resident", "household", "area")
        .order_by("area__name", "member_id", "household__code")
    )
    areas: dict[str, list[LiaisonLink]] = {}
    for link in links:
        areas.setdefault(link.area.name if link.area else str(_("未分片区")), []).append(link)
    children: list[PartyOrganisation] = list(
        PartyOrganisation.objects.restrict(user)
        .filter(parent=org)
        .select_related("territory", "estate", "building", "household")
        .order_by("name")
    )
    stewards: list[RedSteward] = list(
        RedSteward.objects.restrict(user)
        .filter(member__organisation=org)
        .select_related("building", "member__resident")
        .order_by("building__code")
    )
    places = _places(user, org) if may else []
    context: dict[str, Any] = {
        "org": org,
        "figures": organisation_figures(org),
        "members": members_of(org),
        "children": children,
        "areas": areas,
        "area_rows": list(org.liaison_areas.order_by("name")),
        "stewards": stewards,
        "may_organise": may,
        "child_level": OrgLevel(CHILD_LEVEL[org.level]).label if org.level in CHILD_LEVEL else "",
    }
    if may:
        context["member_form"] = bound.get("member") or MemberForm(user=user, org=org)
        context["link_form"] = bound.get("link") or LinkForm(user=user, org=org)
        context["area_form"] = bound.get("area") or AreaForm()
        context["steward_form"] = bound.get("steward") or StewardForm(user=user, org=org)
        if places:
            context["child_form"] = bound.get("child") or ChildForm(places=places)
    return context


@login_required
def party_org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_org(request.user, pk)
    return render(request, "web/party/org.html", _org_context(request, org))


def _place_kwargs(user: Any, value: str) -> dict[str, Any]:
    kind, _sep, raw = value.partition(":")
    models: dict[str, Any] = {
        "t": ("territory", Territory.objects.restrict(user)),
        "e": ("estate", Estate.objects.restrict(user)),
        "b": ("building", Building.objects.restrict(user)),
        "h": ("household", Household.objects.restrict(user)),
    }
    if kind not in models or not raw.isdigit():
        raise Http404
    name, qs = models[kind]
    obj = qs.filter(pk=int(raw)).first()
    if obj is None:
        raise Http404
    return {name: obj}


@login_required
def party_org_add(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """The organisers' forms of an organisation page: ``member``, ``child``, ``area``, ``link``, ``steward`` (set or
    replace the 红色管家 of a building)."""
    user = request.user
    org = get_org(user, pk)
    if request.method != "POST" or what not in {"member", "child", "area", "link", "steward"}:
        return redirect("web:party_org", pk=org.pk)
    form: forms.Form
    if what == "member":
        form = MemberForm(request.POST, user=user, org=org)
    elif what == "child":
        form = ChildForm(request.POST, places=_places(user, org))
    elif what == "area":
        form = AreaForm(request.POST)
    elif what == "steward":
        form = StewardForm(request.POST, user=user, org=org)
    else:
        form = LinkForm(request.POST, user=user, org=org)
    status = 400
    if form.is_valid():
        d = form.cleaned_data
        try:
            if what == "member":
                member_enrol(
                    actor=user,
                    resident=d["resident"],
                    organisation=org,
                    role=d["role"],
                    joined_party_on=d["joined_party_on"],
                )
            elif what == "child":
                organisation_create(
                    actor=user,
                    level=CHILD_LEVEL[org.level],
                    name=d["name"],
                    parent=org,
                    **_place_kwargs(user, d["place"]),
                )
            elif what == "area":
                liaison_area_create(actor=user, organisation=org, name=d["name"])
            elif what == "steward":
                steward_assign(actor=user, building=d["building"], member=d["member"])
            else:
                liaison_link(actor=user, member=d["member"], household=d["household"], area=d["area"])
        except DomainError as exc:
            status = exc.http_status
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已保存"))
            return redirect("web:party_org", pk=org.pk)
    return render(request, "web/party/org.html", _org_context(request, org, {what: form}), status=status)


class MemberChangeForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("职务"), choices=MemberRole.choices)
    is_active = forms.BooleanField(label=gettext_lazy("在册"), required=False)


@login_required
def party_member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    member = get_member(user, pk)
    may = may_organise(user, member.organisation.territory.path)
    status = 200
    form = MemberChangeForm(initial={"role": member.role, "is_active": member.is_active})
    if request.method == "POST" and may:
        form = MemberChangeForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                member_change(
                    actor=user, member=member, role=form.cleaned_data["role"], is_active=form.cleaned_data["is_active"]
                )
            except DomainError as exc:
                status = exc.http_status
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已保存"))
                return redirect("web:party_member", pk=member.pk)
    links: list[LiaisonLink] = list(
        LiaisonLink.objects.restrict(user)
        .filter(member=member)
        .select_related("household", "area")
        .order_by("household__code")
    )
    stewarded: list[RedSteward] = list(
        RedSteward.objects.restrict(user).filter(member=member).select_related("building")
    )
    context = {"member": member, "links": links, "stewarded": stewarded, "may_organise": may, "form": form}
    return render(request, "web/party/member.html", context, status=status)


class CadreForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("干部账号（用户名）"), max_length=150)
    territory = forms.ModelChoiceField(label=gettext_lazy("包片区域"), queryset=Territory.objects.none())
    duty = forms.CharField(label=gettext_lazy("包片职责"), max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["territory"]
        field.queryset = capped(
            Territory.objects.restrict(user)
            .filter(kind__in=[TerritoryKind.STREET, TerritoryKind.COMMUNITY, TerritoryKind.GRID])
            .order_by("path")
        )


@login_required
def party_cadres(request: HttpRequest) -> HttpResponse:
    """干部包片: who answers for which community or grid; organisers assign and remove."""
    user = request.user
    qs: QuerySet[CadreArea] = (
        CadreArea.objects.restrict(user).select_related("cadre", "territory").order_by("territory__path", "cadre_id")
    )
    filterset = CadreAreaFilterSet(request.GET or None, queryset=qs, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
    status = 200
    form = CadreForm(user=user)
    if request.method == "POST":
        if request.POST.get("remove"):
            area = qs.filter(pk=request.POST["remove"]).first() if request.POST["remove"].isdigit() else None
            if area is None:
                raise Http404
            try:
                cadre_area_remove(actor=user, area=area)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("已解除包片"))
            return redirect("web:party_cadres")
        form = CadreForm(request.POST, user=user)
        status = 400
        if form.is_valid():
            cadre = User.objects.filter(username=form.cleaned_data["username"], is_active=True).first()
            if cadre is None:
                form.add_error("username", _("没有该账号"))
            else:
                try:
                    cadre_area_assign(
                        actor=user,
                        cadre=cadre,
                        territory=form.cleaned_data["territory"],
                        duty=form.cleaned_data["duty"],
                    )
                except DomainError as exc:
                    status = exc.http_status
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, _("已保存"))
                    return redirect("web:party_cadres")
    page = paginate(request, rows, 50)
    top = Territory.objects.restrict(user).order_by("depth", "path").first()
    for row in page.object_list:
        row.may_remove = may_organise(user, row.territory.path)  # type: ignore[attr-defined]
    context = {
        "filterset": filterset,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "form": form,
        "may_assign": top is not None and may_organise(user, top.path),
    }
    return render(request, "web/party/cadres.html", context, status=status)


@login_required
@require_GET
def party_map(request: HttpRequest) -> JsonResponse:
    """The party organisations the user sees as a GeoJSON FeatureCollection of points, in the tiles' datum:
    ``name``, ``kind`` (level), ``kind_label``, ``members``, ``colour``, ``url``."""
    rows = map_rows(request.user)
    xs, ys = display_points([r[1][0] for r in rows], [r[1][1] for r in rows]) if rows else ([], [])
    pattern = reverse("web:party_org", args=[0])
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [x, y]},
            "properties": {
                "name": org.name,
                "kind": org.level,
                "kind_label": str(OrgLevel(org.level).label),
                "members": n,
                "colour": LEVEL_COLOURS[org.level],
                "url": pattern.replace("/0/", f"/{org.pk}/"),
            },
        }
        for (org, _where, n), x, y in zip(rows, xs, ys, strict=True)
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


routes: list[URLPattern] = [
    path("party/", party_home, name="party_home"),
    path("party/organisations/<int:pk>/", party_org_detail, name="party_org"),
    path("party/organisations/<int:pk>/add/<slug:what>/", party_org_add, name="party_org_add"),
    path("party/members/<int:pk>/", party_member_detail, name="party_member"),
    path("party/cadres/", party_cadres, name="party_cadres"),
    path("party/map.geojson", party_map, name="party_map"),
]
