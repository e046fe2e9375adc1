"""The government-service hall (政务服务): the item catalogue (事项) and its bundles (一件事一次办), the halls
and their windows, and the ledger of applications (办件) with their clocks against the promised time limit.

The queue (appointments, tickets, 云叫号, 潮汐窗口) lives in ``wangge.queueing`` and the ratings (好差评, their
rectification and the monthly callbacks) in ``wangge.evaluations``; both point at these models.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.fields import ProtectedCharField
from wangge.core.models import TimeStampedModel
from wangge.core.scoping import ScopedModel
from wangge.hall.choices import (
    ApplicantKind,
    ApplicationStatus,
    AssistanceKind,
    Channel,
    HallKind,
    HandlingType,
    ItemKind,
    OnlineDepth,
    WindowKind,
)


class Item(TimeStampedModel):
    """One 政务服务事项 of the district's catalogue (事项清单): who handles it, how fast, with what materials,
    and in which ways it can be done. The catalogue is the district's, readable by every staff member."""

    code = models.CharField(_("事项编码"), max_length=64, unique=True)
    name = models.CharField(_("事项名称"), max_length=200, db_index=True)
    department = models.ForeignKey(
        "accounts.Unit", verbose_name=_("实施部门"), on_delete=models.PROTECT, related_name="hall_items"
    )
    kind = models.CharField(_("事项类型"), max_length=32, choices=ItemKind.choices, db_index=True)
    handling_type = models.CharField(_("办件类型"), max_length=16, choices=HandlingType.choices)
    legal_limit_days = models.PositiveSmallIntegerField(_("法定办结时限（工作日）"), default=0)
    promised_limit_days = models.PositiveSmallIntegerField(
        _("承诺办结时限（工作日）"), default=0, help_text=_("即办件为 0：当场办结")
    )
    online_depth = models.CharField(_("网上办理深度"), max_length=1, choices=OnlineDepth.choices, default="1")
    modes = models.JSONField(_("办理方式"), default=list, blank=True, help_text=_("HandlingMode 的取值列表"))
    fee = models.CharField(_("收费标准"), max_length=200, blank=True, help_text=_("不收费则留空"))
    legal_basis = models.TextField(_("设定依据"), blank=True)
    conditions = models.TextField(_("受理条件"), blank=True)
    visits = models.PositiveSmallIntegerField(_("到现场次数"), default=1)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("政务服务事项")
        verbose_name_plural = _("政务服务事项")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(promised_limit_days__lte=models.F("legal_limit_days"))
                | models.Q(legal_limit_days=0),
                name="hall_item_promised_within_legal",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ItemMaterial(models.Model):
    """A material an item asks for — or no longer asks for (免提交: the certificate was cancelled or is shared
    between departments), which the catalogue keeps so the reduction can be shown."""

    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("材料名称"), max_length=200)
    is_required = models.BooleanField(_("必要材料"), default=True)
    original_copies = models.PositiveSmallIntegerField(_("原件份数"), default=0)
    copy_copies = models.PositiveSmallIntegerField(_("复印件份数"), default=0)
    is_waived = models.BooleanField(_("已免提交"), default=False)
    waived_reason = models.CharField(_("免提交依据"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["item_id", "position", "id"]

    def __str__(self) -> str:
        return self.name


class Bundle(TimeStampedModel):
    """一件事一次办: several items done with one form, one set of materials and one result."""

    code = models.CharField(_("主题编码"), max_length=64, unique=True)
    name = models.CharField(_("一件事名称"), max_length=200)
    items: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        Item, verbose_name=_("包含事项"), through="BundleItem", related_name="bundles"
    )
    promised_limit_days = models.PositiveSmallIntegerField(_("承诺办结时限（工作日）"), default=0)
    lead_department = models.ForeignKey(
        "accounts.Unit", verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="hall_bundles"
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("一件事")
        verbose_name_plural = _("一件事")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="bundle_items")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("序号"), default=0)

    class Meta:
        verbose_name = _("一件事事项")
        verbose_name_plural = _("一件事事项")
        ordering = ["bundle_id", "position"]
        constraints = [models.UniqueConstraint(fields=["bundle", "item"], name="hall_bundle_item_once")]

    def __str__(self) -> str:
        return f"{self.bundle_id}:{self.item_id}"


class Hall(ScopedModel, TimeStampedModel):
    """A service hall: the district's 政务服务中心, a street's or community's 便民服务中心, or a 24-hour
    self-service point."""

    scope_path_field: ClassVar[str | None] = "territory__path"

    code = models.CharField(_("大厅编码"), max_length=32, unique=True)
    name = models.CharField(_("大厅名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=HallKind.choices, db_index=True)
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("所在辖区"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=32, blank=True)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    opens_at = models.TimeField(_("开放时间"), null=True, blank=True)
    closes_at = models.TimeField(_("关闭时间"), null=True, blank=True)
    always_open = models.BooleanField(_("24小时开放"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("服务大厅")
        verbose_name_plural = _("服务大厅")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    """A window (窗口) of a hall: comprehensive (综窗, takes many items) or dedicated, and flexible when it can
    be switched to another item group at a peak (潮汐窗口, ``wangge.queueing``)."""

    hall = models.ForeignKey(Hall, verbose_name=_("大厅"), on_delete=models.CASCADE, related_name="windows")
    number = models.CharField(_("窗口号"), max_length=16)
    name = models.CharField(_("窗口名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=WindowKind.choices)
    is_flexible = models.BooleanField(_("可切换（潮汐窗口）"), default=False)
    items: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        Item, verbose_name=_("受理事项"), through="WindowItem", related_name="windows"
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("窗口人员"), blank=True, related_name="hall_windows"
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        ordering = ["hall_id", "number"]
        constraints = [models.UniqueConstraint(fields=["hall", "number"], name="hall_window_number_once")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class WindowItem(models.Model):
    window = models.ForeignKey(Window, on_delete=models.CASCADE, related_name="window_items")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("窗口事项")
        verbose_name_plural = _("窗口事项")
        constraints = [models.UniqueConstraint(fields=["window", "item"], name="hall_window_item_once")]

    def __str__(self) -> str:
        return f"{self.window_id}:{self.item_id}"


class Application(ScopedModel, TimeStampedModel):
    """One application (办件): received, accepted or rejected with a one-time notice (一次性告知), handled,
    finished — each step clocked in working days against the item's promised limit."""

    scope_path_field: ClassVar[str | None] = "hall__territory__path"
    scope_unit_field: ClassVar[str | None] = "department_id"
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("applicant_id_number", "applicant_phone")

    code = models.CharField(_("办件编号"), max_length=32, unique=True)
    item = models.ForeignKey(Item, verbose_name=_("事项"), on_delete=models.PROTECT, related_name="applications")
    bundle = models.ForeignKey(
        Bundle, verbose_name=_("一件事"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "accounts.Unit", verbose_name=_("实施部门"), on_delete=models.PROTECT, related_name="+"
    )
    hall = models.ForeignKey(Hall, verbose_name=_("大厅"), on_delete=models.PROTECT, related_name="applications")
    window = models.ForeignKey(
        Window, verbose_name=_("窗口"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("首问负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(_("申请渠道"), max_length=16, choices=Channel.choices, db_index=True)
    applicant_kind = models.CharField(
        _("申请人类型"), max_length=16, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    applicant_name = models.CharField(_("申请人"), max_length=100)
    applicant_id_number = ProtectedCharField(_("证件号码/统一社会信用代码"), blank=True, default="")
    applicant_id_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    applicant_phone = ProtectedCharField(_("联系电话"), blank=True, default="")
    applicant_phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.RECEIVED,
        db_index=True,
    )
    received_at = models.DateTimeField(_("收件时间"), db_index=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("不予受理时间"), null=True, blank=True)
    handled_at = models.DateTimeField(_("办理时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("办结时间"), null=True, blank=True, db_index=True)
    promised_days = models.PositiveSmallIntegerField(_("承诺时限（工作日）"), default=0)
    legal_days = models.PositiveSmallIntegerField(_("法定时限（工作日）"), default=0)
    due_at = models.DateTimeField(_("承诺办结期限"), null=True, blank=True, db_index=True)
    is_overdue = models.BooleanField(_("超期"), default=False, db_index=True)
    elapsed_working_days = models.DecimalField(
        _("实际用时（工作日）"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    notice = models.TextField(_("一次性告知"), blank=True)
    missing_materials = models.JSONField(_("缺少的材料"), default=list, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    programme = models.ForeignKey(
        "hall.Programme",
        verbose_name=_("专项服务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
    )
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["hall", "received_at"], name="hall_app_hall_received"),
            models.Index(fields=["received_at", "status"], name="hall_app_received_status"),
            models.Index(fields=["status", "due_at"], name="hall_app_status_due"),
        ]

    def __str__(self) -> str:
        return self.code


class ApplicationEvent(models.Model):
    """One step of an application, written by the transition service in the same transaction."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    transition = models.CharField(_("步骤"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("办件记录")
        verbose_name_plural = _("办件记录")
        ordering = ["application_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.transition} {self.at:%Y-%m-%d %H:%M}"


class Duty(models.Model):
    """Who is on duty at a window on a day (窗口值班): the staff shown on the hall's page."""

    window = models.ForeignKey(Window, verbose_name=_("窗口"), on_delete=models.CASCADE, related_name="duties")
    day = models.DateField(_("日期"), db_index=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("值班人员"), on_delete=models.CASCADE, related_name="hall_duties"
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("窗口值班")
        verbose_name_plural = _("窗口值班")
        ordering = ["-day", "window_id"]
        constraints = [models.UniqueConstraint(fields=["window", "day", "staff"], name="hall_duty_once")]

    def __str__(self) -> str:
        return f"{self.window_id} {self.day}"


class Programme(ScopedModel, TimeStampedModel):
    """A programme served at dedicated counters (专项服务专窗), e.g. the 契税补贴: its windows, the households it
    means to reach, its period; its applications and assistance records point at it."""

    scope_path_field: ClassVar[str | None] = "hall__territory__path"

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("专项名称"), max_length=100)
    hall = models.ForeignKey(Hall, verbose_name=_("大厅"), on_delete=models.PROTECT, related_name="programmes")
    department = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("牵头部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    items = models.ManyToManyField(Item, verbose_name=_("涉及事项"), blank=True, related_name="programmes")
    windows = models.ManyToManyField(Window, verbose_name=_("专窗"), blank=True, related_name="programmes")
    target_households = models.PositiveIntegerField(_("目标户数"), default=0)
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("专项服务")
        verbose_name_plural = _("专项服务")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Assistance(ScopedModel, TimeStampedModel):
    """帮办代办: a staff member or volunteer helped someone with an item — alongside (帮办), on their behalf
    (代办) or at their home (上门办). The person helped is protected like an applicant."""

    scope_path_field: ClassVar[str | None] = "hall__territory__path"
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("person_phone",)

    kind = models.CharField(_("方式"), max_length=16, choices=AssistanceKind.choices, db_index=True)
    hall = models.ForeignKey(Hall, verbose_name=_("大厅"), on_delete=models.PROTECT, related_name="assistances")
    item = models.ForeignKey(
        Item, verbose_name=_("事项"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assistances",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("专项服务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assistances",
    )
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("帮办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    helper_name = models.CharField(_("帮办人姓名"), max_length=100)
    person_name = models.CharField(_("服务对象"), max_length=100)
    person_phone = ProtectedCharField(_("联系电话"), blank=True, default="")
    person_phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    at = models.DateTimeField(_("服务时间"), db_index=True)
    address = models.CharField(_("上门地址"), max_length=200, blank=True)
    note = models.TextField(_("服务内容"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("帮办代办记录")
        verbose_name_plural = _("帮办代办记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person_name}"
