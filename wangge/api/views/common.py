"""What the API's viewsets share: paging, the list/detail base, query parameters and the JSON 404."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import mixins
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from wangge.api.base import ScopedViewSet


class ApiPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class ListViewSet(ScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    pagination_class = ApiPagination


def _query(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    """Validated query parameters (400 on malformed ones)."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@csrf_exempt  # nothing is written; a token client's POST to a wrong address must read 404, not 403
def not_found(request: Any, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other address under /api/: the error body, not the site's HTML page."""
    return JsonResponse({"code": "not_found", "message": _("接口地址不存在")}, status=404)
