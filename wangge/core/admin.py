"""Admin in Chinese with an explicit audit trail for every change made through it, scoped to the editor.

``ScopedAdminMixin`` makes an admin follow the scope of the editor's grants (``restrict``), before and
after every save; see its docstring.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db import models, router, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wangge.core import audit
from wangge.core.clientaddr import client_ip
from wangge.core.errors import DomainError, ErrorCode, PermissionDenied
from wangge.core.models import AuditEntry
from wangge.core.scoping import CHANGE, VIEW, ScopedQuerySet

if TYPE_CHECKING:
    # An admin of any model; Django's class takes no subscript at run time.
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = admin.ModelAdmin

admin.site.site_header = _("网格 Wangge 管理后台")
admin.site.site_title = _("网格管理后台")
admin.site.index_title = _("基础数据管理")


class AuditedModelAdmin(_ModelAdmin):
    """Writes an AuditEntry (who, when, before/after) for every add, change and delete."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            before = None
            if change and obj.pk is not None:
                previous = type(obj)._default_manager.filter(pk=obj.pk).first()
                before = audit.snapshot(previous)
            super().save_model(request, obj, form, change)
            audit.record(
                actor=request.user,
                action="admin.change" if change else "admin.add",
                obj=obj,
                before=before,
                after=audit.snapshot(obj),
                ip=client_ip(request),
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            before = audit.snapshot(obj)
            repr_ = str(obj)
            pk = obj.pk
            super().delete_model(request, obj)
            entry = audit.record(
                actor=request.user,
                action="admin.delete",
                obj=None,
                before=before,
                after=None,
                ip=client_ip(request),
                only_changes=False,
            )
            entry.app_label = obj._meta.app_label
            entry.model = obj._meta.model_name
            entry.object_id = str(pk)
            entry.object_repr = repr_[:200]
            entry.save(update_fields=["app_label", "model", "object_id", "object_repr"])

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


# Set on the request when a save was refused and rolled back; the form shown again carries the reasons.
_REFUSAL = "_wangge_admin_refusal"


def refusal_problems(exc: DomainError) -> Iterator[tuple[str | None, str]]:
    """(field, reason) pairs of a refused save; field None for the form as a whole."""
    found = False
    if isinstance(exc.details, list):
        for item in exc.details:
            if isinstance(item, dict) and item.get("reason"):
                found = True
                yield (str(item["field"]) if item.get("field") else None, str(item["reason"]))
    if not found:
        yield None, exc.message


def _refused_form(form_class: type[Any], refusal: DomainError) -> type[Any]:
    """``form_class`` that shows the reasons of the refused save as its own errors (so it is not valid)."""

    class RefusedForm(form_class):
        def full_clean(self) -> None:
            super().full_clean()
            if not self.is_bound:
                return
            for field, reason in refusal_problems(refusal):
                self.add_error(field if field in self.fields else None, reason)

    RefusedForm.__name__ = form_class.__name__
    return RefusedForm


class ScopedAdminMixin:
    """Non-superusers see and change only rows inside the scope of their grants, before *and after* a save.

    * The list and the change pages show ``Model.objects.restrict(user, VIEW)`` (unless ``scope_view`` is
      False: the rows are then all shown, and the change scope still decides what may be edited).
    * A row outside ``restrict(user, CHANGE)`` cannot be changed or deleted.
    * After every save through the admin (the row, its inlines, in the admin's transaction) the saved
      row must still be inside the editor's change scope; otherwise everything is rolled back and the
      form is shown again with the reason. A refusal of a service (any ``DomainError``) raised while
      saving is shown the same way, never as a server error. Admins of models that have services call
      them from ``save_model``.
    """

    model: type[models.Model]
    scope_view: bool = True

    # -- reading ---------------------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        qs: models.QuerySet[Any] = super().get_queryset(request)  # type: ignore[misc]
        if not self.scope_view or request.user.is_superuser or not isinstance(qs, ScopedQuerySet):
            return qs
        return qs.restrict(request.user, VIEW)

    # -- permissions on one row ------------------------------------------------------------------------

    def in_change_scope(self, request: HttpRequest, obj: Any, *, fresh: bool = False) -> bool:
        """Whether ``obj`` as stored now is inside the editor's change scope. ``fresh`` reads the editor's
        grants again (a save may have changed them)."""
        if obj is None or request.user.is_superuser:
            return True
        user: Any = request.user
        if fresh:
            user = get_user_model()._default_manager.get(pk=user.pk)
        manager: Any = self.model._default_manager
        return bool(manager.restrict(user, CHANGE).filter(pk=obj.pk).exists())

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)  # type: ignore[misc]
        return bool(allowed) and self.in_change_scope(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)  # type: ignore[misc]
        return bool(allowed) and self.in_change_scope(request, obj)

    # -- after the save --------------------------------------------------------------------------------

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        self.check_scope_after_save(request, form.instance)

    def check_scope_after_save(self, request: HttpRequest, obj: Any) -> None:
        """Raise (rolling the save back) when the saved row left the editor's change scope."""
        if not self.in_change_scope(request, obj, fresh=True):
            raise PermissionDenied(gettext("保存后该记录将不在您的管理范围内，未保存"), code=ErrorCode.OUT_OF_SCOPE)

    # -- a refused save: roll back, show the form again ------------------------------------------------

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            # Django runs a POST in a transaction: the exception leaving it rolls every write back.
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc,no-any-return]
        except DomainError as exc:
            if request.method != "POST" or hasattr(request, _REFUSAL):
                raise
            setattr(request, _REFUSAL, exc)
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc,no-any-return]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        refusal = getattr(request, _REFUSAL, None)
        return form_class if refusal is None else _refused_form(form_class, refusal)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Actions and list edits: all or nothing, a refusal as a message."""
        if request.method != "POST":
            return super().changelist_view(request, extra_context)  # type: ignore[misc,no-any-return]
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().changelist_view(request, extra_context)  # type: ignore[misc,no-any-return]
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.get_full_path())


def adopt(obj: models.Model, saved: models.Model) -> None:
    """Make the admin's unsaved ``obj`` the row a service created (``saved``): the admin goes on with ``obj``
    (the message, the log entry, the redirect, the inlines)."""
    obj.pk = saved.pk
    obj._state.adding = False
    obj._state.db = saved._state.db
    obj.refresh_from_db()


class AuditActionFilter(admin.SimpleListFilter):
    title = _("操作")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = AuditEntry.objects.order_by().values_list("action", flat=True).distinct()
        return sorted(((code, audit.action_label(code)) for code in codes), key=lambda pair: pair[1])

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset.filter(action=self.value()) if self.value() else queryset


class AuditObjectTypeFilter(admin.SimpleListFilter):
    title = _("对象类型")
    parameter_name = "type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        pairs = AuditEntry.objects.exclude(model="").order_by().values_list("app_label", "model").distinct()
        return sorted(
            ((f"{app}.{model}", audit.object_type_label(app, model)) for app, model in pairs), key=lambda p: p[1]
        )

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if not self.value():
            return queryset
        app, _dot, model = str(self.value()).partition(".")
        return queryset.filter(app_label=app, model=model)


@admin.register(AuditEntry)
class AuditEntryAdmin(_ModelAdmin):
    """Read-only. Actions and object types are shown by their Chinese names (``core.audit.action_label``);
    the stable codes stay in the database for queries and exports."""

    list_display = ("at", "actor_name", "action_shown", "object_type", "object_repr", "ip")
    list_filter = (AuditActionFilter, AuditObjectTypeFilter)
    search_fields = ("actor_name", "object_repr", "object_id", "note")
    date_hierarchy = "at"
    fields = readonly_fields = (
        "at",
        "actor",
        "actor_name",
        "action_shown",
        "object_type",
        "object_id",
        "object_repr",
        "before",
        "after",
        "note",
        "ip",
    )

    @admin.display(description=_("操作"), ordering="action")
    def action_shown(self, obj: AuditEntry) -> str:
        return audit.action_label(obj.action)

    @admin.display(description=_("对象类型"), ordering="model")
    def object_type(self, obj: AuditEntry) -> str:
        return audit.object_type_label(obj.app_label, obj.model)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def column(field: str, label: Any, *, choices: dict[str, Any] | None = None) -> Any:
    """An admin column (or read-only field) showing the row's ``field`` under a Chinese ``label``, for another
    package's model whose field names this project cannot set; ``choices`` names coded values. Assign it to a
    ModelAdmin attribute and list that attribute's name."""

    def show(model_admin: Any, obj: Any) -> Any:
        value = getattr(obj, field)
        return choices.get(value, value) if choices is not None else value

    show.short_description = label  # type: ignore[attr-defined]
    show.admin_order_field = field  # type: ignore[attr-defined]
    return show


def relabel(model: type[models.Model], name: Any, plural: Any, *, app_name: Any = None) -> None:
    """Name another package's model (and its app) in Chinese on the admin's pages. Display only: a migration
    reads a model's options from ``_meta.original_attrs``, which this leaves alone."""
    from django.apps import apps

    model._meta.verbose_name = name
    model._meta.verbose_name_plural = plural
    if app_name is not None:
        apps.get_app_config(model._meta.app_label).verbose_name = app_name
