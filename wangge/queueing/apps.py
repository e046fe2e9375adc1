from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueueingConfig(AppConfig):
    name = "wangge.queueing"
    label = "queueing"
    verbose_name = _("预约与叫号")
