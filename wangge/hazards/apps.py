from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _count_open(node: Any) -> int:
    from wangge.hazards.selectors import counts_for

    return int(counts_for(node)["open"])


def _count_overdue(node: Any) -> int:
    from wangge.hazards.selectors import counts_for

    return int(counts_for(node)["overdue"])


class HazardsConfig(AppConfig):
    name = "wangge.hazards"
    label = "hazards"
    verbose_name = _("治安隐患排查整治台账")

    def ready(self) -> None:
        """Declare the ``hazards`` ledger kind (import/export) and the summary counters ``hazards_open`` and
        ``hazards_overdue`` (open or awaiting the check, and past the deadline) to the base ledger's registry."""
        from wangge.core.seeding import reseed_after_migrate
        from wangge.hazards.exporting import hazard_kind
        from wangge.ledgers.kinds import register_counter, register_kind

        register_kind(hazard_kind())
        register_counter("hazards_open", _count_open)
        register_counter("hazards_overdue", _count_overdue)
        reseed_after_migrate(self, "0003_seed_types")
