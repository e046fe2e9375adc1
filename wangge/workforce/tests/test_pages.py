"""The pages of the grid workforce: the permission matrix (anonymous / no role / other grid / parent), the ladder
history on the worker's page after a settled month, assigning and taking a task, recording a reward, pay and
awards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from wangge.workforce.choices import RecordKind, TaskKind, TaskStatus
from wangge.workforce.models import SpecialTask, WorkerRecord
from wangge.workforce.services import MonthOutcome, ladder_settle, task_assign


def client_for(user: Any) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def settle_june(w: SimpleNamespace) -> None:
    ladder_settle(
        actor=w.street_staff,
        street=w.street_a,
        month=dt.date(2025, 6, 1),
        outcomes=[
            MonthOutcome(
                worker_id=w.worker.pk,
                grid_id=w.grid_a1.pk,
                assessment_id=4711,
                total=Decimal("93.50"),
                grade="reward",
                grade_label="积分定优",
                unqualified=False,
                promoted=True,
                street_rank=1,
            )
        ],
    )


# who → expected status of the grid a1 page and the worker's page
MATRIX = [
    ("anonymous", 302),
    ("stranger", 404),  # no role
    ("worker2", 404),  # a grid worker of the neighbouring grid
    ("other_street", 404),
    ("community_staff", 200),  # parent
    ("street_staff", 200),  # parent
    ("dispatcher", 200),  # district
]


@pytest.mark.parametrize(("who", "expected"), MATRIX)
def test_the_grid_page_permission_matrix(w: SimpleNamespace, who: str, expected: int) -> None:
    user = None if who == "anonymous" else getattr(w, who)
    response = client_for(user).get(reverse("web:workforce_grid", args=[w.grid_a1.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(("who", "expected"), [*MATRIX, ("worker", 200)])
def test_the_worker_page_permission_matrix(w: SimpleNamespace, who: str, expected: int) -> None:
    user = None if who == "anonymous" else getattr(w, who)
    response = client_for(user).get(reverse("web:workforce_worker", args=[w.profile.pk]))
    assert response.status_code == expected


@pytest.mark.parametrize(
    "name",
    [
        "workforce_home",
        "workforce_workers",
        "workforce_tasks",
        "workforce_records",
        "workforce_pay",
        "workforce_awards",
    ],
)
def test_the_lists_need_a_login_and_show_only_the_scope(w: SimpleNamespace, name: str) -> None:
    assert client_for(None).get(reverse(f"web:{name}")).status_code == 302
    stranger = client_for(w.stranger).get(reverse(f"web:{name}"))
    assert stranger.status_code == 200 and "赵网格" not in stranger.content.decode()
    mine = client_for(w.street_staff).get(reverse(f"web:{name}"))
    assert mine.status_code == 200 and "赵网格" not in mine.content.decode()  # street B's worker


def test_the_worker_page_shows_the_ladder_history_after_a_settled_month(w: SimpleNamespace) -> None:
    settle_june(w)
    page = client_for(w.community_staff).get(reverse("web:workforce_worker", args=[w.profile.pk])).content.decode()
    assert "2025-06" in page and "93.50" in page and "一级网格员 → 二级网格员" in page
    assert "优秀网格员" in page  # the award the promotion wrote


def test_the_grid_page_lists_wuzhang_yiyuan_masked_and_the_sunk_staff(w: SimpleNamespace) -> None:
    from wangge.workforce.models import WorkforceRole
    from wangge.workforce.services import assignment_create, sunk_staff_assign

    assignment_create(
        actor=w.community_staff,
        role=WorkforceRole.objects.get(key="party_group_head"),
        grid=w.grid_a1,
        name="刘大妈",
        phone="13800001234",
    )
    sunk_staff_assign(actor=w.community_staff, grid=w.grid_a1, unit=w.dept, name="城管小陈", duty="市容巡查")
    page = client_for(w.community_staff).get(reverse("web:workforce_grid", args=[w.grid_a1.pk])).content.decode()
    assert "刘大妈" in page and "党小组长" in page and "13800001234" not in page and "1234" in page
    assert "城管小陈" in page and "城市管理局" in page


def test_assigning_a_task_and_taking_its_steps_on_the_pages(w: SimpleNamespace) -> None:
    staff = client_for(w.community_staff)
    response = staff.post(
        reverse("web:workforce_task_new"),
        {
            "grid": w.grid_a1.pk,
            "kind": TaskKind.SAFETY,
            "title": "燃气安全排查",
            "deadline_days": 3,
            "assignee": w.worker.pk,
        },
    )
    task = SpecialTask.objects.get()
    assert response.status_code == 302 and task.assignee == w.worker
    worker = client_for(w.worker)
    worker.post(reverse("web:workforce_task_act", args=[task.pk, "accept"]), {"expected_version": 1})
    worker.post(reverse("web:workforce_task_act", args=[task.pk, "report"]), {"expected_version": 1, "result": "已查"})
    staff.post(reverse("web:workforce_task_act", args=[task.pk, "confirm"]), {"expected_version": 1})
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    page = staff.get(reverse("web:workforce_task_detail", args=[task.pk])).content.decode()
    assert "确认办结" in page and "已办结" in page


def test_a_grid_worker_cannot_assign_or_confirm(w: SimpleNamespace) -> None:
    worker = client_for(w.worker)
    response = worker.post(
        reverse("web:workforce_task_new"),
        {"grid": w.grid_a1.pk, "kind": TaskKind.SAFETY, "title": "x", "deadline_days": 3},
    )
    assert response.status_code in (400, 403) and not SpecialTask.objects.exists()
    task = task_assign(actor=w.community_staff, grid=w.grid_a1, kind=TaskKind.SAFETY, title="排查", deadline_days=3)
    other = client_for(w.worker2).get(reverse("web:workforce_task_detail", args=[task.pk]))
    assert other.status_code == 404


def test_recording_a_reward_on_the_page(w: SimpleNamespace) -> None:
    staff = client_for(w.community_staff)
    response = staff.post(
        reverse("web:workforce_records"),
        {
            "worker": w.profile.pk,
            "date": "2025-06-10",
            "kind": RecordKind.REWARD,
            "title": "防汛表现突出",
            "amount": "300",
            "points": "5",
            "reason": "转移群众",
        },
    )
    assert response.status_code == 302
    assert WorkerRecord.objects.get().recorded_by == w.community_staff
    assert "防汛表现突出" in staff.get(reverse("web:workforce_records")).content.decode()


def test_the_pay_and_awards_pages_read_the_settled_month(w: SimpleNamespace) -> None:
    settle_june(w)
    staff = client_for(w.street_staff)
    pay = staff.get(reverse("web:workforce_pay"), {"month": "2025-06"}).content.decode()
    assert "2337.50" in pay  # 1500 × 1.00 + 1000 × (93.5 − 60) / 40 = 1500 + 837.50
    awards = staff.get(reverse("web:workforce_awards"), {"from": "2025-01-01", "to": "2025-12-31"}).content.decode()
    assert "优秀网格员" in awards and "甲街道" in awards
