"""Pages of ``wangge.cogovernance``, wired by wangge.web.urls through ``routes``."""

from __future__ import annotations

from django.urls import URLPattern

routes: list[URLPattern] = []
