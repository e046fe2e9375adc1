"""Factories of the hall's catalogue, halls, windows and applications (办件), for this app's tests and for the
apps built on it (``wangge.queueing``, ``wangge.evaluations``). Rows are written directly, without the
services' checks: a test that is about a rule goes through the service."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from wangge.accounts.tests.factories import TerritoryFactory, UnitFactory
from wangge.hall.choices import ApplicationStatus, Channel, HallKind, HandlingType, ItemKind, WindowKind
from wangge.hall.models import Application, Hall, Item, Window


class ItemFactory(factory.django.DjangoModelFactory[Item]):
    class Meta:
        model = Item

    code = factory.Sequence(lambda n: f"11410403MB{n:06d}")
    name = factory.Sequence(lambda n: f"测试事项{n}")
    department = factory.SubFactory(UnitFactory)
    kind = ItemKind.PUBLIC_SERVICE
    handling_type = HandlingType.PROMISED
    legal_limit_days = 20
    promised_limit_days = 5
    modes = factory.LazyFunction(lambda: ["online", "appointment"])


class HallFactory(factory.django.DjangoModelFactory[Hall]):
    class Meta:
        model = Hall

    code = factory.Sequence(lambda n: f"H{n:04d}")
    name = factory.Sequence(lambda n: f"测试政务服务中心{n}")
    kind = HallKind.DISTRICT
    territory = factory.SubFactory(TerritoryFactory)
    opens_at = dt.time(9, 0)
    closes_at = dt.time(17, 0)


class WindowFactory(factory.django.DjangoModelFactory[Window]):
    class Meta:
        model = Window

    hall = factory.SubFactory(HallFactory)
    number = factory.Sequence(lambda n: f"{n + 1:02d}")
    name = factory.Sequence(lambda n: f"综合受理{n + 1}号窗")
    kind = WindowKind.COMPREHENSIVE


class ApplicationFactory(factory.django.DjangoModelFactory[Application]):
    """A finished application by default (received, accepted and finished on the same day)."""

    class Meta:
        model = Application

    code = factory.Sequence(lambda n: f"BJ{n:010d}")
    item = factory.SubFactory(ItemFactory)
    department = factory.SelfAttribute("item.department")
    hall = factory.SubFactory(HallFactory)
    channel = Channel.WINDOW
    applicant_name = factory.Sequence(lambda n: f"申请人{n}")
    status = ApplicationStatus.FINISHED
    received_at = factory.LazyFunction(timezone.now)
    accepted_at = factory.SelfAttribute("received_at")
    finished_at = factory.SelfAttribute("received_at")
    promised_days = 5
    legal_days = 20
