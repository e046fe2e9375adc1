from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoryConfig(AppConfig):
    name = "wangge.territory"
    label = "territory"
    verbose_name = _("辖区网格")

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from wangge.territory import locator
        from wangge.territory.models import Territory

        # Cache coherence only (no business rule): any saved or deleted node drops this process's
        # point-lookup index now and again after commit. Bulk writes call locator.invalidate() themselves.
        def _drop_index(**kwargs: object) -> None:
            locator.invalidate()
            transaction.on_commit(locator.invalidate)

        post_save.connect(_drop_index, sender=Territory, dispatch_uid="territory-locator-save")
        post_delete.connect(_drop_index, sender=Territory, dispatch_uid="territory-locator-delete")
