"""The work order (工单) and its dictionary, clocks, events and attachments."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.core.fields import ProtectedCharField
from wangge.core.scoping import ScopedModel
from wangge.workorders.choices import (
    OPEN_STATUSES,
    AppealType,
    AttachmentKind,
    CategoryKind,
    Channel,
    DurationUnit,
    HandlingClass,
    Rating,
    Relation,
    ReplyResult,
    ResolutionMode,
    Status,
    Step,
    SupervisionLevel,
    Urgency,
)

# The open statuses in a fixed order (the partial indexes' condition is written into the migration).
OPEN_INDEXED = sorted(OPEN_STATUSES)


class CategorySet(models.Model):
    """A version of the category dictionary. Exactly one is active; work orders keep the one they used."""

    version = models.PositiveIntegerField(_("版本号"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    is_active = models.BooleanField(_("当前生效"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    note = models.TextField(_("修订说明"), blank=True)

    class Meta:
        verbose_name = _("分类字典版本")
        verbose_name_plural = _("分类字典版本")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=models.Q(is_active=True), name="one_active_set")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Category(models.Model):
    category_set = models.ForeignKey(
        CategorySet, verbose_name=_("字典版本"), on_delete=models.CASCADE, related_name="categories"
    )
    code = models.CharField(_("分类编码"), max_length=20)
    name = models.CharField(_("分类名称"), max_length=60)
    kind = models.CharField(_("分类体系"), max_length=16, choices=CategoryKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级分类"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    handling_class = models.CharField(
        _("办理类别"), max_length=1, choices=HandlingClass.choices, default=HandlingClass.C
    )
    resolution_mode = models.CharField(
        _("解决方式"), max_length=16, choices=ResolutionMode.choices, default=ResolutionMode.DEADLINE
    )
    default_unit_code = models.CharField(
        _("默认承办单位编码"), max_length=32, blank=True, help_text=_("无辖区路由规则时使用")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    ordering = models.PositiveIntegerField(_("排序"), default=0)
    verify_photo_required = models.BooleanField(
        _("核查须上传照片"), default=False, help_text=_("核查通过时必须附现场照片")
    )
    verify_position_required = models.BooleanField(
        _("核查须定位"), default=False, help_text=_("核查通过时必须提交核查人所在位置")
    )

    class Meta:
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        ordering = ["category_set", "code"]
        constraints = [models.UniqueConstraint(fields=["category_set", "code"], name="category_code_per_set")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StepDeadline(models.Model):
    """The time allowed for one step of a category. Missing rows fall back to the parent, then defaults."""

    category = models.ForeignKey(Category, verbose_name=_("分类"), on_delete=models.CASCADE, related_name="deadlines")
    step = models.CharField(_("环节"), max_length=16, choices=Step.choices)
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    amount = models.DecimalField(_("时限"), max_digits=7, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=16, choices=DurationUnit.choices)

    class Meta:
        verbose_name = _("环节时限")
        verbose_name_plural = _("环节时限")
        constraints = [
            models.UniqueConstraint(fields=["category", "step", "urgency"], name="deadline_per_step"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="deadline_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.get_step_display()} {self.amount}{self.get_unit_display()}"

    def clean(self) -> None:
        # Day limits count whole days (the calendar cannot end a deadline part-way through a day count).
        day_units = {DurationUnit.WORKING_DAYS, DurationUnit.NATURAL_DAYS}
        if self.unit in day_units and self.amount is not None and self.amount != self.amount.to_integral_value():
            raise ValidationError({"amount": _("按日计算的时限须为整数天")})


class RoutingRule(models.Model):
    """Which unit handles a category in a territory subtree. The deepest matching territory wins."""

    category = models.ForeignKey(Category, verbose_name=_("分类"), on_delete=models.CASCADE, related_name="routes")
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("适用辖区"), on_delete=models.CASCADE, related_name="routes"
    )
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("承办单位"), on_delete=models.CASCADE, related_name="routes"
    )
    priority = models.PositiveSmallIntegerField(_("优先级"), default=100)

    class Meta:
        verbose_name = _("派遣路由规则")
        verbose_name_plural = _("派遣路由规则")
        constraints = [models.UniqueConstraint(fields=["category", "territory"], name="route_per_territory")]

    def __str__(self) -> str:
        return f"{self.category} @ {self.territory} → {self.unit}"


class WorkOrder(ScopedModel):
    """One appeal, hotline call or finding, from intake to closure."""

    scope_path_field: ClassVar[str | None] = "scope_path"
    scope_unit_field: ClassVar[str | None] = "assigned_unit_id"
    scope_owner_field: ClassVar[str | None] = "filed_by_id"  # who filed a case keeps seeing it
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("reporter_phone",)

    tracking_code = models.CharField(_("查询码"), max_length=20, unique=True)
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices)
    appeal_type = models.CharField(_("诉求类型"), max_length=16, choices=AppealType.choices)
    category = models.ForeignKey(
        Category,
        verbose_name=_("诉求分类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("诉求内容"))

    reporter_name = models.CharField(_("诉求人"), max_length=50, blank=True)
    reporter_phone = ProtectedCharField(_("联系电话"), blank=True, default="")
    reporter_phone_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    is_real_name = models.BooleanField(_("实名"), default=False)
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_work_orders",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="filed_work_orders",
        help_text=_("登记工单的工作人员；其始终可查看自己登记的工单"),
    )

    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    territory = models.ForeignKey(
        "territory.Territory",
        verbose_name=_("所在辖区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grid = models.ForeignKey(
        "territory.Territory",
        verbose_name=_("网格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    community = models.ForeignKey(
        "territory.Territory",
        verbose_name=_("社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    street = models.ForeignKey(
        "territory.Territory",
        verbose_name=_("街道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    district = models.ForeignKey(
        "territory.Territory", verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    point = models.ForeignKey(
        "places.Point",
        verbose_name=_("关联点位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    handling_class = models.CharField(_("办理类别"), max_length=1, choices=HandlingClass.choices, blank=True)
    resolution_mode = models.CharField(
        _("解决方式"), max_length=16, choices=ResolutionMode.choices, default=ResolutionMode.DEADLINE
    )
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)

    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REGISTERED)
    version = models.PositiveIntegerField(_("版本"), default=1)
    assigned_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_work_orders",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("主工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    relation = models.CharField(_("关联关系"), max_length=16, choices=Relation.choices, blank=True)

    supervision = models.CharField(
        _("督办"), max_length=8, choices=SupervisionLevel.choices, blank=True, default=SupervisionLevel.NONE
    )
    supervised_at = models.DateTimeField(_("督办时间"), null=True, blank=True)
    # Automatic escalation of a case past its deadline (催办 → 黄牌 → 红牌); 0 = none.
    escalation_level = models.PositiveSmallIntegerField(_("升级等级"), default=0)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    # Citizens who reported the same problem on an open case instead of filing a duplicate (我也反映).
    voice_count = models.PositiveIntegerField(_("附议人数"), default=0)
    # 涉企: an enterprise's appeal (from a 助企 visit or service day, or marked at intake); the 助企 figures count it.
    enterprise_related = models.BooleanField(_("涉企"), default=False, db_index=True)

    # Clocks of the case as a whole.
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    dispatched_at = models.DateTimeField(_("派遣时间"), null=True, blank=True, db_index=True)
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    callback_at = models.DateTimeField(_("回访时间"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True, db_index=True)
    due_at = models.DateTimeField(_("办结时限"), null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(_("时限暂定"), default=False)
    # Clock of the current step.
    step_started_at = models.DateTimeField(_("本环节开始"), null=True, blank=True)
    step_due_at = models.DateTimeField(_("本环节时限"), null=True, blank=True, db_index=True)
    step_warn_at = models.DateTimeField(_("本环节预警时间"), null=True, blank=True, db_index=True)
    paused_at = models.DateTimeField(_("挂起时间"), null=True, blank=True)
    warned_step_at = models.DateTimeField(null=True, blank=True, editable=False)
    breached_step_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Outcomes frozen at transitions.
    accepted_on_time = models.BooleanField(_("按时签收"), null=True, blank=True)
    handled_on_time = models.BooleanField(_("按期办结"), null=True, blank=True)
    handling_seconds = models.PositiveIntegerField(_("办理用时(秒)"), null=True, blank=True)

    # Counters that feed the measures.
    return_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0)
    extension_count = models.PositiveSmallIntegerField(_("延期次数"), default=0)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)

    extension_pending = models.JSONField(_("待审批延期"), null=True, blank=True)
    reply_text = models.TextField(_("办理结果"), blank=True)
    reply_result = models.CharField(_("办理结论"), max_length=16, choices=ReplyResult.choices, blank=True)
    sampled_for_verification = models.BooleanField(_("抽查核查"), default=False)
    rating = models.PositiveSmallIntegerField(_("评价"), choices=Rating.choices, null=True, blank=True)
    resolved = models.BooleanField(_("是否解决"), null=True, blank=True)
    callback_unreachable = models.BooleanField(_("回访未联系上"), default=False)
    invalid_reason = models.CharField(_("无效原因"), max_length=200, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "step_due_at"]),
            models.Index(fields=["assigned_unit", "status"]),
            models.Index(fields=["due_at", "district"]),
            models.Index(fields=["received_at", "district"]),
            # A city's tables (bench/scale.py, docs/performance.md): the open cases are a small part of all, so
            # the screens that show them (map, home page, 日通报) read partial indexes of the open ones only.
            models.Index(fields=["received_at"], condition=Q(status__in=OPEN_INDEXED), name="wo_open_received"),
            models.Index(
                fields=["scope_path"],
                opclasses=["varchar_pattern_ops"],
                condition=Q(status__in=OPEN_INDEXED),
                name="wo_open_scope",
            ),
            models.Index(
                fields=["scope_path"],
                opclasses=["varchar_pattern_ops"],
                condition=Q(supervision__in=[SupervisionLevel.YELLOW, SupervisionLevel.RED]),
                name="wo_supervised_scope",
            ),
            # The work-order list reads each branch of a user's scope apart; a district's branch walks this index,
            # so its first page does not pass over the newer cases of every other district.
            models.Index(fields=["district", "-received_at", "-id"], name="wo_district_received"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.title}"


class StepClock(models.Model):
    """One run of a clocked step: start, deadline, pauses, end, and the outcome frozen when it ended."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="clocks")
    step = models.CharField(_("环节"), max_length=16, choices=Step.choices)
    started_at = models.DateTimeField(_("开始"))
    due_at = models.DateTimeField(_("时限"))
    provisional = models.BooleanField(_("时限暂定"), default=False)
    paused_seconds = models.PositiveIntegerField(_("挂起时长(秒)"), default=0)
    ended_at = models.DateTimeField(_("结束"), null=True, blank=True)
    on_time = models.BooleanField(_("按时"), null=True, blank=True)

    class Meta:
        verbose_name = _("环节计时")
        verbose_name_plural = _("环节计时")
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.started_at:%Y-%m-%d %H:%M} → {self.due_at:%Y-%m-%d %H:%M}"


class Event(models.Model):
    """A row per transition: who, when, from which status to which, and what changed."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events")
    name = models.CharField(_("操作"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人"), max_length=100, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    from_status = models.CharField(_("原状态"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=Status.choices)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("变更内容"), default=dict, blank=True)

    class Meta:
        verbose_name = _("工单事件")
        verbose_name_plural = _("工单事件")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["name", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.name} {self.from_status}→{self.to_status}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"workorders/{instance.work_order.tracking_code}/{filename}"


class Attachment(models.Model):
    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments")
    kind = models.CharField(_("类型"), max_length=16, choices=AttachmentKind.choices, default=AttachmentKind.PHOTO)
    file = models.FileField(_("文件"), upload_to=attachment_path)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小(字节)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.file.name
