"""Factories and a small district for the grid workforce (other apps import this module, never the conftest)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import factory

from wangge.accounts.choices import Role, UnitKind
from wangge.accounts.models import User
from wangge.accounts.tests.factories import UnitFactory, UserFactory, territory_tree, user_with_role
from wangge.workforce.choices import LadderMove, RecordKind, Route, TaskKind, WorkerKind
from wangge.workforce.models import LadderChange, SpecialTask, WorkerProfile, WorkerRecord


class WorkerProfileFactory(factory.django.DjangoModelFactory[WorkerProfile]):
    class Meta:
        model = WorkerProfile

    user = factory.SubFactory(UserFactory)
    kind = WorkerKind.FULL_TIME
    route = Route.STREET
    start_date = dt.date(2023, 3, 1)
    ladder_level = 1


class SpecialTaskFactory(factory.django.DjangoModelFactory[SpecialTask]):
    class Meta:
        model = SpecialTask

    kind = TaskKind.SAFETY
    title = factory.Sequence(lambda n: f"安全生产排查{n}")
    deadline_days = 3
    deadline = dt.date(2025, 6, 6)
    assigned_at = factory.LazyFunction(lambda: dt.datetime(2025, 6, 3, 9, tzinfo=dt.UTC))


class LadderChangeFactory(factory.django.DjangoModelFactory[LadderChange]):
    class Meta:
        model = LadderChange

    from_level = 1
    to_level = 2
    move = LadderMove.PROMOTED
    reason = "阶梯晋级"
    score = Decimal("92.00")
    promoted = True
    settled_at = factory.LazyFunction(lambda: dt.datetime(2025, 7, 5, 9, tzinfo=dt.UTC))


class WorkerRecordFactory(factory.django.DjangoModelFactory[WorkerRecord]):
    class Meta:
        model = WorkerRecord

    date = dt.date(2025, 6, 10)
    kind = RecordKind.REWARD
    title = "积分定优奖励"
    amount = Decimal("200.00")
    reason = "六月考评积分定优"


def workforce_world() -> SimpleNamespace:
    """The test district of ``accounts`` (two streets, grids a1, a2 in street A and b1 in street B) with the
    staff of street A, grid workers with profiles in a1, a2 and b1, a department and a stranger."""
    tree = territory_tree()
    w = SimpleNamespace(tree=tree, **tree.__dict__)
    w.street_staff = user_with_role(Role.STREET_STAFF, tree.street_a, username="street_a")
    w.community_staff = user_with_role(Role.COMMUNITY_STAFF, tree.community_a, username="community_a")
    w.dispatcher = user_with_role(Role.DISPATCHER, tree.district, username="dispatcher")
    w.worker = user_with_role(Role.GRID_WORKER, tree.grid_a1, username="worker_a1", display_name="张网格")
    w.peer = user_with_role(Role.GRID_WORKER, tree.grid_a1, username="peer_a1", display_name="李网格")
    w.worker2 = user_with_role(Role.GRID_WORKER, tree.grid_a2, username="worker_a2", display_name="王网格")
    w.other_worker = user_with_role(Role.GRID_WORKER, tree.grid_b1, username="worker_b1", display_name="赵网格")
    w.other_street = user_with_role(Role.STREET_STAFF, tree.street_b, username="street_b")
    w.stranger = UserFactory.create(username="stranger")
    w.dept = UnitFactory.create(code="cgj", name="城市管理局", kind=UnitKind.DEPARTMENT, territory=tree.district)
    w.profile = WorkerProfileFactory.create(user=w.worker, grid=tree.grid_a1)
    w.peer_profile = WorkerProfileFactory.create(user=w.peer, grid=tree.grid_a1, kind=WorkerKind.PART_TIME)
    w.profile2 = WorkerProfileFactory.create(user=w.worker2, grid=tree.grid_a2, route=Route.CIVIL_SERVICE)
    w.other_profile = WorkerProfileFactory.create(user=w.other_worker, grid=tree.grid_b1)
    return w


def fresh(user: User) -> User:
    """A copy without cached grants."""
    return User.objects.get(pk=user.pk)
