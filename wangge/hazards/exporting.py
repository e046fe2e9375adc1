"""The ``hazards`` ledger kind: its export rows (the import's columns, phones masked unless revealed) and its
declaration for the registry of ``ledgers.kinds``, registered by ``HazardsConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from wangge.hazards import importing
from wangge.hazards.models import HazardFinding
from wangge.ledgers.exporting import phone_out
from wangge.ledgers.kinds import LedgerKind


def finding_row(f: HazardFinding, reveal: bool) -> list[Any]:
    return [
        f.type.name,
        f.title,
        f.grid.code,
        f.address,
        timezone.localtime(f.found_at).replace(tzinfo=None, microsecond=0),
        f.owner_name,
        phone_out(f.owner_phone, reveal),
        f.deadline_days,
    ]


def findings_queryset() -> models.QuerySet[Any]:
    return HazardFinding.objects.select_related("type", "grid").order_by("found_at", "id")


def _notes() -> list[tuple[str, str]]:
    return [("类型", _("可填：%(v)s") % {"v": importing.type_names()})]


def hazard_kind() -> LedgerKind:
    return LedgerKind(
        key="hazards",
        label=_("治安隐患"),
        columns=importing.COLUMNS,
        validate=importing.validate,
        write=importing.write,
        queryset=findings_queryset,
        export_row=finding_row,
        example=importing.EXAMPLE,
        instructions=_notes,
        audit_what="hazards.hazardfinding",
    )
