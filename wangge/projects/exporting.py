"""The project list with its rollups as an .xlsx workbook, written through the one safe writer
(``core.spreadsheets``): sheet 项目清单 (one row per project) and sheet 汇总 (the rollup per type and per
territory, as ``selectors.project_rollup`` computes it)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from wangge.core.spreadsheets import write_row, write_rows
from wangge.projects.models import Project
from wangge.projects.schedule import behind_reasons

HEADERS = (
    "项目编号",
    "项目名称",
    "项目类型",
    "所属辖区",
    "建设地点",
    "长度(米)",
    "总投资(万元)",
    "累计完成投资(万元)",
    "形象进度(%)",
    "计划开工",
    "计划完工",
    "实际开工",
    "实际完工",
    "牵头单位",
    "状态",
    "滞后原因",
)
SUMMARY_HEADERS = (
    "分组",
    "名称",
    "项目数",
    "总投资(万元)",
    "累计完成投资(万元)",
    "投资完成率(%)",
    "平均进度(%)",
    "已开工",
    "已完工",
    "滞后",
)


def project_row(p: Project, as_of: dt.date) -> list[Any]:
    return [
        p.code,
        p.name,
        p.get_type_display(),
        p.territory.name,
        p.location,
        p.length_m,
        p.total_investment,
        p.invested,
        p.progress,
        p.planned_start,
        p.planned_end,
        p.actual_start,
        p.actual_end,
        p.lead_unit.name if p.lead_unit else "",
        p.get_status_display(),
        "；".join(behind_reasons(p, as_of, p.milestones.all())),
    ]


def _summary_row(group: str, name: str, r: dict[str, Any]) -> list[Any]:
    return [
        group,
        name,
        r["count"],
        Decimal(r["total_investment"]),
        Decimal(r["invested"]),
        r["invested_pct"],
        r["average_progress"],
        r["started"],
        r["finished"],
        r["behind"],
    ]


def workbook(projects: Iterable[Project], rollup: dict[str, Any], as_of: dt.date) -> tuple[bytes, int]:
    """The workbook's bytes and the number of project rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("项目清单"))
    write_row(sheet, HEADERS)
    count = write_rows(sheet, (project_row(p, as_of) for p in projects))
    summary = book.create_sheet(_("汇总"))
    write_row(summary, [_("统计范围"), rollup["territory"]["name"], _("统计日期"), as_of])
    write_row(summary, SUMMARY_HEADERS)
    write_row(summary, _summary_row(_("合计"), rollup["territory"]["name"], rollup["totals"]))
    write_rows(summary, (_summary_row(_("按类型"), r["label"], r) for r in rollup["by_type"]))
    write_rows(summary, (_summary_row(_("按辖区"), r["name"], r) for r in rollup["by_territory"]))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), count
