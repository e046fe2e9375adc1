"""Pages of 一表 (wired by wangge.web.urls through ``routes``): choose a form, fill it on the phone, the filled
forms and their detail, and 入户排查 coverage per grid.

The form is rendered from its current version's fields; conditions are shown and hidden by
``static/js/surveys.js`` from data- attributes, but the server (the engine, through ``submission_create``) is
what decides. The target row is picked among those the worker may record (code or address search)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.accounts.roles import RECORD
from wangge.core import files, uploads
from wangge.core.errors import DomainError
from wangge.core.scoping import scope_for
from wangge.ledgers.models import Building, Household, Merchant, Resident
from wangge.surveys import engine
from wangge.surveys.choices import FieldKind, FormTarget
from wangge.surveys.filtersets import FormSubmissionFilterSet
from wangge.surveys.models import FormSubmission, FormTemplate, SubmissionPhoto
from wangge.surveys.selectors import (
    coverage_total,
    fillable_templates,
    parse_quarter,
    quarter_label,
    quarter_start_of,
    registration_coverage,
    submissions_for,
)
from wangge.surveys.services import current_version, submission_create
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.web.filters import tune_form
from wangge.web.views.common import paginate, querystring_without

TARGET_MODELS: dict[str, type[Any]] = {
    FormTarget.HOUSEHOLD: Household,
    FormTarget.BUILDING: Building,
    FormTarget.MERCHANT: Merchant,
    FormTarget.RESIDENT: Resident,
}
PICK_LIMIT = 300


def _recordable(user: Any, model: type[Any]) -> QuerySet[Any]:
    qs: QuerySet[Any] = model.objects.restrict(user, RECORD)
    return qs


def _search(user: Any, target: str, q: str) -> list[Any]:
    """Rows of ``target`` the user may record matching ``q`` (code, address or name)."""
    model = TARGET_MODELS[target]
    qs = _recordable(user, model).select_related("grid")
    if hasattr(model, "status"):
        qs = qs.exclude(status__in=["archived", "closed", "moved_away", "deceased"])
    q = q.strip()
    if q:
        cond = Q(address__icontains=q)
        if target in (FormTarget.HOUSEHOLD, FormTarget.BUILDING):
            cond |= Q(code__startswith=q)
        if target in (FormTarget.BUILDING, FormTarget.MERCHANT, FormTarget.RESIDENT):
            cond |= Q(name__icontains=q)
        if target == FormTarget.HOUSEHOLD:
            cond |= Q(house_no__icontains=q) | Q(head__name__icontains=q)
        qs = qs.filter(cond)
    return list(qs.order_by("pk")[:30])


def _picker_options(user: Any, kind: str, row: Any, grid: Territory | None) -> list[tuple[int, str]]:
    """The rows a picker offers: near the target (its household's members, its building) or in its grid."""
    models: dict[str, type[Any]] = {
        FieldKind.RESIDENT: Resident,
        FieldKind.BUILDING: Building,
        FieldKind.MERCHANT: Merchant,
    }
    model = models[kind]
    qs: QuerySet[Any] = model.objects.restrict(user)
    if kind == FieldKind.RESIDENT and isinstance(row, Household):
        qs = qs.filter(household=row)
    elif grid is not None:
        qs = qs.filter(grid=grid)
    return [(obj.pk, str(obj)) for obj in qs.order_by("pk")[:PICK_LIMIT]]


def _raw_answers(request: HttpRequest, fields: list[dict[str, Any]]) -> dict[str, Any]:
    """What the page sent, per field, in the shapes the engine reads."""
    raw: dict[str, Any] = {}
    for spec in fields:
        name, kind = spec["name"], spec["kind"]
        if kind == FieldKind.PHOTO:
            continue
        if kind == FieldKind.MULTI_CHOICE:
            values = request.POST.getlist(name)
            if values:
                raw[name] = values
        elif kind == FieldKind.LOCATION:
            lng, lat = request.POST.get(f"{name}__lng", ""), request.POST.get(f"{name}__lat", "")
            if lng or lat:
                raw[name] = f"{lng},{lat}"
        elif name in request.POST:
            raw[name] = request.POST.get(name, "")
    return raw


def _position(request: HttpRequest) -> tuple[float | None, float | None]:
    pair = engine.parse_location(f"{request.POST.get('_lng', '')},{request.POST.get('_lat', '')}")
    return pair if pair else (None, None)


def _field_rows(
    fields: list[dict[str, Any]], values: dict[str, Any], problems: dict[str, str], options: dict[str, Any]
) -> list[dict[str, Any]]:
    rows = []
    for spec in fields:
        value = values.get(spec["name"])
        when = spec.get("when") or {}
        wanted = [when["equals"]] if "equals" in when else list(when.get("in", []))
        rows.append(
            {
                "spec": spec,
                "value": value,
                "chosen": value if isinstance(value, list) else [value] if value else [],
                "error": problems.get(spec["name"], ""),
                "when_field": when.get("field", ""),
                "when_values": "|".join(str(v) for v in wanted),
                "options": options.get(spec["name"], []),
                "textarea": spec["kind"] == FieldKind.TEXT and (spec.get("max") is None or spec["max"] > 100),
            }
        )
    return rows


@login_required
def survey_home(request: HttpRequest) -> HttpResponse:
    """The forms one may fill, and the filled forms one may see (filters, pages)."""
    base = submissions_for(request.user)
    filterset = FormSubmissionFilterSet(request.GET or None, queryset=base, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    context = {
        "templates": fillable_templates(),
        "may_record": not scope_for(request.user, RECORD).empty,
        "filterset": filterset,
        "page": paginate(request, rows, per_page=30),
        "querystring": querystring_without(request, "page"),
    }
    return render(request, "web/surveys/home.html", context)


@login_required
def survey_fill(request: HttpRequest, key: str) -> HttpResponse:
    """Choose the target (search), then fill the form; a refusal re-shows it with each problem at its field."""
    template = FormTemplate.objects.filter(key=key, is_active=True).first()
    version = current_version(template) if template else None
    if template is None or version is None:
        raise Http404
    target = template.target
    row: Any = None
    grid: Territory | None = None
    grids: list[Territory] = []
    if target != FormTarget.NONE:
        picked = request.POST.get("target") or request.GET.get(target)
        if picked and str(picked).isdigit():
            row = _recordable(request.user, TARGET_MODELS[target]).select_related("grid").filter(pk=picked).first()
            if row is None:
                raise Http404
            grid = row.grid
        else:
            q = request.GET.get("q", "")
            context = {"template": template, "q": q, "results": _search(request.user, target, q), "target": target}
            return render(request, "web/surveys/pick.html", context)
    else:
        grids = list(
            Territory.objects.restrict(request.user, RECORD).filter(kind=TerritoryKind.GRID).order_by("code")[:200]
        )
        code = request.POST.get("grid") or request.GET.get("grid")
        grid = next((g for g in grids if g.code == code), None) or (grids[0] if len(grids) == 1 else None)
    options = {
        spec["name"]: _picker_options(request.user, spec["kind"], row, grid)
        for spec in version.fields
        if spec["kind"] in engine.PICKER_KINDS
    }
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    if request.method == "POST":
        values = _raw_answers(request, version.fields)
        lng, lat = _position(request)
        photos = {s["name"]: request.FILES.getlist(s["name"]) for s in version.fields if s["kind"] == FieldKind.PHOTO}
        try:
            submission = submission_create(
                actor=request.user,
                template=template,
                grid=grid if target == FormTarget.NONE else None,
                answers=values,
                lng=lng,
                lat=lat,
                photos=photos,
                **({target: row} if row is not None else {}),
            )
        except DomainError as exc:
            if exc.http_status == 404:
                raise Http404 from exc
            for item in exc.details or []:
                if isinstance(item, dict) and item.get("field"):
                    problems.setdefault(str(item["field"]), str(item.get("reason") or exc.message))
            messages.error(request, exc.message)
        else:
            if submission.work_order is not None:
                messages.success(
                    request, _("已提交，并已转立工单 %(code)s") % {"code": submission.work_order.tracking_code}
                )
            else:
                messages.success(request, _("已提交"))
            return redirect("web:survey_detail", pk=submission.pk)
    for spec in version.fields:  # location answers are re-shown in their two inputs
        if spec["kind"] == FieldKind.LOCATION and isinstance(values.get(spec["name"]), str):
            pair = engine.parse_location(values[spec["name"]])
            values[spec["name"]] = {"lng": pair[0], "lat": pair[1]} if pair else None
    context = {
        "template": template,
        "version": version,
        "target": target,
        "row": row,
        "grid": grid,
        "grids": grids,
        "rows": _field_rows(version.fields, values, problems, options),
        "other_problems": [v for k, v in problems.items() if k not in {f["name"] for f in version.fields}],
        "accept": ",".join(sorted(uploads.IMAGES)),
    }
    return render(request, "web/surveys/fill.html", context, status=400 if problems else 200)


def _get_submission(user: Any, pk: int) -> FormSubmission:
    submission = submissions_for(user).filter(pk=pk).first()
    if submission is None:
        raise Http404
    return submission


@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _get_submission(request.user, pk)
    fields = submission.version.fields
    answers = engine.masked_answers(fields, submission.answers)
    photos: dict[str, list[SubmissionPhoto]] = {}
    for photo in submission.photos.all():
        photos.setdefault(photo.field, []).append(photo)
    rows = [
        {
            "spec": spec,
            "text": engine.display_value(spec, answers.get(spec["name"])),
            "photos": photos.get(spec["name"], []),
        }
        for spec in engine.visible_fields(fields, submission.answers)
    ]
    return render(request, "web/surveys/detail.html", {"submission": submission, "rows": rows})


@login_required
def survey_photo(request: HttpRequest, pk: int, photo_pk: int) -> Any:
    submission = _get_submission(request.user, pk)
    photo = submission.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404
    return files.serve_protected(photo.file, photo.content_type or "application/octet-stream")


@login_required
def survey_coverage(request: HttpRequest) -> HttpResponse:
    """入户排查覆盖率: per grid under a node the user sees, for a quarter."""
    visible = Territory.objects.restrict(request.user)
    code = request.GET.get("territory", "")
    node = visible.filter(code=code).first() if code else visible.order_by("depth", "code").first()
    if code and node is None:
        raise Http404
    start = parse_quarter(request.GET.get("quarter", "")) or quarter_start_of(timezone.localdate())
    rows = registration_coverage(node, start) if node is not None else []
    total = coverage_total(rows)
    this_year = timezone.localdate().year
    quarters = [quarter_label(quarter_start_of(timezone.localdate()))] + [
        f"{y}-Q{q}" for y in (this_year, this_year - 1) for q in (4, 3, 2, 1)
    ]
    context = {
        "node": node,
        "rows": [{**r, "percent": round((r["ratio"] or 0) * 100, 1)} for r in rows],
        "total": total,
        "total_percent": round((total["ratio"] or 0) * 100, 1),
        "quarter": quarter_label(start),
        "quarters": list(dict.fromkeys(quarters)),
        "nodes": visible.filter(kind__in=[TerritoryKind.STREET, TerritoryKind.COMMUNITY, TerritoryKind.GRID]).order_by(
            "path"
        )[:300],
    }
    return render(request, "web/surveys/coverage.html", context)


routes: list[URLPattern] = [
    path("surveys/", survey_home, name="survey_home"),
    path("surveys/coverage/", survey_coverage, name="survey_coverage"),
    path("surveys/fill/<slug:key>/", survey_fill, name="survey_fill"),
    path("surveys/<int:pk>/", survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/photos/<int:photo_pk>/", survey_photo, name="survey_photo"),
]
