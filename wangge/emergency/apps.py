from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergencyConfig(AppConfig):
    name = "wangge.emergency"
    label = "emergency"
    verbose_name = _("预警与应急响应")
