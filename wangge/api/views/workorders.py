"""The closed loop: categories, work orders and their steps, measures, intake suggestions and address lookup."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from wangge.api import serializers as s
from wangge.api.base import SHARED, TERRITORY, ApiView
from wangge.api.views.common import BoundedCountPagination, ListViewSet, _query
from wangge.core import files
from wangge.core.clientaddr import client_ip
from wangge.core.errors import NotFound, ValidationFailed
from wangge.core.scoping import VIEW, scope_for
from wangge.intel import intake
from wangge.territory.choices import TerritoryKind
from wangge.territory.models import Territory
from wangge.territory.selectors import territory_ancestors
from wangge.workorders import workflow
from wangge.workorders.filtersets import CategoryFilterSet, WorkOrderFilterSet
from wangge.workorders.headlines import period_measures
from wangge.workorders.models import Category, WorkOrder
from wangge.workorders.selectors import measure_labels
from wangge.workorders.services import attachment_add, work_order_create, work_order_transition

# --- categories ----------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="诉求分类（当前字典版本）"), retrieve=extend_schema(summary="诉求分类详情")
)
class CategoryViewSet(ListViewSet):
    filterset_class = CategoryFilterSet
    serializer_class = s.CategorySerializer
    queryset = Category.objects.select_related("category_set")
    scope = SHARED  # a dictionary

    def refine_queryset(self, qs: QuerySet[Category]) -> QuerySet[Category]:
        if self.action == "list" and "version" not in self.request.query_params:
            qs = qs.filter(category_set__is_active=True)
        return qs.order_by("category_set__version", "ordering", "code")

    @extend_schema(summary="诉求分类树（当前字典版本）", responses=s.CategoryTreeSerializer(many=True))
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def tree(self, request: Request) -> Response:
        rows = list(
            Category.objects.filter(category_set__is_active=True)
            .select_related("category_set")
            .order_by("ordering", "code")
        )
        children: dict[int, list[Category]] = {}
        for cat in rows:
            if cat.parent_id:
                children.setdefault(cat.parent_id, []).append(cat)
        roots = [c for c in rows if c.parent_id is None]
        context = {**self.get_serializer_context(), "children": children}
        return Response(s.CategoryTreeSerializer(roots, many=True, context=context).data)


# --- work orders ---------------------------------------------------------------------------------

# The list's default order: newest first; the id settles equal times so that pages never overlap.
LIST_ORDER = ("-received_at", "-id")


class ScopeBranches:
    """A page of the work-order list read branch by branch of the user's scope.

    The scope is an OR — cases under a territory path, dispatched to a unit, filed by the user — and PostgreSQL
    reads an OR newest-first by walking every case of the table from the newest down until the page is full: a
    district's first page then costs every newer case of every other district. Read apart, each branch has an
    index that holds its cases in order (``wo_district_received`` for a path, with the districts the path lies in
    or holds; the unit's and the filer's indexes), so each yields its first rows at once; the page is the newest
    of their union, then its rows are read by id. The branches only narrow the scoped, filtered queryset, so no
    row outside the scope can come in."""

    ordered = True  # for the paginator

    def __init__(self, queryset: QuerySet[WorkOrder], branches: list[Q]) -> None:
        self.queryset = queryset
        self.branches = branches

    def order_by(self, *fields: str) -> QuerySet[WorkOrder]:
        return self.queryset.order_by(*fields)  # the count

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, window: slice) -> list[WorkOrder]:
        start, stop = window.start or 0, window.stop
        if stop is not None and stop <= start:
            return []  # an empty list's page (Django slices [0:0])
        branches = [self.queryset.filter(branch) for branch in self.branches]
        branches = [qs for qs in branches if not qs.query.is_empty()]
        if len(branches) <= 1:
            return list(branches[0].order_by(*LIST_ORDER)[start:stop]) if branches else []
        parts = [qs.order_by(*LIST_ORDER).values_list("id", "received_at")[:stop] for qs in branches]
        ids = [pk for pk, _at in parts[0].union(*parts[1:]).order_by(*LIST_ORDER)[start:stop]]
        rows = self.queryset.order_by().in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]


def scope_branches(user: Any, queryset: QuerySet[WorkOrder]) -> list[Q] | None:
    """The branches of ``user``'s scope for :class:`ScopeBranches`, or None to read the list as one query (another
    order asked for, a scope of everything or with conditions of its own, a database that cannot order the parts
    of a UNION, a territory without districts)."""
    if not connection.features.supports_slicing_ordering_in_compound or tuple(queryset.query.order_by) != LIST_ORDER:
        return None
    if queryset.query.is_empty():
        return None
    scope = scope_for(user, VIEW)
    if scope.everything or scope.extra:
        return None
    paths = sorted(set(scope.territory_paths))
    paths = [p for p in paths if not any(p != q and p.startswith(q) for q in paths)]
    branches: list[Q] = []
    if paths:
        step = Territory.steplen
        ancestors = {p[:i] for p in paths for i in range(step, len(p) + 1, step)}
        around = Q(path__in=ancestors)
        for p in paths:
            around |= Q(path__startswith=p)
        districts = list(Territory.objects.filter(around, kind=TerritoryKind.DISTRICT).values_list("id", "path"))
        for p in paths:
            ids = [pk for pk, path in districts if p.startswith(path) or path.startswith(p)]
            if not ids:
                return None
            branches.append(Q(district_id__in=ids, scope_path__startswith=p))
    if scope.unit_ids:
        branches.append(Q(assigned_unit_id__in=scope.unit_ids))
    if scope.owner_id is not None:
        branches.append(Q(filed_by_id=scope.owner_id))
    return branches or None


def _transition_payload(request: Request, validated: dict[str, Any]) -> dict[str, Any]:
    """Only the fields the client sent: an absent field must read as missing to the service."""
    return {k: v for k, v in validated.items() if k in request.data and k not in ("name", "expected_version")}


@extend_schema_view(
    list=extend_schema(summary="工单列表", parameters=[s.REVEAL_PARAMETER]),
    retrieve=extend_schema(summary="工单详情", parameters=[s.REVEAL_PARAMETER]),
    create=extend_schema(
        summary="受理工单", request=s.WorkOrderCreateSerializer, responses={201: s.WorkOrderDetailSerializer}
    ),
)
class WorkOrderViewSet(ListViewSet, mixins.CreateModelMixin):
    filterset_class = WorkOrderFilterSet
    serializer_class = s.WorkOrderSerializer
    pagination_class = BoundedCountPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    queryset = WorkOrder.objects.select_related("category", "assigned_unit", "grid", "community", "street", "district")
    scope = TERRITORY

    def refine_queryset(self, qs: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
        if self.action == "list":  # no join, no personal column: the serializer reads the names per page
            return qs.select_related(None).only(*s.WORK_ORDER_LIST_COLUMNS).order_by(*LIST_ORDER)
        return qs.select_related("territory", "parent")

    def get_serializer_class(self) -> Any:
        return s.WorkOrderSerializer if self.action == "list" else s.WorkOrderDetailSerializer

    def paginate_queryset(self, queryset: Any) -> list[Any] | None:
        if self.action == "list":
            branches = scope_branches(self.request.user, queryset)
            if branches:
                queryset = ScopeBranches(queryset, branches)
        return super().paginate_queryset(queryset)

    def filter_queryset(self, queryset: Any) -> Any:
        if not self.request.query_params.keys() & WorkOrderFilterSet.base_filters.keys():
            return queryset  # nothing to filter by: no FilterSet (it copies all its filters) for the plain list
        return super().filter_queryset(queryset)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.WorkOrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        wo = work_order_create(actor=request.user, **data.validated_data)  # who may file where: the intake rule
        # The filer may always view what they filed (WorkOrder.filed_by), and the case holds the related rows
        # intake has just used: it is answered as it is, without reading it back.
        return Response(self.get_serializer(wo).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="当前可执行的操作",
        responses=s.AvailableTransitionSerializer(many=True),
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="执行操作（派遣、签收、反馈、核查、回访、结案……）",
        request={
            "application/json": s.TransitionRequestSerializer,
            "multipart/form-data": s.TransitionRequestSerializer,
        },
        responses={200: s.WorkOrderDetailSerializer},
        filters=False,
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        wo = self.get_object()
        if request.method == "GET":
            rows = [
                {"name": t.name, "label": str(t.label), "requires": list(t.requires), "colour": t.colour}
                for t in workflow.available(request.user, wo)
            ]
            return Response(s.AvailableTransitionSerializer(rows, many=True).data)
        body = s.TransitionRequestSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        payload = _transition_payload(request, dict(body.validated_data))
        if "parent" in payload:
            parent: WorkOrder | None = WorkOrder.objects.restrict(request.user).filter(pk=payload["parent"]).first()
            if parent is None:
                raise ValidationFailed(_("主工单不存在"), code="invalid_parent", details=[{"field": "parent"}])
            payload["parent"] = parent
        updated = work_order_transition(
            actor=request.user,
            work_order_id=wo.pk,
            name=body.validated_data["name"],
            expected_version=body.validated_data.get("expected_version"),
            **payload,
        )
        return Response(s.WorkOrderDetailSerializer(updated, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="智能建议：分类、承办单位、疑似重复",
        description="启用的分类模型给出的候选分类（含置信度，低于阈值时不预填）、路由建议的承办单位，"
        "以及您管辖范围内可合并的疑似重复工单。",
        responses=s.SuggestionSerializer,
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def suggestions(self, request: Request, pk: str | None = None) -> Response:
        wo = self.get_object()
        return Response(s.SuggestionSerializer(intake.as_dict(intake.suggest_for_case(wo, user=request.user))).data)

    @extend_schema(summary="工单流转记录", responses=s.EventSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def events(self, request: Request, pk: str | None = None) -> Response:
        wo = self.get_object()
        rows = wo.events.prefetch_related("attachments").order_by("at", "id")
        return Response(s.EventSerializer(rows, many=True).data)

    @extend_schema(methods=["GET"], summary="工单附件", responses=s.AttachmentSerializer(many=True), filters=False)
    @extend_schema(
        methods=["POST"],
        summary="上传附件",
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer},
        filters=False,
    )
    @action(
        detail=True,
        methods=["get", "post"],
        filter_backends=[],
        pagination_class=None,
        parser_classes=[MultiPartParser],
    )
    def attachments(self, request: Request, pk: str | None = None) -> Response:
        wo = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            return Response(
                s.AttachmentSerializer(wo.attachments.order_by("uploaded_at", "id"), many=True, context=context).data
            )
        body = s.AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        att = attachment_add(
            actor=request.user,
            work_order=wo,
            upload=body.validated_data["file"],
            kind=body.validated_data["kind"],
            ip=client_ip(request),
        )
        return Response(s.AttachmentSerializer(att, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="下载附件",
        parameters=[OpenApiParameter("attachment_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="文件内容")},
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>[0-9]+)",
        url_name="attachment-file",
        filter_backends=[],
        pagination_class=None,
    )
    def attachment_file(self, request: Request, pk: str | None = None, attachment_id: str | None = None) -> Any:
        wo = self.get_object()
        att = wo.attachments.filter(pk=attachment_id).first()
        if att is None:
            raise NotFound(_("附件不存在"))
        return files.serve_protected(att.file, att.content_type)


# --- measures and locate -------------------------------------------------------------------------


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


class MeasuresView(ApiView):
    @extend_schema(
        summary="考核指标",
        description="在您的管辖范围内，按期间 [start, end]（含两端，按本地日期）统计；分母为“应结案数”。"
        "期间尚未结束时统计到当前时刻：办结时限未到的工单不计入应结案（与首页、大屏、月度排名同一口径）。",
        parameters=[s.MeasuresQuerySerializer],
        responses=s.MeasuresSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        params = _query(s.MeasuresQuerySerializer, request)
        start = _local_midnight(params["start"])
        end = _local_midnight(params["end"] + dt.timedelta(days=1))
        group_by = params.get("group_by")
        # Counted like every screen: a period still running is cut at now (headlines.period_measures).
        rows = period_measures(
            WorkOrder.objects.restrict(request.user), start, end, now=timezone.now(), group_by=group_by
        )
        labels = measure_labels(group_by, [m.key for m in rows])
        out = [{**m.as_dict(), "label": labels.get(m.key)} for m in rows]
        return Response(s.MeasuresSerializer(out, many=True).data)


class SuggestView(ApiView):
    @extend_schema(
        summary="受理前的智能建议",
        description="对尚未登记的诉求给出候选分类（含置信度）、承办单位、疑似重复工单，"
        "无坐标时给出地址匹配的辖区。不写入任何数据。",
        request=s.SuggestRequestSerializer,
        responses=s.SuggestionSerializer,
    )
    def post(self, request: Request) -> Response:
        from wangge.core.geo import to_wgs84
        from wangge.territory import locator

        body = s.SuggestRequestSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        district = data.get("district")  # DistrictField reads only districts in the requester's scope
        lng, lat, node = data.get("lng"), data.get("lat"), None
        if lng is not None and lat is not None:
            lng, lat = to_wgs84(lng, lat, data["crs"])
            node = locator.locate(lng, lat)
        suggestion = intake.suggest(
            user=request.user,
            title=data["title"],
            description=data["description"],
            category=data.get("category"),
            territory=node,
            district=district,
            lng=lng,
            lat=lat,
            address=data["address"],
        )
        return Response(s.SuggestionSerializer(intake.as_dict(suggestion)).data)


class LocateView(ApiView):
    @extend_schema(
        summary="坐标定位到辖区",
        description="返回包含该点的辖区节点，自上而下；只含您管辖范围内的节点，范围外与不在任何辖区同为 404。",
        parameters=[s.LocateQuerySerializer],
        responses=s.LocateSerializer,
    )
    def get(self, request: Request) -> Response:
        from wangge.core.geo import to_wgs84
        from wangge.territory import locator

        params = _query(s.LocateQuerySerializer, request)
        lng, lat = to_wgs84(params["lng"], params["lat"], params["crs"])
        node = locator.locate(lng, lat)
        chain_ids = [t.pk for t in territory_ancestors(node)] if node is not None else []
        visible = list(Territory.objects.restrict(request.user).filter(pk__in=chain_ids).order_by("depth"))
        if not visible:
            raise NotFound(_("该位置不在您的管辖范围内"))
        return Response(s.LocateSerializer({"lng": lng, "lat": lat, "path": visible}).data)
