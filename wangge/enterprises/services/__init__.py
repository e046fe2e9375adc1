"""Writes of 助企包联.

- :func:`enterprise_save` registers or changes an enterprise; :func:`enterprise_from_merchant` registers one from
  the merchants ledger (统一社会信用代码, industry, address, grid).
- :func:`liaison_assign` / :func:`liaison_end` keep the 三级包联 (district leader, department, cadres).
- :func:`visit_record` records a 走访; each problem raised becomes a work order through the one intake service
  (:func:`issue_raise`: channel 助企包联, flagged 涉企, linked to the enterprise); :func:`issue_rate` keeps the
  enterprise's rating of its closed case.
- :func:`service_days_generate` makes the recurring service days from their rule; :func:`service_day_record` keeps
  the attendance and the problems raised on the day.
- :func:`financing_event_save` creates or changes a 政银企 matchmaking event (date, place, organiser, territory, banks
  and their products), :func:`financing_event_offer_set` changes its banks and products, :func:`participation_save`
  keeps the enterprises taking part.

Every write is atomic and audited; a refusal writes nothing.
"""

from wangge.enterprises.services.common import is_liaison, issue_raise, may_keep, may_organise, may_visit
from wangge.enterprises.services.enterprises import (
    enterprise_from_merchant,
    enterprise_save,
    industry_of,
    liaison_assign,
    liaison_end,
)
from wangge.enterprises.services.financing import financing_event_offer_set, financing_event_save, participation_save
from wangge.enterprises.services.service_days import RULES, rule_dates, service_day_record, service_days_generate
from wangge.enterprises.services.visits import issue_rate, visit_record

__all__ = [
    "RULES",
    "enterprise_from_merchant",
    "enterprise_save",
    "financing_event_offer_set",
    "financing_event_save",
    "industry_of",
    "is_liaison",
    "issue_raise",
    "issue_rate",
    "liaison_assign",
    "liaison_end",
    "may_keep",
    "may_organise",
    "may_visit",
    "participation_save",
    "rule_dates",
    "service_day_record",
    "service_days_generate",
    "visit_record",
]
