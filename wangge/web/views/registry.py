"""Registry lists (辖区、点位、单位、人员): filters, paging and export to .xlsx or CSV, scoped to the user.
Every export is written to the audit trail (``registry.export``: the registry, filters, rows, format)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from wangge.accounts.models import Unit, User
from wangge.core import audit
from wangge.core.clientaddr import client_ip
from wangge.core.scoping import CHANGE, scope_for
from wangge.core.spreadsheets import csv_writer, write_row, write_rows
from wangge.core.validators import mask_phone
from wangge.places.models import Point
from wangge.territory.models import Territory
from wangge.web.filters import REGISTRY_FILTERSETS, tune_form
from wangge.web.views.common import paginate, querystring_without

EXPORT_LIMIT = 100_000
# The registries with an import page (web.views.imports).
IMPORTABLE = ("points", "territories")


@dataclass(frozen=True)
class Column:
    label: Promise
    value: Callable[[Any], Any]
    nowrap: bool = False  # codes, numbers, names of people: never broken over two lines


@dataclass(frozen=True)
class Registry:
    key: str
    title: Promise
    queryset: Callable[[Any], QuerySet[Any]]
    filterset: type[Any]
    columns: tuple[Column, ...]


def _territories(user: Any) -> QuerySet[Any]:
    return Territory.objects.restrict(user).order_by("path")


def _points(user: Any) -> QuerySet[Any]:
    return Point.objects.restrict(user).select_related("type", "grid", "responsible_unit").order_by("code")


def _units(user: Any) -> QuerySet[Any]:
    return (
        Unit.objects.restrict(user)
        .select_related("territory", "parent")
        .annotate(staff_count=Count("staff", distinct=True))
        .order_by("code")
    )


def _staff(user: Any) -> QuerySet[Any]:
    return User.objects.restrict(user).select_related("unit").prefetch_related("grants__territory").order_by("username")


def _roles(person: Any) -> str:
    return "、".join(
        f"{g.get_role_display()}@{g.territory.name}" if g.territory_id else str(g.get_role_display())
        for g in person.grants.all()
    )


REGISTRIES: dict[str, Registry] = {
    r.key: r
    for r in (
        Registry(
            "territories",
            _("辖区"),
            _territories,
            REGISTRY_FILTERSETS["territories"],
            (
                Column(_("编码"), lambda t: t.code, nowrap=True),
                Column(_("名称"), lambda t: t.name),
                Column(_("层级"), lambda t: t.get_kind_display(), nowrap=True),
                Column(_("下级数"), lambda t: t.numchild, nowrap=True),
                Column(_("面积(平方公里)"), lambda t: round(t.area_m2 / 1e6, 3) if t.area_m2 else "", nowrap=True),
                Column(_("演示合成"), lambda t: _("是") if t.is_synthetic else ""),
            ),
        ),
        Registry(
            "points",
            _("责任点位"),
            _points,
            REGISTRY_FILTERSETS["points"],
            (
                Column(_("编码"), lambda p: p.code, nowrap=True),
                Column(_("名称"), lambda p: p.name),
                Column(_("类型"), lambda p: p.type.name, nowrap=True),
                Column(_("所在网格"), lambda p: p.grid.name if p.grid_id else ""),
                Column(_("责任人"), lambda p: p.responsible_name, nowrap=True),
                Column(_("责任人电话"), lambda p: mask_phone(p.responsible_phone), nowrap=True),
                Column(_("责任单位"), lambda p: p.responsible_unit.name if p.responsible_unit_id else ""),
                Column(_("经度"), lambda p: round(p.lng, 6), nowrap=True),
                Column(_("纬度"), lambda p: round(p.lat, 6), nowrap=True),
            ),
        ),
        Registry(
            "units",
            _("单位"),
            _units,
            REGISTRY_FILTERSETS["units"],
            (
                Column(_("编码"), lambda u: u.code, nowrap=True),
                Column(_("名称"), lambda u: u.name),
                Column(_("类型"), lambda u: u.get_kind_display(), nowrap=True),
                Column(_("所属辖区"), lambda u: u.territory.name),
                Column(_("上级单位"), lambda u: u.parent.name if u.parent_id else ""),
                Column(_("人员数"), lambda u: u.staff_count, nowrap=True),
                Column(_("启用"), lambda u: _("是") if u.is_active else _("否"), nowrap=True),
            ),
        ),
        Registry(
            "staff",
            _("工作人员"),
            _staff,
            REGISTRY_FILTERSETS["staff"],
            (
                Column(_("账号"), lambda s: s.username, nowrap=True),
                Column(_("姓名"), lambda s: s.display_name, nowrap=True),
                Column(_("所属单位"), lambda s: s.unit.name if s.unit_id else ""),
                Column(_("角色"), _roles),
                Column(_("手机号"), lambda s: mask_phone(s.mobile), nowrap=True),
                Column(_("启用"), lambda s: _("是") if s.is_active else _("否"), nowrap=True),
            ),
        ),
    )
}


def _export(request: HttpRequest, registry: Registry, rows: QuerySet[Any], fmt: str) -> HttpResponse:
    headers = [str(c.label) for c in registry.columns]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{registry.key}-{stamp}.{fmt}"
    values = ([c.value(obj) for c in registry.columns] for obj in rows.iterator(chunk_size=2000))
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv_writer(buffer)
        writer.writerow(headers)
        count = 0
        for count, row in enumerate(values, start=1):  # noqa: B007 — the count is read after the loop
            writer.writerow(row)
        # A byte-order mark makes Excel read UTF-8 Chinese correctly.
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(str(registry.title))
        write_row(sheet, headers)
        count = write_rows(sheet, values)
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    filters = {k: v for k, v in request.GET.lists() if k != "export"}
    audit.record_export(
        actor=request.user,
        action="registry.export",
        what=registry.key,
        fmt=fmt,
        count=count,
        filters={k: v[0] if len(v) == 1 else v for k, v in filters.items()},
        ip=client_ip(request),
    )
    return response


@login_required
def registry_list(request: HttpRequest, key: str) -> HttpResponse:
    registry = REGISTRIES.get(key)
    if registry is None:
        raise Http404
    base = registry.queryset(request.user)
    filterset = registry.filterset(request.GET or None, queryset=base, request=request)
    tune_form(filterset.form)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    fmt = request.GET.get("export")
    if fmt in {"xlsx", "csv"}:
        return _export(request, registry, rows[:EXPORT_LIMIT], fmt)
    page = paginate(request, rows, per_page=50)
    table = [[(c.value(obj), c) for c in registry.columns] for obj in page.object_list]
    context = {
        "registry": registry,
        "registries": REGISTRIES.values(),
        "filterset": filterset,
        "page": page,
        "table": zip(page.object_list, table, strict=True),
        "querystring": querystring_without(request, "page", "export"),
        # Imports and the outline editor: for the roles that keep the registries (the change right).
        "can_import": key in IMPORTABLE and not scope_for(request.user, CHANGE).empty,
        "editable_outlines": (
            set(
                Territory.objects.restrict(request.user, CHANGE)
                .filter(pk__in=[obj.pk for obj in page.object_list])
                .values_list("pk", flat=True)
            )
            if key == "territories"
            else set()
        ),
    }
    return render(request, "web/registry.html", context)
