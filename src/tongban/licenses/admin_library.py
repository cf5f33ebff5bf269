"""Admin views of the licence library. Read-only: licences change only through the services (issuing,
status, corrections), so that signing, status lists and the audit trail always follow."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tongban.accounts.request import principal_for
from tongban.licenses.models import Consent, License, LicenseAccess, LicenseImport, StatusListRecord
from tongban.licenses.services import status as status_services
from tongban.utils.errors import DomainError
from tongban.utils.masking import mask_name

ADMIN_REASON = "管理后台操作（详见审计记录）"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _status_action(new_status: str, label: Any) -> Any:
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[License]) -> None:
        changed, refused = 0, 0
        for license in queryset:
            try:
                status_services.change_status(
                    license, new_status, reason=ADMIN_REASON, principal=principal_for(request)
                )
                changed += 1
            except DomainError:
                refused += 1
        modeladmin.message_user(request, _("%(n)s changed, %(m)s refused.") % {"n": changed, "m": refused})
        if refused:
            modeladmin.message_user(request, _("Some licences cannot take that status."), messages.WARNING)

    action.__name__ = f"make_{new_status}"
    return admin.action(description=label, permissions=["view"])(action)


@admin.register(License)
class LicenseAdmin(ReadOnlyAdmin):
    list_display = ["number", "license_type", "masked_holder", "issuer", "valid_to", "status", "version"]
    list_filter = ["status", "source", "license_type", "issuer"]
    search_fields = ["=identifier", "=number"]
    list_select_related = ["license_type", "issuer"]
    show_full_result_count = False  # a COUNT(*) over tens of millions of rows per page view is too slow
    fields = (
        "identifier",
        "number",
        "version",
        "license_type",
        "issuer",
        "masked_holder",
        "holder_code_type",
        "issued_on",
        "valid_from",
        "valid_to",
        "status",
        "status_reason",
        "status_changed_at",
        "signing_kid",
        "signed_at",
        "source",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields
    actions = [
        _status_action("suspended", _("Suspend the selected licences")),
        _status_action("valid", _("Reinstate the selected licences")),
        _status_action("revoked", _("Revoke the selected licences")),
    ]

    @admin.display(description=_("holder"))
    def masked_holder(self, obj: License) -> str:
        name = mask_name(obj.holder_name) if obj.holder_kind == "natural_person" else obj.holder_name
        return f"{name} ({obj.masked_holder_code})"


@admin.register(StatusListRecord)
class StatusListAdmin(ReadOnlyAdmin):
    list_display = ["list_id", "size", "allocated", "revision", "updated_at"]
    fields = ("list_id", "size", "allocated", "revision", "created_at", "updated_at")
    readonly_fields = fields


@admin.register(LicenseAccess)
class LicenseAccessAdmin(ReadOnlyAdmin):
    list_display = ["accessed_at", "kind", "license", "department", "system", "case_reference"]
    list_filter = ["kind", "department"]
    search_fields = ["=case_reference"]
    list_select_related = ["license__license_type", "department"]
    exclude = ["holder_hash"]


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["case_reference", "purpose", "granted_at", "expires_at", "withdrawn_at"]
    search_fields = ["=case_reference"]
    exclude = ["holder_hash", "holder_name"]


@admin.register(LicenseImport)
class LicenseImportAdmin(ReadOnlyAdmin):
    list_display = ["source_name", "status", "rows_read", "rows_imported", "rows_rejected", "started_at"]
    list_filter = ["status"]
