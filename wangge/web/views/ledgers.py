"""Pages of the 基础台账: a hub with the counts in the user's scope, lists with filters, details with their
history, edit forms calling the ledger services, the reveal of personal numbers (audited), and import/export.

Everything is scoped: a row outside the user's ``view`` scope answers 404 like a missing one; the edit pages
need the ``record`` action over the row (grid workers keep their own grids), others read only. The services
decide every write; the pages turn their refusals into messages on the form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Q, QuerySet
from django.db.models import Model as DjangoModel
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wangge.accounts.roles import RECORD
from wangge.core import audit
from wangge.core.errors import DomainError
from wangge.core.models import AuditEntry
from wangge.core.validators import mask_id_number, mask_phone
from wangge.ledgers import selectors, services
from wangge.ledgers.choices import MerchantStatus, MoveKind, RecordStatus, ResidentStatus
from wangge.ledgers.models import Building, Estate, Household, Merchant, ResidenceChange, Resident
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.web import ledger_forms as lf
from wangge.web.views import ledger_files
from wangge.web.views import map as map_views
from wangge.web.views.common import client_ip, paginate, querystring_without

M = TypeVar("M", bound=DjangoModel)

PER_PAGE = 30
# How many audit entries and moves a detail page shows (newest first).
HISTORY_LIMIT = 50


# -- Shared helpers ------------------------------------------------------------------------------------------


def scoped_get(queryset: QuerySet[M], pk: int) -> M:
    """The row ``pk`` of an already scoped queryset, or 404 (out of scope reads exactly like missing)."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404(_("记录不存在"))
    return obj


def may_record(user: Any, obj: Any) -> bool:
    """Whether ``user`` may keep the ledger over this row (the ``record`` action over its grid)."""
    return type(obj).objects.restrict(user, RECORD).filter(pk=obj.pk).exists()


def records_anywhere(user: Any) -> bool:
    return Territory.objects.restrict(user, RECORD).exists()


# What the audit actions of the ledger rows are called on the pages (others show their code).
ACTION_LABELS = {
    "create": gettext_lazy("登记"),
    "update": gettext_lazy("修改"),
    "move": gettext_lazy("迁移"),
    "archive": gettext_lazy("归档"),
    "restore": gettext_lazy("恢复在册"),
    "close": gettext_lazy("注销"),
    "set_head": gettext_lazy("设置户主"),
}
REVEAL_ACTIONS = {"ledgers.reveal_resident", "ledgers.reveal_building_head", "ledgers.reveal_merchant_contact"}
# Bookkeeping fields not worth a line in the history.
QUIET_FIELDS = {"updated_at", "created_at", "id_number_index", "phone_index", "head_phone_index", "contact_phone_index"}


def _field_label(model: type[DjangoModel], name: str) -> str:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def history(obj: Any) -> list[dict[str, Any]]:
    """The audit trail of one ledger row, newest first, in words: what was done, and each changed field with
    its label and new value (protected numbers are "***" in the trail itself)."""
    meta = obj._meta
    entries = AuditEntry.objects.filter(
        app_label=meta.app_label, model=meta.model_name, object_id=str(obj.pk)
    ).order_by("-at", "-id")[:HISTORY_LIMIT]
    out = []
    for e in entries:
        changes: list[tuple[str, Any]] = []
        if e.action in REVEAL_ACTIONS:
            label = _("查看完整号码")
            fields = (e.after or {}).get("fields", [])
            changes = [(_("字段"), "、".join(_field_label(type(obj), f) for f in fields))]
        else:
            verb = e.action.rsplit(".", 1)[-1].split("_", 1)[-1]
            label = str(ACTION_LABELS.get(verb, e.action))
            after = e.after if isinstance(e.after, dict) else {}
            changes = [(_field_label(type(obj), k), v) for k, v in after.items() if k not in QUIET_FIELDS]
        out.append({"at": e.at, "actor": e.actor_name, "ip": e.ip, "label": label, "changes": changes, "note": e.note})
    return out


def quarter_start(now: dt.datetime | None = None) -> dt.datetime:
    """The first moment of the current quarter in local time (the coverage period of 入户走访)."""
    local = timezone.localtime(now or timezone.now())
    month = 3 * ((local.month - 1) // 3) + 1
    return local.replace(month=month, day=1, hour=0, minute=0, second=0, microsecond=0)


def list_context(request: HttpRequest, form: lf._Filters, queryset: QuerySet[Any], **extra: Any) -> dict[str, Any]:
    page = paginate(request, queryset, PER_PAGE)
    return {
        "form": form,
        "page": page,
        "querystring": querystring_without(request, "page"),
        "filters_in_use": form.in_use,
        "can_record": records_anywhere(request.user),
        **extra,
    }


def refusal(form: Any, exc: DomainError) -> None:
    """A service's refusal on the form: its message, and each named field marked."""
    form.add_error(None, exc.message)
    for detail in exc.details if isinstance(exc.details, list) else []:
        if not isinstance(detail, dict):
            continue
        field = detail.get("field")
        reason = str(detail.get("reason") or detail.get("error") or _("请检查此项"))
        if field in form.fields:
            form.add_error(field, reason)


def edit_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    back: str,
    save: Callable[[], Any],
    done: Callable[[Any], str],
    message: str,
) -> HttpResponse:
    """Shared POST handling of an edit page: valid form → service → redirect; a refusal stays on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save()
        except DomainError as exc:
            refusal(form, exc)
            status = exc.http_status if exc.http_status in (400, 403, 404, 409) else 400
            return render(request, "web/ledgers/edit.html", {"form": form, "title": title, "back": back}, status=status)
        messages.success(request, message)
        return redirect(done(obj))
    status = 400 if request.method == "POST" else 200
    return render(request, "web/ledgers/edit.html", {"form": form, "title": title, "back": back}, status=status)


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "web/ledgers/forbidden.html", status=403)


# -- Hub -----------------------------------------------------------------------------------------------------


def _by_grid(queryset: QuerySet[Any]) -> dict[int, int]:
    return {row["grid_id"]: row["n"] for row in queryset.values("grid_id").annotate(n=Count("id")).order_by()}


@login_required
def ledger_home(request: HttpRequest) -> HttpResponse:
    """基础台账 hub: buildings, households, residents and merchants per community and grid in scope."""
    user = request.user
    counts = {
        "buildings": _by_grid(selectors.buildings_for(user).filter(status=RecordStatus.ACTIVE)),
        "households": _by_grid(selectors.households_for(user).filter(status=RecordStatus.ACTIVE)),
        "residents": _by_grid(selectors.residents_for(user).filter(status=ResidentStatus.CURRENT)),
        "merchants": _by_grid(selectors.merchants_for(user).exclude(status=MerchantStatus.CLOSED)),
    }
    grid_ids = set().union(*(c.keys() for c in counts.values()))
    visible_grids = Territory.objects.restrict(user).filter(kind=TerritoryKind.GRID)
    grids = list(
        Territory.objects.filter(Q(pk__in=grid_ids) | Q(pk__in=visible_grids.values("pk"))).order_by("path")[:2000]
    )
    parents = {
        t.path: t
        for t in Territory.objects.filter(path__in={g.path[: len(g.path) - Territory.steplen] for g in grids}).order_by(
            "path"
        )
    }
    groups: dict[str, dict[str, Any]] = {}
    totals = dict.fromkeys(counts, 0)
    for grid in grids:
        parent = parents.get(grid.path[: len(grid.path) - Territory.steplen])
        key = parent.path if parent else ""
        group = groups.setdefault(key, {"node": parent, "grids": [], "totals": dict.fromkeys(counts, 0)})
        row = {"node": grid, **{k: counts[k].get(grid.pk, 0) for k in counts}}
        group["grids"].append(row)
        for k in counts:
            group["totals"][k] += row[k]
            totals[k] += row[k]
    quarter = quarter_start()
    households = selectors.households_for(user).filter(status=RecordStatus.ACTIVE)
    visited = households.filter(last_visited_at__gte=quarter).count()
    context = {
        "groups": list(groups.values()),
        "totals": totals,
        "visited": visited,
        "quarter": quarter,
        "can_record": records_anywhere(user),
        "import_kinds": ledger_files.importable(user),
        "export_kinds": ledger_files.exportable(user),
    }
    return render(request, "web/ledgers/home.html", context)


# -- Estates -------------------------------------------------------------------------------------------------


@login_required
def estate_list(request: HttpRequest) -> HttpResponse:
    form = lf.EstateFilterForm(request.GET or None, user=request.user)
    qs = (
        selectors.estates_for(request.user)
        .select_related("community")
        .annotate(building_count=Count("buildings", distinct=True))
    )
    f = form.values()
    if "q" in f:
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(code__icontains=f["q"]))
    if "community" in f:
        qs = qs.filter(community=f["community"])
    return render(request, "web/ledgers/estate_list.html", list_context(request, form, qs.order_by("code")))


@login_required
def estate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    estate = scoped_get(selectors.estates_for(request.user).select_related("community"), pk)
    buildings = selectors.buildings_for(request.user).filter(estate=estate).select_related("grid")
    context = {
        "estate": estate,
        "buildings": buildings.annotate(household_count=Count("households", distinct=True)).order_by("code"),
        "can_record": may_record(request.user, estate),
        "history": history(estate),
    }
    return render(request, "web/ledgers/estate_detail.html", context)


def _estate_initial(estate: Estate) -> dict[str, Any]:
    fields = ("code", "name", "address", "property_company", "property_contact", "owners_committee", "notes")
    return {"community": estate.community_id, **{f: getattr(estate, f) for f in fields}}


@login_required
def estate_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    estate = scoped_get(selectors.estates_for(user), pk) if pk else None
    if estate is not None and not may_record(user, estate):
        return forbidden(request)
    if estate is None and not records_anywhere(user):
        return forbidden(request)
    data = request.POST if request.method == "POST" else None
    form = lf.EstateForm(data, user=user, initial=_estate_initial(estate) if estate else {})
    if estate is not None:
        for fixed in ("code", "community"):
            form.fields[fixed].disabled = True

    def save() -> Estate:
        payload = form.payload()
        if estate is None:
            payload["code"] = payload["code"] or None
            return services.estate_create(actor=user, **payload)
        for fixed in ("code", "community"):
            payload.pop(fixed, None)
        return services.estate_update(actor=user, estate=estate, **payload)

    return edit_page(
        request,
        form,
        title=_("编辑小区") if estate else _("新增小区"),
        back=reverse("web:ledger_estate", args=[estate.pk]) if estate else reverse("web:ledger_estates"),
        save=save,
        done=lambda e: reverse("web:ledger_estate", args=[e.pk]),
        message=_("已保存小区"),
    )


# -- Buildings -----------------------------------------------------------------------------------------------


@login_required
def building_list(request: HttpRequest) -> HttpResponse:
    form = lf.BuildingFilterForm(request.GET or None, user=request.user)
    qs = (
        selectors.buildings_for(request.user)
        .select_related("grid", "estate")
        .annotate(household_count=Count("households", distinct=True))
    )
    f = form.values()
    if "q" in f:
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(code__icontains=f["q"]) | Q(address__icontains=f["q"]))
    if "grid" in f:
        qs = qs.filter(grid=f["grid"])
    if "estate" in f:
        qs = qs.filter(estate=f["estate"])
    return render(request, "web/ledgers/building_list.html", list_context(request, form, qs.order_by("code")))


@login_required
def building_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    building = scoped_get(selectors.buildings_for(user).select_related("grid", "estate", "head_user"), pk)
    households = (
        selectors.households_for(user)
        .filter(building=building)
        .select_related("head")
        .annotate(member_count=Count("members", filter=Q(members__status=ResidentStatus.CURRENT)))
        .order_by("unit_no", "room", "code")
    )
    context = {
        "building": building,
        "households": households,
        "merchants": selectors.merchants_for(user).filter(building=building).order_by("name"),
        "estate_visible": building.estate_id is not None
        and selectors.estates_for(user).filter(pk=building.estate_id).exists(),
        "head_phone": mask_phone(building.head_phone),
        "can_reveal": bool(building.head_phone) and selectors.may_reveal(user, building),
        "can_record": may_record(user, building),
        "history": history(building),
        "hazards": _hazards(user, building=building),
    }
    return render(request, "web/ledgers/building_detail.html", context)


def _building_initial(b: Building) -> dict[str, Any]:
    fields = ("code", "name", "address", "floors", "units", "lng", "lat", "head_name", "notes")
    return {"grid": b.grid_id, "estate": b.estate_id, **{f: getattr(b, f) for f in fields}}


@login_required
def building_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    building = scoped_get(selectors.buildings_for(user), pk) if pk else None
    if (building is not None and not may_record(user, building)) or not records_anywhere(user):
        return forbidden(request)
    data = request.POST if request.method == "POST" else None
    initial = _building_initial(building) if building else {"grid": request.GET.get("grid")}
    form = lf.BuildingForm(data, user=user, initial=initial)
    if building is not None:
        for fixed in ("code", "grid"):
            form.fields[fixed].disabled = True
        form.keep_numbers({"head_phone": mask_phone(building.head_phone)})

    def save() -> Building:
        payload = form.payload()
        if building is None:
            payload["code"] = payload["code"] or None
            return services.building_create(actor=user, **payload)
        for fixed in ("code", "grid"):
            payload.pop(fixed, None)
        return services.building_update(actor=user, building=building, **payload)

    return edit_page(
        request,
        form,
        title=_("编辑楼栋") if building else _("新增楼栋"),
        back=reverse("web:ledger_building", args=[building.pk]) if building else reverse("web:ledger_buildings"),
        save=save,
        done=lambda b: reverse("web:ledger_building", args=[b.pk]),
        message=_("已保存楼栋"),
    )


# -- Households ----------------------------------------------------------------------------------------------


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    form = lf.HouseholdFilterForm(request.GET or None, user=request.user)
    qs = (
        selectors.households_for(request.user)
        .select_related("grid", "building", "head")
        .annotate(member_count=Count("members", filter=Q(members__status=ResidentStatus.CURRENT)))
    )
    f = form.values()
    if "q" in f:
        qs = qs.filter(Q(address__icontains=f["q"]) | Q(code__icontains=f["q"]))
    if "grid" in f:
        qs = qs.filter(grid=f["grid"])
    if "building" in f:
        qs = qs.filter(building=f["building"])
    if "use" in f:
        qs = qs.filter(use=f["use"])
    quarter = quarter_start()
    if f.get("not_visited"):
        qs = qs.filter(status=RecordStatus.ACTIVE).filter(
            Q(last_visited_at__isnull=True) | Q(last_visited_at__lt=quarter)
        )
    context = list_context(request, form, qs.order_by("code"), quarter=quarter)
    return render(request, "web/ledgers/household_list.html", context)


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    household = scoped_get(selectors.households_for(user).select_related("grid", "building", "head"), pk)
    members = list(
        selectors.residents_for(user).filter(household=household, status=ResidentStatus.CURRENT).order_by("id")
    )
    for r in members:
        r.id_masked = mask_id_number(r.id_number)  # type: ignore[attr-defined]
    moves = list(
        ResidenceChange.objects.filter(Q(from_household=household) | Q(to_household=household))
        .select_related("resident", "from_household", "to_household")
        .order_by("-at", "-id")[:HISTORY_LIMIT]
    )
    current_ids = {m.pk for m in members}
    former: dict[int, dict[str, Any]] = {}
    for move in moves:
        if move.resident_id in current_ids or move.from_household_id != household.pk:
            continue
        former.setdefault(move.resident_id, {"resident": move.resident, "move": move})
    submissions, cases = _household_extras(user, household)
    context = {
        "household": household,
        "members": members,
        "former": list(former.values()),
        "moves": moves,
        "submissions": submissions,
        "hazards": _hazards(user, building=household.building) if household.building_id else [],
        "cases": cases,
        "quarter": quarter_start(),
        "can_record": may_record(user, household),
        "history": history(household),
    }
    return render(request, "web/ledgers/household_detail.html", context)


def _household_extras(user: Any, household: Household) -> tuple[list[Any], list[Any]]:
    """Filled forms about the household (一表) and the cases they opened; empty where the app is absent."""
    try:
        from wangge.surveys.models import FormSubmission
    except ImportError:  # a deployment without the surveys app
        return [], []
    subs: list[FormSubmission] = list(
        FormSubmission.objects.restrict(user)
        .filter(household=household)
        .select_related("template", "work_order")
        .order_by("-submitted_at")[:HISTORY_LIMIT]
    )
    from wangge.workorders.models import WorkOrder

    case_ids = {s.work_order_id for s in subs if s.work_order_id}
    if household.building_id:
        case_ids |= {h.work_order_id for h in _hazards(user, building=household.building) if h.work_order_id}
    cases: list[WorkOrder] = list(
        WorkOrder.objects.restrict(user).filter(pk__in=case_ids).order_by("-received_at")[:HISTORY_LIMIT]
    )
    return subs, cases


def _hazards(user: Any, *, building: Building | None = None, merchant: Merchant | None = None) -> list[Any]:
    """The hazard findings at a building or a merchant the user may see; none where the app is absent."""
    try:
        from wangge.hazards.models import HazardFinding
    except ImportError:  # a deployment without the hazards app
        return []
    qs: QuerySet[HazardFinding] = HazardFinding.objects.restrict(user).select_related("type")
    qs = qs.filter(building=building) if building is not None else qs.filter(merchant=merchant)
    return list(qs.order_by("-found_at")[:HISTORY_LIMIT])


def _household_initial(h: Household) -> dict[str, Any]:
    fields = ("code", "unit_no", "room", "house_no", "address", "use", "notes")
    return {"grid": h.grid_id, "building": h.building_id, **{f: getattr(h, f) for f in fields}}


@login_required
def household_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    household = scoped_get(selectors.households_for(user), pk) if pk else None
    if (household is not None and not may_record(user, household)) or not records_anywhere(user):
        return forbidden(request)
    data = request.POST if request.method == "POST" else None
    initial = (
        _household_initial(household)
        if household
        else {"grid": request.GET.get("grid"), "building": request.GET.get("building")}
    )
    form = lf.HouseholdForm(data, user=user, initial=initial)
    if household is not None:
        for fixed in ("code", "grid", "building"):
            form.fields[fixed].disabled = True

    def save() -> Household:
        payload = form.payload()
        if household is None:
            payload["code"] = payload["code"] or None
            return services.household_create(actor=user, **payload)
        for fixed in ("code", "grid", "building"):
            payload.pop(fixed, None)
        return services.household_update(actor=user, household=household, **payload)

    return edit_page(
        request,
        form,
        title=_("编辑户") if household else _("新增户"),
        back=reverse("web:ledger_household", args=[household.pk]) if household else reverse("web:ledger_households"),
        save=save,
        done=lambda h: reverse("web:ledger_household", args=[h.pk]),
        message=_("已保存户信息"),
    )


@login_required
@require_POST
def household_set_head(request: HttpRequest, pk: int) -> HttpResponse:
    """户主: one of the current members becomes the head."""
    user = request.user
    household = scoped_get(selectors.households_for(user), pk)
    if not may_record(user, household):
        return forbidden(request)
    try:
        resident_id = int(request.POST.get("resident", ""))
    except ValueError:
        resident_id = 0
    try:
        head = selectors.residents_for(user).filter(pk=resident_id).first()
        services.household_set_head(actor=user, household=household, resident=head)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已设置户主"))
    return redirect("web:ledger_household", pk=household.pk)


# -- Residents -----------------------------------------------------------------------------------------------


def _resident_rows(user: Any, f: dict[str, Any]) -> QuerySet[Resident]:
    """The residents of the list's filters. A full ID number or phone searches the blind index (exact)."""
    if f.get("id_number"):
        qs = selectors.residents_by_id_number(user, f["id_number"])
    elif f.get("phone"):
        qs = selectors.residents_by_phone(user, f["phone"])
    else:
        qs = selectors.residents_for(user)
    status = f.get("status", "")
    if status == "archived":
        qs = qs.exclude(status=ResidentStatus.CURRENT)
    elif status in {ResidentStatus.MOVED_AWAY, ResidentStatus.DECEASED}:
        qs = qs.filter(status=status)
    elif status != "all" and not (f.get("id_number") or f.get("phone")):
        qs = qs.filter(status=ResidentStatus.CURRENT)  # an exact number finds the person whatever the status
    if "q" in f:
        qs = qs.filter(name__icontains=f["q"])
    if "grid" in f:
        qs = qs.filter(grid=f["grid"])
    if "household" in f:
        qs = qs.filter(household_id=f["household"])
    if "tag" in f:
        qs = qs.filter(tags=f["tag"])
    if "residence_type" in f:
        qs = qs.filter(residence_type=f["residence_type"])
    return qs.select_related("grid", "household").order_by("grid__code", "household_id", "id")


@login_required
def resident_list(request: HttpRequest) -> HttpResponse:
    form = lf.ResidentFilterForm(request.GET or None, user=request.user)
    f = form.values()
    context = list_context(request, form, _resident_rows(request.user, f))
    for r in context["page"].object_list:
        r.id_masked = mask_id_number(r.id_number)
        r.phone_masked = mask_phone(r.phone)
    if "household" in f:
        context["household"] = selectors.households_for(request.user).filter(pk=f["household"]).first()
    return render(request, "web/ledgers/resident_list.html", context)


def get_resident(user: Any, pk: int) -> Resident:
    return scoped_get(selectors.residents_for(user).select_related("grid", "household", "household__head"), pk)


@login_required
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    resident = get_resident(user, pk)
    moves = list(
        resident.moves.select_related("from_household", "to_household", "by").order_by("-at", "-id")[:HISTORY_LIMIT]
    )
    context = {
        "r": resident,
        "tags": list(resident.tags.all()),
        "id_masked": mask_id_number(resident.id_number),
        "phone_masked": mask_phone(resident.phone),
        "can_reveal": bool(resident.id_number or resident.phone) and selectors.may_reveal(user, resident),
        "can_record": may_record(user, resident),
        "moves": moves,
        "history": history(resident),
        "archive_form": lf.ArchiveForm(),
        "restore_form": lf.RestoreForm(user=user),
    }
    return render(request, "web/ledgers/resident_detail.html", context)


def _resident_initial(r: Resident) -> dict[str, Any]:
    fields = ("name", "relation", "residence_type", "address", "notes")
    initial = {"grid": r.grid_id, "household": r.household_id, **{f: getattr(r, f) for f in fields}}
    initial["tags"] = [t.pk for t in r.tags.all()]
    return initial


@login_required
def resident_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    resident = get_resident(user, pk) if pk else None
    if (resident is not None and not may_record(user, resident)) or not records_anywhere(user):
        return forbidden(request)
    data = request.POST if request.method == "POST" else None
    choices: QuerySet[Household]
    if resident is not None:
        initial = _resident_initial(resident)
        choices = (
            Household.objects.filter(pk=resident.household_id) if resident.household_id else Household.objects.none()
        )
    else:
        initial = {"grid": request.GET.get("grid"), "household": request.GET.get("household")}
        choices = _household_choices(user, request.POST.get("household") or request.GET.get("household"))
    form = lf.ResidentForm(data, user=user, initial=initial, household_choices=choices)
    if resident is not None:
        # The household changes through 迁移 (with its history), never by editing the record.
        form.fields["household"].disabled = True
        form.fields["grid"].disabled = True
        form.keep_numbers({"id_number": mask_id_number(resident.id_number), "phone": mask_phone(resident.phone)})

    def save() -> Resident:
        payload = form.payload()
        if resident is None:
            return services.resident_create(actor=user, **payload)
        for fixed in ("household", "grid"):
            payload.pop(fixed, None)
        return services.resident_update(actor=user, resident=resident, **payload)

    return edit_page(
        request,
        form,
        title=_("编辑居民") if resident else _("登记居民"),
        back=reverse("web:ledger_resident", args=[resident.pk]) if resident else reverse("web:ledger_residents"),
        save=save,
        done=lambda r: reverse("web:ledger_resident", args=[r.pk]),
        message=_("已保存居民信息"),
    )


def _household_choices(user: Any, wanted: str | None) -> QuerySet[Household]:
    """The households a new resident may join: the first of the user's record scope by code, and the one the
    page was opened from (or posted) even when it is not among them."""
    scope = selectors.households_for(user, RECORD).filter(status=RecordStatus.ACTIVE)
    first = list(scope.order_by("code").values_list("pk", flat=True)[: lf.MAX_OPTIONS])
    if wanted and wanted.isdigit():
        first += list(scope.filter(pk=int(wanted)).values_list("pk", flat=True))
    return scope.filter(pk__in=first).order_by("code")


@login_required
def resident_move(request: HttpRequest, pk: int) -> HttpResponse:
    """迁移: the resident moves to another household within the user's record scope (history kept)."""
    user = request.user
    resident = get_resident(user, pk)
    if not may_record(user, resident):
        return forbidden(request)
    form = lf.HouseholdPickForm(request.POST or None, user=user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and form.household is not None:
            try:
                services.resident_move(
                    actor=user,
                    resident=resident,
                    to_household=form.household,
                    relation=form.cleaned_data["relation"],
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                refusal(form, exc)
                status = exc.http_status
            else:
                messages.success(request, _("已迁入 %(to)s") % {"to": form.household})
                return redirect("web:ledger_resident", pk=resident.pk)
    nearby = (
        selectors.households_for(user, RECORD)
        .filter(grid=resident.grid_id, status=RecordStatus.ACTIVE)
        .exclude(pk=resident.household_id or 0)
        .select_related("head")
        .order_by("code")[: lf.MAX_OPTIONS]
    )
    context = {"r": resident, "form": form, "nearby": nearby}
    return render(request, "web/ledgers/resident_move.html", context, status=status)


@login_required
@require_POST
def resident_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """归档: moved away or deceased; the record stays, marked, with the move written."""
    user = request.user
    resident = get_resident(user, pk)
    if not may_record(user, resident):
        return forbidden(request)
    form = lf.ArchiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择归档原因"))
        return redirect("web:ledger_resident", pk=resident.pk)
    reason = "deceased" if form.cleaned_data["kind"] == MoveKind.DECEASED else "moved_away"
    try:
        services.resident_archive(actor=user, resident=resident, reason=reason, note=form.cleaned_data["note"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已归档"))
    return redirect("web:ledger_resident", pk=resident.pk)


@login_required
@require_POST
def resident_restore(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    resident = get_resident(user, pk)
    if not may_record(user, resident):
        return forbidden(request)
    form = lf.RestoreForm(request.POST, user=user)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("web:ledger_resident", pk=resident.pk)
    household = form.household
    relation = form.cleaned_data.get("relation") or None
    try:
        services.resident_restore(
            actor=user,
            resident=resident,
            household=household,
            relation=relation if household is not None else None,
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已恢复在册"))
    return redirect("web:ledger_resident", pk=resident.pk)


# -- Reveal (one audited POST per row) -----------------------------------------------------------------------


def _reveal(request: HttpRequest, obj: Any, action: str, shown: list[tuple[str, str]]) -> HttpResponse:
    if not selectors.may_reveal(request.user, obj):
        return HttpResponse(_("无权查看完整号码"), status=403)
    audit.record(
        actor=request.user,
        action=action,
        obj=obj,
        after={"fields": [name for name, value in shown if value]},
        note="ledger page",
        ip=client_ip(request),
        only_changes=False,
    )
    parts = [
        format_html('<a class="mono" href="tel:{}">{}</a>', value, value)
        if name.endswith("phone")
        else format_html('<span class="mono">{}</span>', value)
        for name, value in shown
        if value
    ]
    return HttpResponse(format_html_join(" · ", "{}", ((p,) for p in parts)))


@login_required
@require_POST
def resident_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    r = get_resident(request.user, pk)
    field = request.POST.get("field", "")
    if field not in ("", "id_number", "phone"):
        return HttpResponse(_("未知字段"), status=400)
    shown = [(name, getattr(r, name)) for name in ("id_number", "phone") if field in ("", name)]
    return _reveal(request, r, "ledgers.reveal_resident", shown)


@login_required
@require_POST
def building_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    b = scoped_get(selectors.buildings_for(request.user), pk)
    return _reveal(request, b, "ledgers.reveal_building_head", [("head_phone", b.head_phone)])


@login_required
@require_POST
def merchant_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    m = scoped_get(selectors.merchants_for(request.user), pk)
    return _reveal(request, m, "ledgers.reveal_merchant_contact", [("contact_phone", m.contact_phone)])


# -- Merchants -----------------------------------------------------------------------------------------------


@login_required
def merchant_list(request: HttpRequest) -> HttpResponse:
    form = lf.MerchantFilterForm(request.GET or None, user=request.user)
    qs = selectors.merchants_for(request.user).select_related("grid", "point")
    f = form.values()
    if "q" in f:
        qs = qs.filter(Q(name__icontains=f["q"]) | Q(credit_code__icontains=f["q"]))
    if "grid" in f:
        qs = qs.filter(grid=f["grid"])
    if "kind" in f:
        qs = qs.filter(kind=f["kind"])
    if "status" in f:
        qs = qs.filter(status=f["status"])
    today = timezone.localdate()
    if f.get("licence_expiring"):
        qs = qs.filter(licence_expires__isnull=False, licence_expires__lte=today + dt.timedelta(days=30))
        qs = qs.exclude(status=MerchantStatus.CLOSED)
    context = list_context(
        request, form, qs.order_by("grid__code", "name", "id"), today=today, soon=today + dt.timedelta(days=30)
    )
    for m in context["page"].object_list:
        m.phone_masked = mask_phone(m.contact_phone)
    return render(request, "web/ledgers/merchant_list.html", context)


@login_required
def merchant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    merchant = scoped_get(selectors.merchants_for(user).select_related("grid", "building", "point", "point__type"), pk)
    today = timezone.localdate()
    context = {
        "m": merchant,
        "phone_masked": mask_phone(merchant.contact_phone),
        "can_reveal": bool(merchant.contact_phone) and selectors.may_reveal(user, merchant),
        "can_record": may_record(user, merchant),
        "history": history(merchant),
        "hazards": _hazards(user, merchant=merchant),
        "today": today,
        "soon": today + dt.timedelta(days=30),
        "close_form": lf.NoteForm(),
    }
    return render(request, "web/ledgers/merchant_detail.html", context)


def _merchant_initial(m: Merchant) -> dict[str, Any]:
    fields = (
        "name", "credit_code", "kind", "industry", "address", "lng", "lat", "responsible_person",
        "contact_name", "licence_issued", "licence_expires", "notes",
    )  # fmt: skip
    point = {"point_code": m.point.code} if m.point_id and m.point is not None else {}
    return {"grid": m.grid_id, "building": m.building_id, **point, **{f: getattr(m, f) for f in fields}}


@login_required
def merchant_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    merchant = scoped_get(selectors.merchants_for(user), pk) if pk else None
    if (merchant is not None and not may_record(user, merchant)) or not records_anywhere(user):
        return forbidden(request)
    data = request.POST if request.method == "POST" else None
    initial = _merchant_initial(merchant) if merchant else {"grid": request.GET.get("grid")}
    form = lf.MerchantForm(data, user=user, initial=initial)
    if merchant is not None:
        form.fields["grid"].disabled = True
        form.keep_numbers({"contact_phone": mask_phone(merchant.contact_phone)})

    def save() -> Merchant:
        payload = form.payload()
        if merchant is None:
            return services.merchant_create(actor=user, **payload)
        payload.pop("grid", None)
        return services.merchant_update(actor=user, merchant=merchant, **payload)

    return edit_page(
        request,
        form,
        title=_("编辑商户/单位") if merchant else _("新增商户/单位"),
        back=reverse("web:ledger_merchant", args=[merchant.pk]) if merchant else reverse("web:ledger_merchants"),
        save=save,
        done=lambda m: reverse("web:ledger_merchant", args=[m.pk]),
        message=_("已保存商户/单位"),
    )


@login_required
@require_POST
def merchant_close(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    merchant = scoped_get(selectors.merchants_for(user), pk)
    if not may_record(user, merchant):
        return forbidden(request)
    form = lf.NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.merchant_close(actor=user, merchant=merchant, note=note)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已注销"))
    return redirect("web:ledger_merchant", pk=merchant.pk)


routes: list[URLPattern] = [
    path("ledgers/", ledger_home, name="ledger_home"),
    path("ledgers/estates/", estate_list, name="ledger_estates"),
    path("ledgers/estates/new/", estate_edit, name="ledger_estate_new"),
    path("ledgers/estates/<int:pk>/", estate_detail, name="ledger_estate"),
    path("ledgers/estates/<int:pk>/edit/", estate_edit, name="ledger_estate_edit"),
    path("ledgers/buildings/", building_list, name="ledger_buildings"),
    path("ledgers/buildings/new/", building_edit, name="ledger_building_new"),
    path("ledgers/buildings/<int:pk>/", building_detail, name="ledger_building"),
    path("ledgers/buildings/<int:pk>/edit/", building_edit, name="ledger_building_edit"),
    path("ledgers/buildings/<int:pk>/reveal/", building_reveal, name="ledger_building_reveal"),
    path("ledgers/households/", household_list, name="ledger_households"),
    path("ledgers/households/new/", household_edit, name="ledger_household_new"),
    path("ledgers/households/<int:pk>/", household_detail, name="ledger_household"),
    path("ledgers/households/<int:pk>/edit/", household_edit, name="ledger_household_edit"),
    path("ledgers/households/<int:pk>/head/", household_set_head, name="ledger_household_head"),
    path("ledgers/residents/", resident_list, name="ledger_residents"),
    path("ledgers/residents/new/", resident_edit, name="ledger_resident_new"),
    path("ledgers/residents/<int:pk>/", resident_detail, name="ledger_resident"),
    path("ledgers/residents/<int:pk>/edit/", resident_edit, name="ledger_resident_edit"),
    path("ledgers/residents/<int:pk>/move/", resident_move, name="ledger_resident_move"),
    path("ledgers/residents/<int:pk>/archive/", resident_archive, name="ledger_resident_archive"),
    path("ledgers/residents/<int:pk>/restore/", resident_restore, name="ledger_resident_restore"),
    path("ledgers/residents/<int:pk>/reveal/", resident_reveal, name="ledger_resident_reveal"),
    path("ledgers/merchants/", merchant_list, name="ledger_merchants"),
    path("ledgers/merchants/new/", merchant_edit, name="ledger_merchant_new"),
    path("ledgers/merchants/<int:pk>/", merchant_detail, name="ledger_merchant"),
    path("ledgers/merchants/<int:pk>/edit/", merchant_edit, name="ledger_merchant_edit"),
    path("ledgers/merchants/<int:pk>/close/", merchant_close, name="ledger_merchant_close"),
    path("ledgers/merchants/<int:pk>/reveal/", merchant_reveal, name="ledger_merchant_reveal"),
    *ledger_files.routes,
    # Map layers of the ledgers (drawn by the map page, served with the other map data).
    path("map/buildings.json", map_views.map_buildings, name="map_buildings"),
    path("map/merchants.json", map_views.map_merchants, name="map_merchants"),
    path("map/hazards.json", map_views.map_hazards, name="map_hazards"),
]
