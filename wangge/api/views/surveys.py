"""REST endpoints of 一表: form templates, filled forms (scoped; create with photos), registration coverage.

Registered on the API router by wangge.api.urls through :func:`register`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wangge.api.base import SHARED, TERRITORY, ScopedViewSet
from wangge.api.serializers import surveys as s
from wangge.api.views.common import ListViewSet, _query
from wangge.core.errors import NotFound
from wangge.ledgers.models import Building, Household, Merchant, Resident
from wangge.surveys.filtersets import FormSubmissionFilterSet, FormTemplateFilterSet
from wangge.surveys.models import FormSubmission, FormTemplate
from wangge.surveys.selectors import (
    coverage_total,
    parse_quarter,
    quarter_label,
    quarter_start_of,
    registration_coverage,
)
from wangge.surveys.services import submission_create
from wangge.territory.models import Territory

PHOTO_PREFIX = "photos."
TARGETS: dict[str, type[Any]] = {
    "household": Household,
    "building": Building,
    "merchant": Merchant,
    "resident": Resident,
}


@extend_schema_view(
    list=extend_schema(summary="表单模板"), retrieve=extend_schema(summary="表单模板详情（当前版本的字段）")
)
class FormTemplateViewSet(ListViewSet):
    filterset_class = FormTemplateFilterSet
    serializer_class = s.FormTemplateSerializer
    queryset = FormTemplate.objects.all()
    scope = SHARED  # the forms themselves hold no one's data


@extend_schema_view(
    list=extend_schema(summary="填报记录"),
    retrieve=extend_schema(summary="填报记录详情"),
    create=extend_schema(
        summary="提交表单",
        description="按表单当前版本校验填报内容；关联对象须在您的管辖范围内（否则 404）。提交后按版本的设置写入台账、"
        "记录入户走访时间，或经统一受理转立工单。multipart/form-data 时 answers 为 JSON 字符串，照片为名为 "
        "photos.<字段名> 的文件。",
        request={
            "application/json": s.FormSubmissionCreateSerializer,
            "multipart/form-data": s.FormSubmissionCreateSerializer,
        },
        responses={201: s.FormSubmissionSerializer},
    ),
)
class FormSubmissionViewSet(ListViewSet, mixins.CreateModelMixin):
    filterset_class = FormSubmissionFilterSet
    serializer_class = s.FormSubmissionSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    http_method_names = ["get", "post", "head", "options"]
    queryset = FormSubmission.objects.select_related("template", "version", "grid").prefetch_related("photos")
    scope = TERRITORY

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.FormSubmissionCreateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        targets: dict[str, Any] = {}
        for name, model in TARGETS.items():
            pk = data.pop(name, None)
            if pk is not None:
                row = model.objects.filter(pk=pk).first()
                if row is None:
                    raise NotFound(_("对象不存在"))
                targets[name] = row  # the service decides on scope (out of scope reads as missing)
        grid = None
        if data.get("grid"):
            grid = Territory.objects.restrict(request.user).filter(code=data.pop("grid")).first()
            if grid is None:
                raise NotFound(_("网格不存在"))
        photos = {
            key[len(PHOTO_PREFIX) :]: request.FILES.getlist(key)
            for key in request.FILES
            if key.startswith(PHOTO_PREFIX)
        }
        submission = submission_create(
            actor=request.user,
            template=data["template"],
            grid=grid,
            answers=data["answers"],
            lng=data.get("lng"),
            lat=data.get("lat"),
            photos=photos,
            **targets,
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=submission.pk)).data, status=status.HTTP_201_CREATED
        )


class CoverageViewSet(ScopedViewSet):
    """入户排查覆盖率 under one territory node the requester sees."""

    queryset = Territory.objects.all()
    scope = TERRITORY
    filter_backends: list[Any] = []

    @extend_schema(
        summary="入户排查覆盖率",
        description="辖区下每个网格：在册户数、本季度已排查户数（本季度有入户表单或入户走访记录）及覆盖率。",
        parameters=[s.CoverageQuerySerializer],
        responses=s.CoverageSerializer,
    )
    def list(self, request: Request) -> Response:
        params = _query(s.CoverageQuerySerializer, request)
        qs: QuerySet[Territory] = self.get_queryset()
        node = qs.filter(code=params["territory"]).first()
        if node is None:
            raise NotFound(_("辖区不存在"))
        start = parse_quarter(params["quarter"]) if params.get("quarter") else None
        start = start or quarter_start_of(timezone.localdate())
        rows = registration_coverage(node, start)
        total = coverage_total(rows)
        body = {
            "territory": node.code,
            "quarter": quarter_label(start),
            **total,
            "grids": [
                {
                    "code": r["grid"].code,
                    "name": r["grid"].name,
                    "households": r["households"],
                    "visited": r["visited"],
                    "ratio": r["ratio"],
                }
                for r in rows
            ],
        }
        return Response(s.CoverageSerializer(body).data)


def register(router: SimpleRouter) -> None:
    """Add this app's viewsets to the API router."""
    router.register("form-templates", FormTemplateViewSet, basename="form-template")
    router.register("form-submissions", FormSubmissionViewSet, basename="form-submission")
    router.register("coverage", CoverageViewSet, basename="coverage")
