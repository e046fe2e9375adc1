"""Serializers of the hazard ledger (治安隐患排查整治台账): types, findings with their history and photos, the
report payload and the payload of a rectification step (generated from ``hazards.workflow``).

The rectification owner's phone leaves the API masked unless the request asks ``?reveal=true`` and the
requester may ``reveal`` that finding (``api.serializers.common.phone_out``). Statuses are plain strings in
responses (with their label beside them), so their enum is declared once, on the filters."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from wangge.accounts.models import Unit
from wangge.accounts.roles import RECORD
from wangge.api.serializers.common import CRS_FIELD_HELP, PagedListSerializer, PreparedMixin, phone_out, revealed_ids
from wangge.api.workflow_serializers import payload_serializer
from wangge.core.geo import CRS_CHOICES, to_wgs84
from wangge.hazards.models import HazardEvent, HazardFinding, HazardPhoto, HazardType
from wangge.hazards.selectors import is_overdue
from wangge.hazards.workflow import EVENT_LABELS, WORKFLOW
from wangge.ledgers.models import Building, Merchant
from wangge.places.models import Point
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory


def _absolute(serializer: Any, path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class HazardTypeSerializer(serializers.ModelSerializer[HazardType]):
    class Meta:
        model = HazardType
        fields = ["id", "key", "name", "category_code", "ordering", "is_active"]


class HazardPhotoSerializer(serializers.ModelSerializer[HazardPhoto]):
    stage = serializers.CharField(read_only=True, help_text=_("before：整改前；after：整改后"))
    url = serializers.SerializerMethodField(help_text=_("下载地址（需登录）"))

    class Meta:
        model = HazardPhoto
        fields = ["id", "stage", "content_type", "uploaded_at", "url"]

    def get_url(self, obj: HazardPhoto) -> str:
        return _absolute(self, reverse("api:hazard-photo-file", kwargs={"pk": obj.finding_id, "photo_id": obj.pk}))


class HazardEventSerializer(serializers.ModelSerializer[HazardEvent]):
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)

    class Meta:
        model = HazardEvent
        fields = ["id", "action", "label", "from_status", "to_status", "at", "actor", "actor_name", "note"]

    def get_label(self, obj: HazardEvent) -> str:
        return str(EVENT_LABELS.get(obj.action, obj.action))


class HazardFindingSerializer(PreparedMixin, serializers.ModelSerializer[HazardFinding]):
    type = serializers.SlugRelatedField(slug_field="key", read_only=True)  # type: ignore[var-annotated]
    type_name = serializers.CharField(source="type.name", read_only=True)
    grid_code = serializers.CharField(source="grid.code", read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True)
    status = serializers.CharField(
        read_only=True, help_text=_("open 待整改、submitted 待核查、closed 已销号、cancelled 已撤销")
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.SerializerMethodField(help_text=_("待整改或待核查且已过整改期限"))
    owner_phone = serializers.SerializerMethodField(help_text=_("整改责任人电话；无查看权限时脱敏"))
    work_order_code = serializers.CharField(
        source="work_order.tracking_code", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = HazardFinding
        fields = [
            "id",
            "code",
            "type",
            "type_name",
            "title",
            "grid",
            "grid_code",
            "grid_name",
            "address",
            "lng",
            "lat",
            "found_at",
            "found_by_name",
            "owner_name",
            "owner_phone",
            "owner_unit",
            "deadline_days",
            "due_at",
            "status",
            "status_label",
            "overdue",
            "work_order",
            "work_order_code",
            "is_synthetic",
            "created_at",
            "updated_at",
        ]
        list_serializer_class = PagedListSerializer

    def collect(self, items: list[Any]) -> dict[str, Any]:
        return {"revealed": revealed_ids(HazardFinding, self, items), "now": timezone.now()}

    def get_owner_phone(self, obj: HazardFinding) -> str:
        return phone_out(self, obj, "owner_phone")

    def get_overdue(self, obj: HazardFinding) -> bool:
        return is_overdue(obj, self.page_for(obj)["now"])


class HazardFindingDetailSerializer(HazardFindingSerializer):
    events = HazardEventSerializer(many=True, read_only=True)
    photos = HazardPhotoSerializer(many=True, read_only=True)

    class Meta(HazardFindingSerializer.Meta):
        fields = [
            *HazardFindingSerializer.Meta.fields,
            "description",
            "point",
            "building",
            "merchant",
            "rectification",
            "rectified_at",
            "closed_at",
            "closed_by",
            "events",
            "photos",
        ]


def _scoped(model: Any, serializer: Any, action: str) -> Any:
    request = serializer.context.get("request")
    user = getattr(request, "user", None)
    return model.objects.restrict(user, action)


class _ScopedSlugField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    """A place named by its code among the rows the requester may record in (others read as missing)."""

    def __init__(self, model: Any, **kwargs: Any) -> None:
        self.model = model
        kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        qs = _scoped(self.model, self.root, RECORD)
        return qs.filter(kind=TerritoryKind.GRID) if self.model is Territory else qs


class _ScopedPkField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    def __init__(self, model: Any, **kwargs: Any) -> None:
        self.model = model
        kwargs.setdefault("queryset", model.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        return _scoped(self.model, self.root, RECORD)


class HazardReportSerializer(serializers.Serializer[Any]):
    """Input of ``hazard_report``: what, where (a building, merchant, point, grid or a position), who must
    rectify it by how many working days, and the before photos (multipart)."""

    type = serializers.SlugRelatedField(
        slug_field="key", queryset=HazardType.objects.filter(is_active=True), help_text=_("隐患类型键")
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    building = _ScopedSlugField(Building, slug_field="code", required=False, allow_null=True, help_text=_("楼栋编码"))
    point = _ScopedSlugField(Point, slug_field="code", required=False, allow_null=True, help_text=_("点位编码"))
    merchant = _ScopedPkField(Merchant, required=False, allow_null=True, help_text=_("商户/单位 id"))
    grid = _ScopedSlugField(Territory, slug_field="code", required=False, allow_null=True, help_text=_("网格编码"))
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    lng = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    crs = serializers.ChoiceField(choices=CRS_CHOICES, default="wgs84", help_text=CRS_FIELD_HELP)
    owner_name = serializers.CharField(max_length=50)
    owner_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    owner_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    deadline_days = serializers.IntegerField(min_value=1, max_value=365, default=5, help_text=_("整改时限（工作日）"))
    found_at = serializers.DateTimeField(required=False, help_text=_("发现时间；默认当前时间"))
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=6)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("lng") is None) != (attrs.get("lat") is None):
            raise serializers.ValidationError({"lat": [_("经度和纬度须同时提供")]}, code="coordinates_incomplete")
        crs = attrs.pop("crs", "wgs84")
        if attrs.get("lng") is not None:
            attrs["lng"], attrs["lat"] = to_wgs84(attrs["lng"], attrs["lat"], crs)
        return attrs


HazardTransitionRequestSerializer = payload_serializer(
    WORKFLOW,
    refs={},
    name="HazardTransitionRequestSerializer",
    doc="One rectification step of a hazard finding. Which fields a step needs: ``GET …/transitions/`` (``requires``).",
    version_help=_("可不填（隐患以状态判断是否已被他人处理）"),
)
