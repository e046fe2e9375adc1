"""What every API view shares: token then session authentication, the body-size limit, FilterSet filtering,
and the rule that a queryset starts from the user's scope.

Tokens are django-rest-knox tokens (wangge.accounts.tokens): hashed at rest, expiring, revoked on logout,
password change, lock and deactivation. A token of an account an administrator locked, or whose password must be
changed first, authenticates nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from rest_framework import generics, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from wangge.accounts.tokens import token_lifetime
from wangge.api.authentication import TokenAuthentication
from wangge.api.exceptions import PayloadTooLarge
from wangge.api.serializers.common import reveal_log
from wangge.core import audit
from wangge.core.clientaddr import client_ip
from wangge.core.scoping import VIEW, Scope, scope_q


class TokenScheme(KnoxTokenScheme):
    """The token in the OpenAPI schema, with its lifetime."""

    target_class = "wangge.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        definition: dict[str, Any] = dict(super().get_security_definition(auto_schema))
        hours = token_lifetime().total_seconds() / 3600
        definition["description"] = (
            "请求头 Authorization: Token <令牌>。令牌由 POST /api/auth/token/ 以用户名和密码换取，"
            f"自签发起 {hours:g} 小时后失效（不因使用而延长）；DELETE /api/auth/token/ 注销当前令牌；"
            "修改密码、账号被锁定或停用时全部失效。"
        )
        return definition


# Token first: an anonymous request is answered 401 with ``WWW-Authenticate: Token``.
AUTHENTICATION = [TokenAuthentication, SessionAuthentication]


def check_body_size(request: Request) -> None:
    """Refuse a body larger than the limit before anything parses it (multipart uploads have their own)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    content_type = request.META.get("CONTENT_TYPE", "")
    limit = (
        settings.WANGGE_API_MAX_UPLOAD_BODY_BYTES
        if content_type.startswith("multipart/")
        else settings.WANGGE_API_MAX_BODY_BYTES
    )
    if length > limit:
        raise PayloadTooLarge()


class ApiView(APIView):
    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        check_body_size(request)
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Response:
        """A response that carries full personal numbers writes one ``api.reveal`` audit entry."""
        response = super().finalize_response(request, response, *args, **kwargs)
        log = reveal_log(request)
        if log and response.status_code < 400 and request.user.is_authenticated:
            audit.record_reveal(actor=request.user, revealed=log, ip=client_ip(request), note=request.path[:200])
            log.clear()
        return response


TERRITORY = "territory"  # rows the user's grants cover: ``queryset.restrict(user, scope_action)``
OWN = "own"  # the user's own rows only: ``owner_field`` equals the user (their messages)
SHARED = "shared"  # a dictionary every signed-in user reads (categories, point types): no restriction
# Rows covered by the viewset's own ``grant_scope(user) -> Scope``, read from one role's grants: a restricted
# ledger (重点人员) that being a superuser, an administrator or a leader does not open.
GRANTS = "grants"
SCOPES = (TERRITORY, OWN, SHARED, GRANTS)


class ScopedViewSet(viewsets.ViewSetMixin, generics.GenericAPIView, ApiView):  # type: ignore[type-arg]
    """Every viewset declares its ``queryset`` and how it is scoped (``scope``: TERRITORY, OWN, SHARED or GRANTS — no
    default, so forgetting is an import-time error); this base class restricts it for the requesting user
    before anything else sees it, so a subclass cannot forget to. ``refine_queryset`` adds per-action
    loading (``select_related``, ``defer``) or filters on the already-restricted rows. Out of scope looks
    exactly like missing (404). Filtering and ordering come from the model's FilterSet.
    """

    filter_backends = [DjangoFilterBackend]
    scope: str = ""
    scope_action: str = VIEW
    owner_field: str = ""
    grant_scope: Callable[[Any], Scope] | None = None  # scope GRANTS: declare as ``staticmethod(fn)``

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        queryset: Any = getattr(cls, "queryset", None)
        if queryset is None:
            return  # an abstract base (e.g. ListViewSet)
        if cls.scope not in SCOPES:
            raise ImproperlyConfigured(f"{cls.__name__} declares a queryset but no scope ({', '.join(SCOPES)})")
        if cls.scope == TERRITORY and not hasattr(queryset, "restrict"):
            raise ImproperlyConfigured(f"{cls.__name__}: the {queryset.model.__name__} queryset has no restrict()")
        if cls.scope == OWN and not cls.owner_field:
            raise ImproperlyConfigured(f"{cls.__name__}: scope OWN needs owner_field")
        if cls.scope == GRANTS and not callable(cls.grant_scope):
            raise ImproperlyConfigured(f"{cls.__name__}: scope GRANTS needs grant_scope")

    def get_queryset(self) -> Any:
        assert self.queryset is not None, f"{type(self).__name__} declares no queryset"
        qs: Any = self.queryset.all()
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, no query
            return qs.none()
        user = self.request.user
        if self.scope == TERRITORY:
            qs = qs.restrict(user, self.scope_action)
        elif self.scope == OWN:
            qs = qs.filter(**{self.owner_field: user.pk})
        elif self.scope == GRANTS:
            assert self.grant_scope is not None
            scope = self.grant_scope(user)
            q = scope_q(qs.model, scope)
            qs = qs.none() if scope.empty else qs if q is None else qs.filter(q)
        return self.refine_queryset(qs)

    def refine_queryset(self, qs: Any) -> Any:
        return qs
