"""Hot issues: a local burst ranks first, growth and support count, topics split by community; the
clusters of real citizen messages are coherent."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from wangge.intel.hotspots import AppealRecord, HotIssue, hot_issues, rank_hot_issues
from wangge.workorders.models import WorkOrder
from wangge.workorders.tests.conftest import act, local, new_case, world

__all__ = ["world"]  # the fixture, imported for these tests

TZ = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2025, 6, 2, tzinfo=TZ)
END = START + dt.timedelta(days=7)

FUMES = [
    ("幸福小区楼下烧烤店油烟扰民", "幸福小区3栋楼下的烧烤店每天晚上油烟直排，油烟味呛人，窗户都不敢开。"),
    ("烧烤店油烟直排", "幸福小区临街烧烤店没有油烟净化设备，油烟直接排进小区，请环保部门查处。"),
    ("幸福小区烧烤油烟太大", "小区门口烧烤店烧炭，油烟和噪音一直到凌晨，居民无法休息。"),
    ("投诉烧烤店油烟污染", "幸福小区东侧烧烤店油烟污染严重，楼上住户家里全是油烟味。"),
    ("幸福小区烧烤店扰民", "烧烤店营业到深夜，油烟直排，老人孩子被呛得咳嗽。"),
    ("烧烤油烟熏人", "幸福小区楼下烧烤店油烟熏人，晾的衣服都是烧烤味，请尽快整治。"),
]
PARKING = [
    ("和平路占道停车", "和平路两侧长期占道停车，公交车无法进站，早晚高峰拥堵。"),
    ("和平路乱停车严重", "和平路人行道和非机动车道被机动车占用停车，行人只能走马路。"),
    ("和平路违章停车无人管", "和平路沿线违章停车很多，交警很少来贴条，道路拥堵。"),
    ("和平路停车乱象", "和平路机动车乱停乱放，堵住小区出入口和公交站台。"),
]
NOISE = [
    ("路灯不亮", "建设路与开源路交叉口路灯坏了一周。"),
    ("井盖缺失", "光明街菜市场门口井盖丢失，存在安全隐患。"),
    ("咨询社保缴费", "灵活就业人员社保缴费标准是多少？"),
    ("树枝遮挡交通信号灯", "胜利路口行道树树枝挡住了红绿灯。"),
]


def record(
    i: int,
    title: str,
    description: str,
    day: int,
    *,
    reporter: str | None = None,
    community: tuple[int, str] | None = (1, "幸福社区"),
    grid: str = "",
) -> AppealRecord:
    return AppealRecord(
        id=i,
        title=title,
        description=description,
        received_at=START + dt.timedelta(days=day, hours=9),
        reporter=f"phone:{i}" if reporter is None else reporter,
        community_id=community[0] if community else None,
        community_name=community[1] if community else "",
        grid_name=grid,
    )


def find(issues: list[HotIssue], word: str) -> HotIssue:
    return next(h for h in issues if word in h.keywords)


def test_a_local_burst_ranks_first_and_a_steady_topic_after_it() -> None:
    # given a new burst of fumes complaints in one community, and parking complaints that were as many last week
    records = [record(i, t, d, day=i % 7, grid="幸福社区第1网格") for i, (t, d) in enumerate(FUMES)]
    records += [record(100 + i, t, d, day=i, community=(2, "和平社区")) for i, (t, d) in enumerate(PARKING * 2)][:6]
    records += [record(200 + i, t, d, day=i - 7, community=(2, "和平社区")) for i, (t, d) in enumerate(PARKING * 2)][:6]
    records += [record(300 + i, t, d, day=i, community=(3, "光明社区")) for i, (t, d) in enumerate(NOISE)]
    # when
    issues = rank_hot_issues(records, start=START, end=END)
    # then
    burst, steady = issues[0], find(issues, "停车")
    assert "烧烤" in burst.keywords and "油烟" in burst.keywords
    assert (burst.size, burst.previous, burst.growth, burst.support) == (6, 0, None, 6)
    assert burst.places == [("幸福社区", 6), ("幸福社区第1网格", 6)]
    assert burst.case_ids == list(range(6))
    assert {cid for cid, _title in burst.representatives} <= set(burst.case_ids)
    assert (steady.size, steady.previous, steady.growth) == (6, 6, 0.0)
    assert issues.index(steady) > 0
    # and single unrelated complaints are no issue at all
    assert all(h.size >= 2 for h in issues)
    assert not any(set(h.case_ids) & {300, 301, 302, 303} for h in issues)


def test_many_people_outrank_one_person_calling_many_times() -> None:
    one_caller = [record(i, t, d, day=1, reporter="phone:same") for i, (t, d) in enumerate(FUMES)]
    many = [record(100 + i, t, d, day=2, community=(2, "和平社区")) for i, (t, d) in enumerate(PARKING)]
    issues = rank_hot_issues(one_caller + many, start=START, end=END)
    assert [h.community_id for h in issues] == [2, 1]
    assert issues[1].support == 1 and issues[1].size == 6


def test_the_same_topic_in_two_communities_is_two_issues() -> None:
    west = [record(i, t, d, day=1, community=(1, "幸福社区")) for i, (t, d) in enumerate(FUMES[:3])]
    east = [record(10 + i, t, d, day=2, community=(2, "和平社区")) for i, (t, d) in enumerate(FUMES[3:])]
    issues = rank_hot_issues(west + east, start=START, end=END)
    assert sorted((h.community_id, h.size) for h in issues) == [(1, 3), (2, 3)]


def test_cases_outside_both_windows_do_not_count() -> None:
    records = [record(i, t, d, day=1) for i, (t, d) in enumerate(FUMES[:3])]
    records += [record(50 + i, t, d, day=-20) for i, (t, d) in enumerate(FUMES)]  # three weeks back
    records += [record(80 + i, t, d, day=9) for i, (t, d) in enumerate(FUMES)]  # after the window
    (issue,) = rank_hot_issues(records, start=START, end=END)
    assert (issue.size, issue.previous) == (3, 0)


def test_too_few_cases_give_no_issue() -> None:
    assert rank_hot_issues([], start=START, end=END) == []
    assert rank_hot_issues([record(1, *FUMES[0], day=1)], start=START, end=END) == []


def test_top_limits_the_list() -> None:
    records = [record(i, t, d, day=1) for i, (t, d) in enumerate(FUMES)]
    records += [record(100 + i, t, d, day=2, community=(2, "和平社区")) for i, (t, d) in enumerate(PARKING)]
    assert len(rank_hot_issues(records, start=START, end=END, top=1)) == 1


# --- through the database -------------------------------------------------------------------------


def test_hot_issues_reads_the_queryset_and_leaves_invalid_cases_out(world: SimpleNamespace) -> None:
    # given three fumes complaints this week (one declared invalid), one last week and an unrelated case
    at = local(2025, 6, 3, 9, 0)
    for title, description in FUMES[:3]:
        new_case(world, at=at, title=title, description=description)
    invalid = new_case(world, at=at, title=FUMES[3][0], description=FUMES[3][1])
    act(world, invalid, "invalidate", "dispatcher", at + dt.timedelta(hours=1), note="测试")
    new_case(world, at=at - dt.timedelta(days=7), title=FUMES[4][0], description=FUMES[4][1])
    new_case(world, at=at, title=NOISE[0][0], description=NOISE[0][1])
    # when
    issues = hot_issues(
        WorkOrder.objects.filter(district=world.district), start=local(2025, 6, 2, 0, 0), end=local(2025, 6, 9, 0, 0)
    )
    # then
    (issue,) = issues
    assert issue.size == 3 and issue.previous == 1 and issue.growth == 2.0
    assert issue.support == 1  # the same caller's phone each time
    assert invalid.pk not in issue.case_ids
    assert issue.places[0] == (world.community.name, 3)


# --- real messages --------------------------------------------------------------------------------


def _when(text: str) -> dt.datetime:
    m = re.match(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})", text.strip())
    assert m, text
    year, month, day, hour, minute, second = (int(x) for x in m.groups())
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=TZ)


@pytest.mark.data
def test_clusters_of_real_messages_are_coherent(shared_data: Path) -> None:
    # given the real messages of December 2019 (and November for growth), reporters unknown
    with (shared_data / "appeals" / "unlabeled.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    records = [
        AppealRecord(
            id=i,
            title=r["留言主题"].strip(),
            description=r["留言详情"].strip(),
            received_at=_when(r["留言时间"]),
            reporter="",
        )
        for i, r in enumerate(rows)
    ]
    text = {r.id: r.title + r.description for r in records}
    # when
    issues = rank_hot_issues(
        records, start=dt.datetime(2019, 12, 1, tzinfo=TZ), end=dt.datetime(2020, 1, 1, tzinfo=TZ), top=5
    )
    # then the top issue is a real cluster whose three keywords each appear in most of its messages
    top = issues[0]
    assert top.size >= 10
    for word in top.keywords[:3]:
        assert sum(word in text[i] for i in top.case_ids) / top.size >= 0.75, word
    # and every one of the top five is held together by its first keyword
    for issue in issues:
        assert sum(issue.keywords[0] in text[i] for i in issue.case_ids) / issue.size >= 0.8, issue.label


def test_hotspots_command_lists_the_issues_of_the_last_days(world: SimpleNamespace) -> None:
    from io import StringIO

    from django.core.management import call_command

    at = local(2025, 6, 3, 9, 0)
    for title, description in FUMES[:3]:
        new_case(world, at=at, title=title, description=description)
    out = StringIO()
    call_command("hotspots", "--days", "7", "--district", world.district.code, "--end", "2025-06-05", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "2025-05-29 至 2025-06-04：1 个热点"
    assert lines[1].startswith("1. ") and "3件（上期0件，新出现）" in lines[1] and "测试社区3件" in lines[1]
    out = StringIO()
    call_command("hotspots", "--days", "7", "--district", world.other_district.code, "--end", "2025-06-05", stdout=out)
    assert out.getvalue().splitlines() == ["2025-05-29 至 2025-06-04：0 个热点"]
