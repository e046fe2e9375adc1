"""The demo step: ten working days of 卫东区's 18:00 meetings, most tasks closed, a few open, one or two overdue;
idempotent."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from wangge.accounts.choices import UnitKind
from wangge.accounts.models import Unit
from wangge.demo import meetings as demo
from wangge.demo.services import DEMO_ACTOR
from wangge.meetings.deadlines import overdue_q
from wangge.meetings.models import Meeting, Task

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_ten_days_of_meetings_once(mt: SimpleNamespace, monkeypatch: Any) -> None:
    for key in ("zjj2", "gaj", "jtj", "sthj", "scjg"):
        Unit.objects.create(code=f"410403-{key}", name=f"演示{key}", kind=UnitKind.DEPARTMENT, territory=mt.district)
    mt.dept.code = "410403-cgj"
    mt.dept.save()
    mt.office.code = "410403001-jdb"
    mt.office.save()
    mt.office2.code = "410403002-jdb"
    mt.office2.save()
    Unit.objects.create(code="410403003-jdb", name="第三街道办", kind=UnitKind.STREET_OFFICE, territory=mt.street2)
    created, unchanged = demo.meetings_seed(actor=DEMO_ACTOR, options=None)
    meetings = Meeting.objects.filter(is_synthetic=True)
    assert meetings.count() == demo.DAYS and created > demo.DAYS and unchanged == 0
    assert all(m.status == "final" and 2 <= m.issues.count() <= 4 for m in meetings)
    tasks = Task.objects.filter(is_synthetic=True)
    closed = tasks.filter(status="closed").count()
    assert closed > tasks.count() / 2
    assert tasks.exclude(status__in=["closed", "cancelled"]).exists()
    assert tasks.filter(overdue_q(timezone.now())).count() >= 1
    assert max(m.held_on for m in meetings) < timezone.localdate()
    assert demo.meetings_seed(actor=DEMO_ACTOR, options=None) == (0, demo.DAYS + tasks.count())
