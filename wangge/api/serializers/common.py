"""What the API's serializers share: page preparation, the reveal rule, datum help."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from wangge.accounts.roles import REVEAL
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


def revealed_ids(model: Any, user: Any, items: list[Any]) -> set[Any]:
    if not items or user is None:
        return set()
    pks = [item.pk for item in items]
    return set(model.objects.restrict(user, REVEAL).filter(pk__in=pks).values_list("pk", flat=True))
