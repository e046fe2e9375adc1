"""Admin of 一表: templates, their versions (published through the service, checked by the engine) and a read-only,
scoped view of the filled forms.

A version is never edited once published — the forms filled on it read against it — so the admin only adds
versions (the next number, published at once) and shows the earlier ones read-only."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wangge.accounts.roles import ADMINISTER
from wangge.core.admin import AuditedModelAdmin, refusal_problems
from wangge.core.errors import DomainError
from wangge.core.scoping import scope_for
from wangge.surveys.models import FormSubmission, FormTemplate, FormVersion
from wangge.surveys.services import check_definition, current_version, version_publish


@admin.register(FormTemplate)
class FormTemplateAdmin(AuditedModelAdmin):
    list_display = ("key", "name", "target", "is_active", "current_version")
    list_filter = ("target", "is_active")
    search_fields = ("key", "name")

    @admin.display(description=_("当前版本"))
    def current_version(self, obj: FormTemplate) -> str:
        version = current_version(obj)
        return f"v{version.number}" if version else "—"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The key names the form in the API and the pages; what a form is about decides how it was filled.
        return ("created_at", "updated_at") if obj is None else ("key", "target", "created_at", "updated_at")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # switch a template off instead; filled forms keep pointing at it


class FormVersionForm(forms.ModelForm):
    """A new version: its fields and actions as JSON, checked by the engine before anything is saved."""

    class Meta:
        model = FormVersion
        fields = ("template", "fields", "actions", "note")
        widgets = {
            "fields": forms.Textarea(attrs={"rows": 24, "cols": 100}),
            "actions": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "fields": _(
                "字段列表，每项 {name, label, kind, required, choices, min, max, when, maps_to, help}；"
                "kind 取 text/number/choice/multi_choice/date/photo/location/resident/building/merchant。"
            ),
            "actions": _(
                '提交后动作，如 {"open_case_when": {"field": "has_problem", "equals": "是"}, '
                '"category_code": "S0801", "title_field": "problem"}'
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        template = self.initial.get("template")
        if not self.is_bound and template and not self.initial.get("fields"):
            found = FormTemplate.objects.filter(pk=template).first()
            version = current_version(found) if found else None
            if version is not None:  # start from the current version's fields
                self.initial["fields"] = json.dumps(version.fields, ensure_ascii=False, indent=2)
                self.initial["actions"] = json.dumps(version.actions, ensure_ascii=False, indent=2)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        template = data.get("template")
        if template is not None and "fields" in data:
            try:
                check_definition(data["fields"], data.get("actions") or {}, target=template.target)
            except DomainError as exc:
                for field, reason in refusal_problems(exc):
                    self.add_error(None, f"{field}: {reason}" if field else reason)
        return data


@admin.register(FormVersion)
class FormVersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = FormVersionForm
    list_display = ("template", "number", "published_at", "created_by", "note")
    list_filter = ("template",)
    list_select_related = ("template", "created_by")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return ("template", "number", "fields", "actions", "note", "created_by", "created_at", "published_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Publishing is the administrators' (the service's rule), whatever the model permissions say.
        return super().has_add_permission(request) and not scope_for(request.user, ADMINISTER).empty

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # published versions are read-only

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The service numbers, publishes and audits the version (the form has checked the definition).
        version = version_publish(
            actor=request.user,
            template=form.cleaned_data["template"],
            fields=form.cleaned_data["fields"],
            actions=form.cleaned_data.get("actions") or {},
            note=form.cleaned_data.get("note", ""),
        )
        obj.pk = version.pk
        obj.number = version.number
        obj._state.adding = False


@admin.register(FormSubmission)
class FormSubmissionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only, within the viewer's scope; filled forms change only through new submissions."""

    list_display = ("submitted_at", "template", "version", "grid", "submitted_by_name", "work_order")
    list_filter = ("template",)
    list_select_related = ("template", "version", "grid", "work_order")
    search_fields = ("submitted_by_name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[FormSubmission]:
        return FormSubmission.objects.restrict(request.user).select_related("template", "version", "grid")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
