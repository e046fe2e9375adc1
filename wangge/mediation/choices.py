"""Choices of the dispute ledger and the mediation workflow (三调联动). Templates, filters and the API read the
labels from here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DisputeSource(models.TextChoices):
    PATROL = "patrol", _("网格排查")
    HOTLINE = "hotline", _("热线/诉求转入")
    WALK_IN = "walk_in", _("群众来访")
    POLICE = "police", _("警调（公安移交）")
    COURT = "court", _("诉调（法院委派）")
    PETITION = "petition", _("访调（信访移交）")


class CauseClass(models.TextChoices):
    """矛盾纠纷排查化解台账: each dispute filed by who caused it."""

    GOVERNMENT = "government", _("政府行为")
    ORGANISATION = "organisation", _("社会组织行为")
    CITIZEN = "citizen", _("公民之间行为")


class RiskLevel(models.TextChoices):
    LOW = "low", _("一般")
    MEDIUM = "medium", _("较大")
    HIGH = "high", _("重大")


RISK_ORDER: dict[str, int] = {RiskLevel.LOW: 0, RiskLevel.MEDIUM: 1, RiskLevel.HIGH: 2}


class Track(models.TextChoices):
    """The three tracks of 三调联动."""

    PEOPLE = "people", _("人民调解")
    ADMINISTRATIVE = "administrative", _("行政调解")
    JUDICIAL = "judicial", _("司法调解（诉前调解）")


class Referral(models.TextChoices):
    """Where a dispute goes after a failed mediation: another track, or out of mediation."""

    PEOPLE = "people", _("转人民调解")
    ADMINISTRATIVE = "administrative", _("转行政调解")
    JUDICIAL = "judicial", _("转诉前调解（法院）")
    LITIGATION = "litigation", _("引导诉讼")
    ARBITRATION = "arbitration", _("引导仲裁")


REFERRAL_TRACK: dict[str, str] = {
    Referral.PEOPLE: Track.PEOPLE,
    Referral.ADMINISTRATIVE: Track.ADMINISTRATIVE,
    Referral.JUDICIAL: Track.JUDICIAL,
}


class DisputeStatus(models.TextChoices):
    REGISTERED = "registered", _("待受理")
    ACCEPTED = "accepted", _("待指派")
    MEDIATING = "mediating", _("调解中")
    FAILED = "failed", _("调解不成待分流")
    RESOLVED = "resolved", _("调解成功待回访")
    CLOSED = "closed", _("已回访结案")
    REFERRED = "referred", _("已转诉讼/仲裁")
    REJECTED = "rejected", _("不予受理")


OPEN_STATUSES: frozenset[str] = frozenset(
    {DisputeStatus.REGISTERED, DisputeStatus.ACCEPTED, DisputeStatus.MEDIATING, DisputeStatus.FAILED}
)
# A dispute counts as resolved (调解成功) once an agreement was reached, whatever happens after.
RESOLVED_STATUSES: frozenset[str] = frozenset({DisputeStatus.RESOLVED, DisputeStatus.CLOSED})


class Outcome(models.TextChoices):
    NONE = "", _("未结")
    WRITTEN = "written", _("书面协议")
    ORAL = "oral", _("口头协议")
    LITIGATION = "litigation", _("调解不成，引导诉讼")
    ARBITRATION = "arbitration", _("调解不成，引导仲裁")


class AgreementKind(models.TextChoices):
    WRITTEN = "written", _("书面协议（制作调解协议书）")
    ORAL = "oral", _("口头协议")


class Confirmation(models.TextChoices):
    NONE = "", _("未申请")
    REQUESTED = "requested", _("已申请司法确认")
    CONFIRMED = "confirmed", _("法院确认有效")
    REFUSED = "refused", _("法院不予确认")


class PartySide(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")
    THIRD = "third", _("第三人")


class PartyKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANISATION = "organisation", _("单位/组织")


class OrganisationKind(models.TextChoices):
    COMMUNITY_COMMITTEE = "community_committee", _("社区（村）人民调解委员会")
    STREET_COMMITTEE = "street_committee", _("街道（乡镇）人民调解委员会")
    INDUSTRY_COMMITTEE = "industry_committee", _("行业性专业性人民调解委员会")
    ADMINISTRATIVE = "administrative", _("行政调解单位")
    COURT = "court", _("法院诉前调解")


ORGANISATION_TRACK: dict[str, str] = {
    OrganisationKind.COMMUNITY_COMMITTEE: Track.PEOPLE,
    OrganisationKind.STREET_COMMITTEE: Track.PEOPLE,
    OrganisationKind.INDUSTRY_COMMITTEE: Track.PEOPLE,
    OrganisationKind.ADMINISTRATIVE: Track.ADMINISTRATIVE,
    OrganisationKind.COURT: Track.JUDICIAL,
}


class MediatorKind(models.TextChoices):
    FULL_TIME = "full_time", _("专职调解员")
    PART_TIME = "part_time", _("兼职调解员")
    ELDERS = "elders", _("五老乡贤")
    DEPUTY = "deputy", _("两代表一委员")
    LAWYER = "lawyer", _("律师")
    LEGAL_LITERATE = "legal_literate", _("法律明白人")


# The editable dispute types seeded by the data migration (key, name).
DEFAULT_DISPUTE_TYPES: tuple[tuple[str, str], ...] = (
    ("marriage_family", "婚姻家庭"),
    ("neighbour", "邻里"),
    ("property_mgmt", "物业"),
    ("labour", "劳资"),
    ("land_forest", "土地山林"),
    ("expropriation", "征地拆迁"),
    ("medical", "医疗"),
    ("traffic", "交通事故"),
    ("consumer", "消费"),
    ("other", "其他"),
)
