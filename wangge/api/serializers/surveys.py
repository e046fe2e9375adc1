"""Serializers of 一表: templates with their current version's fields, filled forms, and coverage.

A filled form's answers that map to a phone in the ledger (``maps_to`` ending in ``phone``) leave the API masked:
the number itself is kept in the ledger, where revealing it is entitled and logged."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wangge.surveys.engine import masked_answers
from wangge.surveys.models import FormSubmission, FormTemplate, SubmissionPhoto
from wangge.surveys.services import current_version

# One field of a version (the engine's schema), for the OpenAPI document.
FIELD_DEFINITION_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["name", "label", "kind"],
        "properties": {
            "name": {"type": "string"},
            "label": {"type": "string"},
            "kind": {
                "type": "string",
                "enum": [
                    "text",
                    "number",
                    "choice",
                    "multi_choice",
                    "date",
                    "photo",
                    "location",
                    "resident",
                    "building",
                    "merchant",
                ],
            },
            "required": {"type": "boolean"},
            "choices": {"type": "array", "items": {"type": "string"}},
            "min": {"description": "文本长度、数值、日期或多选个数的下限"},
            "max": {"description": "文本长度、数值、日期或多选个数的上限"},
            "when": {"type": "object", "description": "显示条件：{field, equals} 或 {field, in}"},
            "maps_to": {"type": "string", "description": "提交后写入的台账字段"},
            "help": {"type": "string"},
        },
    },
}


class FormTemplateSerializer(serializers.ModelSerializer[FormTemplate]):
    version = serializers.SerializerMethodField(help_text=_("当前版本号"))
    fields = serializers.SerializerMethodField(  # type: ignore[assignment]  # a declared field, popped by DRF's metaclass
        method_name="field_definitions", help_text=_("当前版本的字段")
    )
    actions = serializers.SerializerMethodField(help_text=_("当前版本的提交后动作"))

    class Meta:
        model = FormTemplate
        fields = ["id", "key", "name", "description", "target", "is_active", "version", "fields", "actions"]

    def _version(self, obj: FormTemplate) -> Any:
        cache: dict[int, Any] = self.context.setdefault("_versions", {})
        if obj.pk not in cache:
            cache[obj.pk] = current_version(obj)
        return cache[obj.pk]

    def get_version(self, obj: FormTemplate) -> int | None:
        version = self._version(obj)
        return version.number if version else None

    @extend_schema_field(FIELD_DEFINITION_SCHEMA)
    def field_definitions(self, obj: FormTemplate) -> list[dict[str, Any]]:
        version = self._version(obj)
        return list(version.fields) if version else []

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_actions(self, obj: FormTemplate) -> dict[str, Any]:
        version = self._version(obj)
        return dict(version.actions) if version else {}


class SubmissionPhotoSerializer(serializers.ModelSerializer[SubmissionPhoto]):
    class Meta:
        model = SubmissionPhoto
        fields = ["id", "field", "content_type"]


class FormSubmissionSerializer(serializers.ModelSerializer[FormSubmission]):
    template = serializers.CharField(source="template.key", read_only=True)
    template_name = serializers.CharField(source="template.name", read_only=True)
    version = serializers.IntegerField(source="version.number", read_only=True)
    grid_code = serializers.CharField(source="grid.code", read_only=True)
    answers = serializers.SerializerMethodField(help_text=_("填报内容（按所填版本的字段）；写入台账的电话脱敏"))
    photos = SubmissionPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = FormSubmission
        fields = [
            "id",
            "template",
            "template_name",
            "version",
            "grid",
            "grid_code",
            "household",
            "building",
            "merchant",
            "resident",
            "answers",
            "lng",
            "lat",
            "submitted_by",
            "submitted_by_name",
            "submitted_at",
            "work_order",
            "photos",
        ]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_answers(self, obj: FormSubmission) -> dict[str, Any]:
        return masked_answers(obj.version.fields, obj.answers)


class FormSubmissionCreateSerializer(serializers.Serializer[Any]):
    """Input of a filled form. As multipart/form-data, ``answers`` is a JSON string and each photo is a file part
    named ``photos.<字段名>`` (repeat the part for several photos)."""

    template = serializers.SlugRelatedField(
        slug_field="key", queryset=FormTemplate.objects.filter(is_active=True), help_text=_("表单键")
    )
    household = serializers.IntegerField(required=False, min_value=1, help_text=_("户 id（表单关联户时必填）"))
    building = serializers.IntegerField(required=False, min_value=1, help_text=_("楼栋 id"))
    merchant = serializers.IntegerField(required=False, min_value=1, help_text=_("商户/单位 id"))
    resident = serializers.IntegerField(required=False, min_value=1, help_text=_("居民 id"))
    grid = serializers.CharField(
        required=False, max_length=40, help_text=_("网格编码（不关联对象的表单；也可由位置确定）")
    )
    answers = serializers.JSONField(help_text=_("{字段名: 值}；多选为列表，位置为 {lng, lat}，选择器为 id"))
    lng = serializers.FloatField(required=False, min_value=-180, max_value=180, help_text=_("填报位置经度(WGS-84)"))
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90, help_text=_("填报位置纬度(WGS-84)"))

    def validate_answers(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise serializers.ValidationError(_("须为对象"), code="invalid")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("lng" in attrs) != ("lat" in attrs):
            raise serializers.ValidationError({"lat": [_("经度和纬度须同时提供")]}, code="coordinates_incomplete")
        return attrs


class CoverageQuerySerializer(serializers.Serializer[Any]):
    territory = serializers.CharField(max_length=40, help_text=_("辖区编码（含其下全部网格）"))
    quarter = serializers.RegexField(r"^\d{4}-[Qq][1-4]$", required=False, help_text=_("季度，如 2026-Q4；默认本季度"))


class CoverageGridSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()
    households = serializers.IntegerField(help_text=_("在册户数"))
    visited = serializers.IntegerField(help_text=_("本季度已排查户数"))
    ratio = serializers.FloatField(allow_null=True, help_text=_("覆盖率（0~1）；无户时为空"))


class CoverageSerializer(serializers.Serializer[Any]):
    territory = serializers.CharField()
    quarter = serializers.CharField()
    households = serializers.IntegerField()
    visited = serializers.IntegerField()
    ratio = serializers.FloatField(allow_null=True)
    grids = CoverageGridSerializer(many=True)
