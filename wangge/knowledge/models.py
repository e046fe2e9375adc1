"""知识库: the answers the command centre gives to 咨询 calls. An article keeps every version: each edit adds
a version and leaves the earlier ones as they were, so a case answered from version 3 reads what was said."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.core.models import TimeStampedModel
from wangge.knowledge.choices import ArticleStatus


class Filed(models.Model):
    """Where an answer belongs: the category it answers and the department that owns it (article and version)."""

    category = models.ForeignKey(
        "workorders.Category",
        verbose_name=_("事项分类"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name=_("主管部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class Article(Filed, TimeStampedModel):
    """The current text of an article; ``version`` is the number of its latest :class:`ArticleVersion`."""

    title = models.CharField(_("标题"), max_length=200)
    keywords = models.TextField(
        _("常见问法与关键词"), blank=True, help_text=_("每行一个问法或关键词，如“社保卡丢了怎么办”“补办”")
    )
    answer = models.TextField(_("答复口径"))
    status = models.CharField(_("状态"), max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后编辑人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("知识条目")
        verbose_name_plural = _("知识条目")
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["status", "title"], name="knowledge_status_title")]

    def __str__(self) -> str:
        return self.title

    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.replace("，", "\n").replace(",", "\n").splitlines() if k.strip()]


class ArticleVersion(Filed):
    """One saved state of an article, never changed afterwards."""

    article = models.ForeignKey(Article, verbose_name=_("知识条目"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    title = models.CharField(_("标题"), max_length=200)
    keywords = models.TextField(_("常见问法与关键词"), blank=True)
    answer = models.TextField(_("答复口径"))
    status = models.CharField(_("状态"), max_length=16, choices=ArticleStatus.choices)
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("保存时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("编辑人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("知识条目版本")
        verbose_name_plural = _("知识条目版本")
        ordering = ["article_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="knowledge_one_number_per_article")]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"
