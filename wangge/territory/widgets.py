"""The territory admin's outline field as a map (leaflet-geoman) instead of GeoJSON text."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.widgets import Script

from wangge.territory.maps import map_settings, tile_crs


class OutlineMapWidget(forms.Textarea):
    """The outline drawn and edited on a map (``web/outline_edit.js``), written into a hidden textarea as
    WGS-84 GeoJSON, the value the admin form has always taken. ``others`` (WGS-84) are the parent and
    siblings drawn under it. Background tiles are shown only when they are WGS-84 (天地图): this field
    takes WGS-84, and the editor page (``outline_url``) draws on tiles of any datum."""

    template_name = "territory/widgets/outline_map.html"

    class Media:
        css = {"all": ("vendor/leaflet/leaflet.css", "vendor/leaflet-geoman/leaflet-geoman.css", "web/admin_maps.css")}
        js = (
            Script("vendor/leaflet/leaflet.js", defer=True),
            Script("vendor/leaflet-geoman/leaflet-geoman.min.js", defer=True),
            Script("web/maps.js", defer=True),  # the background map (WanggeMaps.map)
            Script("web/outline_edit.js", defer=True),
        )

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.others: dict[str, Any] = {"type": "FeatureCollection", "features": []}
        self.outline_url = ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        settings = map_settings()
        context["tiles"] = settings if tile_crs() == "wgs84" else None
        context["others"] = self.others
        context["outline_url"] = self.outline_url
        context["others_id"] = f"{context['widget']['attrs'].get('id') or name}_others"
        return context
