"""Pages and JSON of supervision: bulletins, rankings, the wall-screen dashboard, patrol check-in and the
monthly assessment. Every query goes through ``restrict(user)``; writes go through the services."""

from __future__ import annotations

import datetime as dt
import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wangge.core import audit, files
from wangge.core.clientaddr import client_ip
from wangge.core.errors import DomainError
from wangge.reports import assessment as scoring
from wangge.reports import bulletins, conf, dashboard, layout, rankings, selectors, services, weekly
from wangge.reports.choices import GRADE_COLOURS, AssessmentStatus, BulletinPeriod
from wangge.reports.forms import BulletinForm, CheckinForm, DailyLogForm, MonthForm, NoteForm, ScoreForm
from wangge.reports.models import Assessment, Bulletin
from wangge.reports.pdf import bulletin_pdf
from wangge.reports.xlsx import assessments_xlsx, bulletin_xlsx
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders.models import WorkOrder

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _month(request: HttpRequest) -> tuple[int, int]:
    raw = request.GET.get("month") or request.POST.get("month") or ""
    try:
        return services.month_of(raw)
    except DomainError:
        today = timezone.localdate()
        return today.year, today.month


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/index.html",
        {
            "latest": selectors.bulletins_for(request.user)[:10],
            "is_worker": bool(services.worker_grids(request.user)),
        },
    )


# --- 日通报 -------------------------------------------------------------------------------------------


@login_required
def bulletin_list(request: HttpRequest) -> HttpResponse:
    period = BulletinPeriod.WEEK if request.GET.get("period") == BulletinPeriod.WEEK else BulletinPeriod.DAY
    if request.method == "POST":
        form = BulletinForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                b = services.bulletin_generate(
                    actor=request.user,
                    date=form.cleaned_data["date"],
                    scope_code=form.cleaned_data["scope"],
                    period=form.cleaned_data["period"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("已生成%(kind)s（第 %(v)s 版）") % {"kind": b.get_period_display(), "v": b.version},
                )
                return redirect("reports:bulletin_detail", pk=b.pk)
    else:
        form = BulletinForm(initial={"date": timezone.localdate(), "period": period}, user=request.user)
    items = selectors.bulletins_for(request.user).filter(period=period)[:100]
    return render(
        request,
        "reports/bulletin_list.html",
        {"form": form, "items": items, "period": period, "periods": BulletinPeriod},
    )


def _bulletin(request: HttpRequest, pk: int) -> Bulletin:
    return get_object_or_404(Bulletin.objects.restrict(request.user), pk=pk)


@login_required
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    b = _bulletin(request, pk)
    weekly_data = b.period == BulletinPeriod.WEEK
    tables = layout.weekly_tables(b.data) if weekly_data else layout.bulletin_tables(b.data)
    tables[0].heading = _("主要指标")
    rendered = [
        {
            "table": t,
            "head": [(c.title, not (isinstance(c.fmt, str) and c.fmt == layout.TEXT)) for c in t.columns],
            "rows": [
                [(layout.display(c.get(r), c.format_of(r)), c.format_of(r) != layout.TEXT) for c in t.columns]
                for r in t.rows
            ],
            "total": [
                (layout.display(c.get(t.total), c.format_of(t.total)), c.format_of(t.total) != layout.TEXT)
                for c in t.columns
            ]
            if t.total
            else None,
        }
        for t in tables
    ]
    return render(
        request,
        "reports/bulletin_detail.html",
        {
            "b": b,
            "headline": weekly.headline(b.data) if weekly_data else bulletins.headline(b.data),
            "week_text": layout.week_text(b.data) if weekly_data else "",
            "tables": rendered,
            "data": b.data,
            "as_of": layout.as_of_text(b.data),
        },
    )


def _record_bulletin(request: HttpRequest, b: Bulletin, fmt: str) -> None:
    audit.record_export(
        actor=request.user,
        action="reports.bulletin_download",
        what="reports.bulletin",
        fmt=fmt,
        count=1,
        filters={"scope": b.scope_code, "date": b.date},
        obj=b,
        ip=client_ip(request),
    )


@login_required
def bulletin_xlsx_download(request: HttpRequest, pk: int) -> HttpResponse:
    b = _bulletin(request, pk)
    _record_bulletin(request, b, "xlsx")
    return _download(bulletin_xlsx(b), XLSX, f"{_file_stem(b)}.xlsx")


@login_required
def bulletin_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    b = _bulletin(request, pk)
    _record_bulletin(request, b, "pdf")
    return _download(bulletin_pdf(b), "application/pdf", f"{_file_stem(b)}.pdf")


def _file_stem(b: Bulletin) -> str:
    if b.period == BulletinPeriod.WEEK:
        return f"周通报_{b.scope_code}_{b.data.get('week') or b.date.isoformat()}"
    return f"日通报_{b.scope_code}_{b.date:%Y%m%d}"


# --- 月度排名 -----------------------------------------------------------------------------------------


@login_required
def ranking_page(request: HttpRequest) -> HttpResponse:
    year, month = _month(request)
    by = str(request.GET.get("by") or "unit")
    if by not in rankings.GROUPS:
        by = "unit"
    result = rankings.monthly_rankings(WorkOrder.objects.restrict(request.user), year, month, by=by)
    return render(
        request,
        "reports/rankings.html",
        {
            "rankings": list(result.values()),
            "month": f"{year:04d}-{month:02d}",
            "by": by,
            "by_label": rankings.GROUPS[by],
            "groups": rankings.GROUPS,
            "min_due": conf.ranking_min_due(),
            "weights": rankings.weights_text(),
        },
    )


# --- 大屏 ---------------------------------------------------------------------------------------------


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/dashboard.html",
        {"title": _("网格化服务管理指挥大屏"), "time_zone": timezone.get_current_timezone_name()},
    )


@login_required
def dashboard_json(request: HttpRequest) -> JsonResponse:
    try:
        days = min(max(int(request.GET.get("days", 30)), 7), 92)
    except ValueError:
        days = 30
    return JsonResponse(dashboard.dashboard_data(request.user, days=days))


@login_required
def dashboard_grids(request: HttpRequest) -> JsonResponse:
    return JsonResponse(dashboard.grid_outlines(request.user))


# --- 一日志 -------------------------------------------------------------------------------------------


def _uid(request: HttpRequest) -> int:
    return int(request.user.pk or 0)


def _day(raw: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@login_required
def patrol_page(request: HttpRequest) -> HttpResponse:
    """The grid worker's phone page: check in where one stands, see today's check-ins, write the day's log
    (``?date=`` opens an earlier day's log for amending)."""
    today = timezone.localdate()
    log_day = min(_day(request.GET.get("date")), today)
    if request.method == "POST":
        form = CheckinForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                c = services.patrol_checkin(
                    actor=request.user,
                    lng=d["lng"],
                    lat=d["lat"],
                    crs=d["crs"],
                    note=d["note"],
                    photo=d["photo"],
                    ip=client_ip(request),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                where = c.grid.name if c.grid else c.territory.name
                messages.success(request, _("已签到：%(where)s") % {"where": where})
                return redirect("reports:patrol")
    else:
        form = CheckinForm()
    log = selectors.daily_log_for(request.user, worker_id=_uid(request), day=log_day)
    return render(
        request,
        "reports/patrol.html",
        {
            "form": form,
            "log_form": DailyLogForm(
                initial={
                    "date": log_day,
                    # An unwritten log starts from what the day's records say (check-ins, reports, checks).
                    "summary": log.summary
                    if log and log.summary
                    else selectors.daily_log_draft(request.user, day=log_day),
                }
            ),
            "checkins": selectors.checkins_for(request.user, worker_id=_uid(request), day=today),
            "log": log,
            "log_day": log_day,
            "grids": services.worker_grids(request.user),
            "today": today,
        },
    )


@login_required
@require_POST
def daily_log_submit(request: HttpRequest) -> HttpResponse:
    form = DailyLogForm(request.POST)
    if form.is_valid():
        try:
            services.daily_log_save(
                actor=request.user, date=form.cleaned_data["date"], summary=form.cleaned_data["summary"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("工作日志已保存"))
            day = form.cleaned_data["date"]
            if day != timezone.localdate():
                return redirect(f"{_url('reports:patrol')}?date={day.isoformat()}")
    else:
        messages.error(request, _("请填写日期和工作记录"))
    return redirect("reports:patrol")


@login_required
def checkins_json(request: HttpRequest) -> JsonResponse:
    """Check-ins of one worker and day (``?worker=<id>&date=YYYY-MM-DD``), as far as the user may see."""
    try:
        worker_id = int(request.GET.get("worker") or _uid(request))
    except ValueError:
        worker_id = _uid(request)
    day = _day(request.GET.get("date"))
    rows = selectors.checkins_for(request.user, worker_id=worker_id, day=day)
    log = selectors.daily_log_for(request.user, worker_id=worker_id, day=day)
    return JsonResponse(
        {
            "worker": worker_id,
            "date": day.isoformat(),
            "checkins": [
                {
                    "at": timezone.localtime(c.at).isoformat(),
                    "lng": c.lng,
                    "lat": c.lat,
                    "grid": c.grid.code if c.grid else None,
                    "grid_name": c.grid.name if c.grid else None,
                    "in_own_grid": c.in_own_grid,
                    "note": c.note,
                    "photo": _url("reports:checkin_photo", c.pk) if c.photo else None,
                }
                for c in rows
            ],
            "log": {"summary": log.summary, "patrol_count": log.patrol_count} if log else None,
        }
    )


@login_required
def checkin_photo(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """A check-in's photo, to its worker and to those who see the grid it was taken in."""
    c = selectors.visible_checkins(request.user).filter(pk=pk).exclude(photo="").first()
    if c is None:
        raise Http404
    # Stored under a generated name with the extension of its sniffed, re-encoded type (core.uploads).
    content_type = mimetypes.guess_type(c.photo.name)[0] or "application/octet-stream"
    if not content_type.startswith("image/"):
        content_type = "application/octet-stream"  # a photo stored before the sanitiser: downloaded, never rendered
    return files.serve_protected(c.photo, content_type)


def _territory_choice(request: HttpRequest, kinds: tuple[str, ...]) -> tuple[list[Territory], Territory | None]:
    """The streets and communities the user sees (to narrow a list), and the one picked with ``?under=``."""
    nodes = list(Territory.objects.restrict(request.user).filter(kind__in=kinds).order_by("path"))
    code = request.GET.get("under") or ""
    return nodes, next((n for n in nodes if n.code == code), None)


@login_required
def daily_logs(request: HttpRequest) -> HttpResponse:
    """一日志 review: every grid worker the user oversees, with the day's check-ins and whether the log is in."""
    day = min(_day(request.GET.get("date")), timezone.localdate())
    nodes, under = _territory_choice(request, (TerritoryKind.STREET, TerritoryKind.COMMUNITY))
    rows = selectors.worker_days(request.user, day=day, under=under)
    return render(
        request,
        "reports/daily_logs.html",
        {
            "day": day,
            "rows": rows,
            "nodes": nodes,
            "under": under,
            "counts": {
                "workers": len(rows),
                "submitted": sum(1 for r in rows if r.submitted),
                "checked_in": sum(1 for r in rows if r.checkins),
                "checkins": sum(r.checkins for r in rows),
            },
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1) if day < timezone.localdate() else None,
        },
    )


@login_required
def worker_day(request: HttpRequest, worker_id: int, day: str) -> HttpResponse:
    """One worker's day: the check-ins on a map and in order, with notes and photos, and the daily log."""
    from wangge.core import geo
    from wangge.territory import maps

    try:
        date = dt.date.fromisoformat(day)
    except ValueError as exc:
        raise Http404 from exc
    worker = selectors.visible_worker(request.user, worker_id)
    if worker is None:
        raise Http404
    checkins = list(selectors.checkins_for(request.user, worker_id=worker.pk, day=date))
    log = selectors.daily_log_for(request.user, worker_id=worker.pk, day=date)
    grids = services.worker_grids(worker)
    crs = maps.tile_crs()
    outlines = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": g.name},
                "geometry": g.geometry if crs == "wgs84" else geo.transform_geometry_from_wgs84(g.geometry, crs),
            }
            for g in grids
            if g.geometry
        ],
    }
    points = []
    for c in checkins:
        lng, lat = maps.display_point(c.lng, c.lat)
        points.append(
            {
                "lng": lng,
                "lat": lat,
                "time": timezone.localtime(c.at).strftime("%H:%M"),
                "own": c.in_own_grid,
                "note": c.note,
            }
        )
    today = timezone.localdate()
    return render(
        request,
        "reports/worker_day.html",
        {
            "worker": worker,
            "day": date,
            "checkins": checkins,
            "log": log,
            "grids": grids,
            "map": {"outlines": outlines, "points": points, **maps.map_settings()},
            "is_self": worker.pk == request.user.pk,
            "editable": worker.pk == request.user.pk and services.daily_log_open(date, today),
            "previous": date - dt.timedelta(days=1),
            "next": date + dt.timedelta(days=1) if date < today else None,
        },
    )


# --- 一考评 -------------------------------------------------------------------------------------------


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    year, month = _month(request)
    period = dt.date(year, month, 1)
    rows = [
        _shown(a) for a in selectors.assessments_for(request.user, period=period).order_by("street__code", "-total")
    ]
    return render(
        request,
        "reports/assessment_list.html",
        {
            "rows": rows,
            "month": f"{year:04d}-{month:02d}",
            "communities": selectors.communities_scored_by(request.user),
            "streets": selectors.streets_confirmed_by(request.user),
            "month_form": MonthForm(initial={"month": f"{year:04d}-{month:02d}"}),
        },
    )


@login_required
@require_POST
def assessment_prepare(request: HttpRequest) -> HttpResponse:
    """Draft the month's assessments of every grid worker of a community."""
    year, month = _month(request)
    community: Territory = get_object_or_404(Territory.objects.restrict(request.user), pk=request.POST.get("community"))
    done, failed = 0, []
    for worker in selectors.grid_workers(community):
        try:
            services.assessment_prepare(actor=request.user, worker=worker, year=year, month=month)
            done += 1
        except DomainError as exc:
            failed.append(f"{worker}：{exc.message}")
    messages.success(request, _("已生成或刷新 %(n)s 份考评草稿") % {"n": done})
    for text in failed[:10]:
        messages.warning(request, text)
    return redirect(f"{_url('reports:assessments')}?month={year:04d}-{month:02d}")


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


def _shown(a: Assessment) -> Assessment:
    """The grade as the pages show it (``assessment.grade_label``): 待评分 while manual items are unscored."""
    a.pending = scoring.is_pending(a)  # type: ignore[attr-defined]
    a.grade_text = scoring.grade_label(a)  # type: ignore[attr-defined]
    a.grade_colour = "" if a.pending else GRADE_COLOURS.get(a.grade, "grey")  # type: ignore[attr-defined]
    return a


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    a = selectors.assessments_for(request.user).filter(pk=pk).first()
    if a is None:
        raise Http404
    return a


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = _shown(_assessment(request, pk))
    initial = {f"m_{k}": v for k, v in (a.manual_items or {}).items()} | {"note": a.note}
    history = [
        _shown(h) for h in selectors.assessments_for(request.user).filter(worker=a.worker).order_by("-period")[:24]
    ]
    return render(
        request,
        "reports/assessment_detail.html",
        {
            "a": a,
            "items": [_item_row(i) for i in a.auto_items.values()],
            "manual": [
                {"label": i["label"], "points": i["points"], "score": (a.manual_items or {}).get(i["key"])}
                for i in conf.manual_items()
            ],
            "score_form": ScoreForm(initial=initial),
            "return_form": NoteForm(),
            "can_score": a.status != AssessmentStatus.CONFIRMED and selectors.may_score(request.user, a),
            "can_confirm": a.status == AssessmentStatus.SCORED and selectors.may_confirm(request.user, a),
            "history": history,
            "grade_colour": a.grade_colour,  # type: ignore[attr-defined]
        },
    )


def _item_row(item: dict[str, Any]) -> dict[str, Any]:
    """An automatic item as the page shows it: rates in per cent with their counts, counts as numbers."""
    rate = "denominator" in item
    actual = item.get("actual")
    applicable = item.get("applicable", True)
    if rate:
        shown = "—" if actual is None else f"{actual:.1%}（{item['numerator']}/{item['denominator']}）"
        target = f"{item['target']:.0%}"
    else:
        shown = f"{actual:g}" if actual is not None else "—"
        target = f"{item['target']:g}"
    if not applicable:  # nothing to measure this month (assessment module docstring): full points
        shown = str(scoring.NOT_APPLICABLE_LABEL)
    return {
        "label": item["label"],
        "points": item["points"],
        "actual": shown,
        "target": target,
        "score": item["score"],
        "applicable": applicable,
    }


def _act(request: HttpRequest, pk: int, call: Any, ok: str) -> HttpResponse:
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)
    return redirect("reports:assessment_detail", pk=pk)


@login_required
@require_POST
def assessment_score_view(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assessment(request, pk)
    form = ScoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请按分值范围填写每一项人工考评"))
        return redirect("reports:assessment_detail", pk=pk)
    return _act(
        request,
        pk,
        lambda: services.assessment_score(
            actor=request.user,
            assessment_id=a.pk,
            manual=form.manual(),
            note=form.cleaned_data["note"],
            expected_version=_version(request),
        ),
        _("已评分，等待街道确认"),
    )


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


@login_required
@require_POST
def assessment_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assessment(request, pk)
    return _act(
        request,
        pk,
        lambda: services.assessment_confirm(actor=request.user, assessment_id=a.pk, expected_version=_version(request)),
        _("已确认"),
    )


@login_required
@require_POST
def assessment_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assessment(request, pk)
    return _act(
        request,
        pk,
        lambda: services.assessment_return(
            actor=request.user,
            assessment_id=a.pk,
            note=request.POST.get("note", ""),
            expected_version=_version(request),
        ),
        _("已退回社区重新评分"),
    )


@login_required
@require_POST
def assessment_ladder_view(request: HttpRequest) -> HttpResponse:
    year, month = _month(request)
    street: Territory = get_object_or_404(Territory.objects.restrict(request.user), pk=request.POST.get("street"))
    try:
        ordered = services.assessment_ladder(actor=request.user, street=street, year=year, month=month)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        n = sum(1 for a in ordered if a.promoted)
        messages.success(request, _("%(street)s 阶梯晋级 %(n)s 人") % {"street": street.name, "n": n})
    return redirect(f"{_url('reports:assessments')}?month={year:04d}-{month:02d}")


@login_required
def assessment_export(request: HttpRequest) -> HttpResponse:
    year, month = _month(request)
    rows = list(
        selectors.assessments_for(request.user, period=dt.date(year, month, 1)).order_by(
            "street__code", "community__code", "-total", "worker__username"
        )
    )
    content = assessments_xlsx(rows, year=year, month=month)
    audit.record_export(
        actor=request.user,
        action="reports.assessment_export",
        what="reports.assessment",
        fmt="xlsx",
        count=len(rows),
        filters={"month": f"{year:04d}-{month:02d}"},
        ip=client_ip(request),
    )
    return _download(content, XLSX, f"网格员考评_{year:04d}{month:02d}.xlsx")
