"""The demo's co-governance step: meetings of the five kinds with tasks (one overdue), 红色物业 with its reviews
and ratings, and 分包 of leaders and units on communities, road sections and intersections; once."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun import freeze_time

from wangge.accounts.tests.factories import UnitFactory, territory_tree
from wangge.cogovernance.choices import AssignmentKind, MeetingKind
from wangge.cogovernance.models import Assignment, FollowUpTask, Meeting, PropertyReview, RedProperty, ServiceRating
from wangge.cogovernance.selectors import task_figures
from wangge.demo.catalogue import unit_code
from wangge.demo.cogovernance import COMMUNITY, cogovernance_seed
from wangge.demo.services import DEMO_ACTOR
from wangge.ledgers.tests.factories import EstateFactory

pytestmark = pytest.mark.django_db


@freeze_time("2026-12-04 02:00:00")
def test_the_demo_seeds_meetings_red_property_and_assignments_once(db: Any) -> None:
    from wangge.workcalendar.services import seed_calendar

    seed_calendar(years=range(2025, 2028))
    tree = territory_tree("410403")
    assert tree.community_a.code == COMMUNITY
    EstateFactory.create(community=tree.community_a, name="华西小区")
    for key in ("cgj", "zjj", "jtj", "mzj"):
        UnitFactory.create(code=unit_code("410403", key), territory=tree.district)

    created, unchanged = cogovernance_seed(actor=DEMO_ACTOR, options=None)

    assert unchanged == 0 and created > 60
    assert set(Meeting.objects.values_list("kind", flat=True)) == set(MeetingKind.values)
    figures = task_figures(FollowUpTask.objects.all())
    assert figures["overdue"] >= 1 and figures["done"] >= 3 and figures["open"] >= 3
    prop = RedProperty.objects.get()
    assert PropertyReview.objects.filter(property=prop).count() == 3 and ServiceRating.objects.count() == 36
    kinds = set(Assignment.objects.values_list("kind", flat=True))
    assert kinds == set(AssignmentKind.values)
    assert Assignment.objects.filter(kind=AssignmentKind.ROAD, line__isnull=False).count() == 3
    again = cogovernance_seed(actor=DEMO_ACTOR, options=None)
    assert again[0] == 0 and Meeting.objects.count() == 5


def test_without_the_community_the_demo_does_nothing(db: Any) -> None:
    assert cogovernance_seed(actor=DEMO_ACTOR, options=None) == (0, 0)
