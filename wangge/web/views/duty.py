"""Pages of 值班与防汛备勤 (``wangge.duty``)."""

from __future__ import annotations

from django.urls import URLPattern

routes: list[URLPattern] = []
