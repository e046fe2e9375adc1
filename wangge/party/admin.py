"""Admin of 党建引领, read-only and scoped: the tree, the members, 联户, 包片 and 红色管家 are written by the
services (the pages and the API), which check the levels and places and keep the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wangge.core.admin import ScopedAdminMixin
from wangge.party.models import CadreArea, LiaisonArea, LiaisonLink, PartyMember, PartyOrganisation, RedSteward


class _ReadOnly(ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(PartyOrganisation)
class PartyOrganisationAdmin(_ReadOnly):
    list_display = ("name", "level", "parent", "territory")
    list_filter = ("level",)
    search_fields = ("name",)


@admin.register(PartyMember)
class PartyMemberAdmin(_ReadOnly):
    list_display = ("resident", "organisation", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("resident__name",)
    raw_id_fields = ("resident",)


@admin.register(LiaisonArea)
class LiaisonAreaAdmin(_ReadOnly):
    list_display = ("name", "organisation")


@admin.register(LiaisonLink)
class LiaisonLinkAdmin(_ReadOnly):
    list_display = ("member", "household", "area")
    raw_id_fields = ("member", "household")


@admin.register(CadreArea)
class CadreAreaAdmin(_ReadOnly):
    list_display = ("cadre", "territory", "duty", "since")


@admin.register(RedSteward)
class RedStewardAdmin(_ReadOnly):
    list_display = ("building", "member")
