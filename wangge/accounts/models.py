"""Units (departments, companies, street offices, communities, the command centre), staff and role grants."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.hashers import check_password as check_password_hash
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.accounts.choices import Role, UnitKind
from wangge.core.fields import ProtectedCharField
from wangge.core.scoping import VIEW, Scope, ScopedModel, ScopedQuerySet, scope_for


class Unit(ScopedModel):
    """An organisation that cases are dispatched to, or that staff belong to."""

    scope_path_field: ClassVar[str | None] = "territory__path"
    scope_unit_field: ClassVar[str | None] = "id"

    code = models.CharField(_("单位编码"), max_length=32, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=32, choices=UnitKind.choices, db_index=True)
    territory = models.ForeignKey(
        "territory.Territory",
        verbose_name=_("所属辖区"),
        on_delete=models.PROTECT,
        related_name="units",
        help_text=_("单位的管辖范围：部门为所在区，街道办为街道，居委会为社区"),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class StaffQuerySet(ScopedQuerySet["User"]):
    def restrict(self, user: Any, action: str = VIEW) -> StaffQuerySet:
        """Staff holding a grant inside the scope, or belonging to a unit inside it.

        Filters through a primary-key subquery, so a user with several matching grants is
        listed once and the queryset stays free of DISTINCT.
        """
        scope = scope_for(user, action)
        if scope.empty:
            return self.none()
        if scope.everything:
            return self
        q = Q(pk__in=[])
        for path in scope.territory_paths:
            q |= Q(grants__territory__path__startswith=path) | Q(unit__territory__path__startswith=path)
        if scope.unit_ids:
            q |= Q(unit_id__in=scope.unit_ids) | Q(grants__unit_id__in=scope.unit_ids)
        return self.filter(pk__in=self.model._base_manager.filter(q).values("pk"))


class StaffManager(UserManager.from_queryset(StaffQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A staff member. Citizens do not log in; they follow their appeals by tracking code."""

    scope_path_field: ClassVar[str | None] = "grants__territory__path"
    scope_unit_field: ClassVar[str | None] = "unit_id"
    # The blind index stays visible in the audit trail: it shows that the number changed, not what it is.
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("mobile",)

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    mobile = ProtectedCharField(_("手机号"), blank=True, default="")
    mobile_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    # Set by an administrator (staff_lock); failed logins never lock a whole account (wangge.accounts.lockout).
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    # Someone other than its owner set the password (an administrator, an import): the owner changes it at the
    # next login (wangge.accounts.passwords).
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    is_demo = models.BooleanField(_("演示账号"), default=False)

    objects = StaffManager()  # type: ignore[misc]

    _password_replaced: str | None = None

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self) -> str:
        return self.display_name or self.username

    def get_scope(self, action: str = VIEW) -> Scope:
        from wangge.accounts.selectors import user_scope

        return user_scope(self, action)

    def set_password(self, raw_password: str | None) -> None:
        """Every way of setting a password (service, admin, ``changepassword``) stamps the time and keeps the
        hash it replaces until the save, when the history validator files it (wangge.accounts.passwords)."""
        if self._password_replaced is None:
            self._password_replaced = self.password
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def check_password(self, raw_password: str | None) -> bool:
        def rehash(raw: str | None) -> None:
            # A hash upgrade on login is not a password change: keep password_changed_at.
            AbstractUser.set_password(self, raw)
            self._password = None
            self.save(update_fields=["password"])

        return check_password_hash(raw_password, self.password, rehash)

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class PasswordHistory(models.Model):
    """A password hash an account used before: the last few may not be chosen again (等保 2.0 口令复杂度)."""

    user = models.ForeignKey(User, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(_("密码摘要"), max_length=128)
    replaced_at = models.DateTimeField(_("停用时间"), default=timezone.now)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.replaced_at:%Y-%m-%d %H:%M}"


class RoleGrant(models.Model):
    """A role held by a user, on a territory node (covers the subtree) and/or for a unit."""

    user = models.ForeignKey(User, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="grants")
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, db_index=True)
    territory = models.ForeignKey(
        "territory.Territory",
        verbose_name=_("授权辖区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grants",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("授权单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grants",
    )
    granted_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(territory__isnull=False) | models.Q(unit__isnull=False),
                name="grant_has_territory_or_unit",
            ),
            models.UniqueConstraint(fields=["user", "role", "territory", "unit"], name="grant_unique"),
        ]

    def __str__(self) -> str:
        where = self.territory or self.unit
        return f"{self.user} · {self.get_role_display()} @ {where}"
