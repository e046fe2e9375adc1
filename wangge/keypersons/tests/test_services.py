"""Adding, changing, visiting and releasing key persons: the visit schedule (due one interval after the start,
then one interval after each visit; overdue once the due day has passed), release archives, and each refusal
writes nothing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from wangge.core.errors import Conflict, NotFound, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.keypersons import schedule
from wangge.keypersons.access import common_path
from wangge.keypersons.choices import AccessAction, KeyPersonStatus
from wangge.keypersons.errors import ErrorCode
from wangge.keypersons.models import KeyPerson, KeyPersonAccess, KeyPersonVisit
from wangge.keypersons.selectors import count_key_persons, count_visits_overdue
from wangge.keypersons.services import key_person_create, key_person_release, key_person_update, key_person_visit
from wangge.keypersons.tests.conftest import fingerprint, make_resident
from wangge.ledgers.choices import ResidentStatus

pytestmark = pytest.mark.django_db

TODAY = schedule.today()


def _days(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def _at(days_ago: int, hour: int = 10) -> dt.datetime:
    day = _days(days_ago)
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def test_a_new_key_person_is_due_one_interval_after_the_start(kp_world: SimpleNamespace) -> None:
    w = kp_world
    kp = key_person_create(
        actor=w.officer, resident=w.li, category=w.petitioner, started_on=_days(3), channel="web", notes="x"
    )
    assert kp.grid == w.grid2 and kp.status == KeyPersonStatus.ACTIVE
    assert kp.next_visit_due == _days(3) + dt.timedelta(days=15)
    assert not schedule.is_overdue(kp)
    entry = KeyPersonAccess.objects.get(action=AccessAction.CREATE, user=w.officer)
    assert (entry.user, entry.key_person_ids, entry.channel) == (w.officer, [kp.pk], "web")
    audit = AuditEntry.objects.get(action="keypersons.create", object_id=str(kp.pk))
    assert audit.after is not None and audit.after["notes"] == "***" and audit.after["resident"] == "***"
    assert "李测试" not in audit.object_repr


def test_overdue_once_the_due_day_has_passed(kp_world: SimpleNamespace) -> None:
    w = kp_world
    late = key_person_create(actor=w.officer, resident=w.li, category=w.category, started_on=_days(31))
    due_today = key_person_create(actor=w.officer, resident=w.li, category=w.petitioner, started_on=_days(15))
    assert late.next_visit_due == _days(1) and schedule.is_overdue(late) and schedule.days_overdue(late) == 1
    assert due_today.next_visit_due == TODAY and not schedule.is_overdue(due_today)
    assert count_visits_overdue(w.community) == 1
    assert count_key_persons(w.community) == 3 and count_key_persons(w.grid2) == 2
    assert list(KeyPerson.objects.filter(schedule.overdue_q())) == [late]


def test_a_visit_moves_the_due_day_to_its_date_plus_the_interval(kp_world: SimpleNamespace) -> None:
    w = kp_world
    kp = key_person_create(actor=w.officer, resident=w.li, category=w.category, started_on=_days(40))
    assert schedule.is_overdue(kp)
    visit = key_person_visit(
        actor=w.officer,
        key_person=kp,
        visited_at=_at(2),
        method="home",
        situation="在家，情绪稳定",
        lng=113.06,
        lat=33.02,
    )
    kp.refresh_from_db()
    assert kp.last_visit_at == visit.visited_at
    assert kp.next_visit_due == _days(2) + dt.timedelta(days=30)
    assert not schedule.is_overdue(kp)
    assert visit.visitor == w.officer and visit.visitor_name == "officer"
    # A visit entered late (older than the latest) is kept but moves nothing.
    key_person_visit(actor=w.officer, key_person=kp, visited_at=_at(20), method="phone", situation="补录")
    kp.refresh_from_db()
    assert kp.last_visit_at == visit.visited_at and kp.visits.count() == 2
    # The person's own interval overrides the category's and moves the due day.
    key_person_update(actor=w.officer, key_person=kp, visit_interval_days=7)
    kp.refresh_from_db()
    assert kp.next_visit_due == _days(2) + dt.timedelta(days=7)
    assert KeyPersonAccess.objects.filter(action=AccessAction.VISIT, key_person_ids=[kp.pk]).count() == 2
    assert KeyPersonAccess.objects.get(action=AccessAction.UPDATE).query == {"fields": ["visit_interval_days"]}


def test_a_category_change_moves_the_due_day(kp_world: SimpleNamespace) -> None:
    w = kp_world
    key_person_update(actor=w.officer, key_person=w.kp, category=w.petitioner, level="high")
    w.kp.refresh_from_db()
    assert w.kp.category == w.petitioner and w.kp.level == "high"
    assert w.kp.next_visit_due == _days(10) + dt.timedelta(days=15)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"visited_at": "future", "situation": "x"}, ErrorCode.INVALID_DATE),
        ({"visited_at": "before_start", "situation": "x"}, ErrorCode.INVALID_DATE),
        ({"situation": "   "}, ErrorCode.REQUIRED),
        ({"situation": "x", "method": "carrier_pigeon"}, ErrorCode.INVALID_CHOICE),
        ({"situation": "x", "lng": 113.0}, ErrorCode.INVALID_COORDINATES),
    ],
)
def test_a_bad_visit_is_refused_and_writes_nothing(
    kp_world: SimpleNamespace, kwargs: dict[str, Any], code: str
) -> None:
    w = kp_world
    when = {"future": timezone.now() + dt.timedelta(hours=2), "before_start": _at(11)}.get(
        kwargs.pop("visited_at", ""), _at(1)
    )
    args = {"method": "home", **kwargs}
    before = fingerprint(w.kp)
    with pytest.raises(ValidationFailed) as refused:
        key_person_visit(actor=w.officer, key_person=w.kp, visited_at=when, **args)
    assert refused.value.code == code
    assert fingerprint(w.kp) == before
    assert not KeyPersonVisit.objects.exists() and not KeyPersonAccess.objects.filter(action="visit").exists()


def test_release_archives_and_stops_the_schedule(kp_world: SimpleNamespace) -> None:
    w = kp_world
    key_person_release(actor=w.officer, key_person=w.kp, ended_on=TODAY, note="矫正期满", channel="api")
    w.kp.refresh_from_db()
    assert w.kp.status == KeyPersonStatus.RELEASED and w.kp.ended_on == TODAY
    assert w.kp.next_visit_due is None and not schedule.is_overdue(w.kp, TODAY + dt.timedelta(days=400))
    assert "矫正期满" in w.kp.notes and w.kp.notes.startswith("在管")
    assert KeyPerson.objects.filter(pk=w.kp.pk).exists()  # archived, not deleted
    assert KeyPersonAccess.objects.get(action=AccessAction.RELEASE).channel == "api"
    before = fingerprint(w.kp)
    with pytest.raises(Conflict):
        key_person_visit(actor=w.officer, key_person=w.kp, visited_at=_at(1), method="home", situation="x")
    with pytest.raises(Conflict):
        key_person_release(actor=w.officer, key_person=w.kp, ended_on=TODAY, note="again")
    with pytest.raises(Conflict):
        key_person_update(actor=w.officer, key_person=w.kp, level="high")
    assert fingerprint(w.kp) == before
    # Released, the resident may be placed under 管控 again in the same category.
    again = key_person_create(actor=w.officer, resident=w.zhang, category=w.category)
    assert again.pk != w.kp.pk


@pytest.mark.parametrize(("ended", "note"), [(1, "x"), (-20, "x"), (0, " ")])
def test_a_bad_release_is_refused(kp_world: SimpleNamespace, ended: int, note: str) -> None:
    w = kp_world
    before = fingerprint(w.kp)
    with pytest.raises(ValidationFailed):
        key_person_release(actor=w.officer, key_person=w.kp, ended_on=TODAY + dt.timedelta(days=ended), note=note)
    assert fingerprint(w.kp) == before


def test_create_refusals(kp_world: SimpleNamespace) -> None:
    w = kp_world
    with pytest.raises(Conflict) as twice:
        key_person_create(actor=w.officer, resident=w.zhang, category=w.category)
    assert twice.value.code == ErrorCode.ALREADY_ACTIVE
    with pytest.raises(NotFound):  # a resident of another district
        key_person_create(actor=w.officer, resident=w.wang, category=w.category)
    with pytest.raises(NotFound):  # the grid worker keeps the residents, not this ledger
        key_person_create(actor=w.worker, resident=w.zhang, category=w.petitioner)
    gone = make_resident(w.grid1, "赵测试", 9, status=ResidentStatus.DECEASED)
    with pytest.raises(ValidationFailed) as archived:
        key_person_create(actor=w.officer, resident=gone, category=w.category)
    assert archived.value.code == ErrorCode.RESIDENT_ARCHIVED
    w.petitioner.is_active = False
    w.petitioner.save()
    with pytest.raises(ValidationFailed):
        key_person_create(actor=w.officer, resident=w.li, category=w.petitioner)
    with pytest.raises(ValidationFailed):
        key_person_create(actor=w.officer, resident=w.li, category=w.category, visit_interval_days=0)
    with pytest.raises(ValidationFailed):
        key_person_create(actor=w.officer, resident=w.li, category=w.category, started_on=TODAY + dt.timedelta(1))
    assert KeyPerson.objects.count() == 1
    assert not KeyPersonAccess.objects.filter(action=AccessAction.CREATE).exclude(user=None).exists()


def test_common_path_stops_at_a_whole_node(kp_world: SimpleNamespace) -> None:
    w = kp_world
    assert common_path([w.grid1.path, w.grid2.path]) == w.community.path
    assert common_path([w.grid1.path]) == w.grid1.path
    assert common_path([w.grid1.path, w.other_grid.path]) == ""
    assert common_path([]) == ""
