"""Admin for units and staff, in Chinese, every change audited (before/after) and scoped (core.admin)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm, UsernameField
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from wangge.accounts import services
from wangge.accounts.forms import AdminLoginForm
from wangge.accounts.models import RoleGrant, Unit, User
from wangge.accounts.tokens import api_tokens_revoke_all
from wangge.core.admin import AuditedModelAdmin, ScopedAdminMixin, adopt, column, relabel
from wangge.core.crypto import blind_index
from wangge.core.errors import DomainError
from wangge.core.validators import mask_phone, normalise_phone, validate_phone

# The admin's login page answers every failure like the staff login page (wangge.accounts.lockout), and its
# "change password" link leads to the staff page, which applies the policy, audits and revokes API tokens.
admin.site.login_form = AdminLoginForm


def _password_change(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    return redirect("web:password_change")


admin.site.password_change = _password_change  # type: ignore[method-assign, assignment]


def clean_phone_value(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    validate_phone(value)
    return normalise_phone(value)


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, AuditedModelAdmin):
    list_display = ("code", "name", "kind", "territory", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name")
    raw_id_fields = ("territory", "parent")
    list_select_related = ("territory", "parent")

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "phone" and field is not None:
            field.validators.append(validate_phone)
        return field

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        # A new unit starts active (unit_create); switching one off is an edit.
        exclude = tuple(super().get_exclude(request, obj) or ())
        return (*exclude, "is_active") if obj is None else exclude

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:  # no unit_update service: the audited save, and the scope check after it
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        unit = services.unit_create(
            actor=request.user,
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            territory=data["territory"],
            parent=data.get("parent"),
            phone=data.get("phone") or "",
        )
        adopt(obj, unit)


class StaffMobileMixin(forms.ModelForm):
    mobile = forms.CharField(label=_("手机号"), required=False, max_length=20)

    def clean_mobile(self) -> str:
        return clean_phone_value(self.cleaned_data.get("mobile", ""))


class StaffCreationForm(StaffMobileMixin, AdminUserCreationForm):
    class Meta:
        model = User
        field_classes = {"username": UsernameField}
        fields = ("username", "display_name", "mobile", "unit")


class StaffChangeForm(StaffMobileMixin, UserChangeForm):
    class Meta:
        model = User
        field_classes = {"username": UsernameField}
        fields = (
            "username",
            "password",
            "display_name",
            "mobile",
            "unit",
            "email",
            "is_demo",
            "must_change_password",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
        )


class RoleGrantInlineForm(forms.ModelForm):
    """Refuses an inconsistent or out-of-scope grant with the same rules as ``role_grant``."""

    actor: Any = None

    class Meta:
        model = RoleGrant
        fields = ("role", "territory", "unit")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors or data.get("DELETE") or not self.has_changed():
            return data
        role = data.get("role")
        if not role:
            return data
        problems = services.grant_problems(role=role, territory=data.get("territory"), unit=data.get("unit"))
        if problems:
            raise ValidationError([p["reason"] for p in problems])
        user = self.instance.user if self.instance.user_id else None
        if user is not None and not self.instance.pk:
            try:
                services.role_grant_check(
                    actor=self.actor,
                    user=user,
                    role=role,
                    territory=data.get("territory"),
                    unit=data.get("unit"),
                )
            except DomainError as exc:
                raise ValidationError(exc.message) from exc
        return data


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    form = RoleGrantInlineForm
    extra = 0
    fields = ("role", "territory", "unit", "granted_at")
    readonly_fields = ("granted_at",)
    raw_id_fields = ("territory", "unit")

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        form = type("ActorRoleGrantInlineForm", (self.form,), {"actor": request.user})
        return super().get_formset(request, obj, form=form, **kwargs)


@admin.register(User)
class StaffAdmin(ScopedAdminMixin, AuditedModelAdmin, DjangoUserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    inlines = (RoleGrantInline,)
    list_display = ("username", "display_name", "masked_mobile", "unit", "is_active", "locked", "is_demo")
    list_filter = ("is_active", "is_staff", "is_demo", "unit__kind")
    search_fields = ("username", "display_name")
    list_select_related = ("unit",)
    raw_id_fields = ("unit",)
    readonly_fields = ("last_login", "date_joined", "locked_until", "password_changed_at")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("基本信息"), {"fields": ("display_name", "mobile", "unit", "email", "is_demo")}),
        (
            _("权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (
            _("登录安全"),
            {
                "fields": (
                    "locked_until",
                    "password_changed_at",
                    "must_change_password",
                    "last_login",
                    "date_joined",
                )
            },
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "display_name",
                    "mobile",
                    "unit",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    actions = ("lock_accounts", "unlock_accounts")

    @admin.display(description=_("手机号"))
    def masked_mobile(self, obj: User) -> str:
        return mask_phone(obj.mobile or "")

    @admin.display(description=_("已锁定"), boolean=True)
    def locked(self, obj: User) -> bool:
        return obj.is_locked

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        # Grants are given on the change page, once the account exists.
        return [] if obj is None else super().get_inline_instances(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        # Outside every scope: only a superuser makes superusers or hands out Django permissions.
        return (*fields, "is_superuser", "groups", "user_permissions")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            # staff_update covers only some of the fields edited here: the audited save, then the scope check.
            obj.mobile_index = blind_index(obj.mobile or "")
            super().save_model(request, obj, form, change)
            if "is_active" in form.changed_data and not obj.is_active:
                api_tokens_revoke_all(actor=request.user, user=obj, reason="inactive")
            return
        data = form.cleaned_data
        user = services.staff_create(
            actor=request.user,
            username=data["username"],
            display_name=data.get("display_name") or "",
            password=data.get("password1") if data.get("set_usable_password") else None,
            mobile=data.get("mobile") or "",
            unit=data.get("unit"),
        )
        adopt(obj, user)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not RoleGrant:
            super().save_formset(request, form, formset, change)
            return
        # Grants go through the services, which check scope and write the audit trail.
        formset.save(commit=False)
        user = form.instance
        for grant in formset.deleted_objects:
            services.role_revoke(actor=request.user, grant=grant)
        for grant, _changed in formset.changed_objects:
            original = RoleGrant.objects.get(pk=grant.pk)
            services.role_revoke(actor=request.user, grant=original)
            services.role_grant(
                actor=request.user, user=user, role=grant.role, territory=grant.territory, unit=grant.unit
            )
        for grant in formset.new_objects:
            services.role_grant(
                actor=request.user, user=user, role=grant.role, territory=grant.territory, unit=grant.unit
            )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                # The owner changes a password an administrator chose; the account's API tokens end.
                services.staff_password_changed(actor=request.user, user=User.objects.get(pk=id))
        return response

    @admin.action(description=_("锁定所选账号（禁止登录并注销其接口令牌）"))
    def lock_accounts(self, request: HttpRequest, queryset: models.QuerySet[User]) -> None:
        count = 0
        for user in queryset.exclude(pk=getattr(request.user, "pk", None) or 0):
            services.staff_lock(actor=request.user, user=user)
            count += 1
        self.message_user(request, _("已锁定 %(n)d 个账号") % {"n": count})

    @admin.action(description=_("解除所选账号的锁定和登录失败限制"))
    def unlock_accounts(self, request: HttpRequest, queryset: models.QuerySet[User]) -> None:
        count = 0
        for user in queryset:
            services.staff_unlock(actor=request.user, user=user)
            count += 1
        self.message_user(request, _("已解除 %(n)d 个账号的锁定") % {"n": count})


# --- API tokens (django-rest-knox): named in Chinese; issued by the login API, revoked here or by the API -----
relabel(AuthToken, _("接口令牌"), _("接口令牌"), app_name=_("接口令牌"))
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(AuditedModelAdmin):
    """Read-only list of the API tokens; deleting one revokes it (audited). Tokens are issued by the login API
    only, so the secret is never shown here."""

    c_digest = column("digest", _("令牌摘要"))
    c_key = column("token_key", _("令牌前缀"))
    c_user = column("user", _("用户"))
    c_created = column("created", _("签发时间"))
    c_expiry = column("expiry", _("到期时间"))
    list_display = ("c_digest", "c_user", "c_created", "c_expiry")
    search_fields = ("token_key", "user__username")
    fields = readonly_fields = ("c_key", "c_digest", "c_user", "c_created", "c_expiry")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
