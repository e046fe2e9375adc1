"""Writes of 巡查体检 (一表: 定标、定人、明岗、明责、定期抽查).

- :func:`checklist_publish` publishes a new version of a point type's checklist (command centre, administrators);
  :func:`default_checklists_seed` the default ones of the hazard types and bridges.
- :func:`schedule_save` creates or changes a schedule (which points, how often in and out of the flood season,
  working days only, who is assigned).
- :func:`rounds_generate` makes the rounds due on a day; :func:`rounds_mark_missed` closes the ones not done.
- :func:`round_transition` takes a step of ``inspections.workflow`` — the only code that changes a round's
  status; :func:`round_submit` is its ``submit_round`` step (a failed item opens a work order through the one
  intake service).

Every write is atomic and audited; a refusal writes nothing.
"""

from wangge.inspections.services.checklists import checklist_publish, default_checklists_seed, may_edit_checklists
from wangge.inspections.services.generation import period_of, rounds_generate, rounds_mark_missed
from wangge.inspections.services.rounds import distance_m, round_submit, round_transition
from wangge.inspections.services.schedules import may_schedule, schedule_save

__all__ = [
    "checklist_publish",
    "default_checklists_seed",
    "distance_m",
    "may_edit_checklists",
    "may_schedule",
    "period_of",
    "round_submit",
    "round_transition",
    "rounds_generate",
    "rounds_mark_missed",
    "schedule_save",
]
