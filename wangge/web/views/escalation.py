"""催办督办: the command centre's page of the open cases the escalation sweep has raised (``workorders.escalation``),
by level and by unit, within the user's scope."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.web import selectors
from wangge.web.views.common import paginate, querystring_without
from wangge.workorders.choices import OPEN_STATUSES
from wangge.workorders.escalation import RECIPIENTS, policy
from wangge.workorders.models import WorkOrder


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
def escalation_board(request: HttpRequest) -> HttpResponse:
    steps = policy()
    escalated: QuerySet[WorkOrder] = WorkOrder.objects.restrict(request.user).filter(
        status__in=OPEN_STATUSES, escalation_level__gt=0
    )
    by_level = dict(escalated.order_by().values_list("escalation_level").annotate(n=Count("pk")))
    units: dict[int | None, dict[str, Any]] = {}
    for row in (
        escalated.order_by().values("assigned_unit", "assigned_unit__name", "escalation_level").annotate(n=Count("pk"))
    ):
        unit = units.setdefault(
            row["assigned_unit"],
            {"pk": row["assigned_unit"], "name": row["assigned_unit__name"] or _("未派遣"), "levels": {}, "total": 0},
        )
        unit["levels"][row["escalation_level"]] = row["n"]
        unit["total"] += row["n"]
    unit_rows = sorted(
        units.values(),
        key=lambda u: [-u["levels"].get(s.level, 0) for s in reversed(steps)] + [-u["total"], str(u["name"])],
    )
    for u in unit_rows:
        u["cells"] = [(s, u["levels"].get(s.level, 0)) for s in steps]  # the steps without a card fold on a phone

    level, unit_param = _int(request.GET.get("level")), request.GET.get("unit", "")
    cases = escalated
    if level is not None:
        cases = cases.filter(escalation_level=level)
    if unit_param == "none":
        cases = cases.filter(assigned_unit__isnull=True)
    elif _int(unit_param) is not None:
        cases = cases.filter(assigned_unit_id=_int(unit_param))
    cases = selectors.list_rows(cases).order_by("-escalation_level", "step_due_at", "pk")
    page = paginate(request, cases, per_page=50)
    selectors.decorate(list(page.object_list), timezone.now())
    legend = [
        {
            "step": s,
            "count": by_level.get(s.level, 0),
            "whom": "、".join(str(RECIPIENTS[r]).split("（")[0] for r in s.notify),
        }
        for s in steps
    ]
    context = {
        "steps": steps,
        "legend": legend,
        "total": sum(by_level.values()),
        "unit_rows": unit_rows,
        "page": page,
        "level": level,
        "unit_param": unit_param,
        "filtered": level is not None or bool(unit_param),
        "querystring": querystring_without(request, "page"),
    }
    return render(request, "web/escalation/board.html", context)


routes: list[URLPattern] = [path("escalation/", escalation_board, name="escalation")]
