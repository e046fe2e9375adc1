from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    WORKDAY = "workday", _("调休上班日")
    # A manual override that cancels a published or rule-based exception: the date follows the ordinary week.
    ORDINARY = "ordinary", _("按常规（取消例外）")


class DaySource(models.TextChoices):
    OFFICIAL = "official", _("国务院办公厅通知")
    RULE = "rule", _("按规则推算（待官方公布）")
    MANUAL = "manual", _("人工维护")
