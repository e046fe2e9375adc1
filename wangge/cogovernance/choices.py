"""Choices of 共商共治: the meetings of 有事共商, their follow-up tasks, 红色物业 and 分包."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    CONSULTATION = "consultation", _("民情恳谈会")
    DELIBERATION = "deliberation", _("议事协商会")
    APPRAISAL = "appraisal", _("民主评议会")
    HEARING = "hearing", _("民主听证会")
    JOINT = "joint", _("红色物业联席会议")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("落实中")
    DONE = "done", _("已办结")
    CANCELLED = "cancelled", _("已撤销")


OPEN_TASK_STATUSES: frozenset[str] = frozenset({TaskStatus.OPEN})


class Reviewer(models.TextChoices):
    """Who scores a property company's 述职 (述职评议)."""

    COMMITTEE = "committee", _("居委会")
    OWNERS = "owners", _("业委会")
    RESIDENTS = "residents", _("居民代表")


class AssignmentKind(models.TextChoices):
    """分包: a leader or unit answers for a community, a road section or an intersection."""

    COMMUNITY = "community", _("分包社区")
    ROAD = "road", _("分包路段")
    INTERSECTION = "intersection", _("分包路口")


# The point types (places.PointType) a road section and an intersection are registered as.
POINT_TYPE_OF: dict[str, tuple[str, str]] = {
    AssignmentKind.ROAD: ("road", "道路"),
    AssignmentKind.INTERSECTION: ("intersection", "交通路口"),
}
ASSIGNMENT_COLOURS: dict[str, str] = {
    AssignmentKind.COMMUNITY: "#1864ab",
    AssignmentKind.ROAD: "#5f3dc4",
    AssignmentKind.INTERSECTION: "#0b7285",
}

STARS = [(i, str(i)) for i in range(1, 6)]
