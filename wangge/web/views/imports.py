"""Imports in the browser for the registries: 责任点位 (.xlsx, CSV or GeoJSON) and 辖区 (GeoJSON).

Two steps, both all or nothing. 校验: the upload passes the sanitiser (``core.uploads.sanitise_data``) and the
importer runs inside a transaction that is always rolled back, so the user sees exactly what the import
would do — the counts, or every problem by row and column, with the report as a workbook to download. 确认
导入: the checked file (kept for this session only, ``web.kept_files``) is imported again for real, in one
transaction, by the same importers as the command line (``places.importing``, ``territory.importing``),
which check the user's scope row by row. Only users with the change right on some territory (the roles that
keep the registries) reach these pages; a territory import is placed under a node inside that scope.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from wangge.core import geo
from wangge.core.errors import DomainError, ValidationFailed
from wangge.core.scoping import CHANGE, scope_for
from wangge.core.spreadsheets import write_row, write_rows
from wangge.core.uploads import CSV, GEOJSON, XLSX, sanitise_data
from wangge.ledgers.importing import error_report_xlsx
from wangge.places.choices import POINT_COLUMNS
from wangge.places.importing import points_import_geojson, points_import_xlsx
from wangge.places.models import PointType
from wangge.territory.choices import TerritoryKind
from wangge.territory.importing import territory_import_geojson
from wangge.territory.models import Territory
from wangge.territory.services import plain_reason
from wangge.web import kept_files
from wangge.web.kept_files import attachment
from wangge.web.ledger_forms import NodeChoiceField
from wangge.web.views import outlines
from wangge.web.views.registry import REGISTRIES

REPORTS_DIR = "import-reports"
REPORTS_KEY = "import_reports"
UPLOADS_DIR = "import-uploads"
UPLOADS_KEY = "import_uploads"
PENDING_KEY = "import_pending"
# Rows of a refusal shown on the page; the downloadable report holds every one.
MAX_REPORT_ROWS = 500

_POINT_HEADERS = {c.key: c.header for c in POINT_COLUMNS}
_FIELD_LABELS = {
    "crs": gettext_lazy("坐标系"),
    "file": gettext_lazy("文件"),
    "geometry": gettext_lazy("几何"),
    "coordinates": gettext_lazy("经纬度"),
    "type": gettext_lazy("类型"),
}


@dataclass(frozen=True)
class Counts:
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class ImportKind:
    key: str
    label: Promise
    accept: frozenset[str]
    formats: Promise
    # (file bytes, content type, crs, parent, actor) -> counts; raises ValidationFailed with the row report.
    run: Callable[..., Counts]
    details: Callable[[list[Any]], list[dict[str, Any]]]
    help: Callable[[], list[dict[str, Any]]]
    needs_parent: bool = False


# -- 责任点位 ----------------------------------------------------------------------------------------------


def _csv_as_xlsx(data: bytes) -> bytes:
    """A CSV (UTF-8 after the sanitiser) as a one-sheet workbook, so that both go through one reader."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("CSV")
    write_rows(sheet, csv.reader(io.StringIO(data.decode("utf-8"))))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _spreadsheet(data: bytes, content_type: str) -> bytes:
    return _csv_as_xlsx(data) if content_type == CSV else data


def _run_points(*, data: bytes, content_type: str, crs: str, parent: Territory | None, actor: Any) -> Counts:
    if content_type == GEOJSON:
        result = points_import_geojson(actor=actor, data=json.loads(data), crs=crs)
    else:
        result = points_import_xlsx(actor=actor, file=io.BytesIO(_spreadsheet(data, content_type)), crs=crs)
    return Counts(len(result.created), len(result.updated), len(result.unchanged))


def _point_details(details: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for d in details:
        if not isinstance(d, dict):
            continue
        field = str(d.get("field") or "")
        reason = str(d.get("reason") or "")
        if d.get("error") == "unreadable_file":  # the reader's own words are not for users
            reason = _("无法读取文件，请确认是有效的 Excel 文件")
        column = _POINT_HEADERS.get(field) or str(_FIELD_LABELS.get(field, ""))
        rows.append({"row": int(d.get("row") or 0), "column": column, "reason": plain_reason(reason)})
    return rows


def _point_help() -> list[dict[str, Any]]:
    types = "、".join(PointType.objects.order_by("ordering").values_list("name", flat=True))
    notes = {
        "type": _("类型名称，可选：%(types)s") % {"types": types},
        "lng": _("按所选坐标系填写的经度"),
        "lat": _("按所选坐标系填写的纬度"),
        "code": _("已存在的编码将更新该点位"),
        "responsible_unit": _("单位编码"),
    }
    return [{"header": c.header, "required": c.required, "note": notes.get(c.key, "")} for c in POINT_COLUMNS]


def point_template() -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("责任点位"))
    write_row(sheet, [c.header for c in POINT_COLUMNS])
    write_row(sheet, ["P0001", _("示例门店"), _("门店"), 113.3, 33.7, _("示例路 1 号"), _("张三"), "", "", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- 辖区 ---------------------------------------------------------------------------------------------------


def _run_territories(*, data: bytes, content_type: str, crs: str, parent: Territory | None, actor: Any) -> Counts:
    result = territory_import_geojson(actor=actor, data=json.loads(data), crs=crs, parent=parent)
    return Counts(result.created, result.updated, result.unchanged)


def _territory_details(details: list[Any]) -> list[dict[str, Any]]:
    rows = []
    for d in details:
        if not isinstance(d, dict):
            continue
        index = d.get("feature")
        rows.append(
            {
                "row": int(index) + 1 if isinstance(index, int) else 0,
                "column": str(d.get("code") or ""),
                "reason": plain_reason(str(d.get("reason") or "")),
            }
        )
    return rows


def _territory_help() -> list[dict[str, Any]]:
    kinds = "、".join(f"{value}（{label}）" for value, label in TerritoryKind.choices)
    return [
        {"header": "code", "required": True, "note": _("辖区编码，按上级编码逐级加长")},
        {"header": "name", "required": True, "note": _("名称")},
        {"header": "kind", "required": True, "note": _("层级，可选：%(kinds)s") % {"kinds": kinds}},
        {"header": "parent_code", "required": False, "note": _("上级编码；不填时按编码推断")},
        {"header": "geometry", "required": True, "note": _("Polygon 或 MultiPolygon，按所选坐标系")},
    ]


KINDS: dict[str, ImportKind] = {
    k.key: k
    for k in (
        ImportKind(
            "points",
            gettext_lazy("责任点位"),
            frozenset({XLSX, CSV, GEOJSON}),
            gettext_lazy("Excel（.xlsx）、CSV 或 GeoJSON"),
            _run_points,
            _point_details,
            _point_help,
        ),
        ImportKind(
            "territories",
            gettext_lazy("辖区"),
            frozenset({GEOJSON}),
            gettext_lazy("GeoJSON（FeatureCollection）"),
            _run_territories,
            _territory_details,
            _territory_help,
            needs_parent=True,
        ),
    )
}


# -- Who may import ------------------------------------------------------------------------------------------


def may_import(user: Any) -> bool:
    """The roles that keep the registries: a grant with the change right."""
    return not scope_for(user, CHANGE).empty


def _kind(request: HttpRequest, key: str) -> ImportKind:
    kind = KINDS.get(key)
    if kind is None or not may_import(request.user):
        raise Http404
    return kind


def _parents(user: Any) -> Any:
    return Territory.objects.restrict(user, CHANGE).exclude(kind=TerritoryKind.GRID).order_by("path")


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("文件"))
    crs = forms.ChoiceField(label=gettext_lazy("文件坐标系"), choices=geo.CRS_FORM_CHOICES, initial="wgs84")
    parent = NodeChoiceField(label=gettext_lazy("导入到（上级辖区）"), queryset=Territory.objects.none())

    def __init__(self, *args: Any, kind: ImportKind, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        accept = ",".join(
            sorted({".xlsx" if t == XLSX else ".csv" if t == CSV else ".geojson,.json" for t in kind.accept})
        )
        self.fields["file"].widget.attrs["accept"] = accept
        if not kind.needs_parent:
            del self.fields["parent"]
            return
        parent: Any = self.fields["parent"]
        parent.queryset = _parents(user)
        # Whoever holds the whole tree may also import top-level nodes (a district and its streets).
        parent.required = not scope_for(user, CHANGE).everything
        parent.empty_label = gettext_lazy("（顶层，无上级）") if not parent.required else None


# -- Running: a rolled-back check, then the import -----------------------------------------------------------


def _check(kind: ImportKind, **arguments: Any) -> Counts:
    """What the import would do, written nowhere: the transaction is always rolled back."""
    with transaction.atomic():
        counts = kind.run(**arguments)
        transaction.set_rollback(True)
    return counts


def _report_xlsx(kind: ImportKind, data: bytes, content_type: str, rows: list[dict[str, Any]]) -> bytes:
    """A spreadsheet comes back as it was, with an "错误说明" column; GeoJSON as a list of the problems."""
    if content_type in (XLSX, CSV) and any(r["row"] > 0 for r in rows):
        try:
            return error_report_xlsx(file=_spreadsheet(data, content_type), details=rows)
        except DomainError:  # a workbook that cannot be read has nothing to give back
            pass
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("错误报告"))
    where = _("行号") if content_type in (XLSX, CSV) else _("要素序号")
    write_row(sheet, [where, _("列") if content_type in (XLSX, CSV) else _("编码"), _("错误说明")])
    write_rows(sheet, ([r["row"] or "", r["column"], r["reason"]] for r in rows))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _refused(
    request: HttpRequest, kind: ImportKind, exc: ValidationFailed, data: bytes, content_type: str
) -> dict[str, Any]:
    rows = kind.details(exc.details if isinstance(exc.details, list) else [])
    if not rows:
        rows = [{"row": 0, "column": "", "reason": plain_reason(exc.message)}]
    token = kept_files.keep(
        request, _report_xlsx(kind, data, content_type, rows), folder=REPORTS_DIR, session_key=REPORTS_KEY
    )
    return {
        "refusal": plain_reason(exc.message),
        "report": rows[:MAX_REPORT_ROWS],
        "report_total": len(rows),
        "report_token": token,
        "by_feature": content_type == GEOJSON,
    }


def _pending(request: HttpRequest) -> dict[str, Any]:
    value = request.session.get(PENDING_KEY)
    return value if isinstance(value, dict) else {}


@login_required
def import_page(request: HttpRequest, kind: str) -> HttpResponse:
    """GET: the form. POST ``check``: the dry run's counts or its row report. POST ``confirm``: the import."""
    k = _kind(request, kind)
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _confirm(request, k)
    form = UploadForm(request.POST or None, request.FILES or None, kind=k, user=request.user)
    context: dict[str, Any] = {
        "kind": k,
        "kinds": KINDS.values(),
        "form": form,
        "columns": k.help(),
        "registries": REGISTRIES.values(),
    }
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            status = _check_upload(request, k, form, context)
    return render(request, "web/imports/import.html", context, status=status)


def _check_upload(request: HttpRequest, kind: ImportKind, form: UploadForm, context: dict[str, Any]) -> int:
    try:
        clean = sanitise_data(form.cleaned_data["file"], accept=kind.accept)
    except ValidationFailed as exc:
        form.add_error("file", exc.message)
        return 400
    crs, parent = form.cleaned_data["crs"], form.cleaned_data.get("parent")
    arguments = {"data": clean.content, "content_type": clean.content_type, "crs": crs, "parent": parent}
    try:
        counts = _check(kind, actor=request.user, **arguments)
    except ValidationFailed as exc:
        context.update(_refused(request, kind, exc, clean.content, clean.content_type))
        return 400
    except DomainError as exc:
        form.add_error(None, plain_reason(exc.message))
        return exc.http_status
    token = kept_files.keep(
        request, clean.content, folder=UPLOADS_DIR, session_key=UPLOADS_KEY, extension=clean.extension
    )
    pending = _pending(request)
    pending[token] = {
        "kind": kind.key,
        "type": clean.content_type,
        "extension": clean.extension,
        "crs": crs,
        "parent": parent.pk if parent is not None else None,
        "name": str(getattr(form.cleaned_data["file"], "name", ""))[:100],
    }
    request.session[PENDING_KEY] = {t: v for t, v in pending.items() if t in request.session.get(UPLOADS_KEY, [])}
    context.update({"preview": counts, "pending_token": token, "pending": pending[token], "parent": parent})
    return 200


def _confirm(request: HttpRequest, kind: ImportKind) -> HttpResponse:
    token = request.POST.get("token", "")
    pending = _pending(request).get(token)
    context: dict[str, Any] = {
        "kind": kind,
        "kinds": KINDS.values(),
        "form": UploadForm(kind=kind, user=request.user),
        "columns": kind.help(),
        "registries": REGISTRIES.values(),
    }
    if not pending or pending.get("kind") != kind.key:
        context["stale"] = True
        return render(request, "web/imports/import.html", context, status=400)
    file = kept_files.kept(request, token, folder=UPLOADS_DIR, session_key=UPLOADS_KEY, extension=pending["extension"])
    data = file.read_bytes()
    parent = None
    if pending.get("parent") is not None:  # the scope is checked again: a grant may have gone meanwhile
        parent = _parents(request.user).filter(pk=pending["parent"]).first()
        if parent is None:
            raise Http404
    try:
        counts = kind.run(
            data=data, content_type=pending["type"], crs=pending["crs"], parent=parent, actor=request.user
        )
    except ValidationFailed as exc:  # the registry changed since the check
        context.update(_refused(request, kind, exc, data, pending["type"]))
        return render(request, "web/imports/import.html", context, status=400)
    kept_files.forget(request, token, folder=UPLOADS_DIR, session_key=UPLOADS_KEY, extension=pending["extension"])
    request.session[PENDING_KEY] = {t: v for t, v in _pending(request).items() if t != token}
    messages.success(
        request,
        _("已导入%(label)s：新增 %(created)d 个，更新 %(updated)d 个，未变 %(unchanged)d 个")
        % {"label": kind.label, "created": counts.created, "updated": counts.updated, "unchanged": counts.unchanged},
    )
    return redirect("web:registry", key=kind.key)


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if _kind(request, kind).key != "points":
        raise Http404
    return attachment(point_template(), _("责任点位导入模板.xlsx"))


@login_required
def import_report(request: HttpRequest, kind: str, token: str) -> HttpResponse:
    """The report of a refused file; only for the session that uploaded it."""
    k = _kind(request, kind)
    file = kept_files.kept(request, token, folder=REPORTS_DIR, session_key=REPORTS_KEY)
    return attachment(file.read_bytes(), _("%(label)s导入错误报告.xlsx") % {"label": k.label})


routes: list[URLPattern] = [
    path("registry/<slug:kind>/import/", import_page, name="registry_import"),
    path("registry/<slug:kind>/import/template.xlsx", import_template, name="registry_import_template"),
    path("registry/<slug:kind>/import/report/<str:token>.xlsx", import_report, name="registry_import_report"),
    *outlines.routes,
]
