from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "wangge.meetings"
    label = "meetings"
    verbose_name = _("调度会与交办")
