"""The territory outline editor: a node's boundary drawn and edited on the map (leaflet-geoman), beside its
parent and siblings, saved through ``territory_outline_update``. Only editors whose change scope holds the
node reach the page; to anyone else it does not exist."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from wangge.core import geo
from wangge.core.clientaddr import client_ip
from wangge.core.errors import DomainError, ValidationFailed
from wangge.core.scoping import CHANGE
from wangge.territory.maps import map_settings, tile_crs
from wangge.territory.models import Territory
from wangge.territory.selectors import territory_outline_context
from wangge.territory.services import territory_outline_update
from wangge.web.views.registry import REGISTRIES


def _display(geometry: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored WGS-84 outline in the datum of the background tiles."""
    if not geometry:
        return None
    crs = tile_crs()
    return geometry if crs == "wgs84" else geo.transform_geometry_from_wgs84(geometry, crs)


def _feature(node: Territory, role: str) -> dict[str, Any] | None:
    geometry = _display(node.geometry)
    if geometry is None:
        return None
    props = {"code": node.code, "name": node.name, "kind": node.kind, "role": role}
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _context_features(node: Territory) -> dict[str, Any]:
    """The parent and the siblings, drawn under the node being edited, in the tiles' datum."""
    context = territory_outline_context(node)
    for feature in context["features"]:
        feature["geometry"] = _display(feature["geometry"])
    return context


def editable(user: Any) -> bool:
    return Territory.objects.restrict(user, CHANGE).exists()


@login_required
def outline_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the map with the outline in edit mode. POST: ``geometry`` (GeoJSON in the tiles' datum, ``crs``)."""
    node: Territory = get_object_or_404(Territory.objects.restrict(request.user, CHANGE), pk=pk)
    errors: list[str] = []
    status = 200
    posted = None
    if request.method == "POST":
        raw = request.POST.get("geometry", "")
        crs = request.POST.get("crs") or "wgs84"
        try:
            posted = json.loads(raw) if raw.strip() else None
        except json.JSONDecodeError:
            posted = None
        if posted is None:
            errors = [_("请先在地图上画出边界")]
        else:
            try:
                territory_outline_update(
                    actor=request.user, territory=node, geometry=posted, crs=crs, ip=client_ip(request)
                )
            except ValidationFailed as exc:
                details = exc.details if isinstance(exc.details, list) else []
                errors = [str(d.get("reason")) for d in details if isinstance(d, dict)] or [exc.message]
            except DomainError as exc:
                errors = [exc.message]
            else:
                messages.success(request, _("已保存“%(name)s”的边界") % {"name": node.name})
                return redirect("web:territory_outline", pk=node.pk)
        status = 400
    node.refresh_from_db()
    own = _feature(node, "self")
    context = {
        "node": node,
        "parent": Territory.objects.get_parent(node),
        "map": map_settings(),
        "own": own,
        # A refused drawing stays on the map to be corrected, not the stored outline.
        "drawn": posted if isinstance(posted, dict) else None,
        "others": _context_features(node),
        "errors": errors,
        "registries": REGISTRIES.values(),
    }
    return render(request, "web/imports/outline.html", context, status=status)


routes: list[URLPattern] = [
    path("registry/territories/<int:pk>/outline/", outline_edit, name="territory_outline"),
]
