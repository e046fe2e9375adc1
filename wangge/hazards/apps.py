from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "wangge.hazards"
    label = "hazards"
    verbose_name = _("治安隐患排查整治台账")
