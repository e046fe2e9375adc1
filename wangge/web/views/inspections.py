"""Pages of 巡查体检 (``wangge.inspections``)."""

from __future__ import annotations

from django.urls import URLPattern

routes: list[URLPattern] = []
