"""公共法律服务: legal advisers per village/community (一村（社区）一法律顾问) and their service records,
the register of 法律明白人, the liaison of judges, prosecutors, police officers and lawyers with communities,
legal-aid points and legal-aid cases, and the consultations logged.

Every row is scoped by the territory node it belongs to (``core.scoping``); an adviser is seen by the users over
the node it is registered under *and* by those over any community it serves (``AdviserQuerySet.restrict``).
Personal numbers (the applicant's ID and phone, the advisers' and 法律明白人's phones) are ``ProtectedCharField``s
with a blind index, shown masked unless the viewer may ``reveal``; every reveal is audited.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.core.fields import ProtectedCharField
from wangge.core.models import TimeStampedModel
from wangge.core.scoping import VIEW, ScopedModel, ScopedQuerySet, scope_for, scope_q
from wangge.legalservice.choices import (
    AidMatter,
    AidOutcome,
    AidPointKind,
    AidStatus,
    ConsultChannel,
    LiaisonRole,
    Referral,
    ServiceKind,
)

_QS = TypeVar("_QS", bound="AdviserQuerySet")


def _territory(verbose: Any, related_name: str) -> Any:
    return models.ForeignKey(
        "territory.Territory", verbose_name=verbose, on_delete=models.PROTECT, related_name=related_name
    )


class AdviserQuerySet(ScopedQuerySet["LegalAdviser"]):
    def restrict(self: _QS, user: Any, action: str = VIEW) -> _QS:
        """The advisers registered under a node of the user's scope, and those serving a community in it."""
        scope = scope_for(user, action)
        if scope.empty:
            return self.none()
        q = scope_q(self.model, scope)
        if q is None:
            return self
        served: Any = AdviserCommunity.objects.restrict(user, action).values("adviser_id")
        return self.filter(q | Q(pk__in=served))


class LegalAdviser(ScopedModel, TimeStampedModel):
    """A lawyer serving as the legal adviser (法律顾问) of one or more villages/communities."""

    scope_path_field: ClassVar[str | None] = "territory__path"
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("phone",)

    name = models.CharField(_("姓名"), max_length=50)
    law_firm = models.CharField(_("律师事务所"), max_length=100)
    licence_no = models.CharField(_("执业证号"), max_length=17, unique=True)
    phone = ProtectedCharField(_("联系电话"), blank=True, default="")
    phone_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    territory = _territory(_("登记辖区"), "+")
    communities: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "territory.Territory",
        through="AdviserCommunity",
        related_name="legal_advisers",
        verbose_name=_("服务社区"),
    )
    is_active = models.BooleanField(_("在任"), default=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    objects = AdviserQuerySet.as_manager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("法律顾问")
        verbose_name_plural = _("法律顾问")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.law_firm}）"


class AdviserCommunity(ScopedModel):
    """That an adviser serves a village/community, since when (and until when)."""

    scope_path_field: ClassVar[str | None] = "community__path"

    adviser = models.ForeignKey(
        LegalAdviser, verbose_name=_("法律顾问"), on_delete=models.CASCADE, related_name="served"
    )
    community = _territory(_("服务社区（村）"), "adviser_links")
    since = models.DateField(_("聘任日期"))
    until = models.DateField(_("解聘日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("法律顾问服务社区")
        verbose_name_plural = _("法律顾问服务社区")
        ordering = ["community__code", "adviser_id"]
        constraints = [models.UniqueConstraint(fields=["adviser", "community"], name="legal_adviser_community_once")]

    def __str__(self) -> str:
        return f"{self.adviser_id} → {self.community_id}"


class AdviserService(ScopedModel, TimeStampedModel):
    """One service an adviser gave in a community: a lecture, a consultation day, a contract reviewed …"""

    scope_path_field: ClassVar[str | None] = "community__path"

    adviser = models.ForeignKey(
        LegalAdviser, verbose_name=_("法律顾问"), on_delete=models.CASCADE, related_name="services"
    )
    community = _territory(_("社区（村）"), "+")
    date = models.DateField(_("服务日期"), db_index=True)
    kind = models.CharField(_("服务类型"), max_length=20, choices=ServiceKind.choices)
    attendees = models.PositiveIntegerField(_("服务人数"), default=0)
    notes = models.TextField(_("服务内容"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("法律顾问服务记录")
        verbose_name_plural = _("法律顾问服务记录")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class LegalLiterate(ScopedModel, TimeStampedModel):
    """A 法律明白人 of a grid: a resident trained to explain the law to neighbours."""

    scope_path_field: ClassVar[str | None] = "grid__path"
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("phone",)

    name = models.CharField(_("姓名"), max_length=50)
    grid = _territory(_("所在网格"), "legal_literates")
    identity = models.CharField(
        _("身份"), max_length=50, blank=True, help_text=_("如：村（居）干部、网格员、党员、乡贤")
    )
    phone = ProtectedCharField(_("联系电话"), blank=True, default="")
    phone_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    trained_on = models.DateField(_("培训日期"), null=True, blank=True, db_index=True)
    is_active = models.BooleanField(_("在册"), default=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("法律明白人")
        verbose_name_plural = _("法律明白人")
        ordering = ["grid__code", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Liaison(ScopedModel, TimeStampedModel):
    """A judge, prosecutor, police officer or lawyer assigned to liaise with a community, for a period."""

    scope_path_field: ClassVar[str | None] = "community__path"
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("phone",)

    role = models.CharField(_("身份"), max_length=16, choices=LiaisonRole.choices, db_index=True)
    institution = models.CharField(_("所在单位"), max_length=100, help_text=_("如：卫东区人民法院、东安路派出所"))
    person_name = models.CharField(_("姓名"), max_length=50)
    phone = ProtectedCharField(_("联系电话"), blank=True, default="")
    phone_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    community = _territory(_("联系社区（村）"), "legal_liaisons")
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("司法联络人")
        verbose_name_plural = _("司法联络人")
        ordering = ["community__code", "role", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.person_name}"


class LegalAidPoint(ScopedModel, TimeStampedModel):
    """A 法律援助工作站 or 联络点: where, when open, whom to call."""

    scope_path_field: ClassVar[str | None] = "territory__path"

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=AidPointKind.choices, default=AidPointKind.STATION)
    territory = _territory(_("所在辖区"), "legal_aid_points")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    opening_hours = models.CharField(_("开放时间"), max_length=100, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True, help_text=_("站点的办公电话"))
    is_active = models.BooleanField(_("启用"), default=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("法律援助站点")
        verbose_name_plural = _("法律援助站点")
        ordering = ["territory__code", "name", "id"]

    def __str__(self) -> str:
        return self.name


class LegalAidCase(ScopedModel, TimeStampedModel):
    """A legal-aid application and its handling: 申请 → 审查（受理/不予受理）→ 指派 → 办结."""

    scope_path_field: ClassVar[str | None] = "territory__path"
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("applicant_id_number", "applicant_phone")

    code = models.CharField(_("案件编号"), max_length=32, unique=True)
    territory = _territory(_("申请人所在辖区"), "legal_aid_cases")
    point = models.ForeignKey(
        LegalAidPoint,
        verbose_name=_("受理站点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    applicant_name = models.CharField(_("申请人"), max_length=50)
    applicant_id_number = ProtectedCharField(_("申请人身份证号"), blank=True, default="")
    applicant_id_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    applicant_phone = ProtectedCharField(_("申请人电话"), blank=True, default="")
    applicant_phone_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    matter = models.CharField(_("事项类型"), max_length=16, choices=AidMatter.choices)
    summary = models.TextField(_("案情摘要"), blank=True)
    received_at = models.DateTimeField(_("申请时间"), db_index=True)
    review_days = models.PositiveSmallIntegerField(_("审查时限(工作日)"), default=7)
    review_due_at = models.DateTimeField(_("审查期限"), db_index=True)
    review_provisional = models.BooleanField(
        _("审查期限待定"), default=False, help_text=_("期限落在尚无官方假日安排的年份")
    )
    reviewed_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    reviewed_on_time = models.BooleanField(_("按期审查"), null=True, blank=True)
    rejection_reason = models.TextField(_("不予受理理由"), blank=True)
    lawyer_name = models.CharField(_("承办律师"), max_length=50, blank=True)
    lawyer_firm = models.CharField(_("承办律所"), max_length=100, blank=True)
    assigned_at = models.DateTimeField(_("指派时间"), null=True, blank=True)
    outcome = models.CharField(_("办理结果"), max_length=16, choices=AidOutcome.choices, blank=True)
    outcome_note = models.TextField(_("结案说明"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=AidStatus.choices, default=AidStatus.APPLIED, db_index=True
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("法律援助案件")
        verbose_name_plural = _("法律援助案件")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.code


class LegalAidEvent(models.Model):
    """The history of a legal-aid case: each step, by whom, when, with its note."""

    case = models.ForeignKey(LegalAidCase, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True, choices=AidStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True, choices=AidStatus.choices)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人名称"), max_length=150, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("法律援助办理记录")
        verbose_name_plural = _("法律援助办理记录")
        ordering = ["case_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class Consultation(ScopedModel, TimeStampedModel):
    """A legal consultation answered (来访、电话、线上), and whether it was referred to legal aid or mediation."""

    scope_path_field: ClassVar[str | None] = "territory__path"

    territory = _territory(_("所属辖区"), "legal_consultations")
    consulted_on = models.DateField(_("咨询日期"), db_index=True)
    channel = models.CharField(_("咨询方式"), max_length=16, choices=ConsultChannel.choices)
    matter = models.CharField(_("事项类型"), max_length=16, choices=AidMatter.choices, default=AidMatter.OTHER)
    topic = models.CharField(_("咨询事项"), max_length=200)
    answered_by = models.CharField(_("解答人"), max_length=50)
    adviser = models.ForeignKey(
        LegalAdviser,
        verbose_name=_("解答的法律顾问"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    referral = models.CharField(_("转介"), max_length=16, choices=Referral.choices, blank=True, default=Referral.NONE)
    note = models.TextField(_("解答要点"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("法律咨询")
        verbose_name_plural = _("法律咨询")
        ordering = ["-consulted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.consulted_on} {self.topic}"
