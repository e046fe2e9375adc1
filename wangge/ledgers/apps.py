from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgersConfig(AppConfig):
    name = "wangge.ledgers"
    label = "ledgers"
    verbose_name = _("基础台账")

    def ready(self) -> None:
        """Seed the dictionary again after every migrate and flush (``core.seeding``)."""
        from wangge.core.seeding import reseed_after_migrate

        reseed_after_migrate(self, "0002_seed_tags")
