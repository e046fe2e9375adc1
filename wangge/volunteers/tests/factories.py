"""Factories of 志愿服务与岗位, and a small world for its tests: the ledger's test district (two streets, three
grids, staff of each kind — ``ledgers.tests.factories.ledger_world``), the default roles, a team of three
volunteers in grid a1 with a leader, a 护学岗 post in grid a1 and one in the other district."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import factory

from wangge.accounts.choices import Role
from wangge.accounts.tests.factories import user_with_role
from wangge.core.crypto import blind_index
from wangge.ledgers.tests.factories import ledger_world
from wangge.territory.models import Territory
from wangge.volunteers.choices import PostKind
from wangge.volunteers.models import Activity, Post, RosterSlot, ServiceHours, Team, Volunteer, VolunteerRole
from wangge.volunteers.services import volunteer_roles_seed


def centre(node: Territory) -> tuple[float, float]:
    """A position inside ``node`` (the middle of its box)."""
    ring = node.geometry["coordinates"][0]
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


class VolunteerFactory(factory.django.DjangoModelFactory[Volunteer]):
    class Meta:
        model = Volunteer
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"志愿者{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    phone_index = factory.LazyAttribute(lambda o: blind_index(o.phone))
    joined_on = dt.date(2025, 1, 1)

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.roles.set(VolunteerRole.objects.filter(key__in=extracted))


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"志愿服务队{n}")


class PostFactory(factory.django.DjangoModelFactory[Post]):
    class Meta:
        model = Post

    code = factory.Sequence(lambda n: f"HXG-{n:03d}")
    name = factory.Sequence(lambda n: f"实验小学护学岗{n}")
    kind = PostKind.SCHOOL


class ActivityFactory(factory.django.DjangoModelFactory[Activity]):
    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"文明宣传活动{n}")
    date = dt.date(2025, 6, 3)
    start_time = dt.time(9, 0)
    end_time = dt.time(11, 0)
    place = "社区广场"
    territory = factory.LazyAttribute(lambda o: o.team.territory)


def hours(activity: Activity, volunteer: Volunteer, value: str = "2") -> ServiceHours:
    return ServiceHours.objects.create(activity=activity, volunteer=volunteer, hours=Decimal(value))


def volunteer_world() -> SimpleNamespace:
    w = ledger_world()
    volunteer_roles_seed()
    w.street_staff = user_with_role(Role.STREET_STAFF, w.tree.street_a, username="street_staff")
    w.grid_leader = user_with_role(Role.GRID_LEADER, w.grid, username="grid_leader")
    w.leader_v = VolunteerFactory.create(
        name="何淑兰", phone="13900000001", territory=w.grid, roles=["opinion", "inspector"]
    )
    w.member = VolunteerFactory.create(name="李桂香", phone="13900000002", territory=w.grid, roles=["civility"])
    w.member2 = VolunteerFactory.create(name="王秀英", phone="13900000003", territory=w.grid2, roles=["school_guard"])
    w.far_v = VolunteerFactory.create(name="湛河志愿者", phone="13900000009", territory=w.other_grid)
    w.team = TeamFactory.create(name="鹰城大妈志愿服务队", territory=w.community, leader=w.leader_v)
    w.team.members.set([w.leader_v, w.member, w.member2])
    x, y = centre(w.grid)
    w.post = PostFactory.create(code="HXG-001", name="实验小学南门护学岗", lng=x, lat=y, territory=w.grid, team=w.team)
    ox, oy = centre(w.other_grid)
    w.other_post = PostFactory.create(code="HXG-900", name="湛河小学护学岗", lng=ox, lat=oy, territory=w.other_grid)
    return w


def slot(post: Post, volunteer: Volunteer, day: dt.date, start: str = "07:20", end: str = "08:00") -> RosterSlot:
    return RosterSlot.objects.create(
        post=post,
        volunteer=volunteer,
        date=day,
        start_time=dt.time.fromisoformat(start),
        end_time=dt.time.fromisoformat(end),
    )
