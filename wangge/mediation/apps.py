from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "wangge.mediation"
    label = "mediation"
    verbose_name = _("矛盾纠纷调解")

    def ready(self) -> None:
        """Seed the editable dispute types again after each migrate (a new default type appears)."""
        from wangge.core.seeding import reseed_after_migrate

        reseed_after_migrate(self, "0002_seed_types")
