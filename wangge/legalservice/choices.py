"""The choices of 公共法律服务: what a legal adviser does in a community, who liaises with a community, the kinds
of legal-aid points, the matters, statuses and outcomes of a legal-aid case, and how a consultation came in."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceKind(models.TextChoices):
    """What a legal adviser did in the community (一村（社区）一法律顾问 service record)."""

    LECTURE = "lecture", _("法治讲座")
    CONSULTATION = "consultation", _("法律咨询")
    CONTRACT_REVIEW = "contract_review", _("审查合同")
    MEDIATION = "mediation", _("参与调解")
    DOCUMENT = "document", _("代写法律文书")
    GOVERNANCE = "governance", _("参与村（居）务决策")
    OTHER = "other", _("其他")


class LiaisonRole(models.TextChoices):
    """Who liaises with a community (法官、检察官、民警、律师进社区)."""

    JUDGE = "judge", _("法官")
    PROSECUTOR = "prosecutor", _("检察官")
    POLICE = "police", _("民警")
    LAWYER = "lawyer", _("律师")


class AidPointKind(models.TextChoices):
    STATION = "station", _("法律援助工作站")
    CONTACT = "contact", _("法律援助联络点")


class AidMatter(models.TextChoices):
    """The matter of a legal-aid application (and the topic of a consultation)."""

    WAGES = "wages", _("追索劳动报酬")
    WORK_INJURY = "work_injury", _("工伤赔偿")
    FAMILY = "family", _("婚姻家庭")
    MAINTENANCE = "maintenance", _("赡养抚养扶养")
    TRAFFIC = "traffic", _("交通事故赔偿")
    MEDICAL = "medical", _("医疗纠纷")
    INJURY = "injury", _("人身损害赔偿")
    CRIMINAL = "criminal", _("刑事辩护与代理")
    PROPERTY = "property", _("房产物业")
    OTHER = "other", _("其他")


class AidStatus(models.TextChoices):
    """申请 → 审查（受理 / 不予受理）→ 指派 → 办结."""

    APPLIED = "applied", _("待审查")
    ACCEPTED = "accepted", _("已受理待指派")
    REJECTED = "rejected", _("不予受理")
    ASSIGNED = "assigned", _("已指派承办")
    CLOSED = "closed", _("已办结")


# The statuses in which a case is still being handled (not rejected, not closed).
OPEN_AID_STATUSES: frozenset[str] = frozenset({AidStatus.APPLIED, AidStatus.ACCEPTED, AidStatus.ASSIGNED})


class AidOutcome(models.TextChoices):
    WON = "won", _("诉求获支持")
    PARTIAL = "partial", _("部分支持")
    MEDIATED = "mediated", _("调解结案")
    SETTLED = "settled", _("和解结案")
    LOST = "lost", _("未获支持")
    TERMINATED = "terminated", _("终止援助")


class ConsultChannel(models.TextChoices):
    VISIT = "visit", _("来访")
    PHONE = "phone", _("电话")
    ONLINE = "online", _("线上")


class Referral(models.TextChoices):
    NONE = "", _("未转介")
    LEGAL_AID = "legal_aid", _("转法律援助")
    MEDIATION = "mediation", _("转人民调解")
