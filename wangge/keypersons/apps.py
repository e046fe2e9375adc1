from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeyPersonsConfig(AppConfig):
    name = "wangge.keypersons"
    label = "keypersons"
    verbose_name = _("重点人员管控化解台账")
