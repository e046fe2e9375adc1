from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "wangge.surveys"
    label = "surveys"
    verbose_name = _("一表（网格排查登记表）")
