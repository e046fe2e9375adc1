"""Factories of 好差评 rows, written directly without the services' checks (a test about a rule goes through
the service); the hall's own factories make the 办件."""

from __future__ import annotations

import factory
from django.utils import timezone

from wangge.evaluations.choices import EvaluationChannel
from wangge.evaluations.models import Evaluation
from wangge.hall.tests.factories import ApplicationFactory


class EvaluationFactory(factory.django.DjangoModelFactory[Evaluation]):
    class Meta:
        model = Evaluation

    application = factory.SubFactory(ApplicationFactory)
    code = factory.LazyAttribute(lambda o: f"PJ{o.application.code}")
    hall = factory.SelfAttribute("application.hall")
    window = factory.SelfAttribute("application.window")
    staff = factory.SelfAttribute("application.staff")
    item = factory.SelfAttribute("application.item")
    department = factory.SelfAttribute("application.department")
    level = 5
    is_bad = factory.LazyAttribute(lambda o: o.level <= 2)
    channel = EvaluationChannel.QR
    rated_at = factory.LazyFunction(timezone.now)
