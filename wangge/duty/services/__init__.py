"""The writes of 值班备勤 and 防汛备汛, one module per concern; import them from here."""

from wangge.duty.services.common import Person, may_keep, person_of
from wangge.duty.services.records import consultation_record, drill_record, plan_create, plan_revise, team_create
from wangge.duty.services.rosters import (
    GenerateResult,
    duty_assignment_add,
    duty_assignment_remove,
    duty_check_in,
    duty_roster_create,
    duty_roster_generate,
    duty_swap,
    patterns_for,
    shift_bounds,
)
from wangge.duty.services.supplies import (
    depot_create,
    may_write_depot,
    stock_move,
    stocktake_record,
    supply_norm_set,
)

__all__ = [
    "GenerateResult",
    "Person",
    "consultation_record",
    "depot_create",
    "drill_record",
    "duty_assignment_add",
    "duty_assignment_remove",
    "duty_check_in",
    "duty_roster_create",
    "duty_roster_generate",
    "duty_swap",
    "may_keep",
    "may_write_depot",
    "patterns_for",
    "person_of",
    "plan_create",
    "plan_revise",
    "shift_bounds",
    "stock_move",
    "stocktake_record",
    "supply_norm_set",
    "team_create",
]
