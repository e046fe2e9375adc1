"""Vocabularies of the 重点人员管控化解台账."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyPersonStatus(models.TextChoices):
    ACTIVE = "active", _("在管")
    RELEASED = "released", _("已解除")


class AttentionLevel(models.TextChoices):
    NORMAL = "normal", _("一般关注")
    CLOSE = "close", _("重点关注")
    HIGH = "high", _("高度关注")


class VisitMethod(models.TextChoices):
    HOME = "home", _("入户走访")
    PHONE = "phone", _("电话联系")
    VIDEO = "video", _("视频联系")
    OTHER = "other", _("其他")


class AccessAction(models.TextChoices):
    LIST = "list", _("查看列表")
    DETAIL = "detail", _("查看详情")
    EXPORT = "export", _("导出")
    REVEAL = "reveal", _("查看完整号码")
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    VISIT = "visit", _("登记走访")
    RELEASE = "release", _("解除管控")


# (key, name, required visit interval in days), seeded into the editable dictionary.
DEFAULT_CATEGORIES: tuple[tuple[str, str, int], ...] = (
    ("community_correction", "社区矫正对象", 30),
    ("released_prisoner", "刑满释放人员", 30),
    ("drug_user", "吸毒人员", 30),
    ("mental_disorder", "严重精神障碍患者", 30),
    ("petitioner", "重点信访人员", 15),
)
