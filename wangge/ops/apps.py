from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations above the domain apps: the periodic schedule that drives their tasks, and the reclaiming of
    tasks a dead worker left running; its one model is the run key of a periodic job (``ops.models``)."""

    name = "wangge.ops"
    label = "ops"
    verbose_name = _("周期任务")

    def ready(self) -> None:
        from django.core import checks

        checks.register(audit_retention_check)


def audit_retention_check(app_configs: Any, **kwargs: Any) -> list[Any]:
    """网络安全法 第二十一条: network logs are kept no less than six months; the audit archive never goes further."""
    from django.conf import settings
    from django.core.checks import Error

    from wangge.ops.backup import DEFAULT_AUDIT_RETENTION_DAYS, MIN_AUDIT_RETENTION_DAYS

    days = getattr(settings, "WANGGE_AUDIT_RETENTION_DAYS", DEFAULT_AUDIT_RETENTION_DAYS)
    if not isinstance(days, int) or days < MIN_AUDIT_RETENTION_DAYS:
        return [
            Error(
                f"WANGGE_AUDIT_RETENTION_DAYS is {days!r}; audit and security logs must be kept at least "
                f"{MIN_AUDIT_RETENTION_DAYS} days (网络安全法 第二十一条: no less than six months).",
                id="ops.E001",
            )
        ]
    return []
