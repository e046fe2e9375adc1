"""Choices of 党建引领: the four levels of the party-organisation tree and the members' roles."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgLevel(models.TextChoices):
    """社区党委 → 网格（小区）党支部 → 楼栋党小组 → 党员中心户 (四级架构)."""

    COMMITTEE = "committee", _("社区党委")
    BRANCH = "branch", _("网格党支部")
    GROUP = "group", _("楼栋党小组")
    CENTRE = "centre", _("党员中心户")


# The level an organisation's parent has; the committee is a root.
PARENT_LEVEL: dict[str, str | None] = {
    OrgLevel.COMMITTEE: None,
    OrgLevel.BRANCH: OrgLevel.COMMITTEE,
    OrgLevel.GROUP: OrgLevel.BRANCH,
    OrgLevel.CENTRE: OrgLevel.GROUP,
}
LEVEL_ORDER: dict[str, int] = {OrgLevel.COMMITTEE: 0, OrgLevel.BRANCH: 1, OrgLevel.GROUP: 2, OrgLevel.CENTRE: 3}
LEVEL_COLOURS: dict[str, str] = {
    OrgLevel.COMMITTEE: "#c92a2a",
    OrgLevel.BRANCH: "#e8590c",
    OrgLevel.GROUP: "#f08c00",
    OrgLevel.CENTRE: "#d6336c",
}


class MemberRole(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY = "deputy", _("副书记")
    COMMITTEE_MEMBER = "committee_member", _("委员")
    GROUP_LEADER = "group_leader", _("党小组长")
    MEMBER = "member", _("党员")


# Roles that lead an organisation (listed first on its page).
LEADING_ROLES: frozenset[str] = frozenset({MemberRole.SECRETARY, MemberRole.DEPUTY, MemberRole.GROUP_LEADER})
ROLE_ORDER: dict[str, int] = {r.value: i for i, r in enumerate(MemberRole)}

# The resident tag (ledgers.ResidentTag) that flags a party member in the 基础台账.
PARTY_TAG = "party_member"
