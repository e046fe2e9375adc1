"""Serializers of units, staff, the current user and tokens."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wangge.accounts.models import Unit, User
from wangge.api.serializers.common import (
    PagedListSerializer,
    PreparedMixin,
    phone_out,
    revealed_ids,
)

# --- accounts ------------------------------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer[Unit]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    territory_code = serializers.CharField(source="territory.code", read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_label",
            "territory",
            "territory_code",
            "parent",
            "phone",
            "is_active",
        ]


class GrantSerializer(serializers.Serializer[Any]):
    role = serializers.CharField()
    role_label = serializers.CharField()
    territory = serializers.CharField(allow_null=True, help_text=_("授权辖区编码"))
    unit = serializers.IntegerField(allow_null=True, help_text=_("授权单位 id"))


class StaffSerializer(PreparedMixin, serializers.ModelSerializer[User]):
    roles = serializers.SerializerMethodField()
    mobile = serializers.SerializerMethodField(help_text=_("手机号；无查看权限时脱敏"))

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "unit", "roles", "mobile"]
        list_serializer_class = PagedListSerializer

    def collect(self, items: list[Any]) -> dict[str, Any]:
        return {"revealed": revealed_ids(User, self, items)}

    @extend_schema_field(GrantSerializer(many=True))
    def get_roles(self, obj: User) -> list[dict[str, Any]]:
        return [
            {
                "role": g.role,
                "role_label": str(g.get_role_display()),
                "territory": g.territory.code if g.territory is not None else None,
                "unit": g.unit_id,
            }
            for g in obj.grants.all()
        ]

    def get_mobile(self, obj: User) -> str:
        return phone_out(self, obj, "mobile")


class MeSerializer(serializers.ModelSerializer[User]):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "unit", "is_superuser", "roles"]

    @extend_schema_field(GrantSerializer(many=True))
    def get_roles(self, obj: User) -> list[dict[str, Any]]:
        return StaffSerializer(context=self.context).get_roles(obj)
