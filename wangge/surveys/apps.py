from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "wangge.surveys"
    label = "surveys"
    verbose_name = _("一表（网格排查登记表）")

    def ready(self) -> None:
        """Seed the dictionary again after every migrate and flush (``core.seeding``)."""
        from wangge.core.seeding import reseed_after_migrate

        reseed_after_migrate(self, "0002_seed_default_templates")
