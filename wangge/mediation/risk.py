"""The rule that sets a dispute's risk level (风险等级), stated once and shown on the pages.

The level starts from what the registrant judged (一般 by default) and is raised, never lowered:

- threats of violence or extreme acts (扬言暴力、极端言行) → 重大;
- a group dispute: 30 people or more, or 10 parties or more → 重大;
- many parties: 10 people or more, or 5 parties or more → one level up;
- signs of a petition (信访、越级上访苗头) → one level up;
- a repeated dispute between the same parties (an earlier dispute of the ledger shares two parties, matched by
  identity number or, without one, by name) → one level up.

Raises add up (two one-level raises from 一般 reach 重大). ``assess`` returns the level and the reasons, in
Chinese, that the page lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wangge.mediation.choices import RISK_ORDER, RiskLevel

GROUP_PEOPLE = 30
GROUP_PARTIES = 10
MANY_PEOPLE = 10
MANY_PARTIES = 5

RULE_TEXT = gettext_lazy(
    "风险等级以登记人判定为起点，只升不降：有暴力或极端言行苗头、涉及 30 人以上或 10 方以上当事人的群体性纠纷，"
    "直接定为重大；涉及 10 人以上或 5 方以上当事人、有信访（越级上访）苗头、同一当事人之间反复发生纠纷，各升一级。"
)

_LEVELS = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH]


@dataclass(frozen=True)
class Assessment:
    level: str
    reasons: list[str]


def assess(
    *,
    declared: str = RiskLevel.LOW,
    party_count: int,
    people_count: int,
    threat_of_violence: bool = False,
    petition_risk: bool = False,
    is_repeat: bool = False,
) -> Assessment:
    """The level of a dispute under the rule above, with the reasons it was raised."""
    score = RISK_ORDER.get(declared, 0)
    reasons: list[str] = []
    if threat_of_violence:
        score = 2
        reasons.append(_("有暴力或极端言行苗头"))
    if people_count >= GROUP_PEOPLE or party_count >= GROUP_PARTIES:
        score = 2
        reasons.append(
            _("群体性纠纷（%(people)s 人、%(parties)s 方）") % {"people": people_count, "parties": party_count}
        )
    elif people_count >= MANY_PEOPLE or party_count >= MANY_PARTIES:
        score += 1
        reasons.append(
            _("当事人多（%(people)s 人、%(parties)s 方）") % {"people": people_count, "parties": party_count}
        )
    if petition_risk:
        score += 1
        reasons.append(_("有信访苗头"))
    if is_repeat:
        score += 1
        reasons.append(_("同一当事人反复纠纷"))
    return Assessment(level=_LEVELS[min(score, 2)], reasons=reasons)
