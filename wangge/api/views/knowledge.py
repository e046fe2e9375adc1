"""REST endpoints of the knowledge base (知识库): every staff account reads the published articles (editors
also the drafts) and searches them; dispatchers and administrators create and edit them, each edit a new
version (``knowledge.services``).

Registered on the API router by wangge.api.urls through :func:`register`."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wangge.api.base import SHARED
from wangge.api.serializers import knowledge as s
from wangge.api.views.common import ListViewSet, _query
from wangge.knowledge import selectors
from wangge.knowledge.models import Article, ArticleVersion
from wangge.knowledge.services import article_create, article_update

Q_PARAMETER = OpenApiParameter("q", OpenApiTypes.STR, description="按问题或关键词检索（按相关度排序）")


@extend_schema_view(
    list=extend_schema(summary="知识条目", parameters=[Q_PARAMETER]),
    retrieve=extend_schema(summary="知识条目详情（含全部版本）"),
    create=extend_schema(
        summary="新建知识条目",
        description="仅调度员、管理员可用；生成第 1 版。",
        request=s.ArticleWriteSerializer,
        responses={201: s.ArticleDetailSerializer},
    ),
    update=extend_schema(
        summary="修改知识条目",
        description="仅调度员、管理员可用；每次修改生成新版本，旧版本保留。expected_version 与当前版本不符时返回 409。",
        request=s.ArticleWriteSerializer,
        responses={200: s.ArticleDetailSerializer},
    ),
)
class ArticleViewSet(ListViewSet, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    serializer_class = s.ArticleSerializer
    queryset = Article.objects.select_related("category", "unit")
    scope = SHARED  # a dictionary of answers, no one's data; drafts only for editors (refine_queryset)
    filter_backends: list[Any] = []
    http_method_names = ["get", "post", "put", "head", "options"]

    def refine_queryset(self, qs: QuerySet[Article]) -> QuerySet[Article]:
        user = self.request.user
        if not selectors.may_read(user):
            return qs.none()
        if not selectors.may_edit(user):
            qs = qs.filter(status="published")
        if self.action != "list":
            qs = qs.prefetch_related(
                Prefetch("versions", queryset=ArticleVersion.objects.select_related("created_by").order_by("-number"))
            )
        return qs

    def get_serializer_class(self) -> Any:
        return s.ArticleSerializer if self.action == "list" else s.ArticleDetailSerializer

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        q = str(_query(s.ArticleQuerySerializer, request).get("q") or "").strip()
        if not q:
            return super().list(request, *args, **kwargs)
        rows: Any = selectors.search(request.user, q, limit=50)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _require_editor(self) -> None:
        if not selectors.may_edit(self.request.user):
            raise PermissionDenied("只有调度员或管理员可以编辑知识库")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._require_editor()
        body = s.ArticleWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        values.pop("expected_version", None)
        article = article_create(actor=request.user, **values)
        article = self.get_queryset().get(pk=article.pk)
        return Response(self.get_serializer(article).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        article = self.get_object()
        self._require_editor()
        body = s.ArticleWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        article = article_update(actor=request.user, article_id=article.pk, **body.validated_data)
        article = self.get_queryset().get(pk=article.pk)
        return Response(self.get_serializer(article).data)


def register(router: SimpleRouter) -> None:
    """Add this module's viewsets to the API router."""
    router.register("knowledge/articles", ArticleViewSet, basename="knowledge-article")
