"""预约与云叫号 on the halls of ``wangge.hall``: item groups (业务分组) with the letter of their ticket numbers, which
windows serve which groups (their own groups, and the groups a tidal rule lent them), bookable slots made from a
weekly template, appointments, tickets (取号) numbered per group and day, every ticket event, the tidal rules
(潮汐窗口) and the log of their switches."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.fields import ProtectedCharField
from wangge.core.models import TimeStampedModel
from wangge.core.scoping import ScopedModel
from wangge.queueing.choices import AppointmentStatus, SwitchDirection, TicketAction, TicketSource, TicketStatus

HALL_PATH = "hall__territory__path"


class ItemGroup(ScopedModel, TimeStampedModel):
    """A business group (业务分组) of a hall: the items whose tickets share one queue and one letter (A001, B002 …)."""

    scope_path_field: ClassVar[str | None] = HALL_PATH

    hall = models.ForeignKey("hall.Hall", verbose_name=_("大厅"), on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(
        _("号码字头"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{1,2}$", _("一至两个大写字母"))],
        help_text=_("票号的字母，如 A 表示 A001"),
    )
    name = models.CharField(_("分组名称"), max_length=60)
    items = models.ManyToManyField("hall.Item", verbose_name=_("包含事项"), blank=True, related_name="+")
    service_minutes = models.PositiveSmallIntegerField(
        _("预计每件办理分钟数"), default=8, help_text=_("当天尚无办结记录时估算等候时间所用")
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("业务分组")
        verbose_name_plural = _("业务分组")
        ordering = ["hall_id", "position", "prefix"]
        constraints = [models.UniqueConstraint(fields=["hall", "prefix"], name="queueing_group_prefix_once")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"


class WindowGroup(models.Model):
    """A group a window serves now: one of its own (``is_tidal`` false) or one a tidal rule lent it."""

    window = models.ForeignKey("hall.Window", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(ItemGroup, on_delete=models.CASCADE, related_name="window_links")
    is_tidal = models.BooleanField(_("潮汐调入"), default=False)
    since = models.DateTimeField(_("起始时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("窗口服务分组")
        verbose_name_plural = _("窗口服务分组")
        constraints = [models.UniqueConstraint(fields=["window", "group"], name="queueing_window_group_once")]

    def __str__(self) -> str:
        return f"{self.window_id}:{self.group_id}"


class SlotTemplate(models.Model):
    """One row of a group's weekly appointment template: on a weekday, from ``starts_at`` to ``ends_at``,
    ``capacity`` bookings."""

    group = models.ForeignKey(ItemGroup, verbose_name=_("业务分组"), on_delete=models.CASCADE, related_name="templates")
    weekday = models.PositiveSmallIntegerField(_("星期"), help_text=_("0 为星期一，6 为星期日"))
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("可预约人数"), default=4)

    class Meta:
        verbose_name = _("预约时段模板")
        verbose_name_plural = _("预约时段模板")
        ordering = ["group_id", "weekday", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "weekday", "starts_at"], name="queueing_template_once"),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="queueing_template_weekday"),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.starts_at:%H:%M}"


class Slot(ScopedModel, models.Model):
    """A bookable slot of a group on a working day. ``booked`` only grows through a conditional update that
    keeps it within ``capacity``."""

    scope_path_field: ClassVar[str | None] = HALL_PATH

    hall = models.ForeignKey("hall.Hall", verbose_name=_("大厅"), on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(ItemGroup, verbose_name=_("业务分组"), on_delete=models.CASCADE, related_name="slots")
    day = models.DateField(_("日期"), db_index=True)
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("可预约人数"))
    booked = models.PositiveSmallIntegerField(_("已预约"), default=0)

    class Meta:
        verbose_name = _("预约时段")
        verbose_name_plural = _("预约时段")
        ordering = ["day", "starts_at", "group_id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "day", "starts_at"], name="queueing_slot_once"),
            models.CheckConstraint(condition=models.Q(booked__lte=models.F("capacity")), name="queueing_slot_capacity"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"

    @property
    def remaining(self) -> int:
        return max(0, self.capacity - self.booked)


class Appointment(ScopedModel, TimeStampedModel):
    """A citizen's booking of a slot (预约办): name and phone (protected, shown masked), the item, and the
    booking code they bring to the kiosk or use to cancel."""

    scope_path_field: ClassVar[str | None] = HALL_PATH
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("phone",)

    code = models.CharField(_("预约码"), max_length=12, unique=True)
    hall = models.ForeignKey("hall.Hall", verbose_name=_("大厅"), on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(ItemGroup, verbose_name=_("业务分组"), on_delete=models.PROTECT, related_name="+")
    slot = models.ForeignKey(Slot, verbose_name=_("预约时段"), on_delete=models.PROTECT, related_name="appointments")
    item = models.ForeignKey(
        "hall.Item", verbose_name=_("事项"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = ProtectedCharField(_("手机号"))
    phone_index = models.CharField(max_length=64, db_index=True, editable=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED, db_index=True
    )
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["slot__day", "slot__starts_at", "id"]

    def __str__(self) -> str:
        return self.code


class TicketCounter(models.Model):
    """The last number issued in a group on a day; the row is locked (or conditionally updated) per ticket."""

    group = models.ForeignKey(ItemGroup, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("取号计数")
        verbose_name_plural = _("取号计数")
        constraints = [models.UniqueConstraint(fields=["group", "day"], name="queueing_counter_once")]

    def __str__(self) -> str:
        return f"{self.group_id}:{self.day}:{self.last}"


class Ticket(ScopedModel, models.Model):
    """A ticket (取号): its number in its group and day, where it came from, and its way through a window."""

    scope_path_field: ClassVar[str | None] = HALL_PATH

    hall = models.ForeignKey("hall.Hall", verbose_name=_("大厅"), on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(ItemGroup, verbose_name=_("业务分组"), on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField(_("日期"))
    seq = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("票号"), max_length=8)
    token = models.CharField(max_length=24, unique=True, editable=False)
    source = models.CharField(_("取号方式"), max_length=16, choices=TicketSource.choices)
    appointment = models.OneToOneField(
        Appointment, verbose_name=_("预约"), null=True, blank=True, on_delete=models.SET_NULL, related_name="ticket"
    )
    is_booked = models.BooleanField(_("预约优先"), default=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=TicketStatus.choices, default=TicketStatus.WAITING, db_index=True
    )
    issued_at = models.DateTimeField(_("取号时间"))
    called_at = models.DateTimeField(_("叫号时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始办理时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    window = models.ForeignKey(
        "hall.Window", verbose_name=_("窗口"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_window = models.ForeignKey(
        "hall.Window",
        verbose_name=_("指定窗口"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("转移到某一窗口时只由该窗口叫号"),
    )
    calls = models.PositiveSmallIntegerField(_("呼叫次数"), default=0)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    application = models.ForeignKey(
        "hall.Application", verbose_name=_("办件"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("排队票号")
        verbose_name_plural = _("排队票号")
        ordering = ["day", "issued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["group", "day", "seq"], name="queueing_ticket_number_once")]
        indexes = [
            models.Index(fields=["hall", "day", "status", "group"], name="queueing_ticket_queue"),
            models.Index(fields=["hall", "day", "called_at"], name="queueing_ticket_called"),
        ]

    def __str__(self) -> str:
        return self.number


class TicketEvent(models.Model):
    """One step of a ticket, kept for the statistics (waiting and service times, no-shows, transfers)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=16, choices=TicketAction.choices)
    at = models.DateTimeField(_("时间"), db_index=True)
    window = models.ForeignKey(
        "hall.Window", verbose_name=_("窗口"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("叫号记录")
        verbose_name_plural = _("叫号记录")
        ordering = ["ticket_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%H:%M}"


class TidalRule(ScopedModel, TimeStampedModel):
    """When to lend idle flexible windows to a group and when to take them back (潮汐窗口). Between the lower
    and the upper thresholds nothing changes (hysteresis)."""

    scope_path_field: ClassVar[str | None] = HALL_PATH

    hall = models.ForeignKey("hall.Hall", verbose_name=_("大厅"), on_delete=models.CASCADE, related_name="+")
    group = models.OneToOneField(
        ItemGroup, verbose_name=_("业务分组"), on_delete=models.CASCADE, related_name="tidal_rule"
    )
    open_queue = models.PositiveSmallIntegerField(_("开启：等候人数达到"), default=8)
    open_wait_minutes = models.PositiveSmallIntegerField(_("开启：预计等候分钟达到"), default=20)
    close_queue = models.PositiveSmallIntegerField(_("恢复：等候人数不超过"), default=2)
    close_wait_minutes = models.PositiveSmallIntegerField(_("恢复：预计等候分钟不超过"), default=5)
    max_windows = models.PositiveSmallIntegerField(_("最多调入窗口数"), default=2)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("潮汐窗口规则")
        verbose_name_plural = _("潮汐窗口规则")
        ordering = ["hall_id", "group__position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(close_queue__lt=models.F("open_queue")), name="queueing_rule_queue_hysteresis"
            ),
            models.CheckConstraint(
                condition=models.Q(close_wait_minutes__lt=models.F("open_wait_minutes")),
                name="queueing_rule_wait_hysteresis",
            ),
        ]

    def __str__(self) -> str:
        return str(self.group)


class WindowSwitch(ScopedModel, models.Model):
    """A tidal switch: a flexible window opened for a group, or moved back, with the figures that decided it."""

    scope_path_field: ClassVar[str | None] = HALL_PATH

    hall = models.ForeignKey("hall.Hall", verbose_name=_("大厅"), on_delete=models.CASCADE, related_name="+")
    window = models.ForeignKey("hall.Window", verbose_name=_("窗口"), on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(ItemGroup, verbose_name=_("业务分组"), on_delete=models.CASCADE, related_name="+")
    direction = models.CharField(_("切换"), max_length=8, choices=SwitchDirection.choices)
    at = models.DateTimeField(_("时间"), db_index=True)
    waiting = models.PositiveIntegerField(_("等候人数"))
    expected_wait_minutes = models.PositiveIntegerField(_("预计等候分钟"))
    reason = models.CharField(_("原因"), max_length=200)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("潮汐窗口切换")
        verbose_name_plural = _("潮汐窗口切换")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.window_id} {self.direction} {self.group_id}"
