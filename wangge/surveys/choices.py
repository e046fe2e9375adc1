"""Field kinds and targets of 一表 form templates."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldKind(models.TextChoices):
    TEXT = "text", _("文本")
    NUMBER = "number", _("数字")
    CHOICE = "choice", _("单选")
    MULTI_CHOICE = "multi_choice", _("多选")
    DATE = "date", _("日期")
    PHOTO = "photo", _("照片")
    LOCATION = "location", _("位置")
    RESIDENT = "resident", _("选择居民")
    BUILDING = "building", _("选择楼栋")
    MERCHANT = "merchant", _("选择商户")


class FormTarget(models.TextChoices):
    """What one filled form is about; a household form counts toward 入户排查 coverage."""

    NONE = "none", _("不关联")
    HOUSEHOLD = "household", _("户")
    BUILDING = "building", _("楼栋")
    MERCHANT = "merchant", _("商户/单位")
    RESIDENT = "resident", _("居民")
