"""REST endpoints of the 重点人员 ledger (registered on the API router by wangge.api.urls through ``register``).

Restricted: only holders of the key-person role (``keypersons.selectors.key_person_scope``, never a superuser
for being one) reach them; everyone else gets 404 on every address here, as for anything out of scope, and
the attempt is written to the access log. Every list, detail, reveal and change is logged by the selectors
and services these views call (channel ``api``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wangge.api.base import GRANTS, SHARED
from wangge.api.serializers.common import REVEAL_PARAMETER, reveal_asked
from wangge.api.serializers.keypersons import (
    KeyPersonCategorySerializer,
    KeyPersonDetailSerializer,
    KeyPersonReleaseSerializer,
    KeyPersonSerializer,
    KeyPersonVisitSerializer,
    KeyPersonVisitWriteSerializer,
    KeyPersonWriteSerializer,
)
from wangge.api.views.common import ListViewSet
from wangge.core.clientaddr import client_ip
from wangge.core.errors import NotFound
from wangge.keypersons.access import AccessChannel, log_access
from wangge.keypersons.choices import AccessAction
from wangge.keypersons.filtersets import KeyPersonCategoryFilterSet, KeyPersonFilterSet
from wangge.keypersons.models import KeyPerson, KeyPersonCategory
from wangge.keypersons.selectors import (
    holds_key_persons,
    key_person_detail,
    key_person_for_change,
    key_person_list,
    key_person_reveal,
    key_person_scope,
    resident_to_add,
    visits_of,
)
from wangge.keypersons.services import (
    key_person_create,
    key_person_release,
    key_person_update,
    key_person_visit,
)

API = AccessChannel.API

# What a refused request was trying to do, for the access log.
_ACTIONS = {
    "list": AccessAction.LIST,
    "retrieve": AccessAction.DETAIL,
    "create": AccessAction.CREATE,
    "partial_update": AccessAction.UPDATE,
    "visits": AccessAction.VISIT,
    "release": AccessAction.RELEASE,
}


class KeyPersonOfficersOnly(BasePermission):
    """Holders of the key-person role only; anyone else is answered 404 (the ledger's addresses look like
    missing ones) and, on the key persons' own addresses, the attempt is logged."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if holds_key_persons(request.user):
            return True
        if getattr(view, "logs_refusals", False):
            pk = view.kwargs.get("pk")
            log_access(
                request.user,
                _ACTIONS.get(getattr(view, "action", "") or "", AccessAction.DETAIL),
                [int(pk)] if str(pk or "").isdigit() and len(str(pk)) < 18 else [],
                query={"outcome": "not_found", "path": request.path},
                channel=API,
                count=0,
            )
        raise NotFound(_("接口地址不存在"))


def _query(request: Request) -> dict[str, Any]:
    return {k: v[0] if len(v) == 1 else v for k, v in request.query_params.lists() if k not in {"page", "reveal"}}


@extend_schema_view(list=extend_schema(summary="重点人员类别"), retrieve=extend_schema(summary="重点人员类别详情"))
class KeyPersonCategoryViewSet(ListViewSet):
    """The category dictionary, read by the key-person officers only (404 for everyone else)."""

    filterset_class = KeyPersonCategoryFilterSet
    serializer_class = KeyPersonCategorySerializer
    queryset = KeyPersonCategory.objects.all()
    scope = SHARED  # a dictionary; the permission keeps it to the officers
    permission_classes = [KeyPersonOfficersOnly]


@extend_schema_view(
    list=extend_schema(summary="重点人员列表（记入访问日志）"),
    retrieve=extend_schema(
        summary="重点人员详情（记入访问日志）", parameters=[REVEAL_PARAMETER], responses=KeyPersonDetailSerializer
    ),
    create=extend_schema(
        summary="新增重点人员", request=KeyPersonWriteSerializer, responses={201: KeyPersonSerializer}
    ),
    partial_update=extend_schema(
        summary="修改重点人员", request=KeyPersonWriteSerializer, responses=KeyPersonSerializer
    ),
)
class KeyPersonViewSet(ListViewSet):
    filterset_class = KeyPersonFilterSet
    serializer_class = KeyPersonSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    queryset = KeyPerson.objects.select_related("resident", "category", "grid").prefetch_related("helpers")
    scope = GRANTS
    grant_scope = staticmethod(key_person_scope)
    permission_classes = [KeyPersonOfficersOnly]
    logs_refusals = True

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rows = self.filter_queryset(self.get_queryset())
        listing = key_person_list(user=request.user, channel=API, rows=rows, query=_query(request), paginate=self._page)
        data = self.get_serializer(listing.rows, many=True).data
        return self.get_paginated_response(data)

    def _page(self, rows: QuerySet[KeyPerson]) -> Sequence[KeyPerson]:
        return self.paginate_queryset(rows) or []

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        pk = kwargs.get("pk")
        context = self.get_serializer_context()
        if reveal_asked(request):
            revealed = key_person_reveal(user=request.user, pk=pk, channel=API, ip=client_ip(request))
            context["revealed"] = revealed
            kp = revealed.key_person
        else:
            kp = key_person_detail(user=request.user, pk=pk, channel=API)
        return Response(KeyPersonDetailSerializer(kp, context=context).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = KeyPersonWriteSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        resident_pk = data.pop("resident", None)
        id_number = data.pop("resident_id_number", "")
        resident = resident_to_add(request.user, pk=resident_pk, id_number=id_number)
        kp = key_person_create(actor=request.user, resident=resident, channel=API, **data)
        return Response(self.get_serializer(kp).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kp = key_person_for_change(user=request.user, pk=kwargs.get("pk"), channel=API, action=AccessAction.UPDATE)
        body = KeyPersonWriteSerializer(data=request.data, partial=True, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        kp = key_person_update(actor=request.user, key_person=kp, channel=API, **body.validated_data)
        return Response(self.get_serializer(kp).data)

    @extend_schema(
        methods=["GET"],
        summary="走访记录（记入访问日志）",
        responses=KeyPersonVisitSerializer(many=True),
        filters=False,
    )
    @extend_schema(
        methods=["POST"],
        summary="登记走访",
        request=KeyPersonVisitWriteSerializer,
        responses={201: KeyPersonVisitSerializer},
        filters=False,
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[], pagination_class=None)
    def visits(self, request: Request, pk: str | None = None) -> Response:
        if request.method == "GET":
            kp = key_person_detail(user=request.user, pk=pk, channel=API)
            return Response(KeyPersonVisitSerializer(visits_of(kp), many=True).data)
        kp = key_person_for_change(user=request.user, pk=pk, channel=API, action=AccessAction.VISIT)
        body = KeyPersonVisitWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        visit = key_person_visit(actor=request.user, key_person=kp, channel=API, **body.validated_data)
        return Response(KeyPersonVisitSerializer(visit).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="解除管控（归档，不删除）",
        request=KeyPersonReleaseSerializer,
        responses=KeyPersonSerializer,
        filters=False,
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def release(self, request: Request, pk: str | None = None) -> Response:
        kp = key_person_for_change(user=request.user, pk=pk, channel=API, action=AccessAction.RELEASE)
        body = KeyPersonReleaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        kp = key_person_release(actor=request.user, key_person=kp, channel=API, **body.validated_data)
        return Response(self.get_serializer(kp).data)


def register(router: SimpleRouter) -> None:
    """Add this app's viewsets to the API router."""
    router.register("key-person-categories", KeyPersonCategoryViewSet, basename="key-person-category")
    router.register("key-persons", KeyPersonViewSet, basename="key-person")
