"""Admin for the territory tree: treebeard's tree view and move form, every change audited and scoped.

The whole tree is shown to every editor (names and outlines are what they work in); adding, editing,
moving and deleting are limited to the subtrees of their grants: a node may be placed only under a
parent inside that scope, and must still be inside it after the save (``ScopedAdminMixin``).
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import MoveNodeForm, movenodeform_factory

from wangge.core import audit
from wangge.core.actors import is_system
from wangge.core.admin import AuditedModelAdmin, ScopedAdminMixin
from wangge.core.clientaddr import client_ip
from wangge.core.scoping import CHANGE
from wangge.territory import hooks, outlines, rules
from wangge.territory.models import Territory
from wangge.territory.selectors import territory_outline_context
from wangge.territory.widgets import OutlineMapWidget

_DERIVED = ("centroid_lng", "centroid_lat", "area_m2")
PLACEMENT_OUT_OF_SCOPE = _("无权在该节点下添加或移入辖区节点")


def placement_allowed(actor: Any, node: Territory | None, parent: Territory | None) -> bool:
    """Whether ``actor`` may put ``node`` (None: a new node) under ``parent`` (None: a root). Keeping a node
    under its parent is always allowed; a new or moved node needs a parent inside the actor's change scope."""
    if is_system(actor) or getattr(actor, "is_superuser", False):
        return True
    if node is not None and node.pk is not None:
        current = Territory.objects.filter(pk=node.pk).first()
        if current is not None and Territory.objects.get_parent(current) == parent:
            return True
    if parent is None:
        return False
    return bool(Territory.objects.restrict(actor, CHANGE).filter(pk=parent.pk).exists())


def _new_parent(ref: Territory | None, position: str | None) -> Territory | None:
    """The parent a node gets from the move form's (relative to, position) pair."""
    if ref is None:
        return None
    if position in ("sorted-child", "first-child", "last-child"):
        return ref
    return Territory.objects.get_parent(ref)


def _refuse_move(request: HttpRequest, reason: str) -> HttpResponse:
    """The tree view reloads on an error and shows the message."""
    messages.error(request, reason)
    return HttpResponseBadRequest(json.dumps({"reason": reason}, ensure_ascii=False))


class TerritoryNodeForm(MoveNodeForm):
    """Treebeard's move form plus the territory rules: outline validity, kind order and code prefix, and a
    parent inside the editor's scope (``actor`` is set by the admin)."""

    actor: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Treebeard's own labels are English: the move fields in the admin's language.
        self.fields["treebeard_position"].label = _("放置方式")
        self.fields["treebeard_position"].choices = (
            [("sorted-child", _("作为其下级")), ("sorted-sibling", _("作为其同级"))]
            if self.is_sorted
            else [("first-child", _("作为其下级（排第一）")), ("left", _("排在其前")), ("right", _("排在其后"))]
        )
        self.fields["treebeard_ref_node"].label = _("参照节点")
        self.fields["treebeard_ref_node"].empty_label = _("（顶级）")

    def clean_geometry(self) -> Any:
        geometry = self.cleaned_data.get("geometry")
        if geometry in (None, "", {}):
            return None
        reason = outlines.geometry_problem(geometry, "wgs84")
        if reason:
            raise forms.ValidationError(reason)
        return geometry

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        code, kind = cleaned.get("code"), cleaned.get("kind")
        if code and kind:
            parent = _new_parent(cleaned.get("treebeard_ref_node"), cleaned.get("treebeard_position"))
            reason = rules.placement_problem(code=code, kind=kind, parent=parent)
            if reason:
                raise forms.ValidationError(reason)
            if not placement_allowed(self.actor, self.instance if self.instance.pk else None, parent):
                raise forms.ValidationError(PLACEMENT_OUT_OF_SCOPE)
        if "geometry" in cleaned:
            for name, value in outlines.geometry_fields(cleaned.get("geometry")).items():
                setattr(self.instance, name, value)
        return cleaned


@admin.register(Territory)
class TerritoryAdmin(ScopedAdminMixin, AuditedModelAdmin, TreeAdmin):
    form = movenodeform_factory(Territory, form=TerritoryNodeForm, exclude=_DERIVED)
    scope_view = False  # the whole tree is shown; changes stay inside the editor's subtrees
    list_display = ("name", "code", "kind", "area_km2", "is_synthetic")
    list_filter = ("kind", "is_synthetic")
    search_fields = ("code", "name")
    readonly_fields = (*_DERIVED, "updated_at")

    @admin.display(description=_("面积(平方公里)"), ordering="area_m2")
    def area_km2(self, obj: Territory) -> str:
        return "—" if obj.area_m2 is None else f"{obj.area_m2 / 1e6:.3f}"

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        form: Any = type(form_class.__name__, (form_class,), {"actor": request.user})
        if "geometry" in form.base_fields:  # the outline drawn on a map, not typed as GeoJSON
            widget = OutlineMapWidget()
            if obj is not None and obj.pk is not None:
                widget.others = territory_outline_context(obj)
                widget.outline_url = reverse("web:territory_outline", args=[obj.pk])
            form.base_fields["geometry"].widget = widget
            form.base_fields["geometry"].label = _("边界")
        return form

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        # Treebeard writes the tree while saving the form, so the "before" picture is taken here.
        previous = Territory.objects.filter(pk=form.instance.pk).first() if change else None
        request._territory_before = audit.snapshot(previous)  # type: ignore[attr-defined]
        return super().save_form(request, form, change)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            admin.ModelAdmin.save_model(self, request, obj, form, change)
            hooks.paths_changed()
            audit.record(
                actor=request.user,
                action="admin.change" if change else "admin.add",
                obj=obj,
                before=getattr(request, "_territory_before", None),
                after=audit.snapshot(obj),
                ip=client_ip(request),
            )

    def move_node(self, request: HttpRequest) -> HttpResponse:
        """Drag and drop in the tree view: the same placement rules, and an audit entry."""
        node = Territory.objects.filter(pk=request.POST.get("node") or None).first()
        target = Territory.objects.filter(pk=request.POST.get("target") or None).first()
        if node is not None and target is not None:
            parent = target if request.POST.get("relation") == "child" else Territory.objects.get_parent(target)
            reason = rules.placement_problem(code=node.code, kind=node.kind, parent=parent)
            if not reason and not placement_allowed(request.user, node, parent):
                reason = str(PLACEMENT_OUT_OF_SCOPE)
            if reason:
                return _refuse_move(request, reason)
        before = audit.snapshot(node)
        with transaction.atomic():
            response = super().move_node(request)
            if node is not None and response.status_code == 200:
                if not self.in_change_scope(request, node, fresh=True):  # the scope re-checked after the move
                    transaction.set_rollback(True)
                    return _refuse_move(request, str(PLACEMENT_OUT_OF_SCOPE))
                hooks.paths_changed()
                node.refresh_from_db()
                audit.record(
                    actor=request.user,
                    action="admin.move",
                    obj=node,
                    before=before,
                    after=audit.snapshot(node),
                    ip=client_ip(request),
                )
        return response
