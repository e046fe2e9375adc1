"""What every API view shares: token then session authentication, the body-size limit, FilterSet filtering,
and the rule that a queryset starts from the user's scope."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import generics, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from wangge.api.exceptions import PayloadTooLarge

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


class ScopedViewSet(viewsets.ViewSetMixin, generics.GenericAPIView, ApiView):  # type: ignore[type-arg]
    """Subclasses implement ``base_queryset()`` starting from ``Model.objects.restrict(request.user)``;
    filtering and ordering come from the model's FilterSet."""

    filter_backends = [DjangoFilterBackend]

    def base_queryset(self) -> Any:
        raise NotImplementedError

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, no query
            return self.base_queryset_model().objects.none()
        return self.base_queryset()

    def base_queryset_model(self) -> Any:
        return self.filterset_class._meta.model  # type: ignore[attr-defined]
