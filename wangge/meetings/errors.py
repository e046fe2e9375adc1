"""The codes of the refusals of the dispatch meetings and their tasks (交办).

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # -- meetings and issues
    MEETING_NOT_FOUND = "meeting_not_found"  # the meeting does not exist or lies outside the actor's scope
    INVALID_MEETING = "invalid_meeting"  # a required text left empty, too long, or a date/time that is no date
    MEETING_TERRITORY = "meeting_territory"  # the node is not a district or street the actor coordinates
    MEETING_FINAL = "meeting_final"  # adding to or editing a meeting already finalised (定稿)
    MINUTES_REQUIRED = "minutes_required"  # finalising a meeting without minutes
    NO_ISSUES = "no_issues"  # finalising a meeting with no issue
    ISSUE_NOT_FOUND = "issue_not_found"  # the issue does not exist or lies outside the actor's scope
    INVALID_ISSUE = "invalid_issue"  # an issue without a title, or a text too long
    WORK_ORDER_NOT_VISIBLE = "work_order_not_visible"  # a work order the actor cannot see

    # -- tasks
    TASK_NOT_FOUND = "task_not_found"  # the task does not exist or lies outside the actor's scope
    INVALID_TASK = "invalid_task"  # a task without a unit or requirement, or with a bad deadline
    UNIT_OUT_OF_REACH = "unit_out_of_reach"  # a unit outside the meeting's territory (nor above it)
    UNKNOWN_TRANSITION = "unknown_transition"  # a step name the task or meeting workflow does not declare
    SELF_CLOSURE = "self_closure"  # closing (核销) a task whose completion the same person reported
    SAME_UNIT = "same_unit"  # assigning a returned task again to the unit that returned it
