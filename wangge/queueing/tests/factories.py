"""Factories of the queue: groups, window links, slots and tickets (rows written directly; a test about a rule
goes through the service)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from wangge.hall.tests.factories import HallFactory
from wangge.queueing.models import ItemGroup, Slot, TidalRule, WindowGroup


class ItemGroupFactory(factory.django.DjangoModelFactory[ItemGroup]):
    class Meta:
        model = ItemGroup

    hall = factory.SubFactory(HallFactory)
    prefix = factory.Sequence(lambda n: "ABCDEFGHJK"[n % 10])
    name = factory.Sequence(lambda n: f"测试业务{n}")
    service_minutes = 6


class WindowGroupFactory(factory.django.DjangoModelFactory[WindowGroup]):
    class Meta:
        model = WindowGroup


class SlotFactory(factory.django.DjangoModelFactory[Slot]):
    class Meta:
        model = Slot

    group = factory.SubFactory(ItemGroupFactory)
    hall = factory.SelfAttribute("group.hall")
    day = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=1))
    starts_at = dt.time(9, 0)
    ends_at = dt.time(9, 30)
    capacity = 2


class TidalRuleFactory(factory.django.DjangoModelFactory[TidalRule]):
    class Meta:
        model = TidalRule

    group = factory.SubFactory(ItemGroupFactory)
    hall = factory.SelfAttribute("group.hall")
    open_queue = 4
    open_wait_minutes = 30
    close_queue = 1
    close_wait_minutes = 5
    max_windows = 1
