"""REST endpoints of 预约与叫号 (``wangge.queueing``), registered on the API router by wangge.api.urls through
``register``: the bookable slots, the appointments (staff, phone masked), the tickets, a window's steps (call-next,
recall, skip, start, transfer, finish), the live queue of a hall and the tidal switches."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from wangge.api.base import TERRITORY
from wangge.api.views.common import ListViewSet
from wangge.core.errors import NotFound, PermissionDenied
from wangge.core.validators import mask_phone
from wangge.hall.models import Application, Hall, Window
from wangge.queueing.models import Appointment, ItemGroup, Slot, Ticket, WindowSwitch
from wangge.queueing.selectors import queue_status, recent_calls
from wangge.queueing.services import (
    may_work,
    window_call_next,
    window_finish,
    window_recall,
    window_skip,
    window_start,
    window_transfer,
)


class QueueSlotSerializer(serializers.ModelSerializer[Slot]):
    group_prefix = serializers.CharField(source="group.prefix", read_only=True)
    remaining = serializers.IntegerField(read_only=True)

    class Meta:
        model = Slot
        fields = [
            "id",
            "hall",
            "group",
            "group_prefix",
            "day",
            "starts_at",
            "ends_at",
            "capacity",
            "booked",
            "remaining",
        ]


class QueueAppointmentSerializer(serializers.ModelSerializer[Appointment]):
    phone = serializers.SerializerMethodField(help_text="手机号（脱敏）")

    class Meta:
        model = Appointment
        fields = ["id", "code", "hall", "group", "slot", "item", "name", "phone", "status", "created_at"]

    def get_phone(self, obj: Appointment) -> str:
        return mask_phone(obj.phone)


class QueueTicketSerializer(serializers.ModelSerializer[Ticket]):
    window_number = serializers.CharField(source="window.number", read_only=True, default=None)
    application_code = serializers.CharField(source="application.code", read_only=True, default=None)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "hall",
            "group",
            "day",
            "number",
            "source",
            "is_booked",
            "status",
            "issued_at",
            "called_at",
            "started_at",
            "finished_at",
            "window",
            "window_number",
            "calls",
            "application_code",
        ]


class QueueSwitchSerializer(serializers.ModelSerializer[WindowSwitch]):
    class Meta:
        model = WindowSwitch
        fields = ["id", "hall", "window", "group", "direction", "at", "waiting", "expected_wait_minutes", "reason"]


class QueueHallSerializer(serializers.ModelSerializer[Hall]):
    class Meta:
        model = Hall
        fields = ["id", "code", "name", "kind"]


class QueueTransferSerializer(serializers.Serializer[Any]):
    to_window = serializers.IntegerField(required=False, help_text="转往窗口 id")
    to_group = serializers.IntegerField(required=False, help_text="转往业务分组 id")


class QueueFinishSerializer(serializers.Serializer[Any]):
    application = serializers.CharField(required=False, allow_blank=True, help_text="关联的办件编号（选填）")


@extend_schema_view(list=extend_schema(summary="预约时段"), retrieve=extend_schema(summary="预约时段详情"))
class QueueSlotViewSet(ListViewSet):
    serializer_class = QueueSlotSerializer
    queryset = Slot.objects.select_related("group").order_by("day", "starts_at", "id")
    scope = TERRITORY
    filterset_fields = ["hall", "group", "day"]


@extend_schema_view(list=extend_schema(summary="预约（工作人员）"), retrieve=extend_schema(summary="预约详情"))
class QueueAppointmentViewSet(ListViewSet):
    serializer_class = QueueAppointmentSerializer
    queryset = Appointment.objects.select_related("slot").order_by("slot__day", "slot__starts_at", "id")
    scope = TERRITORY
    filterset_fields = ["hall", "group", "status", "slot__day"]


@extend_schema_view(list=extend_schema(summary="排队票号"), retrieve=extend_schema(summary="票号详情"))
class QueueTicketViewSet(ListViewSet):
    serializer_class = QueueTicketSerializer
    queryset = Ticket.objects.select_related("window", "application").order_by("-day", "issued_at", "id")
    scope = TERRITORY
    filterset_fields = ["hall", "group", "day", "status", "window"]


@extend_schema_view(list=extend_schema(summary="潮汐窗口切换记录"), retrieve=extend_schema(summary="切换详情"))
class QueueSwitchViewSet(ListViewSet):
    serializer_class = QueueSwitchSerializer
    queryset = WindowSwitch.objects.order_by("-at", "-id")
    scope = TERRITORY
    filterset_fields = ["hall", "window", "group", "direction"]


@extend_schema_view(list=extend_schema(summary="服务大厅（叫号）"), retrieve=extend_schema(summary="服务大厅"))
class QueueHallViewSet(ListViewSet):
    serializer_class = QueueHallSerializer
    queryset = Hall.objects.order_by("code")
    scope = TERRITORY

    @extend_schema(
        summary="大厅实时排队：各业务分组等候人数、服务窗口数、平均办理分钟、预计等候分钟，及最近叫号",
        responses={200: OpenApiTypes.OBJECT},
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def queue(self, request: Request, pk: str | None = None) -> Response:
        hall = self.get_object()
        return Response({"groups": [q.as_dict() for q in queue_status(hall)], "calls": recent_calls(hall)})


class QueueWindowViewSet(ListViewSet):
    """A window's steps; the window must be one the requester works at."""

    serializer_class = QueueTicketSerializer
    queryset = Hall.objects.none()
    scope = TERRITORY

    def _window(self, request: Request, pk: str | None) -> Window:
        number = int(pk) if pk and pk.isdigit() and len(pk) < 12 else 0  # an id that is no id is not found
        w = Window.objects.select_related("hall", "hall__territory").filter(pk=number, is_active=True).first()
        if w is None or not Hall.objects.restrict(request.user).filter(pk=w.hall_id).exists():
            raise NotFound(_("窗口不存在"))
        if not may_work(request.user, w):
            raise PermissionDenied(_("您不是该窗口的工作人员"))
        return w

    def _done(self, t: Ticket) -> Response:
        return Response(QueueTicketSerializer(t).data)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        raise NotFound(_("接口地址不存在"))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        raise NotFound(_("接口地址不存在"))

    @extend_schema(summary="叫下一位", request=None, responses={200: QueueTicketSerializer}, filters=False)
    @action(detail=True, methods=["post"], url_path="call-next", filter_backends=[], pagination_class=None)
    def call_next(self, request: Request, pk: str | None = None) -> Response:
        return self._done(window_call_next(actor=request.user, window=self._window(request, pk)))

    @extend_schema(summary="重呼", request=None, responses={200: QueueTicketSerializer}, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def recall(self, request: Request, pk: str | None = None) -> Response:
        return self._done(window_recall(actor=request.user, window=self._window(request, pk)))

    @extend_schema(summary="过号", request=None, responses={200: QueueTicketSerializer}, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def skip(self, request: Request, pk: str | None = None) -> Response:
        return self._done(window_skip(actor=request.user, window=self._window(request, pk)))

    @extend_schema(summary="开始办理", request=None, responses={200: QueueTicketSerializer}, filters=False)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def start(self, request: Request, pk: str | None = None) -> Response:
        return self._done(window_start(actor=request.user, window=self._window(request, pk)))

    @extend_schema(
        summary="转移到其他窗口或业务", request=QueueTransferSerializer, responses={200: QueueTicketSerializer}
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def transfer(self, request: Request, pk: str | None = None) -> Response:
        w = self._window(request, pk)
        body = QueueTransferSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        to_window = Window.objects.filter(pk=d["to_window"]).first() if d.get("to_window") else None
        to_group = ItemGroup.objects.filter(pk=d["to_group"]).first() if d.get("to_group") else None
        return self._done(window_transfer(actor=request.user, window=w, to_window=to_window, to_group=to_group))

    @extend_schema(summary="办结（可关联办件）", request=QueueFinishSerializer, responses={200: QueueTicketSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def finish(self, request: Request, pk: str | None = None) -> Response:
        w = self._window(request, pk)
        body = QueueFinishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        code = (body.validated_data.get("application") or "").strip()
        app = Application.objects.filter(code=code, hall=w.hall_id).first() if code else None
        if code and app is None:
            raise NotFound(_("办件编号不存在"))
        return self._done(window_finish(actor=request.user, window=w, application=app))


def register(router: SimpleRouter) -> None:
    """Register this module's viewsets on the API router."""
    router.register("queue-halls", QueueHallViewSet, basename="queue-hall")
    router.register("queue-slots", QueueSlotViewSet, basename="queue-slot")
    router.register("queue-appointments", QueueAppointmentViewSet, basename="queue-appointment")
    router.register("queue-tickets", QueueTicketViewSet, basename="queue-ticket")
    router.register("queue-switches", QueueSwitchViewSet, basename="queue-switch")
    router.register("queue-windows", QueueWindowViewSet, basename="queue-window")
