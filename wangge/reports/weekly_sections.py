"""The weekly bulletin's sections from the other modules: what each contributes to the stored data (``compute``)
and the tables it renders (``tables``). Every figure is the module's own selector's, so the weekly bulletin says
what the module's page says. A section absent from stored data (a unit's bulletin, or one stored before the
module existed) renders nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from wangge.campaigns import selectors as campaign_selectors
from wangge.emergency import selectors as emergency_selectors
from wangge.inspections import selectors as inspection_selectors
from wangge.meetings import selectors as meeting_selectors
from wangge.projects import selectors as project_selectors
from wangge.reports.layout import DEC2, INT, PCT, TEXT, Column, Table, display
from wangge.territory.models import Territory


def _plain(value: Any) -> Any:
    """JSON-ready: dates, times and decimals as text, as the stored bulletin keeps them."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def compute(
    node: Territory, monday: dt.date, start: dt.datetime, end: dt.datetime, as_of: dt.datetime
) -> dict[str, Any]:
    sunday = monday + dt.timedelta(days=6)
    rounds = inspection_selectors.rounds_summary(node, monday, sunday, now=as_of)
    rounds.pop("definitions", None)
    rounds.pop("by_day", None)
    tasks = meeting_selectors.task_figures(node, monday, sunday, now=as_of)
    tasks.pop("definitions", None)
    projects = project_selectors.project_week_summary(node, monday)
    return _plain(
        {
            "inspections": rounds,
            "campaigns": campaign_selectors.campaigns_in_period(node, monday, sunday, now=as_of),
            "projects": projects,
            "warnings": emergency_selectors.warnings_in_period(node, monday, sunday),
            "tasks": tasks,
        }
    )


def _pct(value: Any) -> str:
    return display(value, PCT) if value is not None else "—"


ROUND_COLUMNS = [
    Column("点位类型", lambda r: r["name"], TEXT, 16),
    Column("应巡", lambda r: r["due"], INT, 8),
    Column("已巡", lambda r: r["done"], INT, 8),
    Column("按时", lambda r: r["on_time"], INT, 8),
    Column("迟巡", lambda r: r["late"], INT, 8),
    Column("漏巡", lambda r: r["missed"], INT, 8),
    Column("不合格项", lambda r: r["failed_items"], INT, 10),
    Column("转工单", lambda r: r["cases_opened"], INT, 9),
    Column("按时完成率", lambda r: r["on_time_rate"], PCT, 12),
]

CAMPAIGN_COLUMNS = [
    Column("专项行动", lambda r: r["name"], TEXT, 26, wrap=True),
    Column("牵头单位", lambda r: r["lead_unit"], TEXT, 16, wrap=True),
    Column("时段", lambda r: f"{r['start_date']} 至 {r['end_date']}", TEXT, 24),
    Column("状态", lambda r: r["status_label"], TEXT, 9),
    Column("点位", lambda r: r["totals"]["points"], INT, 8),
    Column("已检查", lambda r: r["totals"]["inspected"], INT, 9),
    Column("本周发现问题", lambda r: r["findings_in_period"], INT, 12),
    Column("本周转工单", lambda r: r["cases_in_period"], INT, 11),
    Column("工单办结", lambda r: f"{r['totals']['closed']}/{r['totals']['cases']}", TEXT, 10),
    Column(
        "本周整治量",
        lambda r: "，".join(f"{q['name']} {q['total']} {q['unit']}" for q in r["quantities_in_period"]) or "—",
        TEXT,
        30,
        wrap=True,
    ),
]

PROJECT_COLUMNS = [
    Column("项目", lambda r: r["name"], TEXT, 28, wrap=True),
    Column("进度", lambda r: r["progress"] / 100 if r["progress"] is not None else None, PCT, 9),
    Column("较上次", lambda r: f"{r['progress_change']:+d}%" if r["progress_change"] is not None else "—", TEXT, 9),
    Column("计划进度", lambda r: r["planned_progress"] / 100 if r["planned_progress"] is not None else None, PCT, 10),
    Column("累计投资（万元）", lambda r: float(r["invested"]), DEC2, 14),
    Column("本周完成", lambda r: r["work_done"], TEXT, 30, wrap=True),
    Column("存在问题", lambda r: r["problems"] or "—", TEXT, 24, wrap=True),
    Column("滞后原因", lambda r: "；".join(r["behind_reasons"]) or "—", TEXT, 20, wrap=True),
]

WARNING_COLUMNS = [
    Column("预警", lambda r: f"{r['hazard_type_label']}{r['level_label']}预警", TEXT, 16),
    Column("编号", lambda r: r["code"], TEXT, 16),
    Column("发布时间", lambda r: (r["issued_at"] or "")[:16].replace("T", " "), TEXT, 17),
    Column("解除时间", lambda r: (r["lifted_at"] or "")[:16].replace("T", " ") or "未解除", TEXT, 17),
    Column("范围", lambda r: "、".join(r["areas"]), TEXT, 20, wrap=True),
    Column("通知", lambda r: r["notified"], INT, 8),
    Column("已确认", lambda r: r["acknowledged"], INT, 9),
    Column("未送达", lambda r: r["not_reached"], INT, 9),
    Column("住户短信", lambda r: r["households_messaged"], INT, 10),
]

TASK_COLUMNS = [
    Column("承办单位", lambda r: r["unit"], TEXT, 22, wrap=True),
    Column("交办", lambda r: r["assigned"], INT, 8),
    Column("按期办结", lambda r: r["on_time"], INT, 10),
    Column("逾期办结", lambda r: r["late"], INT, 10),
    Column("在办", lambda r: r["open"], INT, 8),
    Column("逾期未结", lambda r: r["overdue"], INT, 10),
]


def tables(data: dict[str, Any]) -> list[Table]:
    scope = data["scope"]["name"]
    out: list[Table] = []
    rounds = data.get("inspections")
    if rounds is not None:
        out.append(
            Table(
                "inspections",
                "巡查体检",
                f"{scope}本周点位巡查体检情况",
                ROUND_COLUMNS,
                rounds["by_type"],
                total=dict(rounds, name="合计"),
                notes=[
                    f"应巡 {rounds['due']} 次，已巡 {rounds['done']} 次"
                    f"（按时 {rounds['on_time']}、迟巡 {rounds['late']}），"
                    f"漏巡 {rounds['missed']} 次，按时完成率 {_pct(rounds['on_time_rate'])}；"
                    f"不合格 {rounds['failed_items']} 项，转工单 {rounds['cases_opened']} 件；"
                    f"偏离点位 {rounds['far']} 次，抽查 {rounds['spot_checked']} 次"
                    f"（不一致 {rounds['disagreed']} 次）。"
                ],
            )
        )
    campaigns = data.get("campaigns")
    if campaigns is not None:
        out.append(
            Table(
                "campaigns",
                "专项整治",
                f"{scope}本周专项整治进展",
                CAMPAIGN_COLUMNS,
                campaigns,
                notes=[] if campaigns else ["本周无进行中的专项整治行动。"],
            )
        )
    projects = data.get("projects")
    if projects is not None:
        totals = projects["totals"]
        missing = "、".join(p["name"] for p in projects["missing"])
        share = _pct(totals["invested_pct"] / 100 if totals["invested_pct"] is not None else None)
        progress = totals["average_progress"] if totals["average_progress"] is not None else "—"
        out.append(
            Table(
                "projects",
                "项目进度",
                f"{scope}项目本周进度（{projects['week_label']}）",
                PROJECT_COLUMNS,
                projects["entries"],
                notes=[
                    f"项目 {totals['count']} 个，总投资 {totals['total_investment']} 万元，累计完成投资 "
                    f"{totals['invested']} 万元（{share}），平均进度 {progress}%，"
                    f"进度滞后 {totals['behind']} 个；本周应填报 {projects['expected']} 个，已填报 "
                    f"{len(projects['entries'])} 个。" + (f"未填报：{missing}。" if missing else "")
                ],
            )
        )
    warnings = data.get("warnings")
    if warnings is not None:
        out.append(
            Table(
                "warnings",
                "预警",
                f"{scope}本周预警发布与确认情况",
                WARNING_COLUMNS,
                warnings,
                notes=[] if warnings else ["本周未发布预警。"],
            )
        )
    tasks = data.get("tasks")
    if tasks is not None:
        out.append(
            Table(
                "tasks",
                "交办事项",
                f"{scope}本周调度会交办事项办理情况",
                TASK_COLUMNS,
                tasks["by_unit"],
                total=dict(tasks, unit="合计"),
                notes=[
                    f"本周交办 {tasks['assigned']} 项，已办结 {tasks['closed']} 项（按期 {tasks['on_time']} 项），"
                    f"在办 {tasks['open']} 项，其中逾期 {tasks['overdue']} 项；"
                    f"按期办结率 {_pct(tasks['on_time_rate'])}。"
                ],
            )
        )
    return out
