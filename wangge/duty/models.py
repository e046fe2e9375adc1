"""值班备勤 and 防汛备汛: duty rosters with their shifts, who leads and who is on, swaps and on-post check-ins;
flood-supply depots with stock, norms, stock-takes and movements; rescue teams and their equipment; emergency
plans with their versions; drills; and 会商 records.

Every row is seen through the territory node it belongs to (``ScopedModel``); a person on duty also sees their
own assignments. Nothing here carries a status: whether a check-in is missing, a depot short or a stock-take
overdue is computed by ``duty.selectors`` from the dates, in one place each.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.fields import ProtectedCharField
from wangge.core.models import TimeStampedModel
from wangge.core.scoping import ScopedModel
from wangge.duty.choices import DayKind, DepotKind, DutyRole, MovementDirection, PlanKind, TeamKind

# --- duty ---------------------------------------------------------------------------------------------------


class ShiftPattern(models.Model):
    """A configurable shift (白班 08:30–17:30, 夜班 17:30–次日08:30, 24小时 …) and the days it is worked on."""

    key = models.SlugField(_("班次键"), max_length=40, unique=True)
    name = models.CharField(_("班次名称"), max_length=30)
    starts = models.TimeField(_("开始时间"))
    ends = models.TimeField(_("结束时间"), help_text=_("不晚于开始时间即为次日结束"))
    day_kind = models.CharField(_("适用日期"), max_length=16, choices=DayKind.choices, default=DayKind.WORKDAY)
    ordering = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("值班班次")
        verbose_name_plural = _("值班班次")
        ordering = ["ordering", "key"]

    def __str__(self) -> str:
        return f"{self.name} {self.starts:%H:%M}–{self.ends:%H:%M}"

    @property
    def overnight(self) -> bool:
        return self.ends <= self.starts


class DutyRoster(ScopedModel, TimeStampedModel):
    """A duty post of a unit or territory node (区指挥中心, a street, a community): its shifts form the 值班表."""

    scope_path_field: ClassVar[str | None] = "territory__path"

    name = models.CharField(_("值班表名称"), max_length=100)
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("所属辖区"), on_delete=models.PROTECT, related_name="duty_rosters"
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("值班单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duty_rosters",
    )
    location = models.CharField(_("值班地点"), max_length=200, blank=True)
    phone = models.CharField(_("值班电话"), max_length=32, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("值班表")
        verbose_name_plural = _("值班表")
        ordering = ["territory__path", "name"]

    def __str__(self) -> str:
        return self.name


class DutyShift(ScopedModel):
    """One shift of a roster on one day: from ``starts_at`` to ``ends_at`` (an overnight shift ends the next day)."""

    scope_path_field: ClassVar[str | None] = "roster__territory__path"

    roster = models.ForeignKey(DutyRoster, verbose_name=_("值班表"), on_delete=models.CASCADE, related_name="shifts")
    day = models.DateField(_("值班日期"), db_index=True)
    pattern = models.ForeignKey(ShiftPattern, verbose_name=_("班次"), on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"), db_index=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("值班班次安排")
        verbose_name_plural = _("值班班次安排")
        ordering = ["starts_at", "roster_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["roster", "day", "pattern"], name="duty_shift_once_per_day_pattern"),
        ]

    def __str__(self) -> str:
        return f"{self.roster_id} {self.day} {self.pattern_id}"


class DutyAssignment(ScopedModel):
    """Who is on a shift, as 带班领导 or 值班员: a staff account, or a person named with a phone.

    Its check-in (到岗签到) is the time and the WGS-84 position the person sent from the phone."""

    scope_path_field: ClassVar[str | None] = "shift__roster__territory__path"
    scope_owner_field: ClassVar[str | None] = "user"
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("phone",)

    shift = models.ForeignKey(DutyShift, verbose_name=_("班次"), on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("职责"), max_length=16, choices=DutyRole.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("值班人员（账号）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_assignments",
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = ProtectedCharField(_("联系电话"), blank=True, default="")
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    check_in_lng = models.FloatField(_("签到经度(WGS-84)"), null=True, blank=True)
    check_in_lat = models.FloatField(_("签到纬度(WGS-84)"), null=True, blank=True)

    class Meta:
        verbose_name = _("值班人员")
        verbose_name_plural = _("值班人员")
        ordering = ["shift_id", "role", "id"]

    def __str__(self) -> str:
        return self.name


class DutySwap(models.Model):
    """A 换班: who was on duty, who took over, why, and who recorded it."""

    assignment = models.ForeignKey(
        DutyAssignment, verbose_name=_("值班人员"), on_delete=models.CASCADE, related_name="swaps"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("原值班人员账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_name = models.CharField(_("原值班人员"), max_length=50)
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接班人员账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to_name = models.CharField(_("接班人员"), max_length=50)
    reason = models.CharField(_("换班原因"), max_length=200)
    at = models.DateTimeField(_("登记时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("登记人名称"), max_length=150)

    class Meta:
        verbose_name = _("换班记录")
        verbose_name_plural = _("换班记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_name} → {self.to_name}"


# --- supplies -----------------------------------------------------------------------------------------------


class SupplyItem(models.Model):
    """An editable item of flood supplies with its unit of count (编织袋/条, 砂石/m³, 救生衣/件 …)."""

    key = models.SlugField(_("物资键"), max_length=40, unique=True)
    name = models.CharField(_("物资名称"), max_length=50)
    unit_label = models.CharField(_("计量单位"), max_length=10)
    ordering = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("防汛物资品类")
        verbose_name_plural = _("防汛物资品类")
        ordering = ["ordering", "key"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit_label}）"


class Depot(ScopedModel, TimeStampedModel):
    """A place where flood supplies are stored, with its custodian (保管人)."""

    scope_path_field: ClassVar[str | None] = "territory__path"
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("custodian_phone",)

    name = models.CharField(_("储备点名称"), max_length=100)
    kind = models.CharField(_("储备点类型"), max_length=16, choices=DepotKind.choices, db_index=True)
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("所属辖区"), on_delete=models.PROTECT, related_name="supply_depots"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    custodian = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("保管人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supply_depots",
    )
    custodian_name = models.CharField(_("保管人"), max_length=50, blank=True)
    custodian_phone = ProtectedCharField(_("保管人电话"), blank=True, default="")
    stocktake_interval_days = models.PositiveSmallIntegerField(
        _("盘点周期（天）"), null=True, blank=True, help_text=_("留空采用平台默认周期")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("物资储备点")
        verbose_name_plural = _("物资储备点")
        ordering = ["territory__path", "name"]

    def __str__(self) -> str:
        return self.name


class Stock(models.Model):
    """The quantity of one item held at one depot (set by stock-takes, moved by issues and returns)."""

    depot = models.ForeignKey(Depot, verbose_name=_("储备点"), on_delete=models.CASCADE, related_name="stocks")
    item = models.ForeignKey(SupplyItem, verbose_name=_("物资"), on_delete=models.PROTECT, related_name="stocks")
    quantity = models.DecimalField(_("库存数量"), max_digits=12, decimal_places=2, default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("库存")
        verbose_name_plural = _("库存")
        ordering = ["depot_id", "item__ordering", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["depot", "item"], name="duty_stock_once_per_depot_item"),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="duty_stock_never_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.depot_id} {self.item_id} {self.quantity}"


class SupplyNorm(models.Model):
    """The quantity of an item a depot must hold (储备定额): for every depot of a kind, or for one depot (which
    takes precedence over its kind's norm)."""

    item = models.ForeignKey(SupplyItem, verbose_name=_("物资"), on_delete=models.CASCADE, related_name="norms")
    depot_kind = models.CharField(_("储备点类型"), max_length=16, choices=DepotKind.choices, blank=True)
    depot = models.ForeignKey(
        Depot, verbose_name=_("储备点"), null=True, blank=True, on_delete=models.CASCADE, related_name="norms"
    )
    quantity = models.DecimalField(_("定额数量"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("储备定额")
        verbose_name_plural = _("储备定额")
        ordering = ["item__ordering", "depot_kind", "depot_id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(depot__isnull=True) & ~models.Q(depot_kind=""))
                | (models.Q(depot__isnull=False) & models.Q(depot_kind="")),
                name="duty_norm_kind_or_depot",
            ),
            models.UniqueConstraint(
                fields=["item", "depot_kind"], condition=models.Q(depot__isnull=True), name="duty_norm_once_per_kind"
            ),
            models.UniqueConstraint(
                fields=["item", "depot"], condition=models.Q(depot__isnull=False), name="duty_norm_once_per_depot"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gte=0), name="duty_norm_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.depot_kind or self.depot_id} {self.quantity}"


class StockTake(ScopedModel):
    """A 盘点: a dated count of the items at a depot by its custodian; it sets the stock and keeps the differences."""

    scope_path_field: ClassVar[str | None] = "depot__territory__path"

    depot = models.ForeignKey(Depot, verbose_name=_("储备点"), on_delete=models.CASCADE, related_name="stocktakes")
    taken_on = models.DateField(_("盘点日期"), db_index=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("盘点人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    taken_by_name = models.CharField(_("盘点人"), max_length=150)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("物资盘点")
        verbose_name_plural = _("物资盘点")
        ordering = ["-taken_on", "-id"]

    def __str__(self) -> str:
        return f"{self.depot_id} {self.taken_on}"


class StockTakeLine(models.Model):
    stocktake = models.ForeignKey(StockTake, verbose_name=_("盘点"), on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(SupplyItem, verbose_name=_("物资"), on_delete=models.PROTECT, related_name="+")
    book_quantity = models.DecimalField(_("账面数量"), max_digits=12, decimal_places=2)
    counted = models.DecimalField(_("实盘数量"), max_digits=12, decimal_places=2)
    difference = models.DecimalField(_("盘盈盘亏"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("盘点明细")
        verbose_name_plural = _("盘点明细")
        ordering = ["stocktake_id", "item__ordering", "item_id"]

    def __str__(self) -> str:
        return f"{self.stocktake_id} {self.item_id}"


class StockMovement(ScopedModel):
    """An 出库 or 入库 of an item at a depot, with its reason and the stock left after it."""

    scope_path_field: ClassVar[str | None] = "depot__territory__path"

    depot = models.ForeignKey(Depot, verbose_name=_("储备点"), on_delete=models.CASCADE, related_name="movements")
    item = models.ForeignKey(SupplyItem, verbose_name=_("物资"), on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(_("方向"), max_length=8, choices=MovementDirection.choices)
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=2)
    balance = models.DecimalField(_("结存"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("事由"), max_length=200)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("经办人"), max_length=150)

    class Meta:
        verbose_name = _("物资出入库")
        verbose_name_plural = _("物资出入库")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.depot_id} {self.direction} {self.item_id} {self.quantity}"


# --- rescue forces ------------------------------------------------------------------------------------------


class RescueTeam(ScopedModel, TimeStampedModel):
    """An 抢险队伍 pre-positioned in an area: its kind, unit, leader (phone protected), members and equipment."""

    scope_path_field: ClassVar[str | None] = "territory__path"
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("leader_phone",)

    name = models.CharField(_("队伍名称"), max_length=100)
    kind = models.CharField(_("队伍类型"), max_length=16, choices=TeamKind.choices, db_index=True)
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("所属单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    leader_name = models.CharField(_("队长"), max_length=50)
    leader_phone = ProtectedCharField(_("队长电话"), blank=True, default="")
    members = models.PositiveIntegerField(_("队员人数"))
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("驻防区域"), on_delete=models.PROTECT, related_name="rescue_teams"
    )
    address = models.CharField(_("驻地"), max_length=200, blank=True)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    is_active = models.BooleanField(_("在编"), default=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("抢险队伍")
        verbose_name_plural = _("抢险队伍")
        ordering = ["territory__path", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class TeamEquipment(models.Model):
    team = models.ForeignKey(RescueTeam, verbose_name=_("队伍"), on_delete=models.CASCADE, related_name="equipment")
    name = models.CharField(_("装备名称"), max_length=50)
    quantity = models.PositiveIntegerField(_("数量"))
    unit_label = models.CharField(_("单位"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("队伍装备")
        verbose_name_plural = _("队伍装备")
        ordering = ["team_id", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.quantity}{self.unit_label}"


# --- plans, drills and 会商 ---------------------------------------------------------------------------------


class EmergencyPlan(ScopedModel, TimeStampedModel):
    """An 应急预案 of a node and the units it binds; its text lives in its versions."""

    scope_path_field: ClassVar[str | None] = "territory__path"

    title = models.CharField(_("预案名称"), max_length=200)
    kind = models.CharField(_("预案类型"), max_length=16, choices=PlanKind.choices, db_index=True)
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("制定辖区"), on_delete=models.PROTECT, related_name="emergency_plans"
    )
    units = models.ManyToManyField("accounts.Unit", verbose_name=_("适用单位"), blank=True, related_name="+")
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")
        ordering = ["territory__path", "kind", "title"]

    def __str__(self) -> str:
        return self.title


def plan_file_path(instance: PlanVersion, filename: str) -> str:
    return f"duty/plans/{instance.plan_id}/{filename}"


class PlanVersion(models.Model):
    """One version of a plan with its file; a newer version supersedes it (``superseded_at``), it stays visible."""

    plan = models.ForeignKey(EmergencyPlan, verbose_name=_("预案"), on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(_("版本"), max_length=20)
    effective_on = models.DateField(_("施行日期"))
    summary = models.TextField(_("修订说明"), blank=True)
    file = models.FileField(_("预案文件"), upload_to=plan_file_path, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=64, blank=True)
    uploaded_at = models.DateTimeField(_("登记时间"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    superseded_at = models.DateTimeField(_("废止时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预案版本")
        verbose_name_plural = _("预案版本")
        ordering = ["plan_id", "-uploaded_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["plan", "version"], name="duty_plan_version_once")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.version}"


class Drill(ScopedModel, TimeStampedModel):
    """An 演练: when, under which plan, by which units, how many took part, the scenario, findings and follow-ups."""

    scope_path_field: ClassVar[str | None] = "territory__path"

    held_on = models.DateField(_("演练日期"), db_index=True)
    title = models.CharField(_("演练名称"), max_length=200)
    plan = models.ForeignKey(
        EmergencyPlan,
        verbose_name=_("依据预案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="drills",
    )
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("组织辖区"), on_delete=models.PROTECT, related_name="drills"
    )
    units = models.ManyToManyField("accounts.Unit", verbose_name=_("参演单位"), blank=True, related_name="+")
    participants = models.PositiveIntegerField(_("参演人数"))
    scenario = models.TextField(_("演练科目/情景"))
    findings = models.TextField(_("发现问题"), blank=True)
    follow_ups = models.TextField(_("整改措施"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("应急演练")
        verbose_name_plural = _("应急演练")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


def drill_photo_path(instance: DrillPhoto, filename: str) -> str:
    return f"duty/drills/{instance.drill_id}/{filename}"


class DrillPhoto(models.Model):
    drill = models.ForeignKey(Drill, verbose_name=_("演练"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to=drill_photo_path)
    content_type = models.CharField(_("类型"), max_length=64, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("演练照片")
        verbose_name_plural = _("演练照片")
        ordering = ["drill_id", "id"]

    def __str__(self) -> str:
        return f"{self.drill_id} {self.pk}"


class Consultation(ScopedModel, TimeStampedModel):
    """A 会商 record: when, who convened, who attended, the situation considered and the decisions taken."""

    scope_path_field: ClassVar[str | None] = "territory__path"

    held_at = models.DateTimeField(_("会商时间"), db_index=True)
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("会商辖区"), on_delete=models.PROTECT, related_name="consultations"
    )
    topic = models.CharField(_("会商主题"), max_length=200)
    convened_by = models.CharField(_("召集人"), max_length=100)
    attendees = models.TextField(_("参会人员/单位"))
    situation = models.TextField(_("雨情水情与形势研判"))
    decisions = models.TextField(_("会商意见与部署"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("会商记录")
        verbose_name_plural = _("会商记录")
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return self.topic
