"""The round workflow as tables: every step allowed from its state by its actor, refused from a wrong state (409)
and by a wrong actor (403), a refusal changing nothing; and a meta-test that every step is in each table."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from wangge.core.errors import PermissionDenied
from wangge.core.workflow import REGISTRY, InvalidTransition
from wangge.inspections.choices import RoundStatus
from wangge.inspections.models import Round, RoundEvent
from wangge.inspections.services import round_submit, round_transition
from wangge.inspections.workflow import TRANSITIONS

from .conftest import GOOD, SYSTEM, jpeg, local, make_rounds

pytestmark = pytest.mark.django_db
S = RoundStatus
NOON = local(2025, 7, 2, 10, 0)
AFTER_CLOSE = local(2025, 7, 3, 1, 0)


def at_state(w: SimpleNamespace, state: str) -> Round:
    r = make_rounds(w)["P-1"]
    if state == S.DONE:
        round_submit(actor=w.worker, round=r, results=GOOD, photos={"photo": [jpeg()]}, lng=113.02, lat=33.02, now=NOON)
    r.refresh_from_db()
    return r


def payload(name: str) -> dict[str, Any]:
    payloads: dict[str, dict[str, Any]] = {
        "submit_round": {"results": GOOD, "photos": {"photo": [jpeg()]}, "lng": 113.02, "lat": 33.02},
        "excuse": {"note": "点位封闭施工"},
        "spot_check": {"agree": True},
    }
    return payloads.get(name, {})


def actor(w: SimpleNamespace, who: str) -> Any:
    return SYSTEM if who == "system" else getattr(w, who)


ALLOWED = [
    ("submit_round", S.PENDING, "worker", S.DONE, NOON),
    ("mark_missed", S.PENDING, "system", S.MISSED, AFTER_CLOSE),
    ("excuse", S.PENDING, "community_staff", S.EXCUSED, NOON),
    ("spot_check", S.DONE, "inspector", S.CHECKED, NOON),
]
WRONG_STATES = [
    ("submit_round", S.DONE, "worker"),
    ("mark_missed", S.DONE, "system"),
    ("excuse", S.DONE, "community_staff"),
    ("spot_check", S.PENDING, "inspector"),
]
WRONG_ACTORS = [
    ("submit_round", S.PENDING, "inspector"),
    ("mark_missed", S.PENDING, "dispatcher"),
    ("excuse", S.PENDING, "worker"),
    ("spot_check", S.DONE, "worker"),
]


def fingerprint(r: Round) -> tuple[Any, ...]:
    r.refresh_from_db()
    return (r.status, r.submitted_at, r.checked_at, RoundEvent.objects.filter(round=r).count())


@pytest.mark.parametrize(("name", "state", "who", "target", "when"), ALLOWED)
def test_a_step_is_allowed_from_its_state_by_its_actor(
    w: SimpleNamespace, name: str, state: str, who: str, target: str, when: dt.datetime
) -> None:
    r = at_state(w, state)
    done = round_transition(actor=actor(w, who), round=r, name=name, now=when, **payload(name))
    assert done.status == target
    assert done.events.filter(action=name, from_status=state, to_status=target).exists()


@pytest.mark.parametrize(("name", "state", "who"), WRONG_STATES)
def test_a_step_from_a_wrong_state_is_refused_and_changes_nothing(
    w: SimpleNamespace, name: str, state: str, who: str
) -> None:
    r = at_state(w, state)
    before = fingerprint(r)
    with pytest.raises(InvalidTransition):
        round_transition(actor=actor(w, who), round=r, name=name, now=AFTER_CLOSE, **payload(name))
    assert fingerprint(r) == before


@pytest.mark.parametrize(("name", "state", "who"), WRONG_ACTORS)
def test_a_step_by_a_wrong_actor_is_refused_and_changes_nothing(
    w: SimpleNamespace, name: str, state: str, who: str
) -> None:
    r = at_state(w, state)
    before = fingerprint(r)
    with pytest.raises(PermissionDenied):
        round_transition(actor=actor(w, who), round=r, name=name, now=AFTER_CLOSE, **payload(name))
    assert fingerprint(r) == before


def test_every_step_has_an_allowed_a_wrong_state_and_a_wrong_actor_case() -> None:
    assert REGISTRY.workflows["inspection_round"].transitions is TRANSITIONS
    for table in (ALLOWED, WRONG_STATES, WRONG_ACTORS):
        assert {row[0] for row in table} == set(TRANSITIONS)
