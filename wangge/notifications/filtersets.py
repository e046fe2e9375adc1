"""Filters of one's in-app messages (the inbox page and the REST API)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from wangge.notifications.models import Notification


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(label=_("未读"), method="filter_unread")
    ordering = django_filters.OrderingFilter(fields=(("created_at", "created_at"),))

    class Meta:
        model = Notification
        fields = ["unread"]

    def filter_unread(self, qs: QuerySet[Notification], name: str, value: bool | None) -> QuerySet[Notification]:
        if value is None:
            return qs
        return qs.filter(read_at__isnull=value)
