"""重点人员管控化解台账: restricted to holders of the 重点人员管控专员 role; every access is logged."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.models import TimeStampedModel
from wangge.core.scoping import VIEW, ScopedModel, ScopedQuerySet, scope_q
from wangge.keypersons.choices import AccessAction, AttentionLevel, KeyPersonStatus, VisitMethod
from wangge.keypersons.scope import key_person_scope


class KeyPersonCategory(models.Model):
    """An editable category with the visit frequency it requires."""

    key = models.SlugField(_("类别键"), max_length=40, unique=True)
    name = models.CharField(_("类别名称"), max_length=50)
    visit_interval_days = models.PositiveSmallIntegerField(_("走访周期(天)"), default=30)
    ordering = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("重点人员类别")
        verbose_name_plural = _("重点人员类别")
        ordering = ["ordering", "key"]

    def __str__(self) -> str:
        return self.name


class KeyPersonQuerySet(ScopedQuerySet["KeyPerson"]):
    def restrict(self, user: Any, action: str = VIEW) -> KeyPersonQuerySet:
        """Whatever the action, only the user's key-person grants count (``keypersons.scope``): the generic
        scope would show the ledger to every grid worker and superuser."""
        scope = key_person_scope(user)
        if scope.empty:
            return self.none()
        q = scope_q(self.model, scope)
        return self if q is None else self.filter(q)


class KeyPerson(ScopedModel, TimeStampedModel):
    """A resident under 管控化解. Scoped by the resident's grid, but only through the dedicated role."""

    scope_path_field: ClassVar[str | None] = "grid__path"

    resident = models.ForeignKey(
        "ledgers.Resident", verbose_name=_("居民"), on_delete=models.PROTECT, related_name="key_person_records"
    )
    category = models.ForeignKey(
        KeyPersonCategory, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="key_persons"
    )
    grid = models.ForeignKey(
        "territory.Territory", verbose_name=_("所在网格"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(
        _("关注等级"), max_length=16, choices=AttentionLevel.choices, default=AttentionLevel.NORMAL
    )
    helpers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("帮扶责任人"), blank=True, related_name="+"
    )
    helper_names = models.CharField(_("帮扶人(其他)"), max_length=200, blank=True)
    visit_interval_days = models.PositiveSmallIntegerField(
        _("走访周期(天)"), null=True, blank=True, help_text=_("留空则按类别的走访周期")
    )
    started_on = models.DateField(_("纳入管控日期"))
    ended_on = models.DateField(_("解除日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=KeyPersonStatus.choices, default=KeyPersonStatus.ACTIVE, db_index=True
    )
    last_visit_at = models.DateTimeField(_("最近走访"), null=True, blank=True)
    next_visit_due = models.DateField(_("下次走访期限"), null=True, blank=True, db_index=True)
    notes = models.TextField(_("管控情况"), blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    # The manager of ScopedModel, narrowed: django-stubs types a model manager as a class variable.
    objects = KeyPersonQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("重点人员")
        verbose_name_plural = _("重点人员")
        ordering = ["next_visit_due", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "category"],
                condition=models.Q(status="active"),
                name="keypersons_one_active_per_category",
            ),
        ]

    def __str__(self) -> str:
        # Names neither the person nor the category: this label reaches the general audit trail.
        return f"重点人员 #{self.pk}"


class KeyPersonVisit(models.Model):
    key_person = models.ForeignKey(
        KeyPerson, verbose_name=_("重点人员"), on_delete=models.CASCADE, related_name="visits"
    )
    visited_at = models.DateTimeField(_("走访时间"), db_index=True)
    method = models.CharField(_("方式"), max_length=16, choices=VisitMethod.choices, default=VisitMethod.HOME)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("走访人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visitor_name = models.CharField(_("走访人名称"), max_length=150, blank=True)
    situation = models.TextField(_("走访情况"))
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_at", "-id"]

    def __str__(self) -> str:
        return f"{self.key_person_id} @ {self.visited_at:%Y-%m-%d}"


class KeyPersonAccess(ScopedModel):
    """The access log: who looked at or changed what, when and from where (its own page for auditors).

    ``territory_path`` is the deepest territory node covering every key person the access concerned (for an
    access that found none, the actor's own grants), so an auditor over a node reads the entries of its
    subtree (``restrict(user, "audit_key_persons")``)."""

    scope_path_field: ClassVar[str | None] = "territory_path"

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_name = models.CharField(_("人员名称"), max_length=150)
    action = models.CharField(_("操作"), max_length=16, choices=AccessAction.choices, db_index=True)
    channel = models.CharField(_("渠道"), max_length=16, blank=True)
    key_person_ids = models.JSONField(_("涉及对象"), default=list)
    query = models.JSONField(_("查询条件"), default=dict, blank=True)
    count = models.PositiveIntegerField(_("条数"), default=0)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    territory_path = models.CharField(_("涉及辖区路径"), max_length=255, blank=True, db_index=True)

    class Meta:
        verbose_name = _("重点人员访问日志")
        verbose_name_plural = _("重点人员访问日志")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_name} {self.action}"
