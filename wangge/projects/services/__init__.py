"""Writes on the project ledger (项目台账): register and edit a project, take its workflow steps, save its
weekly progress, raise its problems as work orders. Every write is atomic and audited."""

from wangge.projects.services.problems import project_problem_raise
from wangge.projects.services.projects import new_code, project_create, project_update
from wangge.projects.services.steps import project_transition
from wangge.projects.services.weekly import weekly_entry_save

__all__ = [
    "new_code",
    "project_create",
    "project_problem_raise",
    "project_transition",
    "project_update",
    "weekly_entry_save",
]
