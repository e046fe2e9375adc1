from __future__ import annotations

import logging
from typing import Any

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class WorkCalendarConfig(AppConfig):
    name = "wangge.workcalendar"
    label = "workcalendar"
    verbose_name = _("工作日历")

    def ready(self) -> None:
        post_migrate.connect(seed_after_migrate, sender=self, dispatch_uid="workcalendar.seed_after_migrate")


def seed_after_migrate(*, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """Fill an empty calendar right after ``migrate`` (like Django's own content types), so deadlines
    are computed with the published holidays from the first run. A calendar with any row is left alone."""
    if using != DEFAULT_DB_ALIAS:
        return
    from wangge.workcalendar import services
    from wangge.workcalendar.models import CalendarDay, CalendarYear, OfficeWindow

    tables = set(connections[using].introspection.table_names())
    if not {m._meta.db_table for m in (CalendarDay, CalendarYear, OfficeWindow)} <= tables:
        return
    try:
        with transaction.atomic(using=using):
            if services.calendar_is_empty():
                services.seed_calendar(record_audit=False)
            services.office_windows_seed()
    except DatabaseError:  # e.g. migrated back to a state without the current columns
        logger.warning("working calendar not seeded after migrate", exc_info=True)
