"""Serializers of the 基础台账: estates, buildings, households, residents (with their moves), merchants and the tag
dictionary.

Protected numbers (a resident's 公民身份号码 and phone, a 楼栋长's phone, a merchant's contact phone) leave masked
unless the request asks ``?reveal=true`` and the requester may ``reveal`` that very row; each full number shown is
noted for the response's ``api.reveal`` audit entry (``api.serializers.common``). Input serializers check the
shape only; the rules (check digits, scope, one person per ID number) are the services'.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wangge.api.serializers.common import PagedListSerializer, PreparedMixin, reveal_log, revealed_ids
from wangge.api.serializers.workorders import ScopedPrimaryKeyField
from wangge.core.validators import mask_id_number, mask_phone
from wangge.ledgers.choices import (
    Gender,
    HouseholdUse,
    MerchantKind,
    MerchantStatus,
    RecordStatus,
    Relation,
    ResidenceType,
)
from wangge.ledgers.models import Building, Estate, Household, Merchant, ResidenceChange, Resident, ResidentTag
from wangge.ledgers.services import ARCHIVE_REASONS
from wangge.places.models import Point
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory


def number_out(serializer: Any, obj: Any, field: str, mask: Callable[[str], str] = mask_phone) -> str:
    """The number in ``obj.field``: in full when the row is among the page's revealed ones (noted for the audit
    trail), masked otherwise."""
    value = getattr(obj, field) or ""
    if not value or obj.pk not in serializer.page_for(obj)["revealed"]:
        return mask(value)
    seen = reveal_log(serializer.context.get("request")).setdefault(
        f"{obj._meta.app_label}.{obj._meta.model_name}", {"ids": set(), "fields": set()}
    )
    seen["ids"].add(obj.pk)
    seen["fields"].add(field)
    return str(value)


class _Revealing(PreparedMixin):
    """Looks up, once per page, which rows' numbers this request may show in full."""

    def collect(self, items: list[Any]) -> dict[str, Any]:
        model = self.Meta.model  # type: ignore[attr-defined]
        return {"revealed": revealed_ids(model, self, items)}


def _user(field: serializers.Field[Any, Any, Any, Any]) -> Any:
    request = field.context.get("request")
    return getattr(request, "user", None)


@extend_schema_field(OpenApiTypes.STR)
class TerritoryCodeField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    """A territory node by code, among the nodes the requester sees (others are "does not exist")."""

    def __init__(self, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        kwargs.setdefault("slug_field", "code")
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        return Territory.objects.restrict(_user(self)).filter(kind=self.kind)


# -- the tag dictionary --------------------------------------------------------------------------------------


class ResidentTagSerializer(serializers.ModelSerializer[ResidentTag]):
    class Meta:
        model = ResidentTag
        fields = ["id", "key", "name", "ordering", "is_active"]


class ResidentTagWriteSerializer(serializers.Serializer[Any]):
    key = serializers.SlugField(max_length=40)
    name = serializers.CharField(max_length=40)
    ordering = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    is_active = serializers.BooleanField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.partial and "key" in attrs:
            raise serializers.ValidationError({"key": [_("标签键不能修改")]}, code="read_only")
        return attrs


# -- estates ---------------------------------------------------------------------------------------------------


class EstateSerializer(serializers.ModelSerializer[Estate]):
    community_code = serializers.CharField(source="community.code", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = Estate
        fields = [
            "id",
            "code",
            "name",
            "community",
            "community_code",
            "community_name",
            "address",
            "property_company",
            "property_contact",
            "owners_committee",
            "notes",
            "is_synthetic",
            "created_at",
            "updated_at",
        ]


class EstateWriteSerializer(serializers.Serializer[Any]):
    community = TerritoryCodeField(TerritoryKind.COMMUNITY, help_text=_("社区/村编码"))
    name = serializers.CharField(max_length=100)
    code = serializers.CharField(max_length=40, required=False, allow_blank=True, help_text=_("留空自动编码"))
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    property_company = serializers.CharField(max_length=120, required=False, allow_blank=True)
    property_contact = serializers.CharField(max_length=40, required=False, allow_blank=True)
    owners_committee = serializers.CharField(max_length=200, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.partial and "code" in attrs:
            raise serializers.ValidationError({"code": [_("编码不能修改")]}, code="read_only")
        return attrs


# -- buildings ---------------------------------------------------------------------------------------------------


class BuildingSerializer(_Revealing, serializers.ModelSerializer[Building]):
    grid_code = serializers.CharField(source="grid.code", read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True)
    estate_name = serializers.CharField(source="estate.name", read_only=True, allow_null=True, default=None)
    head_phone = serializers.SerializerMethodField(help_text=_("楼栋长电话；无查看权限时脱敏"))

    class Meta:
        model = Building
        fields = [
            "id",
            "code",
            "name",
            "grid",
            "grid_code",
            "grid_name",
            "estate",
            "estate_name",
            "address",
            "floors",
            "units",
            "lng",
            "lat",
            "head_name",
            "head_phone",
            "head_user",
            "status",
            "notes",
            "is_synthetic",
            "created_at",
            "updated_at",
        ]
        list_serializer_class = PagedListSerializer

    def get_head_phone(self, obj: Building) -> str:
        return number_out(self, obj, "head_phone")


class BuildingWriteSerializer(serializers.Serializer[Any]):
    grid = TerritoryCodeField(TerritoryKind.GRID, help_text=_("网格编码"))
    name = serializers.CharField(max_length=100)
    code = serializers.CharField(max_length=40, required=False, allow_blank=True, help_text=_("留空自动编码"))
    estate = serializers.PrimaryKeyRelatedField(queryset=Estate.objects.all(), required=False, allow_null=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    floors = serializers.IntegerField(min_value=1, max_value=200, required=False)
    units = serializers.IntegerField(min_value=1, max_value=50, required=False)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    head_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    head_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=RecordStatus.choices, required=False, help_text=_("仅修改时"))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.partial and "code" in attrs:
            raise serializers.ValidationError({"code": [_("编码不能修改")]}, code="read_only")
        if not self.partial and "status" in attrs:
            raise serializers.ValidationError({"status": [_("新建楼栋不能指定状态")]}, code="read_only")
        return attrs


# -- households ---------------------------------------------------------------------------------------------------


class HouseholdSerializer(serializers.ModelSerializer[Household]):
    grid_code = serializers.CharField(source="grid.code", read_only=True)
    building_name = serializers.CharField(source="building.name", read_only=True, allow_null=True, default=None)
    head_name = serializers.CharField(source="head.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Household
        fields = [
            "id",
            "code",
            "grid",
            "grid_code",
            "building",
            "building_name",
            "unit_no",
            "room",
            "house_no",
            "address",
            "head",
            "head_name",
            "use",
            "status",
            "last_visited_at",
            "notes",
            "is_synthetic",
            "created_at",
            "updated_at",
        ]


class HouseholdWriteSerializer(serializers.Serializer[Any]):
    grid = TerritoryCodeField(TerritoryKind.GRID, required=False, help_text=_("网格编码（不选楼栋的村组住户必填）"))
    building = ScopedPrimaryKeyField(Building, required=False, allow_null=True)
    unit_no = serializers.CharField(max_length=10, required=False, allow_blank=True)
    room = serializers.CharField(max_length=20, required=False, allow_blank=True)
    house_no = serializers.CharField(max_length=60, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text=_("留空自动生成"))
    use = serializers.ChoiceField(choices=HouseholdUse.choices, required=False)
    code = serializers.CharField(max_length=48, required=False, allow_blank=True, help_text=_("留空自动编码"))
    notes = serializers.CharField(required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=RecordStatus.choices, required=False, help_text=_("仅修改时"))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.partial and ({"grid", "code"} & set(attrs)):
            raise serializers.ValidationError({"grid": [_("网格随楼栋确定；编码不能修改")]}, code="read_only")
        if not self.partial and "status" in attrs:
            raise serializers.ValidationError({"status": [_("新建的户不能指定状态")]}, code="read_only")
        return attrs


class HouseholdHeadSerializer(serializers.Serializer[Any]):
    resident = ScopedPrimaryKeyField(Resident, allow_null=True, help_text=_("该户在册成员；null：暂无户主"))


# -- residents ---------------------------------------------------------------------------------------------------


class ResidenceChangeSerializer(serializers.ModelSerializer[ResidenceChange]):
    from_address = serializers.CharField(source="from_household.address", read_only=True, allow_null=True, default=None)
    to_address = serializers.CharField(source="to_household.address", read_only=True, allow_null=True, default=None)

    class Meta:
        model = ResidenceChange
        fields = [
            "id",
            "kind",
            "from_household",
            "from_address",
            "to_household",
            "to_address",
            "at",
            "by",
            "by_name",
            "note",
        ]


class ResidentSerializer(_Revealing, serializers.ModelSerializer[Resident]):
    id_number = serializers.SerializerMethodField(help_text=_("公民身份号码；无查看权限时脱敏"))
    phone = serializers.SerializerMethodField(help_text=_("联系电话；无查看权限时脱敏"))
    grid_code = serializers.CharField(source="grid.code", read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True)
    household_address = serializers.CharField(source="household.address", read_only=True, allow_null=True, default=None)
    tags = serializers.SerializerMethodField(help_text=_("人员类别（标签键）"))

    class Meta:
        model = Resident
        fields = [
            "id",
            "name",
            "id_number",
            "gender",
            "birth_date",
            "phone",
            "grid",
            "grid_code",
            "grid_name",
            "household",
            "household_address",
            "relation",
            "residence_type",
            "address",
            "tags",
            "status",
            "archived_at",
            "archive_reason",
            "notes",
            "is_synthetic",
            "created_at",
            "updated_at",
        ]
        list_serializer_class = PagedListSerializer

    def get_id_number(self, obj: Resident) -> str:
        return number_out(self, obj, "id_number", mask_id_number)

    def get_phone(self, obj: Resident) -> str:
        return number_out(self, obj, "phone")

    def get_tags(self, obj: Resident) -> list[str]:
        return [tag.key for tag in obj.tags.all()]


class ResidentDetailSerializer(ResidentSerializer):
    moves = ResidenceChangeSerializer(many=True, read_only=True, help_text=_("人口变动记录"))

    class Meta(ResidentSerializer.Meta):
        fields = [*ResidentSerializer.Meta.fields, "moves"]


class ResidentWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(
        max_length=18, required=False, allow_blank=True, help_text=_("18位，校验位按 GB 11643")
    )
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    household = ScopedPrimaryKeyField(Household, required=False, allow_null=True)
    grid = TerritoryCodeField(TerritoryKind.GRID, required=False, help_text=_("网格编码（不选户时必填）"))
    relation = serializers.ChoiceField(choices=Relation.choices, required=False)
    residence_type = serializers.ChoiceField(choices=ResidenceType.choices, required=False)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, help_text=_("有身份证号时须与之一致"))
    birth_date = serializers.DateField(required=False, allow_null=True, help_text=_("有身份证号时须与之一致"))
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, help_text=_("人员类别：标签键或名称")
    )
    notes = serializers.CharField(required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.partial and ("household" in attrs or "grid" in attrs):
            raise serializers.ValidationError(
                {"household": [_("迁移请用 /move/，归档请用 /archive/")]}, code="read_only"
            )
        return attrs


class ResidentMoveSerializer(serializers.Serializer[Any]):
    to_household = ScopedPrimaryKeyField(Household)
    relation = serializers.ChoiceField(
        choices=Relation.choices, required=False, help_text=_("与新户户主关系，默认其他")
    )
    successor = ScopedPrimaryKeyField(
        Resident, required=False, allow_null=True, help_text=_("迁出者为户主时，接任原户户主的成员")
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)
    at = serializers.DateTimeField(required=False, allow_null=True, help_text=_("迁移时间，默认现在"))


class ResidentArchiveSerializer(serializers.Serializer[Any]):
    reason = serializers.ChoiceField(choices=sorted(ARCHIVE_REASONS), help_text=_("moved_away：迁出；deceased：死亡"))
    successor = ScopedPrimaryKeyField(
        Resident, required=False, allow_null=True, help_text=_("归档者为户主时，接任户主的成员")
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)
    at = serializers.DateTimeField(required=False, allow_null=True)


class ResidentRestoreSerializer(serializers.Serializer[Any]):
    household = ScopedPrimaryKeyField(Household, required=False, allow_null=True)
    relation = serializers.ChoiceField(choices=Relation.choices, required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


# -- merchants ---------------------------------------------------------------------------------------------------


class MerchantSerializer(_Revealing, serializers.ModelSerializer[Merchant]):
    grid_code = serializers.CharField(source="grid.code", read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True)
    contact_phone = serializers.SerializerMethodField(help_text=_("联系电话；无查看权限时脱敏"))

    class Meta:
        model = Merchant
        fields = [
            "id",
            "name",
            "credit_code",
            "kind",
            "industry",
            "grid",
            "grid_code",
            "grid_name",
            "building",
            "address",
            "lng",
            "lat",
            "responsible_person",
            "contact_name",
            "contact_phone",
            "licence_issued",
            "licence_expires",
            "point",
            "status",
            "notes",
            "is_synthetic",
            "created_at",
            "updated_at",
        ]
        list_serializer_class = PagedListSerializer

    def get_contact_phone(self, obj: Merchant) -> str:
        return number_out(self, obj, "contact_phone")


class MerchantWriteSerializer(serializers.Serializer[Any]):
    grid = TerritoryCodeField(TerritoryKind.GRID, help_text=_("网格编码"))
    name = serializers.CharField(max_length=120)
    credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True, help_text=_("GB 32100"))
    kind = serializers.ChoiceField(choices=MerchantKind.choices, required=False)
    industry = serializers.CharField(max_length=60, required=False, allow_blank=True)
    building = ScopedPrimaryKeyField(Building, required=False, allow_null=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    responsible_person = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    licence_issued = serializers.DateField(required=False, allow_null=True)
    licence_expires = serializers.DateField(required=False, allow_null=True)
    point = ScopedPrimaryKeyField(Point, required=False, allow_null=True, help_text=_("门前三包点位"))
    status = serializers.ChoiceField(choices=MerchantStatus.choices, required=False, help_text=_("仅修改时"))
    notes = serializers.CharField(required=False, allow_blank=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not self.partial and "status" in attrs:
            raise serializers.ValidationError({"status": [_("新登记的商户不能指定状态")]}, code="read_only")
        return attrs


class MerchantCloseSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)
