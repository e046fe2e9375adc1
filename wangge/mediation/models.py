"""矛盾纠纷排查化解台账 and 三调联动: disputes with their parties, the mediation organisations and mediators, and
each dispute's one history across the tracks it went through (人民调解, 行政调解, 司法调解·诉前调解)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.fields import ProtectedCharField
from wangge.core.models import TimeStampedModel
from wangge.core.scoping import ScopedModel
from wangge.mediation.choices import (
    AgreementKind,
    CauseClass,
    Confirmation,
    DisputeSource,
    DisputeStatus,
    MediatorKind,
    OrganisationKind,
    Outcome,
    PartyKind,
    PartySide,
    RiskLevel,
    Track,
)


class DisputeType(models.Model):
    """An editable dispute type (婚姻家庭, 邻里, 物业, 劳资 …)."""

    key = models.SlugField(_("类型键"), max_length=40, unique=True)
    name = models.CharField(_("类型名称"), max_length=50)
    ordering = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("纠纷类型")
        verbose_name_plural = _("纠纷类型")
        ordering = ["ordering", "key"]

    def __str__(self) -> str:
        return self.name


class MediationOrganisation(ScopedModel, TimeStampedModel):
    """A 人民调解委员会 of a community or street, a department's 行政调解 unit, or the court's 诉前调解."""

    scope_path_field: ClassVar[str | None] = "territory__path"

    name = models.CharField(_("组织名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=32, choices=OrganisationKind.choices, db_index=True)
    territory = models.ForeignKey(
        "territory.Territory",
        verbose_name=_("所属辖区"),
        on_delete=models.PROTECT,
        related_name="mediation_organisations",
        help_text=_("社区调委会为社区，街道调委会为街道，行政调解单位与法院为区"),
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mediation_organisations",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("调解组织")
        verbose_name_plural = _("调解组织")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Mediator(ScopedModel, TimeStampedModel):
    """A mediator of an organisation, with the communities they serve."""

    scope_path_field: ClassVar[str | None] = "organisation__territory__path"
    audit_protected_fields: ClassVar[tuple[str, ...]] = ("phone",)

    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("调解员类型"), max_length=32, choices=MediatorKind.choices, db_index=True)
    organisation = models.ForeignKey(
        MediationOrganisation, verbose_name=_("所属调解组织"), on_delete=models.PROTECT, related_name="mediators"
    )
    communities = models.ManyToManyField(
        "territory.Territory", verbose_name=_("联系社区"), blank=True, related_name="mediators"
    )
    phone = ProtectedCharField(_("联系电话"), blank=True, default="")
    title = models.CharField(
        _("身份/职务"), max_length=100, blank=True, help_text=_("如退休教师、区人大代表、律师事务所")
    )
    is_active = models.BooleanField(_("在岗"), default=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("调解员")
        verbose_name_plural = _("调解员")
        ordering = ["organisation_id", "name", "id"]

    def __str__(self) -> str:
        return self.name


class MediatorConflict(models.Model):
    """A declared conflict of interest: the mediator is related to this person (回避)."""

    mediator = models.ForeignKey(Mediator, verbose_name=_("调解员"), on_delete=models.CASCADE, related_name="conflicts")
    person_name = models.CharField(_("关系人姓名"), max_length=100)
    id_number_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    relation = models.CharField(_("关系"), max_length=50, help_text=_("如亲属、同事、利害关系"))
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("回避申报")
        verbose_name_plural = _("回避申报")
        ordering = ["mediator_id", "id"]

    def __str__(self) -> str:
        return f"{self.mediator_id} {self.person_name}"


class Dispute(ScopedModel, TimeStampedModel):
    """One dispute of the ledger, with its one history across every track it went through."""

    scope_path_field: ClassVar[str | None] = "grid__path"

    code = models.CharField(_("纠纷编号"), max_length=32, unique=True)
    title = models.CharField(_("纠纷概要"), max_length=200)
    description = models.TextField(_("纠纷情况"), blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=DisputeSource.choices, db_index=True)
    work_order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("来源工单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disputes",
    )
    source_reference = models.CharField(_("移交文书号"), max_length=100, blank=True)
    cause_class = models.CharField(_("成因类别"), max_length=16, choices=CauseClass.choices, db_index=True)
    type = models.ForeignKey(DisputeType, verbose_name=_("纠纷类型"), on_delete=models.PROTECT, related_name="disputes")
    amount = models.DecimalField(_("涉及金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    people_count = models.PositiveIntegerField(_("涉及人数"), default=2)
    party_count = models.PositiveSmallIntegerField(_("当事人数"), default=0)
    threat_of_violence = models.BooleanField(_("有暴力或极端言行苗头"), default=False)
    petition_risk = models.BooleanField(_("有信访（越级上访）苗头"), default=False)
    is_repeat = models.BooleanField(_("同一当事人反复纠纷"), default=False)
    declared_risk = models.CharField(
        _("登记人判定风险"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.LOW
    )
    risk_level = models.CharField(
        _("风险等级"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.LOW, db_index=True
    )
    risk_reasons = models.JSONField(_("风险升级原因"), default=list, blank=True)
    grid = models.ForeignKey(
        "territory.Territory", verbose_name=_("所在网格"), on_delete=models.PROTECT, related_name="disputes"
    )
    address = models.CharField(_("地点"), max_length=200, blank=True)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    found_at = models.DateTimeField(_("排查发现时间"), db_index=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registered_by_name = models.CharField(_("登记人名称"), max_length=150, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.REGISTERED, db_index=True
    )
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True, db_index=True)
    # The current (or last) track, organisation and mediator; every earlier one is in ``stints``.
    track = models.CharField(_("调解类型"), max_length=16, choices=Track.choices, blank=True, db_index=True)
    organisation = models.ForeignKey(
        MediationOrganisation,
        verbose_name=_("调解组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    mediator = models.ForeignKey(
        Mediator, verbose_name=_("调解员"), null=True, blank=True, on_delete=models.PROTECT, related_name="disputes"
    )
    time_limit_days = models.PositiveSmallIntegerField(_("调解期限（自然日）"), null=True, blank=True)
    extended_days = models.PositiveSmallIntegerField(_("已延长（自然日）"), default=0)
    due_at = models.DateTimeField(_("调解期限至"), null=True, blank=True, db_index=True)
    outcome = models.CharField(_("调解结果"), max_length=16, choices=Outcome.choices, blank=True, default="")
    agreement_kind = models.CharField(
        _("协议形式"), max_length=16, choices=AgreementKind.choices, blank=True, default=""
    )
    agreement_terms = models.TextField(_("协议内容"), blank=True)
    agreement_no = models.CharField(_("协议书编号"), max_length=40, blank=True)
    resolved_at = models.DateTimeField(_("调解成功时间"), null=True, blank=True, db_index=True)
    confirmation = models.CharField(_("司法确认"), max_length=16, choices=Confirmation.choices, blank=True, default="")
    confirmation_requested_at = models.DateTimeField(_("申请司法确认时间"), null=True, blank=True)
    confirmation_decided_at = models.DateTimeField(_("司法确认结果时间"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    performed = models.BooleanField(_("协议已履行"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("上报指挥中心时间"), null=True, blank=True)
    supervised = models.BooleanField(_("督办"), default=False, db_index=True)
    supervised_at = models.DateTimeField(_("督办时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷")
        ordering = ["-found_at", "-id"]
        indexes = [models.Index(fields=["accepted_at", "status"], name="mediation_accepted_status")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class DisputeParty(models.Model):
    """A party: typed in, or a resident of the 基础台账. ID number and phone stored encrypted, shown masked."""

    audit_protected_fields: ClassVar[tuple[str, ...]] = ("id_number", "phone")

    dispute = models.ForeignKey(Dispute, verbose_name=_("纠纷"), on_delete=models.CASCADE, related_name="parties")
    side = models.CharField(_("身份"), max_length=16, choices=PartySide.choices)
    kind = models.CharField(_("类别"), max_length=16, choices=PartyKind.choices, default=PartyKind.PERSON)
    name = models.CharField(_("姓名/名称"), max_length=100)
    resident = models.ForeignKey(
        "ledgers.Resident",
        verbose_name=_("台账人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dispute_parties",
    )
    id_number = ProtectedCharField(_("公民身份号码/统一社会信用代码"), blank=True, default="")
    id_number_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    phone = ProtectedCharField(_("联系电话"), blank=True, default="")
    phone_index = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    address = models.CharField(_("住址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("纠纷当事人")
        verbose_name_plural = _("纠纷当事人")
        ordering = ["dispute_id", "id"]

    def __str__(self) -> str:
        return self.name


class DisputeStint(models.Model):
    """One pass of a dispute through a track: who mediated it, from when to when, and how it ended."""

    dispute = models.ForeignKey(Dispute, verbose_name=_("纠纷"), on_delete=models.CASCADE, related_name="stints")
    track = models.CharField(_("调解类型"), max_length=16, choices=Track.choices)
    organisation = models.ForeignKey(
        MediationOrganisation, verbose_name=_("调解组织"), on_delete=models.PROTECT, related_name="stints"
    )
    mediator = models.ForeignKey(
        Mediator, verbose_name=_("调解员"), null=True, blank=True, on_delete=models.PROTECT, related_name="stints"
    )
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    outcome = models.CharField(
        _("结果"), max_length=16, blank=True, help_text=_("written（书面协议）、oral（口头协议）或 failed（调解不成）")
    )

    class Meta:
        verbose_name = _("调解经历")
        verbose_name_plural = _("调解经历")
        ordering = ["dispute_id", "started_at", "id"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.track}"


class DisputeSession(models.Model):
    """A mediation session: when, where, who attended, what was said."""

    dispute = models.ForeignKey(Dispute, verbose_name=_("纠纷"), on_delete=models.CASCADE, related_name="sessions")
    stint = models.ForeignKey(
        DisputeStint, verbose_name=_("调解经历"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    held_on = models.DateField(_("调解日期"))
    place = models.CharField(_("调解地点"), max_length=200)
    attendees = models.TextField(_("参加人员"))
    notes = models.TextField(_("调解记录"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")
        ordering = ["dispute_id", "held_on", "id"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.held_on}"


class DisputeEvent(models.Model):
    """The dispute's history: each step, by whom, when, with its note and data."""

    dispute = models.ForeignKey(Dispute, verbose_name=_("纠纷"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=32)
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
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
    data = models.JSONField(_("数据"), default=dict, blank=True)

    class Meta:
        verbose_name = _("纠纷处置记录")
        verbose_name_plural = _("纠纷处置记录")
        ordering = ["dispute_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
