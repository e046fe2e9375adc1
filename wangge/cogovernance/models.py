"""共商共治: the meetings of 有事共商 (民情恳谈会, 议事协商会, 民主评议会, 民主听证会, and the 联席会议 of
红色物业) with their agenda, participants, resolutions and follow-up tasks tracked to done; 红色物业 per 小区
(the property company, the owners' committee, 述职评议 scores, the 亮牌 staff and the residents' ratings of
them); and 分包: the leaders and units answering for communities, road sections and intersections."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.cogovernance.choices import AssignmentKind, MeetingKind, Reviewer, TaskStatus
from wangge.core.models import TimeStampedModel
from wangge.core.scoping import ScopedModel


class Meeting(ScopedModel, TimeStampedModel):
    """One meeting held in a community or grid (a 联席会议 also names its 小区)."""

    scope_path_field: ClassVar[str | None] = "territory__path"

    kind = models.CharField(_("会议类型"), max_length=16, choices=MeetingKind.choices, db_index=True)
    title = models.CharField(_("议题"), max_length=150)
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("所在社区/网格"), on_delete=models.PROTECT, related_name="+"
    )
    estate = models.ForeignKey(
        "ledgers.Estate", verbose_name=_("小区"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("会议日期"), db_index=True)
    location = models.CharField(_("地点"), max_length=120, blank=True)
    agenda = models.TextField(_("议程"), blank=True)
    participants = models.TextField(_("参会人员"), blank=True, help_text=_("每行一人或一方"))
    attendance = models.PositiveIntegerField(_("参会人数"), default=0)
    summary = models.TextField(_("会议纪要"), blank=True)
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("召集人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("共商会议")
        verbose_name_plural = _("共商会议")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def participant_list(self) -> list[str]:
        return [line.strip() for line in self.participants.splitlines() if line.strip()]


class Resolution(models.Model):
    """A resolution (决议) of a meeting, numbered within it."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="resolutions")
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("决议内容"))

    class Meta:
        verbose_name = _("会议决议")
        verbose_name_plural = _("会议决议")
        ordering = ["meeting_id", "number"]
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="cogov_one_resolution_number")]

    def __str__(self) -> str:
        return f"{self.meeting_id}-{self.number}"


class FollowUpTask(ScopedModel, TimeStampedModel):
    """A follow-up task of a meeting (落实事项): who carries it, by which working day, until done. Its status
    changes only through ``cogovernance.services.task_transition``."""

    scope_path_field: ClassVar[str | None] = "meeting__territory__path"
    scope_owner_field: ClassVar[str | None] = "owner_id"

    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="tasks")
    resolution = models.ForeignKey(
        Resolution, verbose_name=_("所属决议"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    title = models.CharField(_("落实事项"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("责任人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_name = models.CharField(_("责任人/责任方"), max_length=100)
    deadline = models.DateField(_("办结时限"), db_index=True)
    deadline_days = models.PositiveSmallIntegerField(_("时限（工作日）"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN, db_index=True
    )
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    result = models.TextField(_("落实情况"), blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("落实事项")
        verbose_name_plural = _("落实事项")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.title


class TaskEvent(models.Model):
    """A task's history: each step, by whom, when, with its note."""

    task = models.ForeignKey(FollowUpTask, verbose_name=_("落实事项"), on_delete=models.CASCADE, related_name="events")
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
        verbose_name = _("落实记录")
        verbose_name_plural = _("落实记录")
        ordering = ["task_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.action}"


class RedProperty(ScopedModel, TimeStampedModel):
    """红色物业 of a 小区: 居委会、业委会、物业 三方联动. ``public_token`` opens the public 亮牌 page (its QR code)."""

    scope_path_field: ClassVar[str | None] = "estate__community__path"

    estate = models.OneToOneField(
        "ledgers.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="red_property"
    )
    company = models.CharField(_("物业服务企业"), max_length=120)
    company_branch = models.CharField(_("物业企业党组织"), max_length=120, blank=True)
    manager_name = models.CharField(_("项目经理"), max_length=50, blank=True)
    owners_committee = models.CharField(_("业主委员会"), max_length=120, blank=True)
    committee_chair = models.CharField(_("业委会主任"), max_length=50, blank=True)
    public_token = models.SlugField(_("公开评价码"), max_length=32, unique=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("红色物业")
        verbose_name_plural = _("红色物业")
        ordering = ["estate__code"]

    def __str__(self) -> str:
        return f"{self.estate_id} {self.company}"


class BadgeStaff(models.Model):
    """A property staff member serving under 亮牌 (name, post and badge number shown to residents)."""

    property = models.ForeignKey(
        RedProperty, verbose_name=_("红色物业"), on_delete=models.CASCADE, related_name="staff"
    )
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("岗位"), max_length=50)
    badge_no = models.CharField(_("亮牌编号"), max_length=20)
    is_party_member = models.BooleanField(_("党员"), default=False)
    is_active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("亮牌服务人员")
        verbose_name_plural = _("亮牌服务人员")
        ordering = ["property_id", "badge_no"]
        constraints = [models.UniqueConstraint(fields=["property", "badge_no"], name="cogov_one_badge_no")]

    def __str__(self) -> str:
        return f"{self.badge_no} {self.name}"


class PropertyReview(ScopedModel, TimeStampedModel):
    """述职评议: the property company reports for a period and one party scores it (0–100)."""

    scope_path_field: ClassVar[str | None] = "property__estate__community__path"

    property = models.ForeignKey(
        RedProperty, verbose_name=_("红色物业"), on_delete=models.CASCADE, related_name="reviews"
    )
    period = models.CharField(_("评议期"), max_length=40)
    held_on = models.DateField(_("评议日期"))
    reviewer = models.CharField(_("评议方"), max_length=16, choices=Reviewer.choices)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)
    note = models.CharField(_("评议意见"), max_length=300, blank=True)
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("评议会议"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("述职评议")
        verbose_name_plural = _("述职评议")
        ordering = ["-held_on", "reviewer"]
        constraints = [
            models.UniqueConstraint(fields=["property", "period", "reviewer"], name="cogov_one_review_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.property_id} {self.period} {self.reviewer}"


class ServiceRating(ScopedModel):
    """A resident's 亮牌 rating (1–5 stars) of a 红色物业, or of one of its staff, left on the public page."""

    scope_path_field: ClassVar[str | None] = "property__estate__community__path"

    property = models.ForeignKey(
        RedProperty, verbose_name=_("红色物业"), on_delete=models.CASCADE, related_name="ratings"
    )
    staff = models.ForeignKey(
        BadgeStaff, verbose_name=_("服务人员"), null=True, blank=True, on_delete=models.SET_NULL, related_name="ratings"
    )
    stars = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("意见建议"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("评价时间"), db_index=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("亮牌服务评价")
        verbose_name_plural = _("亮牌服务评价")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(stars__gte=1, stars__lte=5), name="cogov_stars_1_to_5")
        ]

    def __str__(self) -> str:
        return f"{self.property_id} {self.stars}"


class Assignment(ScopedModel, TimeStampedModel):
    """分包: a leader (四大班子) or a unit answers for a community, a road section or an intersection. A road
    section or intersection is a registry point (places.Point) — a section may also carry its line (GeoJSON
    LineString, WGS-84). ``territory`` is the community, or the node of the point."""

    scope_path_field: ClassVar[str | None] = "territory__path"
    scope_unit_field: ClassVar[str | None] = "unit_id"

    kind = models.CharField(_("分包类型"), max_length=16, choices=AssignmentKind.choices, db_index=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分包领导账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    leader_name = models.CharField(_("分包领导"), max_length=50, blank=True)
    leader_title = models.CharField(_("职务"), max_length=60, blank=True)
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("分包单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit_name = models.CharField(
        _("分包单位名称"), max_length=100, blank=True, help_text=_("未在平台建账的单位，如辖区文明单位")
    )
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("所在辖区节点"), on_delete=models.PROTECT, related_name="+"
    )
    point = models.ForeignKey(
        "places.Point",
        verbose_name=_("路段/路口点位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    line = models.JSONField(_("路段走向(GeoJSON, WGS-84)"), null=True, blank=True)
    duty = models.CharField(_("分包职责"), max_length=200, blank=True)
    since = models.DateField(_("起始日期"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("分包责任")
        verbose_name_plural = _("分包责任")
        ordering = ["kind", "territory__path", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.leader_name or self.unit_id}"

    @property
    def responsible(self) -> str:
        unit = self.unit.name if self.unit_id and self.unit else self.unit_name
        names = [n for n in (self.leader_name, unit) if n]
        return " · ".join(names)
