"""Demo data of 每日 18:00 调度会及其交办事项: the last ten working days of 卫东区's daily dispatch meetings, each
with two to four cross-department issues split among the district's departments and street offices (the units the
demo's units step creates). Most tasks are closed (核销), a few of the last days are still open, one or two are
overdue, and now and then one is returned (退回) for the command centre to reassign.

Everything is synthetic (``is_synthetic=True``) and deterministic for a given today: one ``random.Random`` seeded
by the district code. The rows go through the services (a few hundred writes), so the history, the audit trail
and the notices are as any meeting's. Idempotent: a district that already holds demo meetings is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from wangge.accounts.models import Unit
from wangge.demo.catalogue import WEIDONG, unit_code
from wangge.meetings.models import Meeting, Task
from wangge.meetings.services import (
    issue_create,
    issue_split,
    meeting_create,
    meeting_transition,
    meeting_update,
    task_transition,
)
from wangge.territory.models import Territory
from wangge.workcalendar.arithmetic import get_calendar

TZ = ZoneInfo("Asia/Shanghai")
DAYS = 10

# (issue, description, [(unit key, requirement)]) — unit key: a department key of the catalogue, or "street".
ISSUES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "背街小巷垃圾堆积",
        "督导组发现背街小巷生活垃圾多日未清运。",
        (("cgj", "组织环卫力量清运，建立日清机制"), ("street", "落实门前三包，做好群众宣传")),
    ),
    (
        "小区外占道经营",
        "早市摊点占用人行道，影响通行。",
        (("cgj", "依法规范占道经营，设置临时疏导点"), ("street", "配合劝导，建立长效管理台账")),
    ),
    (
        "老旧小区路面破损",
        "小区主干道坑洼积水，群众多次反映。",
        (("zjj", "纳入老旧小区改造计划，先行修补"), ("street", "组织居民议事，做好施工协调")),
    ),
    (
        "空中线缆杂乱",
        "居民楼外通信线缆私拉乱接，存在安全隐患。",
        (("gaj", "排查私拉乱接，依法处理"), ("zjj", "督促产权单位规整线缆")),
    ),
    (
        "学校周边交通拥堵",
        "放学时段车辆乱停，学生通行不畅。",
        (("gaj", "增派警力疏导，设置护学岗"), ("jtj", "施划停车位和警示标线"), ("jyj", "错峰放学安排")),
    ),
    (
        "餐饮油烟扰民",
        "沿街餐饮油烟直排，周边居民投诉。",
        (("sthj", "检测油烟净化设施，限期整改"), ("scjg", "督促商户落实主体责任")),
    ),
    (
        "易积水点排水不畅",
        "近日降雨后下穿通道积水。",
        (("cgj", "疏通雨水管网，汛期前完成"), ("slj", "核查排涝泵站运行")),
    ),
    (
        "楼道堆物消防隐患",
        "多栋居民楼楼道堆放杂物、电动车充电。",
        (("yjj", "开展消防安全检查"), ("street", "组织清理楼道堆物")),
    ),
    (
        "建筑工地扬尘",
        "工地未落实覆盖和洒水，扬尘明显。",
        (("zjj", "督促工地落实六个百分百"), ("sthj", "加密巡查并通报")),
    ),
    ("流浪人员救助", "公园内有流浪人员夜宿。", (("mzj", "开展救助引导，送救助站"), ("gaj", "协助核查身份"))),
    ("农贸市场秩序", "市场外溢经营，垃圾清运不及时。", (("scjg", "规范市场内经营秩序"), ("cgj", "清理外溢摊点"))),
    ("违规广告牌", "沿街商户违规设置广告牌。", (("cgj", "依法拆除违规广告设施"),)),
)


def _working_days_before(today: dt.date, n: int) -> list[dt.date]:
    cal = get_calendar()
    return sorted(cal.shift_days(today, -i) for i in range(1, n + 1))


def meetings_seed(*, actor: Any, options: Any) -> tuple[int, int]:
    """Create the demo meetings and tasks of 卫东区; return (created, unchanged). One transaction: all or none."""
    with transaction.atomic():
        return _seed(actor)


def _seed(actor: Any) -> tuple[int, int]:
    district = Territory.objects.filter(code=WEIDONG.code).first()
    if district is None:
        return 0, 0
    existing = Meeting.objects.filter(territory=district, is_synthetic=True).count()
    if existing:
        return 0, existing + Task.objects.filter(meeting__territory=district, is_synthetic=True).count()
    units = {u.code: u for u in Unit.objects.filter(code__startswith=WEIDONG.code, is_active=True)}
    streets = [u for code, u in sorted(units.items()) if code.endswith("-jdb")]
    depts = {
        key: units.get(unit_code(WEIDONG.code, key))
        for key in ("cgj", "zjj", "gaj", "jtj", "jyj", "sthj", "scjg", "slj", "yjj", "mzj")
    }
    if not streets or not depts["cgj"]:
        return 0, 0
    rng = random.Random(int(WEIDONG.code))
    today = timezone.localdate()
    cal = get_calendar()
    days = _working_days_before(today, DAYS)
    now = timezone.now()
    created = 0
    overdue_left = 2
    for n, day in enumerate(days):
        t0 = dt.datetime.combine(day, dt.time(18, 0), tzinfo=TZ)
        street_units = rng.sample(streets, 3)
        meeting = meeting_create(
            actor=actor,
            territory=district,
            held_on=day,
            chair_name="区委副书记（示例）",
            place="区网格化服务管理指挥中心会议室",
            units=[u for u in depts.values() if u is not None] + street_units,
            other_attendees="各督导组组长，各街道办事处主任，相关局委主要负责人，区创建指挥部、区督查局、区纪委有关负责人（示例）",
            is_synthetic=True,
            now=t0,
        )
        created += 1
        picks = rng.sample(range(len(ISSUES)), rng.randint(2, 4))
        recent = n >= DAYS - 3
        for k, index in enumerate(picks):
            title, description, rows = ISSUES[index]
            street = street_units[k % len(street_units)]
            issue = issue_create(
                actor=actor,
                meeting=meeting,
                title=title,
                description=description,
                source="supervision",
                territory=street.territory,
                decision="跨部门问题现场分解，相关单位按时限办结并反馈。",
                now=t0 + dt.timedelta(minutes=10 * k),
            )
            created += 1
            plan = [
                {
                    "unit": street if key == "street" else depts[key],
                    "requirement": requirement,
                    "deadline_days": rng.choice((1, 2, 3, 5)),
                }
                for key, requirement in rows
                if key == "street" or depts.get(key) is not None
            ]
            tasks = issue_split(
                actor=actor, issue=issue, tasks=plan, now=t0 + dt.timedelta(minutes=10 * k + 5), is_synthetic=True
            )
            created += len(tasks)
            for task in tasks:
                spare = depts["zjj"] if task.unit_id == depts["cgj"].pk and depts["zjj"] else depts["cgj"]
                outcome = _advance(actor, task, day, recent, rng, now, cal, overdue_left > 0 and n == DAYS - 5, spare)
                overdue_left -= outcome == "overdue"
        meeting_update(
            actor=actor,
            meeting=meeting,
            minutes=f"{day:%m月%d日}18:00 召开每日调度会，听取各督导组当日工作进度及存在问题，"
            f"对 {len(picks)} 个跨部门问题现场分解交办。（示例）",
            decisions="各责任单位于时限内办结并反馈，指挥中心跟踪核销，逾期未办结的列入次日通报。",
            now=t0 + dt.timedelta(hours=1),
        )
        meeting_transition(actor=actor, meeting=meeting, name="finalise", now=t0 + dt.timedelta(hours=1, minutes=5))
    return created, 0


def _advance(
    actor: Any,
    task: Task,
    day: dt.date,
    recent: bool,
    rng: random.Random,
    now: dt.datetime,
    cal: Any,
    make_overdue: bool,
    spare: Unit,
) -> str:
    """Take a demo task through its loop and say where it ended: signed the next working morning; done and
    closed by its deadline (about one in eight a day late); now and then returned and reassigned first; the last
    days' tasks partly still in hand; ``make_overdue`` leaves it in hand past its deadline."""
    today = now.astimezone(TZ).date()
    sign_at = dt.datetime.combine(cal.shift_days(day, 1), dt.time(9, rng.randint(0, 50)), tzinfo=TZ)
    if sign_at >= now:
        return "assigned"
    if not recent and not make_overdue and rng.random() < 0.06:
        task_transition(actor=actor, task=task, name="return", note="不属于本单位职责范围（示例）", now=sign_at)
        task_transition(
            actor=actor,
            task=task,
            name="reassign",
            unit=spare.pk,
            note="改由相关单位办理（示例）",
            now=sign_at + dt.timedelta(hours=1),
        )
        sign_at += dt.timedelta(hours=2)
    task_transition(actor=actor, task=task, name="sign", now=sign_at)
    deadline = Task.objects.values_list("deadline", flat=True).get(pk=task.pk)
    if make_overdue and deadline < today:
        task_transition(
            actor=actor,
            task=task,
            name="progress",
            note="正在协调施工队伍（示例）",
            now=sign_at + dt.timedelta(hours=3),
        )
        return "overdue"
    if recent and deadline >= today and rng.random() < 0.4:
        task_transition(
            actor=actor,
            task=task,
            name="progress",
            note="已安排人员现场处置（示例）",
            now=sign_at + dt.timedelta(hours=2),
        )
        return "open"
    late = rng.random() < 0.12 and deadline + dt.timedelta(days=1) < today
    early = cal.shift_days(sign_at.date(), rng.randint(0, 2))
    done_day = deadline + dt.timedelta(days=1) if late else min(early, deadline)
    report_at = max(
        dt.datetime.combine(done_day, dt.time(15, rng.randint(0, 59)), tzinfo=TZ), sign_at + dt.timedelta(hours=1)
    )
    if report_at >= now:
        return "open"
    task_transition(actor=actor, task=task, name="report", result="已按要求办结，现场已复查（示例）", now=report_at)
    close_at = report_at + dt.timedelta(hours=2)
    if close_at >= now:
        return "reported"
    task_transition(actor=actor, task=task, name="close", note="经核查已办结（示例）", now=close_at)
    return "closed"
