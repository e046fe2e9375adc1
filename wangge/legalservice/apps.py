from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalServiceConfig(AppConfig):
    name = "wangge.legalservice"
    label = "legalservice"
    verbose_name = _("公共法律服务")
