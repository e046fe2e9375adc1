"""Pages of 调度会与交办 (``wangge.meetings``)."""

from __future__ import annotations

from django.urls import URLPattern

routes: list[URLPattern] = []
