from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CogovernanceConfig(AppConfig):
    name = "wangge.cogovernance"
    label = "cogovernance"
    verbose_name = _("共商共治")
