from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations above the domain apps: the periodic schedule that drives their tasks, and the reclaiming of
    tasks a dead worker left running; its one model is the run key of a periodic job (``ops.models``)."""

    name = "wangge.ops"
    label = "ops"
    verbose_name = _("周期任务")
