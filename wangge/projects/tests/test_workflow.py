"""The project's workflow: every step allowed, from a wrong state, by a wrong actor; a refusal changes nothing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from wangge.core.errors import PermissionDenied, ValidationFailed
from wangge.core.models import AuditEntry
from wangge.core.workflow import InvalidTransition
from wangge.projects.choices import ProjectStatus as S
from wangge.projects.models import Project, ProjectEvent
from wangge.projects.services import project_transition
from wangge.projects.tests.conftest import local, new_project
from wangge.projects.workflow import TRANSITIONS

pytestmark = pytest.mark.django_db

T = local(2025, 7, 1, 9, 0)
INPUTS: dict[str, dict[str, Any]] = {"suspend": {"reason": "管线迁改未完成"}}


def at(w: SimpleNamespace, status: str, who: str = "admin") -> Project:
    """A project brought to ``status`` by the administrator; in the street when street staff are to act on it."""
    p = new_project(w, territory=w.street) if who == "street_staff" else new_project(w)
    paths: dict[str, list[str]] = {
        S.PLANNING: [],
        S.BUILDING: ["start"],
        S.COMPLETED: ["start", "complete"],
        S.ACCEPTED: ["start", "complete", "accept"],
        S.SUSPENDED: ["start", "suspend"],
    }
    path = paths[status]
    for name in path:
        p = project_transition(actor=w.admin, project=p, name=name, now=T, **INPUTS.get(name, {}))
    return p


def fingerprint(p: Project) -> tuple[Any, ...]:
    fresh = Project.objects.get(pk=p.pk)
    return (
        fresh.status,
        fresh.progress,
        fresh.actual_start,
        fresh.actual_end,
        fresh.suspend_reason,
        ProjectEvent.objects.filter(project=p).count(),
        AuditEntry.objects.count(),
    )


# (step, from status, actor, expected status)
ALLOWED = [
    ("start", S.PLANNING, "builder", S.BUILDING),
    ("start", S.PLANNING, "street_staff", S.BUILDING),
    ("complete", S.BUILDING, "builder", S.COMPLETED),
    ("accept", S.COMPLETED, "leader", S.ACCEPTED),
    ("accept", S.COMPLETED, "admin", S.ACCEPTED),
    ("suspend", S.BUILDING, "builder", S.SUSPENDED),
    ("suspend", S.PLANNING, "admin", S.SUSPENDED),
    ("resume", S.SUSPENDED, "builder", S.BUILDING),
]
WRONG_STATE = [
    ("start", S.BUILDING),
    ("complete", S.PLANNING),
    ("accept", S.BUILDING),
    ("suspend", S.COMPLETED),
    ("resume", S.BUILDING),
]
WRONG_ACTOR = [
    ("start", S.PLANNING, "leader"),
    ("complete", S.BUILDING, "leader"),
    ("accept", S.COMPLETED, "builder"),  # the lead unit does not accept its own works
    ("accept", S.COMPLETED, "street_staff"),
    ("suspend", S.BUILDING, "leader"),
    ("resume", S.SUSPENDED, "leader"),
]


@pytest.mark.parametrize(("name", "source", "who", "target"), ALLOWED)
def test_allowed_steps(world: SimpleNamespace, name: str, source: str, who: str, target: str) -> None:
    p = at(world, source, who)
    done = project_transition(
        actor=getattr(world, who), project=p, name=name, now=T + dt.timedelta(days=1), **INPUTS.get(name, {})
    )
    assert done.status == target
    assert ProjectEvent.objects.filter(project=p, action=name, from_status=source, to_status=target).exists()
    assert AuditEntry.objects.filter(action=f"projects.{name}", object_id=str(p.pk)).exists()


@pytest.mark.parametrize(("name", "source"), WRONG_STATE)
def test_steps_from_a_wrong_state_are_refused_and_change_nothing(
    world: SimpleNamespace, name: str, source: str
) -> None:
    p = at(world, source)
    before = fingerprint(p)
    with pytest.raises(InvalidTransition):
        project_transition(actor=world.admin, project=p, name=name, **INPUTS.get(name, {}))
    assert fingerprint(p) == before


@pytest.mark.parametrize(("name", "source", "who"), WRONG_ACTOR)
def test_steps_by_a_wrong_actor_are_refused_and_change_nothing(
    world: SimpleNamespace, name: str, source: str, who: str
) -> None:
    p = at(world, source, who)
    before = fingerprint(p)
    with pytest.raises(PermissionDenied):
        project_transition(actor=getattr(world, who), project=p, name=name, **INPUTS.get(name, {}))
    assert fingerprint(p) == before


def test_every_step_has_each_kind_of_case() -> None:
    for table in (ALLOWED, WRONG_STATE, WRONG_ACTOR):
        assert {row[0] for row in table} == set(TRANSITIONS)


def test_suspending_needs_a_reason_and_resuming_returns_where_it_was(world: SimpleNamespace) -> None:
    p = at(world, S.BUILDING)
    before = fingerprint(p)
    with pytest.raises(ValidationFailed):
        project_transition(actor=world.admin, project=p, name="suspend")
    assert fingerprint(p) == before
    p = project_transition(actor=world.admin, project=p, name="suspend", reason="征迁未完成")
    assert (p.status, p.suspend_reason, p.suspended_from) == (S.SUSPENDED, "征迁未完成", S.BUILDING)
    p = project_transition(actor=world.admin, project=p, name="resume")
    assert (p.status, p.suspend_reason) == (S.BUILDING, "")
    planning = at(world, S.PLANNING)
    planning = project_transition(actor=world.admin, project=planning, name="suspend", reason="资金未到位")
    assert project_transition(actor=world.admin, project=planning, name="resume").status == S.PLANNING


def test_completing_sets_the_end_date_and_full_progress(world: SimpleNamespace) -> None:
    p = project_transition(
        actor=world.admin, project=at(world, S.BUILDING), name="complete", now=local(2025, 11, 5, 10)
    )
    assert (p.progress, p.actual_end, p.actual_start) == (100, dt.date(2025, 11, 5), dt.date(2025, 7, 1))


def test_another_district_does_not_see_the_project(world: SimpleNamespace) -> None:
    from wangge.core.errors import NotFound

    p = at(world, S.PLANNING)
    before = fingerprint(p)
    with pytest.raises(NotFound):
        project_transition(actor=world.stranger, project=p, name="start")
    assert fingerprint(p) == before


def test_an_unknown_step_is_refused(world: SimpleNamespace) -> None:
    with pytest.raises(ValidationFailed):
        project_transition(actor=world.admin, project=at(world, S.PLANNING), name="demolish")
