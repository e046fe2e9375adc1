from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntelConfig(AppConfig):
    name = "wangge.intel"
    label = "intel"
    verbose_name = _("智能辅助")

    def ready(self) -> None:
        from wangge.intel import feedback

        feedback.connect()  # record what intake and dispatch suggested and what was chosen
