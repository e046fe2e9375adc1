"""OpenAPI generation: every operation documents the error answers it can give, with the one error body."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorDetailSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(allow_null=True, required=False)
    reason = serializers.CharField(required=False)
    message = serializers.CharField(required=False)


class ErrorSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="稳定的错误编码，如 not_found、conflict、missing_fields")
    message = serializers.CharField(help_text="给人看的说明")
    details = serializers.JSONField(
        required=False, help_text="输入错误时为 [{field, reason, message}] 列表；冲突时为当前版本等"
    )


_DESCRIPTIONS = {
    "400": "输入有误或违反业务规则",
    "401": "未登录或令牌无效",
    "403": "无权执行",
    "404": "不存在或不在您的管辖范围内（列表：页码超出范围）",
    "409": "状态冲突：工单已被他人处理或当前状态不允许",
    "413": "请求内容过大",
    "429": "请求过于频繁",
}


class WanggeAutoSchema(AutoSchema):
    """Adds the error responses each operation may give, all with :class:`ErrorSerializer`."""

    def _error_codes(self) -> list[str]:
        # 404: an object out of scope or missing, and a page number past the end of a list.
        codes = ["400", "404", "429"]
        public = all(isinstance(p, AllowAny) for p in self.view.get_permissions())
        if not public:
            codes += ["401", "403"]
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("413")
            if "{" in self.path:
                codes.append("409")
        return codes

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description=_DESCRIPTIONS[code]), code, direction=direction
                )
        return responses


def lib_doc_excludes() -> list[type]:
    """Classes whose docstrings never become an operation's description: DRF's and the API's own bases."""
    from drf_spectacular.plumbing import get_lib_doc_excludes

    from wangge.api.base import ApiView, ScopedViewSet
    from wangge.api.views import ListViewSet

    return [*get_lib_doc_excludes(), ListViewSet, ScopedViewSet, ApiView]


class SingleObjectSchema(WanggeAutoSchema):
    """For a viewset whose ``list`` answers one object (a summary of the requester's scope), not a list."""

    def _is_list_view(self, serializer: Any = None) -> bool:
        return False
