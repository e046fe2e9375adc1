"""The tables of a bulletin, described once and drawn by the page, the .xlsx and the PDF alike.

A :class:`Table` is a title, columns (header, how to read a row, number format, width) and rows; every
renderer walks the same description, so the three outputs cannot drift apart.

A bulletin is read by everyone whose scope covers it, without a per-reader rendering, so the free text it
quotes (case titles, hot-issue keywords and representative appeals) is always shown with phone and
identity numbers masked; snapshots stored before :mod:`wangge.reports.bulletins` masked them are masked here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from wangge.core.masking import mask_numbers
from wangge.intel.hotspots import trend, trend_rule_text
from wangge.reports.choices import Trend

# Number formats: names shared by the renderers.
INT = "int"
PCT = "pct"
DAYS = "days"
DEC2 = "dec2"
TEXT = "text"
WHEN = "when"
SIGNED_INT = "signed_int"
SIGNED_PCT = "signed_pct"


@dataclass(frozen=True)
class Column:
    title: str
    get: Callable[[dict[str, Any]], Any]
    fmt: str | Callable[[dict[str, Any]], str] = TEXT
    width: float = 10  # characters (xlsx); the PDF scales the same proportions to the page
    wrap: bool = False
    align: str = ""  # "left", "center" or "right"; by default text left, times centred, numbers right

    def align_of(self, fmt: str) -> str:
        if self.align:
            return self.align
        return "left" if fmt == TEXT else "center" if fmt == WHEN else "right"

    def format_of(self, row: dict[str, Any]) -> str:
        return self.fmt(row) if callable(self.fmt) else self.fmt


@dataclass
class Table:
    key: str
    title: str  # sheet name and section heading
    heading: str  # full title above the table
    columns: list[Column]
    rows: list[dict[str, Any]]
    total: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    freeze_cols: int = 0


def when(value: str | None) -> dt.datetime | None:
    """ISO text → naive local datetime (spreadsheets have no time zones)."""
    if not value:
        return None
    return timezone.localtime(dt.datetime.fromisoformat(value)).replace(tzinfo=None)


def display(value: Any, fmt: str) -> str:
    """A cell as text (web page and PDF)."""
    if value is None:
        return "" if fmt == TEXT else "—"
    if value == "":
        return ""
    if fmt == INT:
        return f"{int(value):,}"
    if fmt == PCT:
        return f"{float(value):.2%}"
    if fmt == SIGNED_INT:
        return f"{int(value):+,}" if value else "0"
    if fmt == SIGNED_PCT:
        return f"{float(value) * 100:+.2f}个百分点" if value else "持平"
    if fmt == DAYS:
        return f"{float(value):.1f}"
    if fmt == DEC2:
        return f"{float(value):.2f}"
    if fmt == WHEN:
        if isinstance(value, dt.datetime):
            moment: dt.datetime | None = timezone.localtime(value) if timezone.is_aware(value) else value
        else:
            moment = when(value)
        return moment.strftime("%Y-%m-%d %H:%M") if moment else ""
    return str(value)


def as_of_text(data: dict[str, Any]) -> str:
    """The moment the figures were taken; the end of the period reads "24:00" of its last day."""
    moment = when(data["as_of"])
    if moment is None:
        return ""
    last = data.get("end") or data["date"]  # a weekly bulletin ends on its Sunday
    if moment.time() == dt.time.min and moment.date() == dt.date.fromisoformat(last) + dt.timedelta(days=1):
        return f"{last} 24:00"
    return moment.strftime("%Y-%m-%d %H:%M")


def _rate(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda r: r["rates"].get(name)


def measure_columns(label: str) -> list[Column]:
    return [
        Column("序号", lambda r: r.get("_n", ""), INT, 6, align="center"),
        Column(label, lambda r: r["name"], TEXT, 28, wrap=True),
        Column("受理", lambda r: r["received"], INT, 8),
        Column("派遣", lambda r: r["dispatched"], INT, 8),
        Column("应结案", lambda r: r["due"], INT, 9),
        Column("结案", lambda r: r["closed"], INT, 8),
        Column("按期结案", lambda r: r["closed_on_time"], INT, 10),
        Column("超期未结", lambda r: r["overdue_open"], INT, 10),
        Column("退回", lambda r: r["returned"], INT, 8),
        Column("返工", lambda r: r["reworked"], INT, 8),
        Column("结案率", _rate("closure"), PCT, 10),
        Column("按期结案率", _rate("on_time_closure"), PCT, 12),
        Column("满意率", _rate("satisfaction"), PCT, 10),
    ]


def case_columns(*, overdue: bool) -> list[Column]:
    cols = [
        Column("序号", lambda r: r.get("_n", ""), INT, 6, align="center"),
        Column("工单编号", lambda r: r["tracking_code"], TEXT, 17),
        Column("标题", lambda r: mask_numbers(r["title"]), TEXT, 28, wrap=True),
        Column("承办单位", lambda r: r["unit"], TEXT, 22, wrap=True),
    ]
    if overdue:
        cols += [
            Column("街道", lambda r: r["street"], TEXT, 13, wrap=True),
            Column("网格", lambda r: r["grid"], TEXT, 20, wrap=True),
            Column("诉求分类", lambda r: r["category"], TEXT, 13, wrap=True),
            Column("办结时限", lambda r: when(r["due_at"]), WHEN, 17),
            Column("超期天数", lambda r: r["days_over"], DAYS, 10),
            Column("状态", lambda r: r["status_label"], TEXT, 9),
            Column("督办", lambda r: r["supervision_label"], TEXT, 10),
        ]
    else:
        cols += [
            Column("督办等级", lambda r: r["supervision_label"], TEXT, 10),
            Column("督办时间", lambda r: when(r["supervised_at"]), WHEN, 17),
            Column("办结时限", lambda r: when(r["due_at"]), WHEN, 17),
            Column("状态", lambda r: r["status_label"], TEXT, 9),
        ]
    return cols


TREND_LABELS = {Trend.RISING: "↑ 上升", Trend.STEADY: "→ 持平", Trend.FALLING: "↓ 下降"}

HOT_COLUMNS = [
    Column("类型", lambda r: r["_type"], TEXT, 10),
    Column("名称", lambda r: r["name"], TEXT, 30, wrap=True),
    Column("当日件数", lambda r: r["count"], INT, 10),
    Column("前7日日均", lambda r: r["avg_7d"], DEC2, 11),
    Column("较日均", lambda r: r["change"], DEC2, 9),
    Column("趋势", lambda r: TREND_LABELS.get(r["trend"], r["trend"]), TEXT, 9),
]


HAZARD_COLUMNS = [
    Column("序号", lambda r: r.get("_n", ""), INT, 6, align="center"),
    Column("隐患编号", lambda r: r["code"], TEXT, 17),
    Column("类型", lambda r: r["type"], TEXT, 12),
    Column("隐患描述", lambda r: mask_numbers(r["title"]), TEXT, 30, wrap=True),
    Column("网格", lambda r: r["grid"], TEXT, 20, wrap=True),
    Column("整改期限", lambda r: when(r["due_at"]), WHEN, 17),
    Column("超期天数", lambda r: r["days_over"], DAYS, 10),
    Column("状态", lambda r: r["status_label"], TEXT, 9),
]


MEDIATION_COLUMNS = [
    Column("期间", lambda r: r["period"], TEXT, 24, wrap=True),
    Column("排查数", lambda r: r["found"], INT, 9),
    Column("受理数", lambda r: r["accepted"], INT, 9),
    Column("调解成功数", lambda r: r["resolved"], INT, 11),
    Column("化解率", lambda r: r["resolution_rate"], PCT, 10),
    Column("平均化解天数", lambda r: r["average_days"], DAYS, 12),
]
DISPUTE_COLUMNS = [
    Column("序号", lambda r: r.get("_n", ""), INT, 6, align="center"),
    Column("纠纷编号", lambda r: r["code"], TEXT, 17),
    Column("类型", lambda r: r["type"], TEXT, 10),
    Column("纠纷概要", lambda r: mask_numbers(r["title"]), TEXT, 28, wrap=True),
    Column("网格", lambda r: r["grid"], TEXT, 20, wrap=True),
    Column("风险原因", lambda r: r["reasons"], TEXT, 24, wrap=True),
    Column("状态", lambda r: r["status_label"] + ("（督办）" if r["supervised"] else ""), TEXT, 14),
]


def _mediation_tables(scope: str, date_text: str, m: dict[str, Any]) -> list[Table]:
    """矛盾纠纷调解: the day and the year to date, and the open disputes of level 重大."""
    periods = [
        {"period": f"当日（{date_text}）", **m["day"]},
        {"period": f"本年累计（{m['year']['from']} 起）", **m["year"]},
    ]
    tracks = "，".join(f"{t['name']} 受理 {t['accepted']} 件、成功 {t['resolved']} 件" for t in m["by_track"])
    shown = len(m["rows"])
    return [
        Table(
            "mediation",
            "矛盾纠纷",
            f"{scope}矛盾纠纷排查化解情况（{date_text}）",
            MEDIATION_COLUMNS,
            periods,
            notes=[
                "化解率 = 调解成功数 ÷ 受理数；调解成功数为期间内受理的纠纷中至今已达成书面或口头协议的件数，"
                "一件纠纷经多种调解方式接续调解只计一次；平均化解天数为受理至达成协议的自然日。"
                + (f"本年按调解类型：{tracks}。" if tracks else "")
            ],
        ),
        Table(
            "disputes_high_risk",
            "重大风险纠纷",
            f"{scope}重大风险矛盾纠纷在办清单",
            DISPUTE_COLUMNS,
            _numbered(m["rows"]),
            notes=[
                f"共 {m['high_risk_open']} 件"
                + (f"，本表列出最早发现的 {shown} 件" if m["high_risk_open"] > shown else "")
                + "；风险等级为“重大”且尚未办结的纠纷（统计时的当前数），督办中的列在前面。"
            ],
            freeze_cols=2,
        ),
    ]


def _distinct(texts: Iterable[str]) -> list[str]:
    """Texts in order, each once (representative appeals often share a title)."""
    return list(dict.fromkeys(texts))


def _growth(r: dict[str, Any]) -> str:
    if r["growth"] is None:
        return "新出现" if r["size"] else ""
    return f"{r['growth'] * 100:+.0f}%"


def _issue_trend(r: dict[str, Any]) -> Trend:
    """A hot issue's trend, by the one rule (snapshots stored before it was kept are judged now)."""
    return Trend(r.get("trend") or trend(r["size"], r["previous"]))


def _places_text(places: list[list[Any]]) -> str:
    """The community (an issue is one community's), then its busiest grids: "华西社区 4 件：第1网格 3、第2网格 1"."""
    if not places:
        return "未定位"
    (community, total), grids = places[0], places[1:4]
    stem = str(community).split("（")[0]  # "华西社区（示例）" names its grids "华西社区第1网格（示例）"
    text = f"{community} {total} 件"
    if grids:
        text += "：" + "、".join(f"{str(name).removeprefix(stem) or name} {n}" for name, n in grids)
    return text


HOT_ISSUE_COLUMNS = [
    Column("序号", lambda r: r["_n"], INT, 6, align="center"),
    Column("热点诉求", lambda r: mask_numbers("、".join(r["keywords"][:3]) or r["label"]), TEXT, 22, wrap=True),
    Column("件数", lambda r: r["size"], INT, 8),
    Column("上期", lambda r: r["previous"], INT, 8),
    Column("增长", _growth, TEXT, 9),
    Column("趋势", lambda r: TREND_LABELS.get(_issue_trend(r), ""), TEXT, 9),
    Column("诉求人数", lambda r: r["support"], INT, 9),
    Column("主要地点", lambda r: _places_text(r["places"]), TEXT, 30, wrap=True),
    Column(
        "代表诉求",
        lambda r: "；".join(_distinct(mask_numbers(title) for _id, title in r["representatives"])[:2]),
        TEXT,
        40,
        wrap=True,
    ),
]

SUMMARY_ROWS = [
    ("受理数", "received", INT),
    ("派遣数", "dispatched", INT),
    ("应结案数", "due", INT),
    ("结案数", "closed", INT),
    ("按期结案数", "closed_on_time", INT),
    ("超期未结数", "overdue_open", INT),
    ("退回数", "returned", INT),
    ("返工数", "reworked", INT),
    ("结案率", "rate_closure", PCT),
    ("按期结案率", "rate_on_time_closure", PCT),
    ("响应率", "rate_response", PCT),
    ("解决率", "rate_resolution", PCT),
    ("满意率", "rate_satisfaction", PCT),
    ("三率综合得分率", "rate_composite", PCT),
]


def _signed(r: dict[str, Any]) -> str:
    return SIGNED_PCT if r["_fmt"] == PCT else SIGNED_INT


SUMMARY_COLUMNS = [
    Column("指标", lambda r: r["_label"], TEXT, 18),
    Column("当日", lambda r: r["today"], lambda r: r["_fmt"], 14),
    Column("前一日", lambda r: r["previous_day"], lambda r: r["_fmt"], 14),
    Column("较前一日", lambda r: r["vs_previous_day"], _signed, 16),
    Column("上周同日", lambda r: r["last_week"], lambda r: r["_fmt"], 14),
    Column("较上周同日", lambda r: r["vs_last_week"], _signed, 16),
]


def _numbered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [dict(r, _n=i) for i, r in enumerate(rows, start=1)]


def bulletin_tables(data: dict[str, Any]) -> list[Table]:
    """The bulletin's tables in reading order."""
    scope = data["scope"]["name"]
    day = dt.date.fromisoformat(data["date"])
    date_text = f"{day.year}年{day.month}月{day.day}日"
    summary_rows = [dict(data["changes"][key], _label=label, _fmt=fmt) for label, key, fmt in SUMMARY_ROWS]
    total = dict(data["totals"], name="合计", _n="")
    overdue, supervised = data["overdue"], data["supervised"]
    hot = [dict(r, _type="诉求分类") for r in data["hotspots"]["categories"]] + [
        dict(r, _type="网格") for r in data["hotspots"]["grids"]
    ]
    rising = [dict(r, _type="诉求分类") for r in data["hotspots"].get("rising_categories", [])] + [
        dict(r, _type="网格") for r in data["hotspots"].get("rising_grids", [])
    ]
    definition_note = (
        "注：应结案数为办结时限落在当日的工单数；结案数为其中已结案的（当日结案的其他工单不计）；"
        "结案率 = 结案数 ÷ 应结案数；按期结案率 = 按期结案数 ÷ 应结案数；"
        f"满意率按“{data['satisfaction_label']}”计；超期未结数为当日到期且截至统计时点未办结的工单；"
        "超期工单清单按“超期”口径（在办工单中办结时限已过、承办单位尚未答复的，不限到期日），与首页、大屏一致。"
    )
    tables = [
        Table(
            "summary",
            "日通报",
            f"{scope}网格化服务管理日通报（{date_text}）",
            SUMMARY_COLUMNS,
            summary_rows,
            notes=[definition_note],
        ),
        Table(
            "units",
            "分单位",
            f"{scope}各承办单位办理情况（{date_text}）",
            measure_columns("承办单位"),
            _numbered(data["units"]),
            total=total,
            freeze_cols=2,
        ),
        Table(
            "areas",
            f"分{data['area_label']}",
            f"{scope}各{data['area_label']}诉求办理情况（{date_text}）",
            measure_columns(data["area_label"]),
            _numbered(data["areas"]),
            total=total,
            freeze_cols=2,
        ),
        Table(
            "overdue",
            "超期工单",
            f"{scope}超期未办结工单清单（截至{as_of_text(data)}）",
            case_columns(overdue=True),
            _numbered(overdue["rows"]),
            notes=[
                f"共 {overdue['total']} 件"
                + (f"，本表列出超期最久的 {len(overdue['rows'])} 件" if overdue["total"] > len(overdue["rows"]) else "")
                + "；超期天数按自然日计。"
                + (
                    "按单位：" + "，".join(f"{u['unit']} {u['count']} 件" for u in overdue["by_unit"][:20]) + "。"
                    if overdue["by_unit"]
                    else ""
                )
            ],
            freeze_cols=2,
        ),
        Table(
            "supervised",
            "督办工单",
            f"{scope}督办工单清单（红牌 {supervised['red']} 件、黄牌 {supervised['yellow']} 件）",
            case_columns(overdue=False),
            _numbered(supervised["rows"]),
            notes=[f"督办中共 {supervised['total']} 件，其中当日新增督办 {supervised['new_today']} 件。"],
            freeze_cols=2,
        ),
        Table(
            "hotspots",
            "热点分析",
            f"{scope}当日诉求热点（与前7日日均比较）",
            HOT_COLUMNS,
            hot,
            notes=(
                ["明显上升：" + "，".join(f"{r['_type']}“{r['name']}”" for r in rising) + "。"]
                if rising
                else ["当日无明显上升的诉求分类或网格。"]
            )
            + [trend_rule_text() + "比较基数为前7日日均。"],
        ),
    ]
    issues = data.get("hot_issues")  # bulletins stored before hot issues were added have none
    if issues is not None:
        capped = f"（每期按最近 {issues['limit']} 件计）" if issues.get("limit") else ""
        tables.append(
            Table(
                "hot_issues",
                "热点诉求",
                f"{scope}近{issues['days']}日热点诉求（按内容与地点聚类）",
                HOT_ISSUE_COLUMNS,
                _numbered(issues["rows"]),
                notes=[
                    f"热度 = 诉求人数 + 0.5 × 较上期（前{issues['days']}日）增加的件数；"
                    f"“上期”为前{issues['days']}日内内容相近的件数{capped}。"
                    + trend_rule_text()
                    + "比较基数为上期件数。"
                    if issues["rows"]
                    else f"近{issues['days']}日未形成热点诉求（同一内容、同一社区至少 2 件）。"
                ],
                freeze_cols=2,
            )
        )
    hazards = data.get("hazards_overdue")  # bulletins stored before the hazard ledger have none
    if hazards is not None:
        shown = len(hazards["rows"])
        by_type = "，".join(f"{r['type']} {r['count']} 件" for r in hazards["by_type"])
        tables.append(
            Table(
                "hazards_overdue",
                "超期隐患",
                f"{scope}治安隐患超期未整改清单（截至{as_of_text(data)}）",
                HAZARD_COLUMNS,
                _numbered(hazards["rows"]),
                notes=[
                    f"共 {hazards['total']} 件"
                    + (f"，本表列出超期最久的 {shown} 件" if hazards["total"] > shown else "")
                    + "；待整改或待核查且已过整改期限的隐患，超期天数按自然日计。"
                    + (f"按类型：{by_type}。" if by_type else "")
                ],
                freeze_cols=2,
            )
        )
    mediation = data.get("mediation")  # bulletins stored before the mediation ledger, and units', have none
    if mediation is not None:
        tables += _mediation_tables(scope, date_text, mediation)
    tables += _field_tables(scope, date_text, data)
    return tables


ROUND_TYPE_COLUMNS = [
    Column("点位类型", lambda r: r["name"], TEXT, 16),
    Column("应巡", lambda r: r["due"], INT, 8),
    Column("已巡", lambda r: r["done"], INT, 8),
    Column("按时", lambda r: r["on_time"], INT, 8),
    Column("逾期", lambda r: r["late"], INT, 8),
    Column("漏巡", lambda r: r["missed"], INT, 8),
    Column("位置偏离", lambda r: r["far"], INT, 10),
    Column("不合格项", lambda r: r["failed_items"], INT, 10),
    Column("转工单", lambda r: r["cases_opened"], INT, 9),
    Column("按时巡查率", lambda r: r["on_time_rate"], PCT, 12),
]

ROUND_EXCEPTION_COLUMNS = [
    Column("序号", lambda r: r.get("_n", ""), INT, 6, align="center"),
    Column("点位", lambda r: r["point"], TEXT, 30, wrap=True),
    Column("类型", lambda r: r["type"], TEXT, 14),
    Column("网格", lambda r: r["grid"], TEXT, 20, wrap=True),
    Column("责任人", lambda r: r["assignee"], TEXT, 12),
    Column("情况", lambda r: r["kind"], TEXT, 10),
]

OPEN_TASK_COLUMNS = [
    Column("序号", lambda r: r.get("_n", ""), INT, 6, align="center"),
    Column("交办编号", lambda r: r["code"], TEXT, 16),
    Column("承办单位", lambda r: r["unit"], TEXT, 20, wrap=True),
    Column("事项", lambda r: r["issue"], TEXT, 26, wrap=True),
    Column("办理要求", lambda r: r["requirement"], TEXT, 30, wrap=True),
    Column("交办会议", lambda r: r["meeting_date"], TEXT, 12),
    Column("办结时限", lambda r: r["deadline"], TEXT, 12),
    Column("状态", lambda r: r["status_label"], TEXT, 10),
    Column("逾期天数", lambda r: r["days_overdue"] or "", TEXT, 10, align="right"),
]


HALL_RECTIFICATION_COLUMNS = [
    Column("序号", lambda r: r.get("_n", ""), INT, 6, align="center"),
    Column("整改编号", lambda r: r["code"], TEXT, 18),
    Column("办件编号", lambda r: r["application"], TEXT, 16),
    Column("大厅", lambda r: r["hall"], TEXT, 18, wrap=True),
    Column("窗口", lambda r: r["window"], TEXT, 14, wrap=True),
    Column("事项", lambda r: r["item"], TEXT, 24, wrap=True),
    Column("实施部门", lambda r: r["unit"], TEXT, 16, wrap=True),
    Column("来源", lambda r: r["source"], TEXT, 10),
    Column("状态", lambda r: r["status_label"], TEXT, 10),
    Column("整改期限", lambda r: r["deadline"], TEXT, 12),
    Column("超期天数", lambda r: r["days_overdue"] or "", TEXT, 10, align="right"),
]


def _field_tables(scope: str, date_text: str, data: dict[str, Any]) -> list[Table]:
    """The day's inspection rounds and the 交办 tasks still open; absent from units' bulletins and from those
    stored before the modules existed."""
    out: list[Table] = []
    rounds = data.get("inspections")
    if rounds is not None:
        previous = dt.date.fromisoformat(rounds["date"])
        round_date = f"{previous.year}年{previous.month}月{previous.day}日"
        out.append(
            Table(
                "inspections",
                "巡查体检",
                f"{scope}点位巡查体检情况（前一日，{round_date}）",
                ROUND_TYPE_COLUMNS,
                rounds["by_type"],
                total=dict(rounds, name="合计"),
                notes=[
                    "应巡为周期截止日在前一日的巡查任务（当日 18:00 到期、可补录至次日，前一日的结果已确定）；"
                    "按时巡查率 = 按时 ÷ 应巡；漏巡、逾期计入网格员月度考评。"
                ],
            )
        )
        out.append(
            Table(
                "inspection_exceptions",
                "漏巡逾期",
                f"{scope}漏巡和逾期巡查点位（前一日，{round_date}）",
                ROUND_EXCEPTION_COLUMNS,
                _numbered(rounds["exceptions"]),
                notes=[] if rounds["exceptions"] else ["前一日无漏巡、逾期巡查。"],
                freeze_cols=2,
            )
        )
    tasks = data.get("tasks_open")
    if tasks is not None:
        overdue = sum(1 for t in tasks if t["overdue"])
        out.append(
            Table(
                "tasks_open",
                "交办在办",
                f"{scope}调度会交办事项在办清单（截至{date_text}24时）",
                OPEN_TASK_COLUMNS,
                _numbered(tasks),
                notes=[
                    f"在办 {len(tasks)} 项，其中逾期 {overdue} 项；办结核销前每日列入通报。"
                    if tasks
                    else "无在办的交办事项。"
                ],
                freeze_cols=2,
            )
        )
    fixes = data.get("hall_rectifications")
    if fixes is not None:
        late = sum(1 for r in fixes if r["overdue"])
        out.append(
            Table(
                "hall_rectifications",
                "差评整改",
                f"{scope}政务服务差评整改在办清单（截至{date_text}24时）",
                HALL_RECTIFICATION_COLUMNS,
                _numbered(fixes),
                notes=[
                    f"在办 {len(fixes)} 件，其中超期 {late} 件；差评整改（核实、整改、反馈、回访）办结前每日列入通报。"
                    if fixes
                    else "无在办的差评整改。"
                ],
                freeze_cols=2,
            )
        )
    return out


# --- 周通报 -------------------------------------------------------------------------------------------

WEEK_SUMMARY_COLUMNS = [
    Column("指标", lambda r: r["_label"], TEXT, 18),
    Column("本周", lambda r: r["this_week"], lambda r: r["_fmt"], 14),
    Column("上周", lambda r: r["previous_week"], lambda r: r["_fmt"], 14),
    Column("较上周", lambda r: r["vs_previous_week"], _signed, 16),
]

WEEKDAYS = "一二三四五六日"


def _weekday_text(day: str | None) -> str:
    if not day:
        return "合计"
    return f"{day}（周{WEEKDAYS[dt.date.fromisoformat(day).weekday()]}）"


DAY_COLUMNS = [
    Column("日期", lambda r: _weekday_text(r.get("date")), TEXT, 18),
    Column("受理", lambda r: r["received"], INT, 8),
    Column("派遣", lambda r: r["dispatched"], INT, 8),
    Column("应结案", lambda r: r["due"], INT, 9),
    Column("结案", lambda r: r["closed"], INT, 8),
    Column("按期结案", lambda r: r["closed_on_time"], INT, 10),
    Column("超期未结", lambda r: r["overdue_open"], INT, 10),
    Column("结案率", _rate("closure"), PCT, 10),
    Column("按期结案率", _rate("on_time_closure"), PCT, 12),
    Column("满意率", _rate("satisfaction"), PCT, 10),
]


def week_text(data: dict[str, Any]) -> str:
    monday, sunday = dt.date.fromisoformat(data["date"]), dt.date.fromisoformat(data["end"])
    year, week, _weekday = monday.isocalendar()
    return f"{year}年第{week}周 {monday.month}月{monday.day}日—{sunday.month}月{sunday.day}日"


def weekly_tables(data: dict[str, Any]) -> list[Table]:
    """The weekly bulletin's tables in reading order: the cases as in the daily bulletin, over the week, then the
    week's work of the other modules."""
    from wangge.reports import weekly_sections

    scope = data["scope"]["name"]
    period = week_text(data)
    summary_rows = [dict(data["changes"][key], _label=label, _fmt=fmt) for label, key, fmt in SUMMARY_ROWS]
    total = dict(data["totals"], name="合计", _n="")
    overdue = data["overdue"]
    tables = [
        Table(
            "summary",
            "周通报",
            f"{scope}网格化服务管理周通报（{period}）",
            WEEK_SUMMARY_COLUMNS,
            summary_rows,
            notes=[
                "注：指标口径与日通报相同，统计区间为本周一 0:00 至下周一 0:00；应结案数为办结时限落在本周的工单数，"
                f"结案率 = 结案数 ÷ 应结案数；满意率按“{data['satisfaction_label']}”计。"
            ],
        ),
        Table("days", "逐日", f"{scope}本周逐日诉求办理情况", DAY_COLUMNS, data["days"], total=dict(total, date=None)),
        Table(
            "units",
            "分单位",
            f"{scope}各承办单位本周办理情况",
            measure_columns("承办单位"),
            _numbered(data["units"]),
            total=total,
            freeze_cols=2,
        ),
        Table(
            "areas",
            f"分{data['area_label']}",
            f"{scope}各{data['area_label']}本周诉求办理情况",
            measure_columns(data["area_label"]),
            _numbered(data["areas"]),
            total=total,
            freeze_cols=2,
        ),
        Table(
            "overdue",
            "超期工单",
            f"{scope}超期未办结工单清单（截至{as_of_text(data)}）",
            case_columns(overdue=True),
            _numbered(overdue["rows"]),
            notes=[
                f"共 {overdue['total']} 件"
                + (f"，本表列出超期最久的 {len(overdue['rows'])} 件" if overdue["total"] > len(overdue["rows"]) else "")
                + "；超期天数按自然日计。"
            ],
            freeze_cols=2,
        ),
    ]
    tables += weekly_sections.tables(data)
    return tables
