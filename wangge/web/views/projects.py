"""Pages of 项目台账 (``wangge.projects``)."""

from __future__ import annotations

from django.urls import URLPattern

routes: list[URLPattern] = []
