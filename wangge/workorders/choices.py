"""Choices of the work-order closed loop. Templates, filters and the API read labels and colours from here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("热线电话")
    WEB = "web", _("网站")
    H5 = "h5", _("移动端H5")
    QR = "qr", _("扫码")
    PATROL = "patrol", _("网格员巡查")
    INSPECTION = "inspection", _("检查发现")
    ENTERPRISE = "enterprise", _("助企包联")
    API = "api", _("接口")
    RATING = "rating", _("差评整改")


class AppealType(models.TextChoices):
    CONSULT = "consult", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")


class HandlingClass(models.TextChoices):
    """社区服务分类备案台账: requests classed by the handling unit."""

    A = "A", _("A类：社区（村）自办")
    B = "B", _("B类：街道（乡镇）协调办理")
    C = "C", _("C类：区直部门、公共服务企业办理")
    D = "D", _("D类：上级或多部门联合办理")


class ResolutionMode(models.TextChoices):
    ON_SITE = "on_site", _("现场解决")
    DEADLINE = "deadline", _("限期解决")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")


class Status(models.TextChoices):
    REGISTERED = "registered", _("待派遣")
    RETURNED = "returned", _("已退回")
    DISPATCHED = "dispatched", _("待签收")
    HANDLING = "handling", _("办理中")
    SUSPENDED = "suspended", _("已挂起")
    REPLIED = "replied", _("待核查")
    CALLBACK = "callback", _("待回访")
    TO_CLOSE = "to_close", _("待结案")
    CLOSED = "closed", _("已结案")
    MERGED = "merged", _("已合并")
    INVALID = "invalid", _("无效")


OPEN_STATUSES = frozenset(
    {
        Status.REGISTERED,
        Status.RETURNED,
        Status.DISPATCHED,
        Status.HANDLING,
        Status.SUSPENDED,
        Status.REPLIED,
        Status.CALLBACK,
        Status.TO_CLOSE,
    }
)
FINAL_STATUSES = frozenset({Status.CLOSED, Status.MERGED, Status.INVALID})


class Step(models.TextChoices):
    """The clocked steps; each has its own deadline per category."""

    DISPATCH = "dispatch", _("派遣")
    ACCEPT = "accept", _("签收")
    HANDLE = "handle", _("处置")
    VERIFY = "verify", _("核查")
    CALLBACK = "callback", _("回访")


STATUS_STEP: dict[str, str | None] = {
    Status.REGISTERED: Step.DISPATCH,
    Status.RETURNED: Step.DISPATCH,
    Status.DISPATCHED: Step.ACCEPT,
    Status.HANDLING: Step.HANDLE,
    Status.SUSPENDED: Step.HANDLE,
    Status.REPLIED: Step.VERIFY,
    Status.CALLBACK: Step.CALLBACK,
    Status.TO_CLOSE: None,
    Status.CLOSED: None,
    Status.MERGED: None,
    Status.INVALID: None,
}


class DurationUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", _("工作时")
    WORKING_DAYS = "working_days", _("工作日")
    NATURAL_DAYS = "natural_days", _("自然日")
    CLOCK_HOURS = "clock_hours", _("小时（紧急，按钟点）")


class Rating(models.IntegerChoices):
    """好差评 five levels; 1 and 2 are 差评."""

    VERY_SATISFIED = 5, _("非常满意")
    SATISFIED = 4, _("满意")
    BASICALLY_SATISFIED = 3, _("基本满意")
    DISSATISFIED = 2, _("不满意")
    VERY_DISSATISFIED = 1, _("非常不满意")


BAD_RATINGS = frozenset({Rating.DISSATISFIED, Rating.VERY_DISSATISFIED})


class ReplyResult(models.TextChoices):
    RESOLVED = "resolved", _("已解决")
    EXPLAINED = "explained", _("已解释说明")


class SupervisionLevel(models.TextChoices):
    NONE = "", _("无")
    YELLOW = "yellow", _("黄牌督办")
    RED = "red", _("红牌督办")


class Relation(models.TextChoices):
    MERGED = "merged", _("合并")
    RECTIFICATION = "rectification", _("差评整改")


class ClockState(models.TextChoices):
    NORMAL = "normal", _("正常")
    APPROACHING = "approaching", _("临期")
    OVERDUE = "overdue", _("环节超时")  # the step clock ran out; 超期 is the handling deadline (headlines)


CLOCK_COLOURS = {ClockState.NORMAL: "green", ClockState.APPROACHING: "orange", ClockState.OVERDUE: "red"}


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    BEFORE = "before", _("处置前照片")
    AFTER = "after", _("处置后照片")
    FILE = "file", _("文件")


class CategoryKind(models.TextChoices):
    EVENT = "event", _("事件（数字城管）")
    COMPONENT = "component", _("部件（数字城管）")
    SUBJECT = "subject", _("12345 诉求事项")
