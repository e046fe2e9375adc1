"""REST endpoints of 党建引领 (``wangge.party``), registered on the API router by wangge.api.urls through
``register``: the party organisations (scoped, with their tree links and member counts), the party members
(the resident's name only: the ledger keeps the protected fields), their 联户 households, and the cadres'
包片. Reads only: the pages write through the services."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.routers import SimpleRouter

from wangge.api.base import TERRITORY
from wangge.api.views.common import ListViewSet
from wangge.party.choices import MemberRole, OrgLevel
from wangge.party.filtersets import CadreAreaFilterSet, MemberFilterSet, OrganisationFilterSet
from wangge.party.models import CadreArea, LiaisonLink, PartyMember, PartyOrganisation


def _values(choices: Any) -> str:
    return "；".join(f"{value}={label}" for value, label in choices.choices)


class PartyOrganisationSerializer(serializers.ModelSerializer[PartyOrganisation]):
    level = serializers.CharField(read_only=True, help_text=_values(OrgLevel))
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    territory = serializers.CharField(source="territory.code", read_only=True, help_text=gettext_lazy("辖区编码"))
    territory_name = serializers.CharField(source="territory.name", read_only=True)
    estate = serializers.CharField(source="estate.name", read_only=True, default=None)
    building = serializers.CharField(source="building.code", read_only=True, default=None)
    household = serializers.CharField(source="household.code", read_only=True, default=None)
    members = serializers.IntegerField(source="n_members", read_only=True, help_text=gettext_lazy("本级在册党员数"))

    class Meta:
        model = PartyOrganisation
        fields = [
            "id",
            "name",
            "level",
            "level_label",
            "parent",
            "territory",
            "territory_name",
            "estate",
            "building",
            "household",
            "members",
        ]


class PartyLinkSerializer(serializers.ModelSerializer[LiaisonLink]):
    household = serializers.CharField(source="household.code", read_only=True)
    address = serializers.CharField(source="household.address", read_only=True)
    area = serializers.CharField(source="area.name", read_only=True, default=None)

    class Meta:
        model = LiaisonLink
        fields = ["household", "address", "area"]


class PartyMemberSerializer(serializers.ModelSerializer[PartyMember]):
    name = serializers.CharField(source="resident.name", read_only=True)
    role = serializers.CharField(read_only=True, help_text=_values(MemberRole))
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    links = PartyLinkSerializer(many=True, read_only=True, help_text=gettext_lazy("党员联户的户"))

    class Meta:
        model = PartyMember
        fields = [
            "id",
            "name",
            "organisation",
            "organisation_name",
            "role",
            "role_label",
            "joined_party_on",
            "is_active",
            "links",
        ]


class PartyCadreAreaSerializer(serializers.ModelSerializer[CadreArea]):
    cadre = serializers.CharField(source="cadre.username", read_only=True)
    cadre_name = serializers.CharField(source="cadre.display_name", read_only=True)
    territory = serializers.CharField(source="territory.code", read_only=True)
    territory_name = serializers.CharField(source="territory.name", read_only=True)

    class Meta:
        model = CadreArea
        fields = ["id", "cadre", "cadre_name", "territory", "territory_name", "duty", "since"]


@extend_schema_view(list=extend_schema(summary="党组织列表"), retrieve=extend_schema(summary="党组织详情"))
class PartyOrganisationViewSet(ListViewSet):
    filterset_class = OrganisationFilterSet
    serializer_class = PartyOrganisationSerializer
    queryset = PartyOrganisation.objects.select_related("territory", "estate", "building", "household").order_by(
        "territory__path", "level", "id"
    )
    scope = TERRITORY

    def refine_queryset(self, qs: QuerySet[PartyOrganisation]) -> QuerySet[PartyOrganisation]:
        return qs.annotate(n_members=Count("members", filter=Q(members__is_active=True)))


@extend_schema_view(list=extend_schema(summary="党员列表"), retrieve=extend_schema(summary="党员详情（含联户）"))
class PartyMemberViewSet(ListViewSet):
    filterset_class = MemberFilterSet
    serializer_class = PartyMemberSerializer
    queryset = (
        PartyMember.objects.select_related("resident", "organisation")
        .prefetch_related("links__household", "links__area")
        .order_by("organisation_id", "id")
    )
    scope = TERRITORY


@extend_schema_view(list=extend_schema(summary="干部包片列表"), retrieve=extend_schema(summary="干部包片详情"))
class PartyCadreAreaViewSet(ListViewSet):
    filterset_class = CadreAreaFilterSet
    serializer_class = PartyCadreAreaSerializer
    queryset = CadreArea.objects.select_related("cadre", "territory").order_by("territory__path", "id")
    scope = TERRITORY


def register(router: SimpleRouter) -> None:
    """Register this module's viewsets on the API router."""
    router.register("party-organisations", PartyOrganisationViewSet, basename="party-organisation")
    router.register("party-members", PartyMemberViewSet, basename="party-member")
    router.register("party-cadre-areas", PartyCadreAreaViewSet, basename="party-cadre-area")
