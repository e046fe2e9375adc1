"""Tables of the staff pages: saved filters of the workbench."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedView(models.Model):
    """A named query string of the case list, kept per user (常用筛选)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(_("名称"), max_length=60)
    querystring = models.CharField(_("筛选条件"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("常用筛选")
        verbose_name_plural = _("常用筛选")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_view_name_per_user")]

    def __str__(self) -> str:
        return self.name


class ClientSubmission(models.Model):
    """A form a phone sent under an id it made itself (the outbox of the offline pages): the same id sent
    again answers with what the first sending made instead of making it twice. The id is per user, so
    another account's id finds nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="client_submissions"
    )
    client_id = models.UUIDField(_("客户端编号"))
    kind = models.CharField(_("类型"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("生成记录"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("离线提交")
        verbose_name_plural = _("离线提交")
        constraints = [models.UniqueConstraint(fields=["user", "client_id"], name="client_submission_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.client_id}"
