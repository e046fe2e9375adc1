"""Versioned text classifiers, each stored with its evaluation; at most one is active."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wangge.intel.choices import RetrainDecision, SuggestionStep


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


class SuggestionRecord(models.Model):
    """What the platform suggested when a person took in or dispatched a case, and what the person chose.

    The suggestion is the active classifier's top three categories (with their confidences) and the unit
    routing gives for the confident guess (or, at dispatch, for the case's own category); the choice is the
    case's category and unit after the step. A guess counts as right when the chosen category is the guessed
    one or lies under it (a classifier of first-level categories is right about every sub-category)."""

    work_order = models.ForeignKey(
        "workorders.WorkOrder", verbose_name=_("工单"), on_delete=models.CASCADE, related_name="+"
    )
    step = models.CharField(_("环节"), max_length=16, choices=SuggestionStep.choices)
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    scope_path = models.CharField(_("辖区路径"), max_length=255, db_index=True)
    classifier = models.ForeignKey(
        ClassifierModel,
        verbose_name=_("分类模型"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suggestions",
    )
    classifier_version = models.CharField(_("模型版本"), max_length=64, blank=True)
    # [{"label", "score", "category_id"}], best first (at most three).
    suggested = models.JSONField(_("建议分类"), default=list, blank=True)
    suggested_category = models.ForeignKey(
        "workorders.Category",
        verbose_name=_("首选建议分类"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confident = models.BooleanField(_("达到置信阈值"), default=False)
    suggested_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("建议承办单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    chosen_category = models.ForeignKey(
        "workorders.Category",
        verbose_name=_("选定分类"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    chosen_unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("选定承办单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # None when nothing can be compared (no guess, or no category chosen).
    top1_hit = models.BooleanField(_("首选命中"), null=True, blank=True)
    top3_hit = models.BooleanField(_("前三命中"), null=True, blank=True)
    unit_hit = models.BooleanField(_("单位采纳"), null=True, blank=True)

    class Meta:
        verbose_name = _("智能建议记录")
        verbose_name_plural = _("智能建议记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["step", "at"], name="intel_suggestion_step_at")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.work_order_id} {self.at:%Y-%m-%d}"


class ClassifierRetrain(models.Model):
    """One scheduled (or requested) retrain: a challenger trained on the platform's closed cases before
    ``month``, champion and challenger scored on the cases closed in ``month`` (which neither trained on), and
    the decision. At most one per month: the monthly schedule runs it once."""

    month = models.DateField(_("评估月份"), unique=True, help_text=_("该月第一天"))
    champion = models.ForeignKey(
        ClassifierModel, verbose_name=_("原模型"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    challenger = models.ForeignKey(
        ClassifierModel, verbose_name=_("新模型"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    champion_version = models.CharField(_("原模型版本"), max_length=64, blank=True)
    challenger_version = models.CharField(_("新模型版本"), max_length=64, blank=True)
    champion_macro_f1 = models.FloatField(_("原模型宏平均 F1"), null=True, blank=True)
    challenger_macro_f1 = models.FloatField(_("新模型宏平均 F1"), null=True, blank=True)
    champion_accuracy = models.FloatField(_("原模型准确率"), null=True, blank=True)
    challenger_accuracy = models.FloatField(_("新模型准确率"), null=True, blank=True)
    n_train = models.PositiveIntegerField(_("训练工单数"), default=0)
    n_test = models.PositiveIntegerField(_("评估工单数"), default=0)
    decision = models.CharField(_("结论"), max_length=16, choices=RetrainDecision.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("模型重训")
        verbose_name_plural = _("模型重训")
        ordering = ["-month", "-id"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.get_decision_display()}"
