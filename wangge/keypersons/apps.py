from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _count_active(node: Any) -> int:
    from wangge.keypersons.choices import KeyPersonStatus
    from wangge.keypersons.models import KeyPerson

    return KeyPerson.objects.filter(status=KeyPersonStatus.ACTIVE, grid__path__startswith=node.path).count()


def _count_visits_overdue(node: Any) -> int:
    from wangge.keypersons.models import KeyPerson
    from wangge.keypersons.schedule import overdue_q

    return KeyPerson.objects.filter(overdue_q(), grid__path__startswith=node.path).count()


class KeyPersonsConfig(AppConfig):
    name = "wangge.keypersons"
    label = "keypersons"
    verbose_name = _("重点人员管控化解台账")

    def ready(self) -> None:
        """Declare the summary counters ``key_persons`` (under 管控) and ``visits_overdue`` (under 管控 with the
        visit due day passed) to the base ledger's registry: counts only, never who; and the ``key_persons`` kind
        (import of a list, export), whose rows are restricted and logged like every other read."""
        from wangge.core.seeding import reseed_after_migrate
        from wangge.keypersons.importing import key_person_kind
        from wangge.ledgers.kinds import register_counter, register_kind

        register_kind(key_person_kind())
        register_counter("key_persons", _count_active)
        register_counter("visits_overdue", _count_visits_overdue)
        reseed_after_migrate(self, "0003_seed_categories")
