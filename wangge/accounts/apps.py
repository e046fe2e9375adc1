from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "wangge.accounts"
    label = "accounts"
    verbose_name = _("组织与人员")

    def ready(self) -> None:
        from wangge.accounts import security  # noqa: F401  (connects the audit receivers)
