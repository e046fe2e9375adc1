"""Versioned text classifiers, each stored with its evaluation; at most one is active."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ClassifierModel(models.Model):
    """A trained appeal classifier (``wangge.intel.textclf``) saved under MEDIA_ROOT/classifiers/."""

    version = models.CharField(_("版本"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    file = models.FileField(_("模型文件"), upload_to="classifiers/")
    labels = models.JSONField(_("类别"), default=list, blank=True)
    params = models.JSONField(_("训练参数"), default=dict, blank=True)
    metrics = models.JSONField(_("评估结果"), default=dict, blank=True)
    is_active = models.BooleanField(_("启用"), default=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("分类模型")
        verbose_name_plural = _("分类模型")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="intel_one_active_classifier"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name or _('分类模型')} {self.version}"

    @property
    def macro_f1(self) -> float | None:
        """The held-out or cross-validated macro-F1 stored with the model, if any."""
        for key in ("evaluation", "cross_validation"):
            block = (self.metrics or {}).get(key) or {}
            value = block.get("macro_f1", block.get("macro_f1_mean"))
            if value is not None:
                return float(value)
        return None
