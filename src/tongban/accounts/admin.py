"""Admin for identity. Personal data is masked; opening a person's record is itself audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from tongban.accounts import services
from tongban.accounts.models import (
    AccessToken,
    LegalPerson,
    NaturalPerson,
    Representation,
    Role,
    StaffProfile,
    User,
)
from tongban.accounts.request import principal_for
from tongban.utils.admin_audit import AuditedAdmin
from tongban.utils.errors import DomainError


@admin.register(User)
class UserAdmin(DjangoUserAdmin, AuditedAdmin):
    list_display = ("username", "display_name", "kind", "is_active", "is_staff", "is_demo", "last_login")
    list_filter = ("kind", "is_active", "is_staff", "is_demo")
    search_fields = ("username", "display_name")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password", "kind", "display_name")}),
        (_("Status"), {"fields": ("is_active", "is_demo", "last_login", "date_joined")}),
        (_("Administration"), {"fields": ("is_staff", "is_superuser", "groups", "user_permissions")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "kind", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined", "is_demo")


@admin.register(NaturalPerson)
class NaturalPersonAdmin(AuditedAdmin):
    """Read-mostly: identity comes from real-name registration, not from admin typing."""

    list_display = ("real_name", "masked_id", "masked_phone", "user", "verified_at")
    readonly_fields = ("user", "real_name", "masked_id", "masked_phone", "verified_at")
    fields = readonly_fields
    search_fields = ("real_name", "user__username")
    search_help_text = _("Search by name, username, or an exact ID number.")

    @admin.display(description=_("ID number"))
    def masked_id(self, obj: NaturalPerson) -> str:
        return obj.masked_id_number

    @admin.display(description=_("Mobile"))
    def masked_phone(self, obj: NaturalPerson) -> str:
        return obj.masked_mobile

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        term = search_term.strip()
        if len(term) == 18 and term[:17].isdigit():
            try:
                return queryset.filter(id_number_hash=services.id_number_hash(term.upper())), False
            except DomainError:
                return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        person = NaturalPerson.objects.filter(pk=object_id).first()
        if person is not None:
            services.record_personal_data_access(
                principal=principal_for(request), person=person, purpose="admin"
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LegalPerson)
class LegalPersonAdmin(AuditedAdmin):
    list_display = ("name", "uscc", "kind", "legal_representative_name", "region", "is_demo")
    list_filter = ("kind", "region")
    search_fields = ("name", "uscc")


@admin.register(Representation)
class RepresentationAdmin(AuditedAdmin):
    list_display = ("person", "legal_person", "role", "valid_from", "expires_at", "revoked_at")
    list_filter = ("role",)
    search_fields = ("legal_person__name", "legal_person__uscc", "person__username")
    raw_id_fields = ("person", "legal_person", "granted_by")


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ("code", "name")


@admin.register(StaffProfile)
class StaffProfileAdmin(AuditedAdmin):
    list_display = ("real_name", "employee_no", "department", "window", "district")
    list_filter = ("department", "roles")
    search_fields = ("real_name", "employee_no", "user__username")
    filter_horizontal = ("roles",)
    raw_id_fields = ("user",)


@admin.register(AccessToken)
class AccessTokenAdmin(AuditedAdmin):
    list_display = ("prefix", "name", "user", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "scopes",
        "acting_for",
        "created_at",
        "expires_at",
        "last_used_at",
    )
    exclude = ("digest",)
    search_fields = ("prefix", "name", "user__username")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are shown once at creation: issue them from the account page or CLI
