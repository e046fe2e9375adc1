"""Dictionaries a data migration seeds (tags, types, categories, default forms) are seeded again after every
``migrate`` and ``flush``, like Django's content types: a database emptied by ``flush`` (a transactional test,
a reset demo) would otherwise lose rows the code expects to find. Each seed function is idempotent."""

from __future__ import annotations

import importlib
import logging
from typing import Any

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models.signals import post_migrate

logger = logging.getLogger(__name__)


def reseed_after_migrate(app_config: AppConfig, migration: str) -> None:
    """Run ``seed(apps, schema_editor)`` of the app's data migration ``migration`` after each ``post_migrate``,
    with the current models, once the app's tables exist."""
    module = f"{app_config.name}.migrations.{migration}"

    def handler(*, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
        if using != DEFAULT_DB_ALIAS:
            return
        tables = set(connections[using].introspection.table_names())
        if not {m._meta.db_table for m in app_config.get_models()} <= tables:
            return
        try:
            with transaction.atomic(using=using):
                importlib.import_module(module).seed(global_apps, None)
        except DatabaseError:  # e.g. migrated back to a state without the current columns
            logger.warning("%s not seeded after migrate", module, exc_info=True)

    post_migrate.connect(handler, sender=app_config, dispatch_uid=f"{module}.reseed", weak=False)
