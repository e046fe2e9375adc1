"""The base ledger's kinds (residents, households, buildings, merchants, estates) as the registry declares them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext as _

from wangge.ledgers import exporting
from wangge.ledgers.choices import HouseholdUse, MerchantKind, Relation, ResidenceType
from wangge.ledgers.importing import places, residents
from wangge.ledgers.kinds import LedgerKind
from wangge.ledgers.models import ResidentTag


def labels(choices: type[models.TextChoices]) -> str:
    return "、".join(str(label) for _value, label in choices.choices)


def _resident_notes() -> list[tuple[str, str]]:
    tags = "、".join(ResidentTag.objects.filter(is_active=True).values_list("name", flat=True))
    return [
        ("与户主关系", _("可填：%(v)s；留空为“其他”") % {"v": labels(Relation)}),
        ("人员类别", _("可填多个，用顿号或逗号分隔：%(v)s") % {"v": tags}),
        ("人口类型", _("可填：%(v)s（或 户籍/常住/流动/寄住）；留空为户籍人口") % {"v": labels(ResidenceType)}),
    ]


def _household_notes() -> list[tuple[str, str]]:
    return [("房屋用途", _("可填：%(v)s；留空为自住") % {"v": labels(HouseholdUse)})]


def _merchant_notes() -> list[tuple[str, str]]:
    return [("类型", _("可填：%(v)s；留空为个体工商户/门店") % {"v": labels(MerchantKind)})]


def builtin_kinds() -> list[LedgerKind]:
    return [
        LedgerKind(
            key="residents",
            label=_("居民"),
            columns=residents.COLUMNS,
            validate=residents.validate,
            write=residents.write,
            queryset=exporting.residents_queryset,
            export_row=exporting.resident_row,
            example=residents.EXAMPLE,
            instructions=_resident_notes,
            audit_what="ledgers.resident",
        ),
        LedgerKind(
            key="households",
            label=_("户"),
            columns=places.HOUSEHOLD_COLUMNS,
            validate=places.validate_households,
            write=places.write_households,
            queryset=exporting.households_queryset,
            export_row=exporting.household_row,
            example=places.HOUSEHOLD_EXAMPLE,
            instructions=_household_notes,
            audit_what="ledgers.household",
        ),
        LedgerKind(
            key="buildings",
            label=_("楼栋"),
            columns=places.BUILDING_COLUMNS,
            validate=places.validate_buildings,
            write=places.write_buildings,
            queryset=exporting.buildings_queryset,
            export_row=exporting.building_row,
            example=places.BUILDING_EXAMPLE,
            audit_what="ledgers.building",
        ),
        LedgerKind(
            key="merchants",
            label=_("商户单位"),
            columns=places.MERCHANT_COLUMNS,
            validate=places.validate_merchants,
            write=places.write_merchants,
            queryset=exporting.merchants_queryset,
            export_row=exporting.merchant_row,
            example=places.MERCHANT_EXAMPLE,
            instructions=_merchant_notes,
            audit_what="ledgers.merchant",
        ),
        LedgerKind(
            key="estates",
            label=_("小区"),
            columns=places.ESTATE_COLUMNS,
            validate=places.validate_estates,
            write=places.write_estates,
            queryset=exporting.estates_queryset,
            export_row=exporting.estate_row,
            path_field="community__path",
            example=places.ESTATE_EXAMPLE,
            audit_what="ledgers.estate",
        ),
    ]
