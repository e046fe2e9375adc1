"""Import and export pages of the 基础台账 (the machinery is ``ledgers.importing`` / ``ledgers.exporting``).

Import is all or nothing: a refused file shows the report (row, column, reason) and offers the file back with
an "错误说明" column. That workbook is kept for a day under MEDIA_ROOT/ledger-reports with a random name that
only the session which uploaded the file knows (``web.kept_files``); it is sent as an attachment, never published.
Exports keep the user's scope and masking; each one is written to the audit trail by ``ledger_export``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.accounts.roles import RECORD, REVEAL
from wangge.core.errors import DomainError, ValidationFailed
from wangge.core.scoping import scope_for
from wangge.ledgers.exporting import ledger_export
from wangge.ledgers.importing import error_report_xlsx, ledger_import, template_xlsx
from wangge.ledgers.kinds import LedgerKind, get_kind
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.web import kept_files
from wangge.web.kept_files import XLSX, attachment
from wangge.web.ledger_forms import ImportForm, NodeChoiceField
from wangge.web.views.common import client_ip

# The base ledger's kinds offered on these pages, in the order of the hub (the restricted and upper ledgers
# have their own pages).
PAGE_KINDS = ("residents", "households", "buildings", "estates", "merchants")
# An import page takes a workbook up to this size (100,000 residents are about 6 MB).
MAX_IMPORT_BYTES = 40 * 1024 * 1024
# Rows of a refusal shown on the page; the downloadable report always holds every one.
MAX_REPORT_ROWS = 500
REPORTS_DIR = "ledger-reports"
SESSION_KEY = "ledger_reports"


def _kinds() -> list[LedgerKind]:
    return [k for k in (get_kind(key) for key in PAGE_KINDS) if k is not None]


def importable(user: Any) -> list[LedgerKind]:
    """The kinds this user may import: any grant with the ``record`` action."""
    return _kinds() if not scope_for(user, RECORD).empty else []


def exportable(user: Any) -> list[LedgerKind]:
    return _kinds() if Territory.objects.restrict(user).exists() else []


def page_kind(key: str) -> LedgerKind:
    kind = get_kind(key) if key in PAGE_KINDS else None
    if kind is None:
        raise Http404
    return kind


def keep_report(request: HttpRequest, data: bytes) -> str:
    return kept_files.keep(request, data, folder=REPORTS_DIR, session_key=SESSION_KEY)


@login_required
def import_report(request: HttpRequest, kind: str, token: str) -> HttpResponse:
    """The refused file back with its "错误说明" column; only for the session that uploaded it."""
    k = page_kind(kind)
    file = kept_files.kept(request, token, folder=REPORTS_DIR, session_key=SESSION_KEY)
    return attachment(file.read_bytes(), _("%(label)s导入错误报告.xlsx") % {"label": k.label})


# -- Pages ----------------------------------------------------------------------------------------------------


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    k = page_kind(kind)
    return attachment(template_xlsx(k), _("%(label)s导入模板.xlsx") % {"label": k.label})


@login_required
def import_page(request: HttpRequest, kind: str) -> HttpResponse:
    """Template download, upload, and the result: the counts, or the row report of a refused file."""
    k = page_kind(kind)
    if not importable(request.user):
        return render(request, "web/ledgers/forbidden.html", status=403)
    form = ImportForm(request.POST or None, request.FILES or None)
    notes = dict(k.instructions())
    columns = [{"header": c.header, "required": c.required, "note": notes.get(c.header, c.note)} for c in k.columns]
    context: dict[str, Any] = {"kind": k, "form": form, "kinds": importable(request.user), "columns": columns}
    status = 200
    if request.method == "POST":
        status = 400
        upload = request.FILES.get("file")
        if not form.is_valid() or upload is None:
            pass
        elif upload.size is not None and upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", _("文件过大（上限 %(mb)d MB）") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)})
        else:
            status = _run_import(request, k, upload, form, context)
    return render(request, "web/ledgers/import.html", context, status=status)


def _run_import(request: HttpRequest, kind: LedgerKind, upload: Any, form: forms.Form, context: dict[str, Any]) -> int:
    try:
        result = ledger_import(actor=request.user, kind=kind, file=upload, source=upload.name)
    except ValidationFailed as exc:
        details = [d for d in exc.details if isinstance(d, dict)] if isinstance(exc.details, list) else []
        context["refusal"] = exc.message
        context["report"] = details[:MAX_REPORT_ROWS]
        context["report_total"] = len(details)
        if any(int(d.get("row") or 0) > 0 for d in details):
            upload.seek(0)
            try:
                data = error_report_xlsx(file=upload, details=details)
            except DomainError:  # an unreadable file has nothing to give back
                data = b""
            if data:
                context["report_token"] = keep_report(request, data)
        return 400
    except DomainError as exc:
        form.add_error(None, exc.message)
        return exc.http_status
    context["result"] = result
    messages.success(request, _("已导入 %(n)d 条%(label)s") % {"n": result.created, "label": kind.label})
    return 200


class ExportForm(forms.Form):
    scope = NodeChoiceField(label=gettext_lazy("范围"), queryset=Territory.objects.none(), required=False)
    fmt = forms.ChoiceField(label=gettext_lazy("格式"), choices=(("xlsx", "Excel (.xlsx)"), ("csv", "CSV")))
    reveal = forms.BooleanField(label=gettext_lazy("导出完整号码（记入审计）"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = (  # type: ignore[attr-defined]
            Territory.objects.restrict(user)
            .filter(kind__in=[TerritoryKind.STREET, TerritoryKind.COMMUNITY, TerritoryKind.GRID])
            .order_by("path")
        )
        self.fields["scope"].empty_label = gettext_lazy("我的全部辖区")  # type: ignore[attr-defined]
        if scope_for(user, REVEAL).empty:
            del self.fields["reveal"]


@login_required
def export_page(request: HttpRequest, kind: str) -> HttpResponse:
    """Export form (scope, format, masked or not for those entitled); the file on a valid request."""
    k = page_kind(kind)
    if not exportable(request.user):
        raise Http404
    form = ExportForm(request.GET if "fmt" in request.GET else None, user=request.user)
    status = 200
    if form.is_bound:
        if form.is_valid():
            d = form.cleaned_data
            try:
                data = ledger_export(
                    actor=request.user,
                    kind=k,
                    node=d["scope"],
                    reveal=bool(d.get("reveal")),
                    fmt=d["fmt"],
                    ip=client_ip(request),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.http_status
            else:
                stamp = timezone.localtime().strftime("%Y%m%d%H%M")
                where = d["scope"].name if d["scope"] else _("全部")
                name = f"{k.label}_{where}_{stamp}.{d['fmt']}"
                return attachment(data, name, XLSX if d["fmt"] == "xlsx" else "text/csv; charset=utf-8")
        else:
            status = 400
    return render(request, "web/ledgers/export.html", {"kind": k, "form": form}, status=status)


routes: list[URLPattern] = [
    path("ledgers/import/<slug:kind>/", import_page, name="ledger_import"),
    path("ledgers/import/<slug:kind>/template.xlsx", import_template, name="ledger_import_template"),
    path("ledgers/import/<slug:kind>/report/<str:token>.xlsx", import_report, name="ledger_import_report"),
    path("ledgers/export/<slug:kind>/", export_page, name="ledger_export"),
]
