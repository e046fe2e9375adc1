"""Reads of 党建引领: the tree as nested nodes, an organisation's figures, what a territory node shows, and the
map layer. Every number a page shows is computed here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from wangge.party.choices import LEVEL_ORDER, ROLE_ORDER, OrgLevel
from wangge.party.models import CadreArea, LiaisonLink, PartyMember, PartyOrganisation, RedSteward
from wangge.territory.models import Territory


@dataclass
class TreeNode:
    org: PartyOrganisation
    members: int = 0
    households: int = 0  # 联户 households of the members of this organisation (not of those below)
    children: list[TreeNode] = field(default_factory=list)

    @property
    def total_members(self) -> int:
        return self.members + sum(c.total_members for c in self.children)


def organisations(user: Any) -> QuerySet[PartyOrganisation]:
    return PartyOrganisation.objects.restrict(user).select_related("territory", "estate", "building", "household")


def tree(user: Any, root: PartyOrganisation | None = None) -> list[TreeNode]:
    """The organisations the user sees as a forest (each root an organisation whose parent is not visible),
    committees first; with ``root`` only its subtree."""
    qs = organisations(user)
    if root is not None:
        qs = qs.filter(pk__in=subtree_ids(root))
    rows = list(
        qs.annotate(
            n_members=Count("members", filter=Q(members__is_active=True), distinct=True),
            n_households=Count("members__links__household", distinct=True),
        )
    )
    nodes = {o.pk: TreeNode(o, o.n_members, o.n_households) for o in rows}
    roots: list[TreeNode] = []
    for o in sorted(rows, key=lambda o: (LEVEL_ORDER[o.level], o.territory.path, o.name)):
        node = nodes[o.pk]
        parent = nodes.get(o.parent_id) if o.parent_id else None
        if parent is not None:
            parent.children.append(node)
        elif root is None or o.pk == root.pk:
            roots.append(node)
    return roots


def subtree_ids(org: PartyOrganisation) -> list[int]:
    """The ids of ``org`` and every organisation below it (four levels at most: three queries at most)."""
    ids, frontier = [org.pk], [org.pk]
    while frontier:
        frontier = list(PartyOrganisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


def members_of(org: PartyOrganisation) -> list[PartyMember]:
    """The organisation's own members, leaders first."""
    rows = list(org.members.select_related("resident", "resident__household").filter(is_active=True))
    rows.sort(key=lambda m: (ROLE_ORDER.get(m.role, 99), m.resident.name))
    return rows


def organisation_figures(org: PartyOrganisation) -> dict[str, int]:
    """党员 (own and with those below), 联户 households (distinct, with those below), child organisations, 片区."""
    ids = subtree_ids(org)
    members = PartyMember.objects.filter(organisation_id__in=ids, is_active=True)
    return {
        "members": org.members.filter(is_active=True).count(),
        "members_total": members.count(),
        "households": LiaisonLink.objects.filter(member__organisation_id__in=ids)
        .values("household")
        .distinct()
        .count(),
        "children": org.children.count(),
        "areas": org.liaison_areas.count(),
    }


def territory_party(user: Any, node: Territory) -> dict[str, Any]:
    """What a territory node's page shows: the organisations on or under it (committees, branches and groups;
    the 中心户 are counted), those above it (its committee), and the cadres who 包片 it or a node above it."""
    step = Territory.steplen
    ancestors = [node.path[:i] for i in range(step, len(node.path) + 1, step)]
    visible = organisations(user)
    own = list(
        visible.filter(territory__path__startswith=node.path)
        .exclude(level=OrgLevel.CENTRE)
        .annotate(n_members=Count("members", filter=Q(members__is_active=True)))
        .order_by("territory__path", "level", "name")[:40]
    )
    own.sort(key=lambda o: (LEVEL_ORDER[o.level], o.territory.path, o.name))
    above = list(visible.filter(territory__path__in=ancestors[:-1], level=OrgLevel.COMMITTEE))
    centres = visible.filter(territory__path__startswith=node.path, level=OrgLevel.CENTRE).count()
    cadres: list[CadreArea] = list(
        CadreArea.objects.restrict(user)
        .filter(territory__path__in=ancestors)
        .select_related("cadre", "territory")
        .order_by("territory__path")
    )
    stewards: int = RedSteward.objects.restrict(user).filter(building__grid__path__startswith=node.path).count()
    return {"organisations": own, "above": above, "centres": centres, "cadres": cadres, "stewards": stewards}


def org_position(org: PartyOrganisation) -> tuple[float, float] | None:
    """Where an organisation is drawn (WGS-84): its building's or household's building's position, else the
    centroid of its node."""
    for building in (org.building, org.household.building if org.household else None):
        if building is not None and building.lng is not None and building.lat is not None:
            return float(building.lng), float(building.lat)
    t = org.territory
    if t.centroid_lng is not None and t.centroid_lat is not None:
        return float(t.centroid_lng), float(t.centroid_lat)
    return None


def map_rows(user: Any) -> list[tuple[PartyOrganisation, tuple[float, float], int]]:
    """The organisations the user sees with a position and their member count."""
    qs = (
        organisations(user)
        .select_related("household__building")
        .annotate(n_members=Count("members", filter=Q(members__is_active=True)))
        .order_by("territory__path", "level", "id")
    )
    out: list[tuple[PartyOrganisation, tuple[float, float], int]] = []
    for org in qs:
        where = org_position(org)
        if where is not None:
            out.append((org, where, int(org.n_members)))
    return out
