"""Pages of 专项整治 (``wangge.campaigns``)."""

from __future__ import annotations

from django.urls import URLPattern

routes: list[URLPattern] = []
