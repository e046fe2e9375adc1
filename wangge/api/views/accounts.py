"""Units, staff, the current user and API tokens."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle

from wangge.accounts.filtersets import StaffFilterSet, UnitFilterSet
from wangge.accounts.models import RoleGrant, Unit, User
from wangge.accounts.passwords import password_change_reason, reason_text
from wangge.accounts.tokens import api_token_issue, api_token_revoke, token_lifetime
from wangge.api import serializers as s
from wangge.api.base import TERRITORY, ApiView
from wangge.api.errors import ErrorCode
from wangge.api.views.common import ListViewSet
from wangge.core.clientaddr import client_ip
from wangge.core.errors import PermissionDenied

# --- accounts ------------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="单位列表"), retrieve=extend_schema(summary="单位详情"))
class UnitViewSet(ListViewSet):
    filterset_class = UnitFilterSet
    serializer_class = s.UnitSerializer
    queryset = Unit.objects.select_related("territory")
    scope = TERRITORY


@extend_schema_view(
    list=extend_schema(summary="工作人员列表", parameters=[s.REVEAL_PARAMETER]),
    retrieve=extend_schema(summary="工作人员详情", parameters=[s.REVEAL_PARAMETER]),
)
class StaffViewSet(ListViewSet):
    filterset_class = StaffFilterSet
    serializer_class = s.StaffSerializer
    queryset = User.objects.prefetch_related(
        Prefetch("grants", queryset=RoleGrant.objects.select_related("territory").order_by("id"))
    ).order_by("username")
    scope = TERRITORY


class MeView(ApiView):
    @extend_schema(summary="当前用户", responses=s.MeSerializer)
    def get(self, request: Request) -> Response:
        user = User.objects.prefetch_related(
            Prefetch("grants", queryset=RoleGrant.objects.select_related("territory").order_by("id"))
        ).get(pk=request.user.pk)
        return Response(s.MeSerializer(user, context={"request": request}).data)


class TokenView(ApiView):
    """Exchange a username and password for an API token (the login page's failure limits apply), or revoke the
    token the request carries. Tokens expire; only their hash is stored (wangge.accounts.tokens)."""

    throttle_classes = [AnonRateThrottle, ScopedRateThrottle]
    throttle_scope = "login"

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_authenticators(self) -> list[Any]:
        # The exchange needs no credentials but the password: a stale token in the request must not refuse it.
        return [] if getattr(self.request, "method", None) == "POST" else super().get_authenticators()

    @extend_schema(
        summary="获取接口令牌",
        description=f"以用户名和密码换取令牌，自签发起 {token_lifetime().total_seconds() / 3600:g} 小时后失效"
        "（expiry）；失败答复一律相同，多次失败后须稍候再试。须先修改密码的账号答复 403 password_change_required。",
        request=s.TokenRequestSerializer,
        responses=s.TokenSerializer,
        auth=[],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user: User = serializer.validated_data["user"]
        reason = password_change_reason(user)
        if reason is not None:
            raise PermissionDenied(reason_text(reason), code=ErrorCode.PASSWORD_CHANGE_REQUIRED)
        token, raw = api_token_issue(actor=user, ip=client_ip(request))
        return Response(s.TokenSerializer({"token": raw, "expiry": token.expiry}).data)

    @extend_schema(summary="注销当前令牌", request=None, responses={204: None})
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = request.user
        if isinstance(user, User) and request.auth is not None and hasattr(request.auth, "digest"):
            api_token_revoke(actor=user, token=request.auth, ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
