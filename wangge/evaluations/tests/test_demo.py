"""The demo's 好差评 step: ratings on most finished 办件, a few 差评 in rectification (one overdue), an appeal, last
month's draw with some calls made; once; nothing without the hall's 办件."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from freezegun import freeze_time

from wangge.demo import evaluations as demo
from wangge.demo.services import DEMO_ACTOR
from wangge.evaluations.models import Appeal, CallbackDraw, Evaluation, Rectification
from wangge.evaluations.selectors import is_overdue
from wangge.evaluations.tests.conftest import finished
from wangge.hall.models import Application

pytestmark = pytest.mark.django_db


def test_without_finished_applications_the_step_does_nothing(world: SimpleNamespace) -> None:
    assert demo.evaluations_seed(actor=DEMO_ACTOR, options=None) == (0, 0)


@freeze_time("2025-07-28 02:00:00")
def test_the_demo_rates_draws_and_is_idempotent(world: SimpleNamespace, monkeypatch: Any) -> None:
    monkeypatch.setattr(demo, "BAD_SHARE", 0.3)
    for day in (2, 3, 4, 5, 6):
        finished(world, 12, day=day)
    created, unchanged = demo.evaluations_seed(actor=DEMO_ACTOR, options=None)
    rated = Evaluation.objects.count()
    assert created > rated > 0.6 * Application.objects.count() and unchanged == 0
    assert 1 <= Evaluation.objects.filter(is_bad=True).count() <= demo.BAD_PER_MONTH
    assert any(is_overdue(r) for r in Rectification.objects.all())
    assert Appeal.objects.exists()
    draw = CallbackDraw.objects.get()
    assert draw.sampled == 12 and draw.tasks.exclude(status="pending").exists()  # ⌈0.2 × 60⌉
    again = demo.evaluations_seed(actor=DEMO_ACTOR, options=None)
    assert again == (0, rated) and Evaluation.objects.count() == rated
