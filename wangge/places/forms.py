"""Form pieces for points: the map on which a point is placed by a click."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.widgets import Script

from wangge.territory.maps import display_point, map_settings


class PointPickWidget(forms.Widget):
    """A map (``web/maps.js``, ``data-map="pick"``): a click inside the user's territories writes the
    form's ``lng``/``lat`` in the datum of the background tiles and that datum's name into ``crs``; the
    service converts to WGS-84 and finds the grid when the form is saved. ``start`` is the stored point
    (WGS-84), shown where it lies on the tiles."""

    template_name = "places/widgets/point_pick.html"

    class Media:
        css = {"all": ("vendor/leaflet/leaflet.css", "web/admin_maps.css")}
        js = (Script("vendor/leaflet/leaflet.js", defer=True), Script("web/maps.js", defer=True))

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.start: tuple[float, float] | None = None

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["map"] = map_settings()
        context["start"] = display_point(*self.start) if self.start is not None else None
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> None:
        return None  # the map itself submits nothing: the lng, lat and crs inputs do
