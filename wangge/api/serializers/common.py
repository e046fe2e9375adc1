"""What the API's serializers share: page preparation, the reveal rule, datum help.

The reveal rule: a personal number leaves the API in full only when the request asks for it
(``?reveal=true``) and the requester may ``reveal`` that very object; everyone else reads it masked. Each
full number a serializer returns is noted on the request (:func:`reveal_log`), and the API's base view
writes one ``api.reveal`` audit entry per response that showed any (``wangge.api.base.ApiView``)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from wangge.accounts.roles import REVEAL
from wangge.core.validators import mask_phone
from wangge.workorders.choices import (
    Channel,
    SupervisionLevel,
)
from wangge.workorders.workflow import WORKFLOW

CRS_FIELD_HELP = _("坐标系：wgs84（GPS）、gcj02（高德/腾讯）或 bd09（百度）")
# Channels a client may file under; the rating channel is opened by the callback step itself.
INTAKE_CHANNELS = [(v, label) for v, label in Channel.choices if v != Channel.RATING]
SUPERVISION_LEVELS = [(v, label) for v, label in SupervisionLevel.choices if v]
TRANSITION_NAMES = sorted(WORKFLOW.transitions)  # the step names (OpenAPI: TransitionNameEnum)


REVEAL_PARAMETER = OpenApiParameter(
    "reveal",
    OpenApiTypes.BOOL,
    OpenApiParameter.QUERY,
    description=str(
        _("true：返回完整的个人号码（仅对有查看完整号码权限的对象生效，每次返回均记入审计日志）；否则一律脱敏")
    ),
)
REVEAL_TRUE = {"true", "1", "yes"}
_LOG_ATTR = "wangge_revealed"


def _user(serializer: Any) -> Any:
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class PagedListSerializer(serializers.ListSerializer[Any]):
    """Lets the child look up what a whole page needs in one query (``prepare``)."""

    def to_representation(self, data: Any) -> list[Any]:
        items = list(data.all()) if isinstance(data, models.manager.BaseManager) else list(data)
        self.child.prepare(items)  # type: ignore[union-attr]
        return [self.child.to_representation(item) for item in items]  # type: ignore[union-attr]


class PreparedMixin:
    """``prepare(items)`` fills ``self.page`` with per-page lookups; a lone object prepares itself."""

    page: dict[str, Any]
    _prepared: set[Any]

    def collect(self, items: list[Any]) -> dict[str, Any]:
        return {}

    def prepare(self, items: list[Any]) -> None:
        self.page = self.collect(items)
        self._prepared = {item.pk for item in items}

    def page_for(self, obj: Any) -> dict[str, Any]:
        if obj.pk not in getattr(self, "_prepared", set()):
            self.prepare([obj])
        return self.page


def reveal_asked(request: Any) -> bool:
    params = getattr(request, "query_params", None) or getattr(request, "GET", None) or {}
    return str(params.get("reveal", "")).lower() in REVEAL_TRUE


def reveal_log(request: Any) -> dict[str, dict[str, set[Any]]]:
    """The full numbers this request has returned so far: ``app_label.model`` → ids and fields."""
    http = getattr(request, "_request", request)
    log = getattr(http, _LOG_ATTR, None)
    if log is None:
        log = {}
        setattr(http, _LOG_ATTR, log)
    return log


def revealed_ids(model: Any, serializer: Any, items: list[Any]) -> set[Any]:
    """The ids among ``items`` whose numbers this request asked to see and may see in full."""
    request = serializer.context.get("request")
    user = getattr(request, "user", None)
    if not items or user is None or not reveal_asked(request):
        return set()
    pks = [item.pk for item in items]
    return set(model.objects.restrict(user, REVEAL).filter(pk__in=pks).values_list("pk", flat=True))


def phone_out(serializer: Any, obj: Any, field: str) -> str:
    """The number in ``obj.field``: in full when its id is among the page's revealed ones (and noted for the
    audit trail), masked otherwise."""
    value = getattr(obj, field) or ""
    if not value or obj.pk not in serializer.page_for(obj)["revealed"]:
        return mask_phone(value)
    seen = reveal_log(serializer.context.get("request")).setdefault(
        f"{obj._meta.app_label}.{obj._meta.model_name}", {"ids": set(), "fields": set()}
    )
    seen["ids"].add(obj.pk)
    seen["fields"].add(field)
    return str(value)
