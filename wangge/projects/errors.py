"""The codes of the project ledger's refusals (项目台账).

The values are part of the API contract: never change one, add a new member for a new rule.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    # -- the project
    PROJECT_NOT_FOUND = "project_not_found"  # the project does not exist or lies outside the actor's scope
    INVALID_PROJECT = "invalid_project"  # a required field empty, a text too long, a figure out of range
    DUPLICATE_CODE = "duplicate_project_code"  # another project already has this code
    INVALID_GEOMETRY = "invalid_geometry"  # not a GeoJSON line or polygon, or coordinates out of range
    GEOMETRY_OUTSIDE = "geometry_outside_territory"  # the line or polygon lies outside the project's territory
    TERRITORY_OUT_OF_SCOPE = "territory_out_of_scope"  # the territory is not one the actor may change
    INVALID_DATES = "invalid_dates"  # an end before its start
    UNIT_OUT_OF_SCOPE = "unit_out_of_scope"  # a responsible unit the actor does not see

    # -- weekly entries
    NOT_UNDER_CONSTRUCTION = "not_under_construction"  # a weekly entry for a project that is not 在建
    FUTURE_WEEK = "future_week"  # a weekly entry for a week that has not begun
    PROGRESS_DECREASE = "progress_decrease"  # progress or investment below the last week's without a reason
    NOT_A_REPORTER = "not_a_reporter"  # the actor may not report this project's progress

    # -- the workflow's steps and problems
    UNKNOWN_TRANSITION = "unknown_transition"  # a step name the project workflow does not declare
    POINT_OUTSIDE = "problem_point_outside"  # a problem's point outside every grid of the platform
