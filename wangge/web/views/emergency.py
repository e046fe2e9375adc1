"""Pages of 预警与应急响应 (``wangge.emergency``)."""

from __future__ import annotations

from django.urls import URLPattern

routes: list[URLPattern] = []
