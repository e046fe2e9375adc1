"""基础台账: 小区, 楼栋, 户, 居民 (with their move history) and 商户/单位, every row scoped by its grid."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.core.fields import ProtectedCharField
from wangge.core.models import TimeStampedModel
from wangge.core.scoping import ScopedModel
from wangge.ledgers.choices import (
    Gender,
    HouseholdUse,
    MerchantKind,
    MerchantStatus,
    MoveKind,
    RecordStatus,
    Relation,
    ResidenceType,
    ResidentStatus,
)


class Estate(ScopedModel, TimeStampedModel):
    """小区: a named group of buildings with its property company and owners' committee."""

    scope_path_field: ClassVar[str | None] = "community__path"

    code = models.CharField(_("小区编码"), max_length=40, unique=True)
    name = models.CharField(_("小区名称"), max_length=100)
    community = models.ForeignKey(
        "territory.Territory", verbose_name=_("所属社区/村"), on_delete=models.PROTECT, related_name="estates"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    property_company = models.CharField(_("物业服务企业"), max_length=120, blank=True)
    property_contact = models.CharField(_("物业联系电话"), max_length=40, blank=True)
    owners_committee = models.CharField(_("业主委员会"), max_length=200, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Building(ScopedModel, TimeStampedModel):
    """楼栋 in a grid, with its 楼栋长. ``code`` continues the grid's code (grid code + three digits)."""

    scope_path_field: ClassVar[str | None] = "grid__path"
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("head_phone",)

    code = models.CharField(_("楼栋编码"), max_length=40, unique=True)
    name = models.CharField(_("楼栋名称"), max_length=100)
    grid = models.ForeignKey(
        "territory.Territory", verbose_name=_("所在网格"), on_delete=models.PROTECT, related_name="buildings"
    )
    estate = models.ForeignKey(
        Estate, verbose_name=_("所属小区"), null=True, blank=True, on_delete=models.SET_NULL, related_name="buildings"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    floors = models.PositiveSmallIntegerField(_("层数"), default=1)
    units = models.PositiveSmallIntegerField(_("单元数"), default=1)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    head_name = models.CharField(_("楼栋长"), max_length=50, blank=True)
    head_phone = ProtectedCharField(_("楼栋长电话"), blank=True, default="")
    head_phone_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    head_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("楼栋长账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_buildings",
    )
    status = models.CharField(_("状态"), max_length=16, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    notes = models.TextField(_("备注"), blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Household(ScopedModel, TimeStampedModel):
    """户: at a building + unit + room, or at a village house number, with a head (a resident)."""

    scope_path_field: ClassVar[str | None] = "grid__path"

    code = models.CharField(_("户编码"), max_length=48, unique=True)
    grid = models.ForeignKey(
        "territory.Territory", verbose_name=_("所在网格"), on_delete=models.PROTECT, related_name="households"
    )
    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.PROTECT, related_name="households"
    )
    unit_no = models.CharField(_("单元"), max_length=10, blank=True)
    room = models.CharField(_("门牌/房号"), max_length=20, blank=True)
    house_no = models.CharField(_("村组门牌号"), max_length=60, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    head = models.ForeignKey(
        "ledgers.Resident",
        verbose_name=_("户主"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_households",
    )
    use = models.CharField(_("房屋用途"), max_length=16, choices=HouseholdUse.choices, default=HouseholdUse.OWNER)
    status = models.CharField(_("状态"), max_length=16, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    last_visited_at = models.DateTimeField(_("最近入户走访"), null=True, blank=True, db_index=True)
    notes = models.TextField(_("备注"), blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "unit_no", "room"],
                condition=Q(building__isnull=False),
                name="ledgers_household_one_per_room",
            ),
        ]

    def __str__(self) -> str:
        return self.address or self.code


class ResidentTag(models.Model):
    """An editable group grid workers look after (独居老人, 低保, 退役军人, …)."""

    key = models.SlugField(_("标签键"), max_length=40, unique=True)
    name = models.CharField(_("标签名称"), max_length=40)
    ordering = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("人员类别标签")
        verbose_name_plural = _("人员类别标签")
        ordering = ["ordering", "key"]

    def __str__(self) -> str:
        return self.name


class Resident(ScopedModel, TimeStampedModel):
    """A person of the 基础台账. One record per 公民身份号码; one current household; archived, never deleted."""

    scope_path_field: ClassVar[str | None] = "grid__path"
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("id_number", "phone")

    name = models.CharField(_("姓名"), max_length=50)
    id_number = ProtectedCharField(_("公民身份号码"), blank=True, default="")
    id_number_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    phone = ProtectedCharField(_("联系电话"), blank=True, default="")
    phone_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    grid = models.ForeignKey(
        "territory.Territory", verbose_name=_("所在网格"), on_delete=models.PROTECT, related_name="residents"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("现住户"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    relation = models.CharField(_("与户主关系"), max_length=16, choices=Relation.choices, default=Relation.OTHER)
    residence_type = models.CharField(
        _("人口类型"), max_length=16, choices=ResidenceType.choices, default=ResidenceType.REGISTERED
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    tags = models.ManyToManyField(ResidentTag, verbose_name=_("人员类别"), blank=True, related_name="residents")
    status = models.CharField(
        _("状态"), max_length=16, choices=ResidentStatus.choices, default=ResidentStatus.CURRENT, db_index=True
    )
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    archive_reason = models.CharField(_("归档原因"), max_length=200, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        ordering = ["grid_id", "household_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"], condition=~Q(id_number_index=""), name="ledgers_resident_one_per_id"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ResidenceChange(models.Model):
    """A move of a resident: from and to which household, when, who recorded it."""

    resident = models.ForeignKey(Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="moves")
    kind = models.CharField(_("变动类型"), max_length=16, choices=MoveKind.choices)
    from_household = models.ForeignKey(
        Household, verbose_name=_("原住户"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_household = models.ForeignKey(
        Household, verbose_name=_("新住户"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("变动时间"), db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by_name = models.CharField(_("登记人名称"), max_length=150, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("人口变动记录")
        verbose_name_plural = _("人口变动记录")
        ordering = ["resident_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.resident_id} {self.kind} {self.at:%Y-%m-%d}"


class Merchant(ScopedModel, TimeStampedModel):
    """商户、企业、驻区单位、两新组织, located in a grid; linked to its 门前三包 point where there is one."""

    scope_path_field: ClassVar[str | None] = "grid__path"
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("contact_phone",)

    name = models.CharField(_("名称"), max_length=120)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    kind = models.CharField(_("类型"), max_length=16, choices=MerchantKind.choices, default=MerchantKind.SHOP)
    industry = models.CharField(_("行业"), max_length=60, blank=True)
    grid = models.ForeignKey(
        "territory.Territory", verbose_name=_("所在网格"), on_delete=models.PROTECT, related_name="merchants"
    )
    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.SET_NULL, related_name="merchants"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    responsible_person = models.CharField(_("法定代表人/负责人"), max_length=50, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = ProtectedCharField(_("联系电话"), blank=True, default="")
    contact_phone_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    licence_issued = models.DateField(_("营业执照发证日期"), null=True, blank=True)
    licence_expires = models.DateField(_("营业执照有效期至"), null=True, blank=True)
    point = models.ForeignKey(
        "places.Point",
        verbose_name=_("门前三包点位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merchants",
    )
    status = models.CharField(
        _("经营状态"), max_length=16, choices=MerchantStatus.choices, default=MerchantStatus.OPEN, db_index=True
    )
    notes = models.TextField(_("备注"), blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("商户/单位")
        verbose_name_plural = _("商户/单位")
        ordering = ["grid_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="ledgers_merchant_one_per_credit_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name
