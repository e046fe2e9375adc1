"""Writes of 党建引领.

- :func:`organisation_create` / :func:`organisation_remove`: the four-level tree on the territory;
- :func:`member_enrol` / :func:`member_change`: members from the residents' ledger;
- :func:`liaison_area_create`, :func:`liaison_link`, :func:`liaison_unlink`: 党员联户 and its 片区;
- :func:`cadre_area_assign` / :func:`cadre_area_remove`: 干部包片;
- :func:`steward_assign`: the 红色管家 of a building.

Community and street staff and administrators over the place keep all of it; every write is atomic and
audited, and a refusal writes nothing.
"""

from wangge.party.services.common import ORGANISERS, may_organise
from wangge.party.services.members import (
    cadre_area_assign,
    cadre_area_remove,
    liaison_area_create,
    liaison_link,
    liaison_unlink,
    member_change,
    member_enrol,
    steward_assign,
)
from wangge.party.services.organisations import organisation_create, organisation_remove

__all__ = [
    "ORGANISERS",
    "cadre_area_assign",
    "cadre_area_remove",
    "liaison_area_create",
    "liaison_link",
    "liaison_unlink",
    "may_organise",
    "member_change",
    "member_enrol",
    "organisation_create",
    "organisation_remove",
    "steward_assign",
]
