"""网格队伍: the roles of 五长一员 on the territory tree and who holds them, grid workers' profiles and their ladder
level (阶梯晋级) with its history, 下沉 staff of departments and companies, special tasks (专项任务) and rewards,
penalties and awards."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.fields import ProtectedCharField
from wangge.core.models import TimeStampedModel
from wangge.core.scoping import ScopedModel
from wangge.territory.choices import TerritoryKind
from wangge.workforce.choices import LadderMove, RecordKind, Route, TaskKind, TaskStatus, WorkerKind

ROLE_LEVELS = [
    (TerritoryKind.COMMUNITY, TerritoryKind.COMMUNITY.label),
    (TerritoryKind.GRID, TerritoryKind.GRID.label),
    (TerritoryKind.BUILDING, TerritoryKind.BUILDING.label),
]


class WorkforceRole(TimeStampedModel):
    """A role of 五长一员 the district names (网格长, 楼栋长, 单元长, 党小组长, 物业长, 网格员 …), held on one level of
    the tree: a grid, or a building of a grid."""

    key = models.SlugField(_("角色键"), max_length=40, unique=True)
    name = models.CharField(_("角色名称"), max_length=40)
    level = models.CharField(_("所在层级"), max_length=16, choices=ROLE_LEVELS, default=TerritoryKind.GRID)
    is_grid_worker = models.BooleanField(_("网格员（一员）"), default=False)
    ordering = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("五长一员角色")
        verbose_name_plural = _("五长一员角色")
        ordering = ["ordering", "key"]

    def __str__(self) -> str:
        return self.name


class RoleAssignment(ScopedModel, TimeStampedModel):
    """Who holds a role of 五长一员 on a grid (or on a building of it): a staff account, or a resident volunteer
    named with a phone (a 楼栋长 has no account)."""

    scope_path_field: ClassVar[str | None] = "grid__path"
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("phone",)

    role = models.ForeignKey(
        WorkforceRole, verbose_name=_("角色"), on_delete=models.PROTECT, related_name="assignments"
    )
    grid = models.ForeignKey("territory.Territory", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey(
        "ledgers.Building", verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("工作人员账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="workforce_roles",
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = ProtectedCharField(_("联系电话"), blank=True, default="")
    phone_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    start_date = models.DateField(_("任职日期"))
    end_date = models.DateField(_("离任日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("五长一员任职")
        verbose_name_plural = _("五长一员任职")
        ordering = ["grid_id", "role__ordering", "building_id", "start_date", "id"]

    def __str__(self) -> str:
        return f"{self.role} {self.name}"


class WorkerProfile(ScopedModel, TimeStampedModel):
    """A grid worker: 专职 or 兼职, how recruited, since when, and the persistent ladder level (1 = the lowest)."""

    scope_path_field: ClassVar[str | None] = "grid__path"
    scope_owner_field: ClassVar[str | None] = "user_id"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("网格员"), on_delete=models.PROTECT, related_name="worker_profile"
    )
    grid = models.ForeignKey(
        "territory.Territory", verbose_name=_("责任网格"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("专兼职"), max_length=16, choices=WorkerKind.choices, default=WorkerKind.FULL_TIME)
    route = models.CharField(_("招录途径"), max_length=16, choices=Route.choices, blank=True)
    start_date = models.DateField(_("入职日期"), null=True, blank=True)
    ladder_level = models.PositiveSmallIntegerField(_("阶梯等级"), default=1)
    is_active = models.BooleanField(_("在岗"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("网格员档案")
        verbose_name_plural = _("网格员档案")
        ordering = ["grid__path", "user_id"]

    def __str__(self) -> str:
        return str(self.user)


class LadderChange(ScopedModel):
    """One settled month of a grid worker on the ladder: the level before and after, why, and the month's
    assessment (its id, score and grade, as the street settled it). One row per worker and month."""

    scope_path_field: ClassVar[str | None] = "profile__grid__path"
    scope_owner_field: ClassVar[str | None] = "worker_id"

    profile = models.ForeignKey(
        WorkerProfile, verbose_name=_("网格员档案"), on_delete=models.CASCADE, related_name="ladder_changes"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("网格员"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("考评月份"), help_text=_("该月第一天"), db_index=True)
    from_level = models.PositiveSmallIntegerField(_("原等级"))
    to_level = models.PositiveSmallIntegerField(_("新等级"))
    move = models.CharField(_("变动"), max_length=16, choices=LadderMove.choices)
    reason = models.CharField(_("原因"), max_length=200)
    assessment_id = models.PositiveIntegerField(_("考评编号"), null=True, blank=True)
    score = models.DecimalField(_("考评得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=16, blank=True)
    grade_label = models.CharField(_("等次名称"), max_length=20, blank=True)
    street_rank = models.PositiveIntegerField(_("街道排名"), null=True, blank=True)
    promoted = models.BooleanField(_("入选阶梯晋级"), default=False)
    settled_at = models.DateTimeField(_("评定时间"))
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("阶梯等级变动")
        verbose_name_plural = _("阶梯等级变动")
        ordering = ["-month", "worker_id"]
        constraints = [models.UniqueConstraint(fields=["worker", "month"], name="workforce_one_ladder_row_per_month")]

    def __str__(self) -> str:
        return f"{self.worker} {self.month:%Y-%m} {self.from_level}→{self.to_level}"


class SunkStaff(ScopedModel, TimeStampedModel):
    """下沉力量: a member of a department or public-service company assigned to a grid for a period."""

    scope_path_field: ClassVar[str | None] = "grid__path"
    scope_unit_field: ClassVar[str | None] = "unit_id"

    grid = models.ForeignKey(
        "territory.Territory", verbose_name=_("下沉网格"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("accounts.Unit", verbose_name=_("派出单位"), on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("人员账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sunk_assignments",
    )
    name = models.CharField(_("姓名"), max_length=50)
    duty = models.CharField(_("下沉职责"), max_length=100, blank=True)
    start_date = models.DateField(_("下沉开始"))
    end_date = models.DateField(_("下沉结束"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("下沉人员")
        verbose_name_plural = _("下沉人员")
        ordering = ["grid_id", "unit_id", "start_date", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit_id}）"


class SpecialTask(ScopedModel, TimeStampedModel):
    """专项任务 (救灾抢险, 创文创卫, 安全生产 …) given to a grid, or to one grid worker of it, with a deadline in
    working days, tracked through ``workforce.workflow`` to done."""

    scope_path_field: ClassVar[str | None] = "grid__path"
    scope_owner_field: ClassVar[str | None] = "assignee_id"

    kind = models.CharField(_("专项类别"), max_length=16, choices=TaskKind.choices)
    title = models.CharField(_("任务名称"), max_length=200)
    description = models.TextField(_("任务要求"), blank=True)
    grid = models.ForeignKey("territory.Territory", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办网格员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空：交办给网格，由该网格的网格员、网格长承办"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.ASSIGNED, db_index=True
    )
    deadline_days = models.PositiveSmallIntegerField(_("时限（工作日）"))
    deadline = models.DateField(_("办结期限"), db_index=True)
    assigned_at = models.DateTimeField(_("交办时间"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("交办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    reported_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    result = models.TextField(_("完成情况"), blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("专项任务")
        verbose_name_plural = _("专项任务")
        ordering = ["-assigned_at", "-id"]
        indexes = [models.Index(fields=["status", "deadline"], name="workforce_task_status_deadline")]

    def __str__(self) -> str:
        return self.title


class SpecialTaskEvent(models.Model):
    """The task's history: each step, by whom, when, with its note."""

    task = models.ForeignKey(SpecialTask, verbose_name=_("专项任务"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人名称"), max_length=150, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("专项任务记录")
        verbose_name_plural = _("专项任务记录")
        ordering = ["task_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.action}"


class WorkerRecord(ScopedModel, TimeStampedModel):
    """A reward (奖励), penalty (处罚) or award (表彰, e.g. 优秀网格员) of a grid worker: when, what, the amount in
    yuan or the points, why, and who recorded it. The ladder's promotions write their 优秀网格员 award here."""

    scope_path_field: ClassVar[str | None] = "grid__path"
    scope_owner_field: ClassVar[str | None] = "worker_id"

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("网格员"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey("territory.Territory", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("日期"), db_index=True)
    kind = models.CharField(_("类别"), max_length=16, choices=RecordKind.choices)
    title = models.CharField(_("名目"), max_length=60)
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2, default=0)
    points = models.IntegerField(_("积分"), default=0)
    reason = models.CharField(_("事由"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ladder_change = models.OneToOneField(
        LadderChange,
        verbose_name=_("阶梯晋级"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="award",
    )
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("奖惩与表彰")
        verbose_name_plural = _("奖惩与表彰")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.worker} {self.title} {self.date:%Y-%m-%d}"
