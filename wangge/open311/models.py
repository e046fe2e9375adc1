"""API keys, extra attributes of a service (category) and the record of each request taken through Open311."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.fields import ProtectedCharField
from wangge.open311.choices import LIST_DATATYPES, Datatype


def default_daily_quota() -> int:
    """A new key's daily quota: ``WANGGE_OPEN311_DAILY_QUOTA`` (default 1000; 0: unlimited)."""
    return max(0, int(getattr(settings, "WANGGE_OPEN311_DAILY_QUOTA", 1000)))


class ApiKey(models.Model):
    """A client's key for POST requests. Only a SHA-256 of the key is stored; the key is shown once."""

    name = models.CharField(_("名称"), max_length=100)
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("密钥前缀"), max_length=16, unique=True, editable=False)
    district = models.ForeignKey(
        "territory.Territory",
        verbose_name=_("限定区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("设置后该密钥只能向此区提交诉求"),
    )
    daily_quota = models.PositiveIntegerField(
        _("每日限额"),
        default=default_daily_quota,
        help_text=_("每个自然日可提交的诉求请求数，0 表示不限"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 接口密钥")
        verbose_name_plural = _("Open311 接口密钥")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ServiceAttribute(models.Model):
    """An extra form field of a service (a leaf category): GeoReport v2 service-definition attribute."""

    category = models.ForeignKey(
        "workorders.Category", verbose_name=_("诉求分类"), on_delete=models.CASCADE, related_name="open311_attributes"
    )
    code = models.SlugField(_("属性编码"), max_length=50)
    variable = models.BooleanField(_("需要填写"), default=True, help_text=_("否：仅向用户展示说明文字"))
    datatype = models.CharField(_("数据类型"), max_length=16, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(_("必填"), default=False)
    datatype_description = models.CharField(_("数据类型说明"), max_length=200, blank=True)
    description = models.CharField(_("说明"), max_length=500)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    values = models.JSONField(
        _("可选值"), default=list, blank=True, help_text=_('单选/多选的选项：[{"key": "1", "name": "名称"}, …]')
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("服务附加属性")
        verbose_name_plural = _("服务附加属性")
        ordering = ["category", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_code_per_category"),
            models.UniqueConstraint(fields=["category", "order"], name="open311_attribute_order_per_category"),
            models.CheckConstraint(condition=models.Q(order__gte=1), name="open311_attribute_order_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.category.code}.{self.code}"

    def clean(self) -> None:
        problems = attribute_definition_problems(self.datatype, self.values)
        if problems:
            raise ValidationError({"values": problems})

    def keys(self) -> list[str]:
        return [str(v["key"]) for v in self.values or []]


def attribute_definition_problems(datatype: str, values: Any) -> list[str]:
    """What is wrong with the option list of an attribute (empty: fine)."""
    if datatype not in LIST_DATATYPES:
        return [str(_("只有单选/多选属性可以设置可选值"))] if values else []
    if not isinstance(values, list) or not values:
        return [str(_("单选/多选属性须至少有一个可选值"))]
    problems: list[str] = []
    keys: set[str] = set()
    for item in values:
        if not isinstance(item, dict) or not str(item.get("key", "")).strip() or not str(item.get("name", "")).strip():
            problems.append(str(_('每个可选值须为 {"key": …, "name": …}')))
            continue
        key = str(item["key"])
        if key in keys:
            problems.append(str(_("可选值编码重复：%(key)s")) % {"key": key})
        keys.add(key)
    return problems


class Submission(models.Model):
    """What an Open311 client sent with a work order that the work order itself has no field for."""

    work_order = models.OneToOneField(
        "workorders.WorkOrder", verbose_name=_("工单"), on_delete=models.CASCADE, related_name="open311"
    )
    api_key = models.ForeignKey(ApiKey, verbose_name=_("接口密钥"), on_delete=models.PROTECT, related_name="+")
    service_code = models.CharField(_("服务编码"), max_length=20)
    description = models.TextField(_("原始描述"), blank=True)
    attributes = models.JSONField(_("附加属性"), default=dict, blank=True)
    media_url = models.URLField(_("媒体链接"), max_length=1000, blank=True)
    email = ProtectedCharField(_("电子邮箱"), blank=True, default="")
    device_id = models.CharField(_("设备标识"), max_length=100, blank=True)
    account_id = models.CharField(_("账号标识"), max_length=100, blank=True)
    suggested_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("建议承办单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    auto_dispatched = models.BooleanField(_("已自动派遣"), default=False)
    created_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 接收记录")
        verbose_name_plural = _("Open311 接收记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.service_code} → {self.work_order.tracking_code}"  # the case's code, never its id
