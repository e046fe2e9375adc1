"""Choices of the suggestion record and the retrain."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SuggestionStep(models.TextChoices):
    INTAKE = "intake", _("受理登记")
    DISPATCH = "dispatch", _("派遣")


class RetrainDecision(models.TextChoices):
    REPLACED = "replaced", _("新模型更优，已启用")
    KEPT = "kept", _("原模型不劣于新模型，保留原模型")
    NO_CHAMPION = "no_champion", _("此前无启用模型，已启用新模型")
    TOO_FEW = "too_few", _("数据不足，未训练")
