"""Writes of 志愿服务与岗位.

- :mod:`register`: the roles table, volunteers (from a resident or directly), leaving, teams;
- :mod:`activities`: activities with their participants' hours, and confirming them (the team's leader or the
  staff managing the territory);
- :mod:`reports`: a volunteer's report, filed through the one intake service and linked to the volunteer;
- :mod:`posts`: posts, rosters and on-post check-ins (late / far-from-post flags).

Every write is atomic and audited; a refusal writes nothing.
"""

from wangge.volunteers.services.activities import activity_create, hours_decide, hours_record, may_decide_hours
from wangge.volunteers.services.common import may_edit_roles, may_manage, may_register
from wangge.volunteers.services.posts import check_in_record, post_save, roster_slot_add, roster_slot_remove
from wangge.volunteers.services.register import (
    team_save,
    volunteer_create,
    volunteer_leave,
    volunteer_reveal_phone,
    volunteer_role_save,
    volunteer_roles_seed,
    volunteer_update,
)
from wangge.volunteers.services.reports import volunteer_report_create

__all__ = [
    "activity_create",
    "check_in_record",
    "hours_decide",
    "hours_record",
    "may_decide_hours",
    "may_edit_roles",
    "may_manage",
    "may_register",
    "post_save",
    "roster_slot_add",
    "roster_slot_remove",
    "team_save",
    "volunteer_create",
    "volunteer_leave",
    "volunteer_report_create",
    "volunteer_reveal_phone",
    "volunteer_role_save",
    "volunteer_roles_seed",
    "volunteer_update",
]
