from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkOrdersConfig(AppConfig):
    name = "wangge.workorders"
    label = "workorders"
    verbose_name = _("工单")

    def ready(self) -> None:
        from wangge.territory import hooks
        from wangge.workorders.services import resync_scope_paths

        hooks.on_paths_changed(resync_scope_paths)

        from django.core import checks

        from wangge.workorders.escalation import escalation_policy_check

        checks.register(escalation_policy_check)  # a malformed WANGGE_ESCALATION_STEPS stops the start-up
