"""助企包联: the enterprises of a district (from the merchants ledger or registered directly), the 三级包联 over each
(a district leader, a department and one or more cadres), the visits (走访) with the problems raised, each of them a
work order of the closed loop, the recurring service days (市场主体服务日, 助企见面日) and the 政银企 matchmaking
events with what each enterprise asked for and obtained.

Who sees what: everything lies in the enterprise's grid and is seen through territory scope; besides, a liaison
cadre's account sees the enterprises it liaises with, their visits and their cases (``EnterpriseScopedQuerySet``),
even without any territory grant.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.core.models import TimeStampedModel
from wangge.core.scoping import VIEW, ScopedModel, ScopedQuerySet, scope_for, scope_q
from wangge.enterprises.choices import CadreRank, Industry, Intention, LiaisonLevel, Occasion, Scale, ServiceDayKind
from wangge.workorders.choices import Rating

_M = TypeVar("_M", bound=models.Model)


def liaised_enterprise_ids(user: Any) -> models.QuerySet[Any]:
    """The enterprises ``user``'s account liaises with (an active cadre on an active liaison), as a subquery."""
    pk: Any = getattr(user, "pk", None)
    return Liaison.objects.filter(cadre__user_id=pk, cadre__is_active=True, is_active=True).values("enterprise_id")


class EnterpriseScopedQuerySet(ScopedQuerySet[_M]):
    """Territory scope, plus — for viewing — the rows of the enterprises the user liaises with."""

    enterprise_lookup = "enterprise_id"

    def restrict(self, user: Any, action: str = VIEW) -> Any:
        scope = scope_for(user, action)
        q = scope_q(self.model, scope)
        if q is None:
            return self
        if scope.empty and scope.owner_id is None:
            q = Q(pk__in=[])
        if action == VIEW and scope.owner_id is not None:
            q |= Q(**{f"{self.enterprise_lookup}__in": liaised_enterprise_ids(user)})
        return self.filter(q)


class EnterpriseQuerySet(EnterpriseScopedQuerySet["Enterprise"]):
    enterprise_lookup = "pk"


class Enterprise(ScopedModel, TimeStampedModel):
    """An enterprise served by 助企包联: its 统一社会信用代码, industry, scale, employees and output, in a grid."""

    scope_path_field: ClassVar[str | None] = "grid__path"

    merchant = models.OneToOneField(
        "ledgers.Merchant",
        verbose_name=_("商户台账"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprise",
    )
    name = models.CharField(_("企业名称"), max_length=120)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    industry = models.CharField(_("行业"), max_length=24, choices=Industry.choices, default=Industry.OTHER)
    scale = models.CharField(_("规模"), max_length=8, choices=Scale.choices, default=Scale.SMALL, db_index=True)
    employees = models.PositiveIntegerField(_("从业人数"), default=0)
    annual_output = models.DecimalField(_("年产值(万元)"), max_digits=14, decimal_places=2, default=0)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    lng = models.FloatField(_("经度(WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("纬度(WGS-84)"), null=True, blank=True)
    grid = models.ForeignKey(
        "territory.Territory", verbose_name=_("所在网格"), on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "territory.Territory", verbose_name=_("所属区"), on_delete=models.PROTECT, related_name="+"
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    is_active = models.BooleanField(_("在册"), default=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = EnterpriseQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("包联企业")
        verbose_name_plural = _("包联企业")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="enterprises_one_per_credit_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Cadre(ScopedModel, TimeStampedModel):
    """A person of the 三级包联 roster (区级领导 or 包联干部) of a district. Only some have an account (``user``):
    the roster is the district's list of 388, the account is what lets one follow one's enterprises on the phone."""

    scope_path_field: ClassVar[str | None] = "district__path"
    scope_unit_field: ClassVar[str | None] = "unit_id"
    scope_owner_field: ClassVar[str | None] = "user_id"

    name = models.CharField(_("姓名"), max_length=50)
    rank = models.CharField(_("层级"), max_length=8, choices=CadreRank.choices, default=CadreRank.CADRE)
    title = models.CharField(_("职务"), max_length=60, blank=True)
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("所在单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "territory.Territory", verbose_name=_("所属区"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enterprise_cadre",
    )
    is_active = models.BooleanField(_("在岗"), default=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("包联干部")
        verbose_name_plural = _("包联干部")
        ordering = ["rank", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Liaison(ScopedModel, TimeStampedModel):
    """One level of an enterprise's 三级包联: its district leader, its department, or one of its cadres."""

    scope_path_field: ClassVar[str | None] = "enterprise__grid__path"

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="liaisons"
    )
    level = models.CharField(_("包联层级"), max_length=12, choices=LiaisonLevel.choices)
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("包联人"), null=True, blank=True, on_delete=models.PROTECT, related_name="liaisons"
    )
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name=_("包联部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    since = models.DateField(_("包联起始日"))
    is_active = models.BooleanField(_("有效"), default=True)

    objects = EnterpriseScopedQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("包联关系")
        verbose_name_plural = _("包联关系")
        ordering = ["enterprise_id", "level", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "cadre"],
                condition=Q(is_active=True, cadre__isnull=False),
                name="enterprises_one_active_liaison_per_cadre",
            ),
            models.UniqueConstraint(
                fields=["enterprise", "level"],
                condition=Q(is_active=True, level__in=[LiaisonLevel.LEADER, LiaisonLevel.DEPARTMENT]),
                name="enterprises_one_active_leader_and_department",
            ),
        ]
        indexes = [models.Index(fields=["cadre", "is_active"], name="enterprises_liaison_cadre")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.level}"


class ServiceDay(ScopedModel, TimeStampedModel):
    """One occurrence of a recurring service day: 市场主体服务日 (the 8th of each month, over a district) or
    助企见面日 (every Wednesday, over a street), moved to the next working day when the rule's date is not one."""

    scope_path_field: ClassVar[str | None] = "territory__path"

    kind = models.CharField(_("类型"), max_length=16, choices=ServiceDayKind.choices)
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("举办辖区"), on_delete=models.PROTECT, related_name="+"
    )
    nominal_date = models.DateField(_("规则日期"))
    held_on = models.DateField(_("举办日期"), db_index=True)
    title = models.CharField(_("名称"), max_length=120)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    note = models.TextField(_("纪要"), blank=True)
    enterprises = models.ManyToManyField(
        Enterprise, verbose_name=_("到场企业"), blank=True, related_name="service_days"
    )
    cadres = models.ManyToManyField(Cadre, verbose_name=_("到场干部"), blank=True, related_name="service_days")
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("助企服务日")
        verbose_name_plural = _("助企服务日")
        ordering = ["-held_on", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "territory", "nominal_date"], name="enterprises_one_service_day_per_rule_date"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Visit(ScopedModel, TimeStampedModel):
    """A visit (走访) to an enterprise: when, who, what was found; its problems are ``issues``."""

    scope_path_field: ClassVar[str | None] = "enterprise__grid__path"
    scope_owner_field: ClassVar[str | None] = "recorded_by_id"

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("走访日期"), db_index=True)
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("走访干部"), null=True, blank=True, on_delete=models.SET_NULL, related_name="visits"
    )
    visitors = models.CharField(_("走访人员"), max_length=200, blank=True)
    findings = models.TextField(_("走访情况"))
    problem_count = models.PositiveSmallIntegerField(_("反映问题数"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    objects = EnterpriseScopedQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "visited_on"], name="enterprises_visit_day")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.visited_on:%Y-%m-%d}"


class Issue(ScopedModel):
    """A problem an enterprise raised (on a visit or a service day) and the work order it became: the link by which
    the enterprise's liaison cadres follow the case to its resolution and the enterprise's rating."""

    scope_path_field: ClassVar[str | None] = "enterprise__grid__path"

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="issues")
    occasion = models.CharField(_("反映场合"), max_length=16, choices=Occasion.choices, default=Occasion.VISIT)
    visit = models.ForeignKey(
        Visit, verbose_name=_("走访记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="issues"
    )
    service_day = models.ForeignKey(
        ServiceDay, verbose_name=_("服务日"), null=True, blank=True, on_delete=models.PROTECT, related_name="issues"
    )
    raised_on = models.DateField(_("反映日期"), db_index=True)
    text = models.TextField(_("问题内容"))
    work_order = models.OneToOneField(
        "workorders.WorkOrder", verbose_name=_("工单"), on_delete=models.PROTECT, related_name="enterprise_issue"
    )
    # The enterprise's own verdict once the case is closed, taken by its liaison cadre (有求必应): the case's
    # 回访 needs a reporter's phone, which an enterprise's problem raised on a visit does not carry.
    resolved = models.BooleanField(_("企业认为已解决"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("企业评价"), choices=Rating.choices, null=True, blank=True)
    rating_note = models.CharField(_("评价说明"), max_length=200, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    objects = EnterpriseScopedQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("企业诉求")
        verbose_name_plural = _("企业诉求")
        ordering = ["-raised_on", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.raised_on:%Y-%m-%d}"


class Bank(models.Model):
    name = models.CharField(_("银行名称"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("合作银行")
        verbose_name_plural = _("合作银行")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FinancingProduct(models.Model):
    bank = models.ForeignKey(Bank, verbose_name=_("银行"), on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("产品名称"), max_length=80)
    kind = models.CharField(_("产品类型"), max_length=40, blank=True)
    max_amount = models.DecimalField(_("最高额度(万元)"), max_digits=12, decimal_places=2, null=True, blank=True)
    rate_note = models.CharField(_("利率说明"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("金融产品")
        verbose_name_plural = _("金融产品")
        ordering = ["bank__name", "name"]
        constraints = [models.UniqueConstraint(fields=["bank", "name"], name="enterprises_one_product_name")]

    def __str__(self) -> str:
        return f"{self.bank} {self.name}"


class FinancingEvent(ScopedModel, TimeStampedModel):
    """A 政银企 matchmaking event (卫您融): the banks and products presented and the enterprises taking part."""

    scope_path_field: ClassVar[str | None] = "territory__path"

    title = models.CharField(_("活动名称"), max_length=120)
    held_on = models.DateField(_("举办日期"), db_index=True)
    territory = models.ForeignKey(
        "territory.Territory", verbose_name=_("举办辖区"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("地点"), max_length=120, blank=True)
    organiser = models.CharField(_("主办单位"), max_length=120, blank=True)
    online = models.BooleanField(_("线上直播"), default=False)
    banks = models.ManyToManyField(Bank, verbose_name=_("参与银行"), blank=True, related_name="events")
    products = models.ManyToManyField(FinancingProduct, verbose_name=_("推介产品"), blank=True, related_name="events")
    note = models.TextField(_("说明"), blank=True)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    class Meta:
        verbose_name = _("政银企对接活动")
        verbose_name_plural = _("政银企对接活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class FinancingParticipation(ScopedModel):
    """An enterprise at a matchmaking event: its financing need, the intention reached, credit granted and loans
    disbursed (万元)."""

    scope_path_field: ClassVar[str | None] = "enterprise__grid__path"

    event = models.ForeignKey(
        FinancingEvent, verbose_name=_("对接活动"), on_delete=models.CASCADE, related_name="participations"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="financings"
    )
    need_amount = models.DecimalField(_("融资需求(万元)"), max_digits=12, decimal_places=2, default=0)
    purpose = models.CharField(_("资金用途"), max_length=120, blank=True)
    bank = models.ForeignKey(
        Bank, verbose_name=_("对接银行"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        FinancingProduct,
        verbose_name=_("意向产品"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    intention = models.CharField(_("对接意向"), max_length=12, choices=Intention.choices, default=Intention.NONE)
    credit_granted = models.DecimalField(_("授信金额(万元)"), max_digits=12, decimal_places=2, default=0)
    loan_disbursed = models.DecimalField(_("放款金额(万元)"), max_digits=12, decimal_places=2, default=0)
    is_synthetic = models.BooleanField(_("演示合成"), default=False)

    objects = EnterpriseScopedQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("对接企业")
        verbose_name_plural = _("对接企业")
        ordering = ["event_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "enterprise"], name="enterprises_one_participation_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.enterprise_id}"
