"""志愿服务与岗位: the volunteer register (from the residents' ledger or registered directly) with their roles,
teams on the territory, activities and the service hours of each participant, the problems volunteers report
through the one intake service, and the posts (护学岗 at school gates, traffic posts) with their rosters and the
on-post check-ins made from the phone."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.core.fields import ProtectedCharField
from wangge.core.models import TimeStampedModel
from wangge.core.scoping import ScopedModel
from wangge.volunteers.choices import HoursStatus, PostKind, VolunteerStatus


class VolunteerRole(models.Model):
    """A role a volunteer takes (文明宣传员, 社情民意调查员, …): an editable table the district names."""

    key = models.SlugField(_("角色键"), max_length=40, unique=True)
    name = models.CharField(_("角色名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    ordering = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("志愿者角色")
        verbose_name_plural = _("志愿者角色")
        ordering = ["ordering", "key"]

    def __str__(self) -> str:
        return self.name


class Volunteer(ScopedModel, TimeStampedModel):
    """A volunteer: a resident of the ledger, or a person registered directly with a name and a mobile number.
    The number (encrypted, with its blind index) is how the volunteer is recognised on the citizen pages."""

    scope_path_field: ClassVar[str | None] = "territory__path"
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("phone",)

    name = models.CharField(_("姓名"), max_length=50)
    phone = ProtectedCharField(_("手机号"), blank=True, default="")
    phone_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    resident = models.ForeignKey(
        "ledgers.Resident",
        verbose_name=_("对应居民"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    territory = models.ForeignKey(
        "territory.Territory",
        verbose_name=_("所属辖区"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("居民的所在网格，或登记的社区、网格"),
    )
    roles = models.ManyToManyField(VolunteerRole, verbose_name=_("角色"), blank=True, related_name="volunteers")
    status = models.CharField(
        _("状态"), max_length=16, choices=VolunteerStatus.choices, default=VolunteerStatus.ACTIVE, db_index=True
    )
    joined_on = models.DateField(_("登记日期"))
    left_on = models.DateField(_("退出日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        ordering = ["territory_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"], condition=Q(resident__isnull=False), name="volunteers_one_per_resident"
            ),
            models.UniqueConstraint(
                fields=["phone_index"], condition=~Q(phone_index=""), name="volunteers_one_per_phone"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Team(ScopedModel, TimeStampedModel):
    """A team (志愿服务队) on a territory node, with its members and a leader among them."""

    scope_path_field: ClassVar[str | None] = "territory__path"

    name = models.CharField(_("队伍名称"), max_length=100)
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("所在辖区"), on_delete=models.PROTECT, related_name="+"
    )
    leader = models.ForeignKey(
        Volunteer,
        verbose_name=_("队长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )
    members = models.ManyToManyField(Volunteer, verbose_name=_("队员"), blank=True, related_name="teams")
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("志愿服务队")
        verbose_name_plural = _("志愿服务队")
        ordering = ["territory__path", "name"]

    def __str__(self) -> str:
        return self.name


class Activity(ScopedModel, TimeStampedModel):
    """An activity (志愿服务活动) of a team: when, where, what, and its participants with their hours."""

    scope_path_field: ClassVar[str | None] = "territory__path"

    title = models.CharField(_("活动名称"), max_length=120)
    team = models.ForeignKey(Team, verbose_name=_("组织队伍"), on_delete=models.PROTECT, related_name="activities")
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("所在辖区"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.ForeignKey(
        VolunteerRole,
        verbose_name=_("服务类别"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    date = models.DateField(_("活动日期"), db_index=True)
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    place = models.CharField(_("活动地点"), max_length=200)
    description = models.TextField(_("活动内容"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("志愿服务活动")
        verbose_name_plural = _("志愿服务活动")
        ordering = ["-date", "-start_time", "id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.date:%Y-%m-%d}）"


class ServiceHours(ScopedModel, TimeStampedModel):
    """One participant of an activity and their service hours: recorded, then confirmed (or not) by the team's
    leader or by staff managing the activity's territory. Only confirmed hours count in the totals."""

    scope_path_field: ClassVar[str | None] = "activity__territory__path"

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="hours")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="service_hours"
    )
    hours = models.DecimalField(
        _("服务时长（小时）"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.1"))]
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=HoursStatus.choices, default=HoursStatus.PENDING, db_index=True
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by_name = models.CharField(_("确认人"), max_length=150, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("服务时长")
        verbose_name_plural = _("服务时长")
        ordering = ["activity_id", "volunteer_id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer"], name="volunteers_one_hours_per_activity")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.activity_id} {self.hours}"


class VolunteerReport(ScopedModel):
    """A problem a volunteer reported on the citizen pages: the work order (filed through the one intake service
    with the volunteer as reporter), the volunteer and the role they reported in."""

    scope_path_field: ClassVar[str | None] = "work_order__scope_path"

    volunteer = models.ForeignKey(Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="reports")
    work_order = models.OneToOneField(
        "workorders.WorkOrder", verbose_name=_("工单"), on_delete=models.CASCADE, related_name="volunteer_report"
    )
    role = models.ForeignKey(
        VolunteerRole, verbose_name=_("反映身份"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("反映时间"), db_index=True)

    class Meta:
        verbose_name = _("志愿者反映")
        verbose_name_plural = _("志愿者反映")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.work_order_id}"


class Post(ScopedModel, TimeStampedModel):
    """A post (岗位) volunteers stand at: a 护学岗 at a school gate (on a registry point of a school when there is
    one), a traffic post. Its position is where check-ins are measured from."""

    scope_path_field: ClassVar[str | None] = "territory__path"

    code = models.CharField(_("岗位编码"), max_length=40, unique=True)
    name = models.CharField(_("岗位名称"), max_length=120)
    kind = models.CharField(_("岗位类型"), max_length=16, choices=PostKind.choices, default=PostKind.SCHOOL)
    point = models.ForeignKey(
        "places.Point",
        verbose_name=_("对应点位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("选填：学校等责任点位"),
    )
    lng = models.FloatField(_("经度(WGS-84)"))
    lat = models.FloatField(_("纬度(WGS-84)"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    territory = models.ForeignKey(
        "territory.Territory",
        verbose_name=_("所在辖区"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("由坐标自动定位的网格"),
    )
    team = models.ForeignKey(
        Team, verbose_name=_("负责队伍"), null=True, blank=True, on_delete=models.SET_NULL, related_name="posts"
    )
    usual_hours = models.CharField(
        _("上岗时段"), max_length=100, blank=True, help_text=_("如 07:20—08:00、16:30—17:30")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class RosterSlot(ScopedModel, TimeStampedModel):
    """Who stands at a post when (排班): a date and a time window, one volunteer."""

    scope_path_field: ClassVar[str | None] = "post__territory__path"

    post = models.ForeignKey(Post, verbose_name=_("岗位"), on_delete=models.CASCADE, related_name="slots")
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="slots")
    date = models.DateField(_("日期"), db_index=True)
    start_time = models.TimeField(_("上岗时间"))
    end_time = models.TimeField(_("下岗时间"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("排班")
        verbose_name_plural = _("排班")
        ordering = ["date", "start_time", "post_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "volunteer", "date", "start_time"], name="volunteers_one_slot_per_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.post_id} {self.date:%Y-%m-%d} {self.start_time:%H:%M}"


class CheckIn(ScopedModel):
    """An on-post check-in (到岗签到) from the phone: when and where, measured against the slot and the post.
    Late, far from the post and without a position are flags, never refusals."""

    scope_path_field: ClassVar[str | None] = "post__territory__path"

    slot = models.OneToOneField(RosterSlot, verbose_name=_("排班"), on_delete=models.CASCADE, related_name="check_in")
    post = models.ForeignKey(Post, verbose_name=_("岗位"), on_delete=models.CASCADE, related_name="check_ins")
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="check_ins"
    )
    at = models.DateTimeField(_("签到时间"), db_index=True)
    lng = models.FloatField(_("签到位置经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("签到位置纬度(WGS-84)"), null=True, blank=True)
    accuracy_m = models.FloatField(_("定位精度(米)"), null=True, blank=True)
    distance_m = models.FloatField(_("距岗位(米)"), null=True, blank=True)
    is_late = models.BooleanField(_("迟到"), default=False)
    late_minutes = models.PositiveIntegerField(_("迟到分钟"), default=0)
    far_from_post = models.BooleanField(_("位置偏离"), default=False)
    no_position = models.BooleanField(_("未定位"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代签人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by_name = models.CharField(_("签到人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("到岗签到")
        verbose_name_plural = _("到岗签到")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.post_id} {self.volunteer_id} {self.at:%Y-%m-%d %H:%M}"
