"""Choices of the grid workforce (网格队伍). Templates, filters and the API read the labels here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerKind(models.TextChoices):
    FULL_TIME = "full_time", _("专职")
    PART_TIME = "part_time", _("兼职")


class Route(models.TextChoices):
    """How a grid worker was recruited (seed 004: 公开招录事业编、街道下派、单位抽调、志愿者招募)."""

    CIVIL_SERVICE = "civil_service", _("事业编招录")
    STREET = "street", _("街道下派")
    SECONDED = "seconded", _("单位抽调")
    VOLUNTEER = "volunteer", _("志愿者招募")


class TaskKind(models.TextChoices):
    """专项任务 given to grids or grid workers besides their daily round."""

    DISASTER = "disaster", _("救灾抢险")
    CIVILITY = "civility", _("创文创卫")
    SAFETY = "safety", _("安全生产")
    FLOOD = "flood", _("防汛备汛")
    OTHER = "other", _("其他专项")


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("已交办")
    ACCEPTED = "accepted", _("已接收")
    REPORTED = "reported", _("已反馈")
    DONE = "done", _("已办结")
    CANCELLED = "cancelled", _("已撤销")


OPEN_TASK_STATUSES: frozenset[str] = frozenset({TaskStatus.ASSIGNED, TaskStatus.ACCEPTED, TaskStatus.REPORTED})

TASK_COLOURS: dict[str, str] = {
    TaskStatus.ASSIGNED: "orange",
    TaskStatus.ACCEPTED: "blue",
    TaskStatus.REPORTED: "purple",
    TaskStatus.DONE: "green",
    TaskStatus.CANCELLED: "grey",
}


class LadderMove(models.TextChoices):
    PROMOTED = "promoted", _("晋级")
    DEMOTED = "demoted", _("降级")
    KEPT = "kept", _("保持")


class RecordKind(models.TextChoices):
    """A reward (奖励, with an amount or points), a penalty (处罚) or an award (表彰: 优秀网格员 …)."""

    REWARD = "reward", _("奖励")
    PENALTY = "penalty", _("处罚")
    AWARD = "award", _("表彰")


RECORD_COLOURS: dict[str, str] = {
    RecordKind.REWARD: "green",
    RecordKind.PENALTY: "red",
    RecordKind.AWARD: "orange",
}
