"""Pages wired by wangge.web.urls through ``routes``."""

from __future__ import annotations

from django.urls import URLPattern

from wangge.web.views import outlines

routes: list[URLPattern] = [*outlines.routes]
