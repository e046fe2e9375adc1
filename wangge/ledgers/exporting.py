"""Exporting a ledger as .xlsx or .csv, with the import's headers (an exported file can be edited and imported).

Only the rows the actor may view leave (``restrict(actor, "view")``; the system, for commands, sees all), within
the territory node asked for. Personal numbers (ID numbers, phones) leave masked unless the caller asks for
them *and* may reveal every exported row; every export is written to the audit trail (``record_export``: who,
what, how many, the filters, whether unmasked). Every cell goes through ``core.spreadsheets``: a resident named
"=1+1" is written as text, never as a live formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from wangge.accounts.roles import REVEAL
from wangge.core import audit
from wangge.core.actors import is_system, require
from wangge.core.errors import NotFound, PermissionDenied
from wangge.core.scoping import VIEW, ScopedQuerySet
from wangge.core.spreadsheets import csv_writer, write_row, write_rows
from wangge.core.validators import mask_id_number, mask_phone
from wangge.ledgers.importing import kind_or_refuse
from wangge.ledgers.importing.codes import ImportCode
from wangge.ledgers.kinds import LedgerKind
from wangge.ledgers.models import Building, Estate, Household, Merchant, Resident
from wangge.territory.models import Territory

FORMATS = ("xlsx", "csv")


def phone_out(value: str, reveal: bool) -> str:
    return value if reveal else mask_phone(value)


def export_queryset(*, actor: Any, kind: LedgerKind, node: Territory | None) -> models.QuerySet[Any]:
    """The rows of ``kind`` the actor may view, within ``node``'s subtree when given."""
    qs = kind.queryset()
    if not is_system(actor):
        assert isinstance(qs, ScopedQuerySet), f"{kind.key}: an exported model is scoped"
        qs = qs.restrict(actor, VIEW)
    if node is not None:
        qs = qs.filter(**{f"{kind.path_field}__startswith": node.path})
    return qs


def scope_node(*, actor: Any, code: str) -> Territory:
    """The territory node named ``code`` as the actor sees it (out of scope looks like missing)."""
    nodes = Territory.objects.filter(code=code)
    if not is_system(actor):
        nodes = nodes.restrict(actor, VIEW)
    node = nodes.first()
    if node is None:
        raise NotFound(_("区域 %(c)s 不存在") % {"c": code}, code=ImportCode.SCOPE_NOT_FOUND)
    return node


def _check_reveal(actor: Any, queryset: models.QuerySet[Any], reveal: bool) -> None:
    if not reveal or is_system(actor):
        return
    allowed = queryset.model.objects.restrict(actor, REVEAL).values("pk")
    if queryset.exclude(pk__in=allowed).exists():
        raise PermissionDenied(_("无权导出完整的个人号码"), code=ImportCode.REVEAL_DENIED)


def _rows(kind: LedgerKind, queryset: models.QuerySet[Any], reveal: bool) -> Iterator[list[Any]]:
    for obj in queryset.iterator(chunk_size=2000):
        yield kind.export_row(obj, reveal)


def ledger_export(
    *,
    actor: Any,
    kind: str | LedgerKind,
    node: Territory | None = None,
    reveal: bool = False,
    fmt: str = "xlsx",
    ip: str | None = None,
) -> bytes:
    """The ledger ``kind`` as a workbook (or UTF-8 CSV with a BOM, for Excel): the import's header row, then one
    row per record the actor may view within ``node``. Numbers are masked unless ``reveal`` is asked by an
    actor entitled to reveal every exported row."""
    require(actor)
    kind = kind_or_refuse(kind)
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format: {fmt}")
    queryset = export_queryset(actor=actor, kind=kind, node=node)
    _check_reveal(actor, queryset, reveal)
    if fmt == "csv":
        text = io.StringIO()
        writer = csv_writer(text)
        writer.writerow(kind.headers)
        count = 0
        for count, values in enumerate(_rows(kind, queryset, reveal), start=1):  # noqa: B007 - the last is the count
            writer.writerow(values)
        data = ("\ufeff" + text.getvalue()).encode("utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(kind.label)
        sheet.freeze_panes = "A2"
        write_row(sheet, kind.headers)
        count = write_rows(sheet, _rows(kind, queryset, reveal))
        out = io.BytesIO()
        workbook.save(out)
        data = out.getvalue()
    with transaction.atomic():
        if kind.on_export is not None:
            kind.on_export(actor, queryset, fmt)
        audit.record_export(
            actor=actor,
            action=f"ledgers.{kind.key}_export_revealed" if reveal else f"ledgers.{kind.key}_export",
            what=kind.audit_what or kind.key,
            fmt=fmt,
            count=count,
            filters={"territory": node.code if node is not None else None},
            revealed=reveal,
            ip=ip,
        )
    return data


# -- the rows of the base ledger's kinds, in their import columns' order ----------------------------------------


def resident_row(r: Resident, reveal: bool) -> list[Any]:
    return [
        r.name,
        r.id_number if reveal else mask_id_number(r.id_number),
        phone_out(r.phone, reveal),
        r.grid.code,
        r.address,
        r.get_relation_display(),
        "、".join(t.name for t in r.tags.all()),
        r.household.code if r.household else "",
        r.get_residence_type_display(),
    ]


def residents_queryset() -> models.QuerySet[Any]:
    return Resident.objects.select_related("grid", "household").prefetch_related("tags").order_by("grid__code", "id")


def building_row(b: Building, reveal: bool) -> list[Any]:
    return [
        b.code,
        b.name,
        b.grid.code,
        b.estate.code if b.estate else "",
        b.address,
        b.floors,
        b.units,
        b.head_name,
        phone_out(b.head_phone, reveal),
        b.lng,
        b.lat,
    ]


def buildings_queryset() -> models.QuerySet[Any]:
    return Building.objects.select_related("grid", "estate").order_by("code")


def household_row(h: Household, reveal: bool) -> list[Any]:
    return [
        h.code,
        h.grid.code,
        h.building.code if h.building else "",
        h.unit_no,
        h.room,
        h.house_no,
        h.address,
        h.get_use_display(),
    ]


def households_queryset() -> models.QuerySet[Any]:
    return Household.objects.select_related("grid", "building").order_by("code")


def merchant_row(m: Merchant, reveal: bool) -> list[Any]:
    return [
        m.name,
        m.credit_code,
        m.get_kind_display(),
        m.industry,
        m.grid.code,
        m.address,
        m.responsible_person,
        m.contact_name,
        phone_out(m.contact_phone, reveal),
        m.licence_issued,
        m.licence_expires,
        m.point.code if m.point else "",
    ]


def merchants_queryset() -> models.QuerySet[Any]:
    return Merchant.objects.select_related("grid", "point").order_by("grid__code", "name", "id")


def estate_row(e: Estate, reveal: bool) -> list[Any]:
    return [
        e.code,
        e.name,
        e.community.code,
        e.address,
        e.property_company,
        e.property_contact,
        e.owners_committee,
    ]


def estates_queryset() -> models.QuerySet[Any]:
    return Estate.objects.select_related("community").order_by("code")
