"""党建引领: the party-organisation tree laid on the territory (社区党委 on a community, 网格党支部 on a grid or a
小区, 楼栋党小组 on a building, 党员中心户 on a household), the party members taken from the residents' ledger,
the households each member looks after (党员联户) grouped in 联户片区, the cadres' 包片 areas and the 红色管家 of
each building.

The tree is an adjacency list (``parent``), not a treebeard tree: it has four fixed levels, each level's parent
is the level above (checked by the service and by ``PARENT_LEVEL``), so it can neither cycle nor grow deep, and
every question asked of it is answered by the territory path it stands on (``territory__path``), which is also
its scope. A materialised path of its own would be a second copy of the territory tree to keep in step.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.core.models import TimeStampedModel
from wangge.core.scoping import ScopedModel
from wangge.party.choices import MemberRole, OrgLevel


class PartyOrganisation(ScopedModel, TimeStampedModel):
    """One party organisation, on the place its level names. ``territory`` is the node it is seen through: the
    community of a committee or of a 小区 branch, the grid of a grid branch, of a building's group and of a
    household's 中心户."""

    scope_path_field: ClassVar[str | None] = "territory__path"

    name = models.CharField(_("组织名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=OrgLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("所在辖区节点"), on_delete=models.PROTECT, related_name="+"
    )
    estate = models.ForeignKey(
        "ledgers.Estate", verbose_name=_("小区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(
        "ledgers.Building", verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "ledgers.Household", verbose_name=_("户"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["territory__path", "level", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory"], condition=Q(level=OrgLevel.COMMITTEE), name="party_one_committee_per_community"
            ),
            models.UniqueConstraint(
                fields=["building"], condition=Q(level=OrgLevel.GROUP), name="party_one_group_per_building"
            ),
            models.UniqueConstraint(
                fields=["household"], condition=Q(level=OrgLevel.CENTRE), name="party_one_centre_per_household"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PartyMember(ScopedModel, TimeStampedModel):
    """A party member: a resident of the 基础台账 (flagged with the 党员 tag there), in one organisation, with a
    role. Only the name is shown here; the resident's protected fields stay in the ledger and its audited path."""

    scope_path_field: ClassVar[str | None] = "organisation__territory__path"

    resident = models.OneToOneField(
        "ledgers.Resident", verbose_name=_("居民"), on_delete=models.PROTECT, related_name="party_member"
    )
    organisation = models.ForeignKey(
        PartyOrganisation, verbose_name=_("所在党组织"), on_delete=models.PROTECT, related_name="members"
    )
    role = models.CharField(_("职务"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    joined_party_on = models.DateField(_("入党时间"), null=True, blank=True)
    is_active = models.BooleanField(_("在册"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["organisation_id", "role", "id"]

    def __str__(self) -> str:
        return self.resident.name


class LiaisonArea(ScopedModel, TimeStampedModel):
    """A 党员联户片区: the households a branch's members look after, grouped."""

    scope_path_field: ClassVar[str | None] = "organisation__territory__path"

    name = models.CharField(_("片区名称"), max_length=100)
    organisation = models.ForeignKey(
        PartyOrganisation, verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="liaison_areas"
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("党员联户片区")
        verbose_name_plural = _("党员联户片区")
        ordering = ["organisation_id", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="party_one_area_name")]

    def __str__(self) -> str:
        return self.name


class LiaisonLink(ScopedModel, TimeStampedModel):
    """党员联户: a member looks after a household (in a 联户片区)."""

    scope_path_field: ClassVar[str | None] = "household__grid__path"

    member = models.ForeignKey(PartyMember, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="links")
    household = models.ForeignKey(
        "ledgers.Household", verbose_name=_("联系户"), on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        LiaisonArea, verbose_name=_("联户片区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="links"
    )
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("党员联户")
        verbose_name_plural = _("党员联户")
        ordering = ["member_id", "household_id"]
        constraints = [models.UniqueConstraint(fields=["member", "household"], name="party_one_link")]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.household_id}"


class CadreArea(ScopedModel, TimeStampedModel):
    """干部包片: a cadre (an account) answers for a territory node (a community, a grid)."""

    scope_path_field: ClassVar[str | None] = "territory__path"
    scope_owner_field: ClassVar[str | None] = "cadre_id"

    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("包片干部"), on_delete=models.CASCADE, related_name="+"
    )
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("包片区域"), on_delete=models.PROTECT, related_name="+"
    )
    duty = models.CharField(_("包片职责"), max_length=200, blank=True)
    since = models.DateField(_("起始日期"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("干部包片")
        verbose_name_plural = _("干部包片")
        ordering = ["territory__path", "cadre_id"]
        constraints = [models.UniqueConstraint(fields=["cadre", "territory"], name="party_one_cadre_area")]

    def __str__(self) -> str:
        return f"{self.cadre_id} → {self.territory_id}"


class RedSteward(ScopedModel, TimeStampedModel):
    """The 红色管家 of a building: a party member who looks after it."""

    scope_path_field: ClassVar[str | None] = "building__grid__path"

    building = models.OneToOneField(
        "ledgers.Building", verbose_name=_("楼栋"), on_delete=models.CASCADE, related_name="red_steward"
    )
    member = models.ForeignKey(
        PartyMember, verbose_name=_("红色管家"), on_delete=models.CASCADE, related_name="stewarded"
    )
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("红色管家")
        verbose_name_plural = _("红色管家")
        ordering = ["building_id"]

    def __str__(self) -> str:
        return f"{self.building_id} {self.member_id}"
