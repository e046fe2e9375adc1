"""In-app messages: one's own, marked read."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from wangge.api import serializers as s
from wangge.api.base import OWN
from wangge.api.views.common import ListViewSet
from wangge.notifications.filtersets import NotificationFilterSet
from wangge.notifications.models import Notification
from wangge.notifications.services import notification_mark_read

# --- in-app messages ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="我的站内消息", description="只含本人的消息，新的在前；?unread=true 只看未读。"),
    retrieve=extend_schema(summary="站内消息详情"),
)
class NotificationViewSet(ListViewSet):
    filterset_class = NotificationFilterSet
    serializer_class = s.NotificationSerializer
    queryset = Notification.objects.order_by("-created_at", "-id")
    scope = OWN  # one's own messages, whatever one's grants
    owner_field = "recipient_id"

    @extend_schema(
        summary="标为已读",
        request=s.NotificationReadSerializer,
        responses=s.NotificationReadResultSerializer,
        filters=False,
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None, parser_classes=[JSONParser])
    def read(self, request: Request) -> Response:
        body = s.NotificationReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        mine = Notification.objects.filter(recipient_id=request.user.pk, read_at__isnull=True)
        ids = list(mine.values_list("pk", flat=True)) if body.validated_data["all"] else body.validated_data["ids"]
        marked = notification_mark_read(actor=request.user, notification_ids=ids)
        return Response(s.NotificationReadResultSerializer({"marked": marked}).data)
