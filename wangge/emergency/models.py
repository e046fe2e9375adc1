"""预警: a warning over one or more territory nodes, its level history, the editable actions each level requires,
and one delivery row per recipient and round (a level change is a new round: everyone is told again and
acknowledges again), with the escalations of the staff who did not acknowledge in time."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.core.models import TimeStampedModel
from wangge.core.scoping import VIEW, ScopedQuerySet, scope_for
from wangge.emergency.choices import Channel, DeliveryState, HazardType, Level, RecipientKind, WarningStatus

STEP = 4  # the territory tree's path step (Territory.steplen)


def ancestor_paths(path: str) -> list[str]:
    """``path`` and the paths of the nodes above it."""
    return [path[:i] for i in range(STEP, len(path) + 1, STEP)]


class WarningAction(models.Model):
    """One action a level requires (e.g. 红色: 地下空间人员全部撤离). ``hazard_type`` blank: every type without rows of
    its own."""

    hazard_type = models.CharField(_("预警类型"), max_length=16, choices=HazardType.choices, blank=True)
    level = models.CharField(_("预警级别"), max_length=8, choices=Level.choices)
    text = models.CharField(_("应采取的措施"), max_length=200)
    ordering = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("预警级别措施")
        verbose_name_plural = _("预警级别措施")
        ordering = ["hazard_type", "level", "ordering", "id"]

    def __str__(self) -> str:
        return self.text


class WarningQuerySet(ScopedQuerySet["Warning"]):
    def restrict(self, user: Any, action: str = VIEW) -> WarningQuerySet:
        """Warnings over any node the user's grants reach: a node at or below a grant (the command centre sees the
        warnings it issued over its streets), or a node above one (a grid worker sees the district's warning)."""
        scope = scope_for(user, action)
        if scope.everything:
            return self
        if not scope.territory_paths:
            return self.none()
        q = Q(pk__in=[])
        for p in scope.territory_paths:
            q |= Q(path__startswith=p) | Q(path__in=ancestor_paths(p))
        return self.filter(pk__in=WarningArea.objects.filter(q).values("warning_id"))


class Warning(TimeStampedModel):
    """A warning (预警). ``scope_path`` is the deepest node above all its areas: who may change it is decided
    there (the command centre over the nodes). ``revision`` counts its rounds: 1 at issue, +1 at each level
    change; the current round's deliveries are its coverage."""

    scope_path_field: ClassVar[str | None] = "scope_path"

    code = models.CharField(_("预警编号"), max_length=32, unique=True)
    hazard_type = models.CharField(_("预警类型"), max_length=16, choices=HazardType.choices, db_index=True)
    level = models.CharField(_("预警级别"), max_length=8, choices=Level.choices, db_index=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=WarningStatus.choices, default=WarningStatus.ACTIVE, db_index=True
    )
    text = models.TextField(_("预警内容"))
    actions = models.JSONField(_("应采取的措施"), default=list, blank=True)
    nodes: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "territory.Territory", verbose_name=_("预警范围"), through="WarningArea", related_name="warnings"
    )
    scope_path = models.CharField(max_length=255, db_index=True, editable=False)
    valid_from = models.DateTimeField(_("生效时间"), db_index=True)
    valid_until = models.DateTimeField(_("有效期至"), null=True, blank=True)
    issued_at = models.DateTimeField(_("发布时间"), db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_by_name = models.CharField(_("发布人名称"), max_length=150, blank=True)
    revision = models.PositiveSmallIntegerField(_("轮次"), default=1)
    revised_at = models.DateTimeField(_("本轮发布时间"))
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    objects = WarningQuerySet.as_manager()

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.code} {self.get_level_display()}{self.get_hazard_type_display()}预警"

    @property
    def title(self) -> str:
        return f"{self.get_level_display()}{self.get_hazard_type_display()}预警"


class WarningArea(models.Model):
    """One node a warning covers (with its subtree); ``path`` copied for the scope filters."""

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="areas")
    node = models.ForeignKey("territory.Territory", verbose_name=_("辖区"), on_delete=models.PROTECT, related_name="+")
    path = models.CharField(max_length=255, db_index=True)

    class Meta:
        verbose_name = _("预警范围")
        verbose_name_plural = _("预警范围")
        constraints = [models.UniqueConstraint(fields=["warning", "node"], name="emergency_area_once")]

    def __str__(self) -> str:
        return f"{self.warning_id} {self.path}"


class WarningEvent(models.Model):
    """The warning's history: 发布, 升级/降级 (with the levels), 解除, and the escalation sweeps."""

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=8, blank=True)
    to_status = models.CharField(_("新状态"), max_length=8, blank=True)
    from_level = models.CharField(_("原级别"), max_length=8, choices=Level.choices, blank=True)
    to_level = models.CharField(_("新级别"), max_length=8, choices=Level.choices, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField(_("操作人名称"), max_length=150, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("预警记录")
        verbose_name_plural = _("预警记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.warning_id} {self.action}"


class WarningDelivery(models.Model):
    """One recipient of one round of a warning. ``key`` is unique: the fan-out inserts each row once, and the
    sending task only sends rows still pending, through keyed services (``notify``, ``sms_send``), so a task run
    again sends nothing twice. Staff rows (``must_ack``) wait for 收到 and are escalated when it does not come."""

    # Foreign keys without an index of their own: the composite indexes below serve every lookup, and each
    # index is paid on every one of a district's tens of thousands of rows per round. The ledger and territory
    # references carry no database constraint either: checking one locks the referenced row (PostgreSQL's KEY
    # SHARE), a write to each of fifty thousand households and residents; the ORM still applies on_delete.
    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="deliveries", db_index=False)
    revision = models.PositiveSmallIntegerField(_("轮次"))
    key = models.CharField(_("投递键"), max_length=80, unique=True)
    kind = models.CharField(_("接收人类别"), max_length=16, choices=RecipientKind.choices)
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    grid = models.ForeignKey(
        "territory.Territory",
        verbose_name=_("网格"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="warning_deliveries",
        db_index=False,
    )
    point = models.ForeignKey(
        "places.Point",
        verbose_name=_("点位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    household = models.ForeignKey(
        "ledgers.Household",
        verbose_name=_("户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    resident = models.ForeignKey(
        "ledgers.Resident",
        verbose_name=_("联系人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    name = models.CharField(_("名称"), max_length=100, blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    error = models.CharField(_("错误"), max_length=200, blank=True)
    sms = models.ForeignKey(
        "notifications.SmsMessage",
        verbose_name=_("短信"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    must_ack = models.BooleanField(_("须确认"), default=False)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("上报时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预警送达")
        verbose_name_plural = _("预警送达")
        ordering = ["warning_id", "revision", "id"]
        indexes = [
            # Covers the coverage count (one pass over the index, no table lookups).
            models.Index(
                fields=["warning", "revision", "grid", "kind", "state", "must_ack", "acknowledged_at", "escalated_at"],
                name="emergency_delivery_grid",
            ),
            models.Index(fields=["recipient", "acknowledged_at"], name="emergency_delivery_ack"),
        ]

    def __str__(self) -> str:
        return self.key


class WarningEscalation(models.Model):
    """A staff recipient who did not acknowledge in time, reported to the person above."""

    delivery = models.ForeignKey(WarningDelivery, on_delete=models.CASCADE, related_name="escalations")
    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="escalations")
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上报给"), on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(_("上报时间"), db_index=True)

    class Meta:
        verbose_name = _("未确认上报")
        verbose_name_plural = _("未确认上报")
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["delivery", "escalated_to"], name="emergency_escalation_once")]

    def __str__(self) -> str:
        return f"{self.delivery_id} → {self.escalated_to_id}"
