"""What the API's viewsets share: paging, the list/detail base, query parameters and the JSON 404."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework import mixins
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from wangge.api.base import ScopedViewSet


class ApiPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class BoundedCountPaginator(Paginator):  # type: ignore[type-arg]
    """Counts the rows only as far as ``at_least``: a count that reaches it stops there (``capped``)."""

    def __init__(self, object_list: Any, per_page: int, *, at_least: int | None) -> None:
        super().__init__(object_list, per_page)
        self.at_least = at_least
        self.capped = False

    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list
        if self.at_least is None:
            return int(rows.count())
        found = int(rows.order_by()[: self.at_least + 1].count())
        self.capped = found > self.at_least
        return min(found, self.at_least)


class BoundedCountPagination(ApiPagination):
    """Page numbers as everywhere, but ``count`` is exact only up to ``count_limit`` rows (or as far as the
    requested page and the next one reach): a list of a large scope costs its page, not a count of every row
    the user may see. Beyond, ``count`` is that bound and ``count_exact`` is false; ``next`` still leads on.
    ``?page=last`` counts exactly."""

    count_limit = 1000

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        raw = request.query_params.get(self.page_query_param) or "1"
        page_size = self.get_page_size(request) or 0
        try:
            number = max(1, int(raw))
        except ValueError:
            number = 1
        at_least = None if raw in self.last_page_strings else max(self.count_limit, number * page_size + 1)
        self.django_paginator_class = lambda qs, size: BoundedCountPaginator(qs, size, at_least=at_least)  # type: ignore[assignment]
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        paginator: Any = self.page.paginator  # type: ignore[union-attr]
        response.data["count_exact"] = not paginator.capped
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        out = super().get_paginated_response_schema(schema)
        out["properties"]["count"]["description"] = str(COUNT_HELP)
        out["properties"]["count_exact"] = {"type": "boolean", "description": str(COUNT_EXACT_HELP)}
        return out


COUNT_HELP = gettext_lazy("总数：不超过 1000 时为确切值；更多时为已数到的数（此时 count_exact 为 false），翻页不受影响")
COUNT_EXACT_HELP = gettext_lazy("count 是否为确切总数")


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
