"""Types and statuses of a project of the ledger (项目台账)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectType(models.TextChoices):
    ROAD = "road", _("道路")
    LIVELIHOOD = "livelihood", _("民生实事")
    KEY = "key", _("审批项目/重点项目")
    OTHER = "other", _("其他")


class ProjectStatus(models.TextChoices):
    PLANNING = "planning", _("谋划")
    BUILDING = "building", _("在建")
    COMPLETED = "completed", _("完工")
    ACCEPTED = "accepted", _("验收")
    SUSPENDED = "suspended", _("暂停")


# Statuses of a project whose works have begun (it counts as started), and of one whose works are over.
STARTED_STATUSES: frozenset[str] = frozenset(
    {ProjectStatus.BUILDING, ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED, ProjectStatus.SUSPENDED}
)
FINISHED_STATUSES: frozenset[str] = frozenset({ProjectStatus.COMPLETED, ProjectStatus.ACCEPTED})
# Statuses in which a weekly progress entry is expected (and accepted).
REPORTING_STATUSES: frozenset[str] = frozenset({ProjectStatus.BUILDING})

STATUS_COLOURS: dict[str, str] = {
    ProjectStatus.PLANNING: "grey",
    ProjectStatus.BUILDING: "status",
    ProjectStatus.COMPLETED: "green",
    ProjectStatus.ACCEPTED: "green",
    ProjectStatus.SUSPENDED: "orange",
}
