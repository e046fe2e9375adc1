"""What the API's serializers share: page preparation, the reveal rule, datum help.

The reveal rule: a personal number leaves the API in full only when the request asks for it
(``?reveal=true``) and the requester may ``reveal`` that very object; everyone else reads it masked. Each
full number a serializer returns is noted on the request (:func:`reveal_log`), and the API's base view
writes one ``api.reveal`` audit entry per response that showed any (``wangge.api.base.ApiView``)."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.fields import Field, SkipField
from rest_framework.relations import PKOnlyObject, PrimaryKeyRelatedField

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


_FIELD_PROTOTYPES: dict[type, dict[str, Any]] = {}


class FieldsOnceMixin:
    """Builds a serializer's fields once per class instead of once per instance (a ModelSerializer of some 60
    fields spends milliseconds introspecting the model and translating its messages on every request); each
    instance binds its own shallow copies. For serializers whose fields do not depend on the context and hold
    no nested serializer or many-relation (those are deep-copied, as REST framework does)."""

    def get_fields(self) -> dict[str, Any]:
        cls = type(self)
        prototype = _FIELD_PROTOTYPES.get(cls)
        if prototype is None:
            prototype = super().get_fields()  # type: ignore[misc]
            _FIELD_PROTOTYPES[cls] = prototype
        return {
            name: copy.deepcopy(field)
            if isinstance(field, serializers.BaseSerializer | serializers.ManyRelatedField)
            else copy.copy(field)
            for name, field in prototype.items()
        }


_ATTR, _CALL, _PK, _ANY, _DISPLAY = range(5)
_ROW_PLANS: dict[type, list[tuple[str, int, tuple[str, ...]]]] = {}


class PlainRowsMixin:
    """``to_representation`` of a ModelSerializer without REST framework's per-value ``get_attribute`` walk (which
    inspects every value for a callable): the way to each field's value is worked out once per class, and the
    fields' own ``to_representation`` turn the values into output, so the output is the same. Fields that read
    their value in their own way (``source="*"``, relations other than a primary key, nested serializers) go
    through REST framework as usual."""

    def _row_plan(self) -> list[tuple[str, int, tuple[str, ...]]]:
        cls = type(self)
        plan = _ROW_PLANS.get(cls)
        if plan is not None:
            return plan
        model = self.Meta.model  # type: ignore[attr-defined]
        plan = []
        for field in self._readable_fields:  # type: ignore[attr-defined]
            attrs = tuple(field.source_attrs)
            kind = _ANY
            if (
                isinstance(field, PrimaryKeyRelatedField)
                and field.use_pk_only_optimization()
                and field.pk_field is None
                and len(attrs) == 1
            ):
                kind, attrs = _PK, (model._meta.get_field(attrs[0]).attname,)
            elif attrs and type(field).get_attribute is Field.get_attribute:
                kind = _CALL if len(attrs) == 1 and callable(getattr(model, attrs[0], None)) else _ATTR
                shown = attrs[0][4:-8] if kind == _CALL and attrs[0].startswith("get_") else ""
                concrete = {f.name: f for f in model._meta.concrete_fields}
                if attrs[0].endswith("_display") and shown in concrete and concrete[shown].flatchoices:
                    kind, attrs = _DISPLAY, (concrete[shown].attname,)
            plan.append((field.field_name, kind, attrs))
        _ROW_PLANS[cls] = plan
        return plan

    def _label(self, attname: str, value: Any) -> Any:
        """``get_FOO_display`` of ``value``, with the translated labels read once per serializer (per request)."""
        labels: dict[str, dict[Any, str]] = self.__dict__.setdefault("_display_labels", {})
        known = labels.get(attname)
        if known is None:
            model_field = next(f for f in self.Meta.model._meta.concrete_fields if f.attname == attname)  # type: ignore[attr-defined]
            known = labels[attname] = {k: str(v) for k, v in model_field.flatchoices}
        try:
            return known.get(value, value)
        except TypeError:  # an unhashable value: Django shows the value itself
            return value

    def to_representation(self, instance: Any) -> dict[str, Any]:
        fields = self.fields  # type: ignore[attr-defined]
        out: dict[str, Any] = {}
        for name, kind, attrs in self._row_plan():
            field = fields[name]
            if kind == _PK:
                out[name] = getattr(instance, attrs[0])
                continue
            if kind == _DISPLAY:  # ``get_FOO_display()``: the label of the value, as Django gives it
                value = getattr(instance, attrs[0])
                label = self._label(attrs[0], value)
                out[name] = None if label is None else field.to_representation(label)
                continue
            if kind == _ANY:
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
                check = value.pk if isinstance(value, PKOnlyObject) else value
                out[name] = None if check is None else field.to_representation(value)
                continue
            value = instance
            for attr in attrs:
                if value is None:
                    break
                try:
                    value = getattr(value, attr)
                except ObjectDoesNotExist:
                    value = None
                    break
            else:
                if kind == _CALL:
                    value = value()
                out[name] = None if value is None else field.to_representation(value)
                continue
            # a relation on the way is empty: as REST framework does (default, null, or its error)
            try:
                value = field.get_attribute(instance)
            except SkipField:
                continue
            out[name] = None if value is None else field.to_representation(value)
        return out


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
