"""Serializers of the closed loop: categories, work orders, steps, history, files, measures, locate, suggestions."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from wangge.accounts.models import Unit
from wangge.api.serializers.common import (
    CRS_FIELD_HELP,
    INTAKE_CHANNELS,
    FieldsOnceMixin,
    PagedListSerializer,
    PlainRowsMixin,
    PreparedMixin,
    _user,
    phone_out,
    revealed_ids,
)
from wangge.api.serializers.territory import TerritoryBriefSerializer
from wangge.api.workflow_serializers import payload_serializer
from wangge.core.geo import CRS_CHOICES
from wangge.places.models import Point
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.workorders.choices import (
    CLOCK_COLOURS,
    AppealType,
    AttachmentKind,
    ClockState,
    ResolutionMode,
    Status,
    Urgency,
)
from wangge.workorders.clocks import clock_state
from wangge.workorders.measures import GROUPS
from wangge.workorders.models import Attachment, Category, Event, WorkOrder
from wangge.workorders.workflow import EVENT_LABELS, WORKFLOW

# --- categories ----------------------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer[Category]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    version = serializers.IntegerField(source="category_set.version", read_only=True)

    class Meta:
        model = Category
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_label",
            "parent",
            "handling_class",
            "resolution_mode",
            "default_unit_code",
            "is_active",
            "ordering",
            "version",
            "verify_photo_required",
            "verify_position_required",
        ]
        extra_kwargs = {
            "verify_photo_required": {"help_text": _("核查通过须上传现场照片；上级分类要求时其下级分类一并要求")},
            "verify_position_required": {
                "help_text": _("核查通过须提交核查人位置（WGS-84）；上级分类要求时其下级分类一并要求")
            },
        }


class CategoryTreeSerializer(CategorySerializer):
    children = serializers.SerializerMethodField()

    class Meta(CategorySerializer.Meta):
        fields = [*CategorySerializer.Meta.fields, "children"]

    @extend_schema_field(CategorySerializer(many=True))
    def get_children(self, obj: Category) -> list[dict[str, Any]]:
        kids = self.context.get("children", {}).get(obj.pk, [])
        return CategorySerializer(kids, many=True, context=self.context).data  # type: ignore[return-value]


# --- work orders ---------------------------------------------------------------------------------


# The related rows a list row names (codes and names), read for a whole page at once: see ``collect``.
LIST_RELATIONS = ("category", "assigned_unit", "grid", "community", "street", "district")


def _load_relations(items: list[WorkOrder]) -> None:
    """Fill the related objects of ``LIST_RELATIONS`` that the rows have not loaded: one query per model
    (territories of every level together) instead of a join per relation on the page query."""
    missing: dict[str, list[WorkOrder]] = {}
    for name in LIST_RELATIONS:
        field = WorkOrder._meta.get_field(name)
        rows = [wo for wo in items if getattr(wo, field.attname) is not None and not field.is_cached(wo)]  # type: ignore[union-attr]
        if rows:
            missing[name] = rows
    if not missing:
        return
    wanted: dict[Any, set[int]] = {}
    for name, rows in missing.items():
        field = WorkOrder._meta.get_field(name)
        wanted.setdefault(field.related_model, set()).update(getattr(wo, field.attname) for wo in rows)  # type: ignore[union-attr]
    only = {Category: ("id", "code", "name"), Unit: ("id", "name"), Territory: ("id", "code")}
    loaded = {model: model.objects.order_by().only(*only[model]).in_bulk(ids) for model, ids in wanted.items()}
    for name, rows in missing.items():
        field = WorkOrder._meta.get_field(name)
        found = loaded[field.related_model]
        for wo in rows:
            obj = found.get(getattr(wo, field.attname))  # type: ignore[union-attr]
            if obj is not None:
                field.set_cached_value(wo, obj)  # type: ignore[union-attr]


class WorkOrderSerializer(FieldsOnceMixin, PlainRowsMixin, PreparedMixin, serializers.ModelSerializer[WorkOrder]):
    """A row of the list. The list reads only ``LIST_COLUMNS`` of each case and the names of its related rows
    for the whole page at once (``collect``)."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    category_code = serializers.CharField(source="category.code", read_only=True, allow_null=True, default=None)
    category_name = serializers.CharField(source="category.name", read_only=True, allow_null=True, default=None)
    assigned_unit_name = serializers.CharField(
        source="assigned_unit.name", read_only=True, allow_null=True, default=None
    )
    grid_code = serializers.CharField(source="grid.code", read_only=True, allow_null=True, default=None)
    community_code = serializers.CharField(source="community.code", read_only=True, allow_null=True, default=None)
    street_code = serializers.CharField(source="street.code", read_only=True, allow_null=True, default=None)
    district_code = serializers.CharField(source="district.code", read_only=True)
    clock = serializers.SerializerMethodField(
        help_text=_("本环节时限状态：normal 正常、approaching 临期、overdue 超期")
    )
    clock_colour = serializers.SerializerMethodField()

    class Meta:
        model = WorkOrder
        fields = [
            "id",
            "tracking_code",
            "title",
            "status",
            "status_label",
            "version",
            "channel",
            "appeal_type",
            "category",
            "category_code",
            "category_name",
            "urgency",
            "enterprise_related",
            "handling_class",
            "resolution_mode",
            "supervision",
            "assigned_unit",
            "assigned_unit_name",
            "grid",
            "grid_code",
            "community_code",
            "street_code",
            "district_code",
            "received_at",
            "due_at",
            "step_due_at",
            "closed_at",
            "clock",
            "clock_colour",
        ]
        list_serializer_class = PagedListSerializer

    def collect(self, items: list[Any]) -> dict[str, Any]:
        from django.utils import timezone

        _load_relations(items)
        return {"now": timezone.now()}

    @extend_schema_field(serializers.ChoiceField(choices=ClockState.choices, allow_null=True))
    def get_clock(self, obj: WorkOrder) -> str | None:
        state = clock_state(obj, self.page_for(obj)["now"])
        return str(state) if state else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_clock_colour(self, obj: WorkOrder) -> str | None:
        state = clock_state(obj, self.page_for(obj)["now"])
        return CLOCK_COLOURS[state] if state else None


# The columns a list row reads: its fields, the related ids, and what the clock needs.
LIST_COLUMNS = (
    *(f for f in WorkOrderSerializer.Meta.fields if f not in WorkOrderSerializer._declared_fields),
    "community",
    "street",
    "district",
    "step_warn_at",
    "paused_at",
)


class WorkOrderDetailSerializer(WorkOrderSerializer):
    reporter_phone = serializers.SerializerMethodField(help_text=_("诉求人电话；无查看权限时脱敏"))
    territory_code = serializers.CharField(source="territory.code", read_only=True, allow_null=True, default=None)
    parent_tracking_code = serializers.CharField(
        source="parent.tracking_code", read_only=True, allow_null=True, default=None
    )

    class Meta(WorkOrderSerializer.Meta):
        fields = [
            *WorkOrderSerializer.Meta.fields,
            "description",
            "reporter_name",
            "reporter_phone",
            "is_real_name",
            "lng",
            "lat",
            "address",
            "territory",
            "territory_code",
            "community",
            "street",
            "district",
            "point",
            "parent",
            "parent_tracking_code",
            "relation",
            "assignee",
            "supervised_at",
            "dispatched_at",
            "accepted_at",
            "replied_at",
            "verified_at",
            "callback_at",
            "due_provisional",
            "step_started_at",
            "paused_at",
            "accepted_on_time",
            "handled_on_time",
            "handling_seconds",
            "return_count",
            "rework_count",
            "extension_count",
            "reopen_count",
            "extension_pending",
            "reply_text",
            "reply_result",
            "sampled_for_verification",
            "rating",
            "resolved",
            "callback_unreachable",
            "invalid_reason",
            "created_at",
            "updated_at",
        ]

    def collect(self, items: list[Any]) -> dict[str, Any]:
        page = super().collect(items)
        page["revealed"] = revealed_ids(WorkOrder, self, items)
        return page

    def get_reporter_phone(self, obj: WorkOrder) -> str:
        return phone_out(self, obj, "reporter_phone")


@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A primary key among the objects the requester may see (others are "does not exist")."""

    def __init__(self, model: Any, **kwargs: Any) -> None:
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        return self.model.objects.restrict(_user(self))


@extend_schema_field(OpenApiTypes.STR)
class DistrictField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    def get_queryset(self) -> Any:
        return Territory.objects.restrict(_user(self)).filter(kind=TerritoryKind.DISTRICT)


class LocatedMixin:
    """Both coordinates or neither; without them, the district (an address is matched within it)."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        lng, lat = attrs.get("lng"), attrs.get("lat")
        if (lng is None) != (lat is None):
            raise serializers.ValidationError({"lat": [_("经度和纬度须同时提供")]}, code="coordinates_incomplete")
        if lng is None and attrs.get("district") is None:
            raise serializers.ValidationError({"district": [_("无坐标时须填写所属区")]}, code="required")
        return attrs


class WorkOrderCreateSerializer(LocatedMixin, serializers.Serializer[Any]):
    """受理: the fields of ``work_order_create``. A case without coordinates names its district."""

    channel = serializers.ChoiceField(choices=INTAKE_CHANNELS)
    appeal_type = serializers.ChoiceField(choices=AppealType.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000)
    category = serializers.PrimaryKeyRelatedField(
        # with its parent: the deadlines of a category fall back to its parent's (one query, not two)
        queryset=Category.objects.filter(category_set__is_active=True, is_active=True).select_related("parent"),
        required=False,
        allow_null=True,
        help_text=_("当前字典中的分类 id"),
    )
    reporter_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    reporter_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    is_real_name = serializers.BooleanField(required=False, default=False)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    crs = serializers.ChoiceField(choices=CRS_CHOICES, default="wgs84", help_text=CRS_FIELD_HELP)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    district = DistrictField(slug_field="code", required=False, allow_null=True, help_text=_("区编码（无坐标时必填）"))
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    point = ScopedPrimaryKeyField(Point, required=False, allow_null=True, help_text=_("关联点位 id"))
    resolution_mode = serializers.ChoiceField(choices=ResolutionMode.choices, required=False, allow_null=True)


TransitionRequestSerializer = payload_serializer(
    WORKFLOW,
    refs={
        "unit": lambda i: serializers.PrimaryKeyRelatedField(
            queryset=Unit.objects.all(), required=False, help_text=i.help
        ),
        "category": lambda i: serializers.PrimaryKeyRelatedField(
            queryset=Category.objects.filter(category_set__is_active=True),
            required=False,
            allow_null=True,
            help_text=i.help,
        ),
        "parent": lambda i: serializers.IntegerField(
            min_value=1, max_value=2**63 - 1, required=False, help_text=i.help
        ),
    },
    name="TransitionRequestSerializer",
    doc="One step of the closed loop. Which payload fields a step needs: ``GET …/transitions/`` (``requires``).",
    version_help=_("读取时的 version；工单已被他人改动时返回 409"),
)


class AvailableTransitionSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    requires = serializers.ListField(child=serializers.CharField())
    colour = serializers.CharField()


class EventSerializer(serializers.ModelSerializer[Event]):
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    attachments: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(many=True, read_only=True)  # type: ignore[assignment]

    class Meta:
        model = Event
        fields = [
            "id",
            "name",
            "label",
            "actor",
            "actor_label",
            "at",
            "from_status",
            "to_status",
            "note",
            "data",
            "attachments",
        ]

    def get_label(self, obj: Event) -> str:
        return str(EVENT_LABELS.get(obj.name, obj.name))


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    name = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text=_("下载地址（需登录）"))

    class Meta:
        model = Attachment
        fields = ["id", "kind", "name", "content_type", "size", "event", "uploaded_by", "uploaded_at", "url"]

    def get_name(self, obj: Attachment) -> str:
        return obj.file.name.rsplit("/", 1)[-1]

    def get_url(self, obj: Attachment) -> str:
        from django.urls import reverse

        path = reverse("api:work-order-attachment-file", kwargs={"pk": obj.work_order_id, "attachment_id": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class AttachmentUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=AttachmentKind.choices, default=AttachmentKind.PHOTO)


# --- measures and locate -------------------------------------------------------------------------


class MeasuresQuerySerializer(serializers.Serializer[Any]):
    start = serializers.DateField(help_text=_("起始日期（含）"))
    end = serializers.DateField(help_text=_("截止日期（含）"))
    group_by = serializers.ChoiceField(choices=sorted(GROUPS), required=False, help_text=_("分组"))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": [_("截止日期不能早于起始日期")]}, code="invalid_range")
        if (attrs["end"] - attrs["start"]).days > 366 * 3:
            raise serializers.ValidationError({"end": [_("统计区间不能超过三年")]}, code="range_too_long")
        return attrs


def _rate_field() -> serializers.FloatField:
    return serializers.FloatField(allow_null=True)


class RatesSerializer(serializers.Serializer[Any]):
    closure = _rate_field()
    on_time_closure = _rate_field()
    on_time_handling = _rate_field()
    rework = _rate_field()
    extension = _rate_field()
    # "return" is a keyword: declared below through the field map.
    reopen = _rate_field()
    response = _rate_field()
    resolution = _rate_field()
    satisfaction = _rate_field()
    satisfaction_top3 = _rate_field()
    satisfaction_top2 = _rate_field()
    composite = _rate_field()

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields["return"] = _rate_field()
        return fields


class MeasuresSerializer(serializers.Serializer[Any]):
    key = serializers.IntegerField(allow_null=True, help_text=_("分组对象 id（不分组时为空）"))
    label = serializers.CharField(allow_null=True, help_text=_("分组对象名称"))  # type: ignore[assignment]
    received = serializers.IntegerField()
    dispatched = serializers.IntegerField()
    due = serializers.IntegerField(help_text=_("应结案数"))
    closed = serializers.IntegerField()
    closed_on_time = serializers.IntegerField()
    handled_on_time = serializers.IntegerField()
    returned = serializers.IntegerField()
    reworked = serializers.IntegerField()
    extended = serializers.IntegerField()
    reopened = serializers.IntegerField()
    overdue_open = serializers.IntegerField()
    responded_on_time = serializers.IntegerField()
    callbacks = serializers.IntegerField()
    resolved = serializers.IntegerField()
    rated = serializers.IntegerField()
    satisfied_top3 = serializers.IntegerField()
    satisfied_top2 = serializers.IntegerField()
    bad_ratings = serializers.IntegerField()
    avg_handling_hours = serializers.FloatField(allow_null=True)
    rates = RatesSerializer()


class LocateQuerySerializer(serializers.Serializer[Any]):
    lng = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    crs = serializers.ChoiceField(choices=CRS_CHOICES, default="wgs84", help_text=CRS_FIELD_HELP)


class LocateSerializer(serializers.Serializer[Any]):
    lng = serializers.FloatField(help_text=_("WGS-84 经度"))
    lat = serializers.FloatField(help_text=_("WGS-84 纬度"))
    path = TerritoryBriefSerializer(many=True, help_text=_("自上而下的辖区节点（仅您可见的部分）"))


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text=_("令牌，仅此一次返回（平台只保存其摘要）"))
    expiry = serializers.DateTimeField(help_text=_("失效时间，此后须重新获取"))


# --- intake suggestions ------------------------------------------------------------------------


class SuggestRequestSerializer(LocatedMixin, serializers.Serializer[Any]):
    """An appeal being taken in: what the classifier, routing, duplicate search and address matching need."""

    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=5000)
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(category_set__is_active=True, is_active=True),
        required=False,
        allow_null=True,
        help_text=_("已选分类 id（有则按它路由）"),
    )
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    crs = serializers.ChoiceField(choices=CRS_CHOICES, default="wgs84", help_text=CRS_FIELD_HELP)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    district = DistrictField(slug_field="code", required=False, allow_null=True, help_text=_("区编码（无坐标时必填）"))


class CodeNameSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class CategoryGuessSerializer(serializers.Serializer[Any]):
    label = serializers.CharField(help_text=_("模型输出的标签"))  # type: ignore[assignment]
    confidence = serializers.FloatField(help_text=_("置信度 0–1（经校准）"))
    category = CodeNameSerializer(allow_null=True, help_text=_("对应的现行分类；无对应时为 null"))


class DuplicateSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    tracking_code = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    received_at = serializers.DateTimeField()
    score = serializers.FloatField(help_text=_("相似度得分（内容为主，位置为辅）"))
    reasons = serializers.ListField(child=serializers.CharField())


class AddressMatchSerializer(serializers.Serializer[Any]):
    territory = CodeNameSerializer(help_text=_("地址匹配到的辖区节点"))
    confidence = serializers.FloatField()
    matched_on = serializers.ListField(child=serializers.CharField())


class SuggestionSerializer(serializers.Serializer[Any]):
    classifier = serializers.BooleanField(help_text=_("是否有启用的分类模型"))
    threshold = serializers.FloatField(help_text=_("预填分类所需的最低置信度"))
    confident = serializers.BooleanField(help_text=_("最佳建议是否达到阈值；否则由派遣员决定"))
    category = CodeNameSerializer(allow_null=True, help_text=_("达到阈值的建议分类"))
    categories = CategoryGuessSerializer(many=True, help_text=_("候选分类，按置信度降序"))
    unit = CodeNameSerializer(allow_null=True, help_text=_("路由建议的承办单位"))
    unit_category = CodeNameSerializer(allow_null=True, help_text=_("路由所依据的分类"))
    duplicates = DuplicateSerializer(many=True, help_text=_("疑似重复的工单（可合并）"))
    address_match = AddressMatchSerializer(allow_null=True, help_text=_("无坐标时地址匹配的辖区"))
