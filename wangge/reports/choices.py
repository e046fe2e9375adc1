"""Choices of supervision and assessment. Templates, exports and the API read labels from here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScopeKind(models.TextChoices):
    """What a bulletin covers: a territory subtree (区、街道) or the cases dispatched to one unit."""

    TERRITORY = "territory", _("辖区")
    UNIT = "unit", _("承办单位")


class BulletinPeriod(models.TextChoices):
    """How long a bulletin covers: one day (日通报, from the daily schedule) or one ISO week, Monday to Sunday
    (周通报, every Monday for the week before)."""

    DAY = "day", _("日通报")
    WEEK = "week", _("周通报")


class Trend(models.TextChoices):
    RISING = "rising", _("上升")
    STEADY = "steady", _("持平")
    FALLING = "falling", _("下降")


class AssessmentStatus(models.TextChoices):
    """一考评: drafted from the records, scored by the community, confirmed by the street."""

    DRAFT = "draft", _("待评分")
    SCORED = "scored", _("待街道确认")
    CONFIRMED = "confirmed", _("已确认")


class AssessmentGrade(models.TextChoices):
    REWARD = "reward", _("积分定优")
    QUALIFIED = "qualified", _("合格")
    UNQUALIFIED = "unqualified", _("不合格")


GRADE_COLOURS: dict[str, str] = {
    AssessmentGrade.REWARD: "green",
    AssessmentGrade.QUALIFIED: "grey",
    AssessmentGrade.UNQUALIFIED: "red",
}
