"""The action queues are read off the declared workflow; this pins what they hold, so a new step that should
not fill anyone's queue says so (``queue=False``) instead of surprising a dispatcher."""

from __future__ import annotations

from wangge.accounts.choices import Role
from wangge.workorders.choices import Status
from wangge.workorders.selectors import EXTENSION_DECIDERS, ROLE_QUEUE_STATUSES, UNIT_QUEUE_STATUSES

COMMAND = {Status.REGISTERED, Status.RETURNED, Status.REPLIED, Status.CALLBACK, Status.TO_CLOSE}


def test_role_queues_follow_the_workflow() -> None:
    assert {
        Role.DISPATCHER: COMMAND,
        Role.ADMIN: COMMAND,
        Role.CALL_TAKER: {Status.REGISTERED, Status.RETURNED, Status.CALLBACK},
        Role.INSPECTOR: {Status.REPLIED, Status.CALLBACK},
        Role.GRID_WORKER: {Status.REGISTERED, Status.REPLIED},
        Role.GRID_LEADER: {Status.REGISTERED, Status.REPLIED},
    } == ROLE_QUEUE_STATUSES


def test_a_unit_queues_what_it_must_accept_handle_or_resume() -> None:
    assert {Status.DISPATCHED, Status.HANDLING, Status.SUSPENDED} == UNIT_QUEUE_STATUSES
    assert {Role.DISPATCHER, Role.ADMIN} == EXTENSION_DECIDERS
