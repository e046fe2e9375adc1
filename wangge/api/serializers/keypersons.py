"""Serializers of the 重点人员 ledger: categories, key persons, visits, release.

The resident's 公民身份号码 and phone are masked unless the response is a logged reveal (``?reveal=true`` on one
key person, by its officer): the view puts the full numbers in the context as ``revealed``.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from wangge.core.validators import mask_id_number, mask_phone
from wangge.keypersons import schedule
from wangge.keypersons.choices import AttentionLevel, VisitMethod
from wangge.keypersons.models import KeyPerson, KeyPersonCategory, KeyPersonVisit
from wangge.keypersons.services import HELPER_NAMES_MAX, NOTE_MAX, SITUATION_MAX


class KeyPersonCategorySerializer(serializers.ModelSerializer[KeyPersonCategory]):
    class Meta:
        model = KeyPersonCategory
        fields = ["id", "key", "name", "visit_interval_days", "ordering", "is_active"]


class KeyPersonVisitSerializer(serializers.ModelSerializer[KeyPersonVisit]):
    class Meta:
        model = KeyPersonVisit
        fields = ["id", "visited_at", "method", "visitor", "visitor_name", "situation", "lng", "lat", "recorded_at"]


class KeyPersonSerializer(serializers.ModelSerializer[KeyPerson]):
    category: serializers.SlugRelatedField[KeyPersonCategory] = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )
    category_name = serializers.CharField(source="category.name", read_only=True)
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    id_number = serializers.SerializerMethodField(help_text=_("公民身份号码；除经登记的查看完整号码外一律脱敏"))
    phone = serializers.SerializerMethodField(help_text=_("联系电话；除经登记的查看完整号码外一律脱敏"))
    grid_code = serializers.CharField(source="grid.code", read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True)
    interval_days = serializers.SerializerMethodField(help_text=_("实际走访周期（天）：本人设置或类别周期"))
    overdue = serializers.SerializerMethodField(help_text=_("在管且已过下次走访期限"))

    class Meta:
        model = KeyPerson
        fields = [
            "id",
            "resident",
            "resident_name",
            "id_number",
            "phone",
            "grid",
            "grid_code",
            "grid_name",
            "category",
            "category_name",
            "level",
            "helpers",
            "helper_names",
            "visit_interval_days",
            "interval_days",
            "started_on",
            "ended_on",
            "status",
            "last_visit_at",
            "next_visit_due",
            "overdue",
            "notes",
            "created_at",
            "updated_at",
        ]

    def _revealed(self) -> Any:
        return self.context.get("revealed")

    def get_id_number(self, obj: KeyPerson) -> str:
        revealed = self._revealed()
        return revealed.id_number if revealed is not None else mask_id_number(obj.resident.id_number or "")

    def get_phone(self, obj: KeyPerson) -> str:
        revealed = self._revealed()
        return revealed.phone if revealed is not None else mask_phone(obj.resident.phone or "")

    def get_interval_days(self, obj: KeyPerson) -> int:
        return schedule.interval_days(obj)

    def get_overdue(self, obj: KeyPerson) -> bool:
        return schedule.is_overdue(obj)


class KeyPersonDetailSerializer(KeyPersonSerializer):
    visits = serializers.SerializerMethodField(help_text=_("走访记录（最近50条）"))

    class Meta(KeyPersonSerializer.Meta):
        fields = [*KeyPersonSerializer.Meta.fields, "visits"]

    def get_visits(self, obj: KeyPerson) -> list[dict[str, Any]]:
        rows = obj.visits.order_by("-visited_at", "-id")[:50]
        return list(KeyPersonVisitSerializer(rows, many=True).data)


class KeyPersonWriteSerializer(serializers.Serializer[Any]):
    """Input of ``key_person_create`` (the resident by id or by exact 公民身份号码) and ``key_person_update``."""

    resident = serializers.IntegerField(required=False, min_value=1, help_text=_("居民编号"))
    resident_id_number = serializers.CharField(
        required=False, max_length=18, help_text=_("或：居民的公民身份号码（精确匹配）")
    )
    category = serializers.SlugField(max_length=40, help_text=_("类别键"))
    level = serializers.ChoiceField(choices=AttentionLevel.choices, default=AttentionLevel.NORMAL)
    helpers = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, help_text=_("帮扶责任人账号编号")
    )
    helper_names = serializers.CharField(max_length=HELPER_NAMES_MAX, required=False, allow_blank=True)
    visit_interval_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=schedule.MIN_INTERVAL_DAYS,
        max_value=schedule.MAX_INTERVAL_DAYS,
        help_text=_("留空则按类别的走访周期"),
    )
    started_on = serializers.DateField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=4000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.partial:
            for name in ("resident", "resident_id_number", "started_on"):
                if name in attrs:
                    raise serializers.ValidationError({name: [_("不能修改")]}, code="read_only")
            return attrs
        if not attrs.get("resident") and not attrs.get("resident_id_number"):
            raise serializers.ValidationError({"resident": [_("请指定居民")]}, code="required")
        return attrs


class KeyPersonVisitWriteSerializer(serializers.Serializer[Any]):
    visited_at = serializers.DateTimeField(required=False, help_text=_("默认为现在"))
    method = serializers.ChoiceField(choices=VisitMethod.choices, default=VisitMethod.HOME)
    situation = serializers.CharField(max_length=SITUATION_MAX)
    lng = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs.setdefault("visited_at", timezone.now())
        return attrs


class KeyPersonReleaseSerializer(serializers.Serializer[Any]):
    ended_on = serializers.DateField(required=False, help_text=_("默认为今天"))
    note = serializers.CharField(max_length=NOTE_MAX, help_text=_("解除原因"))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs.setdefault("ended_on", schedule.today())
        return attrs
