"""Admin of licence error reports: read-mostly. Decisions are taken in the workbench (so the timeline,
the audit trail, the notifications and the re-signing follow); here only the deadline can be moved, and
that change is audited. Proposed values are personal data and are not shown, only the field names."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tongban.licenses.models import Correction, CorrectionEvent
from tongban.utils.admin_audit import AuditedAdmin
from tongban.utils.masking import mask_name


class CorrectionEventInline(admin.TabularInline):
    model = CorrectionEvent
    fields = ("at", "status", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Correction)
class CorrectionAdmin(AuditedAdmin):
    list_display = [
        "reference",
        "license_type",
        "department",
        "status",
        "reporter_kind",
        "submitted_at",
        "due_on",
    ]
    list_filter = ["status", "reporter_kind", "department"]
    search_fields = ["=reference"]
    list_select_related = ["license__license_type", "department"]
    date_hierarchy = "submitted_at"
    inlines = [CorrectionEventInline]
    fields = (
        "reference",
        "license",
        "license_version",
        "department",
        "reporter_masked",
        "reporter_kind",
        "channel",
        "reported_fields",
        "status",
        "decision_reason",
        "handler",
        "submitted_at",
        "due_on",
        "accepted_at",
        "resolved_at",
        "new_version",
        "overdue_notified_at",
        "evidence_sha256",
    )
    readonly_fields = tuple(f for f in fields if f != "due_on")

    @admin.display(description=_("type"))
    def license_type(self, obj: Correction) -> str:
        return obj.license.license_type.name

    @admin.display(description=_("reported by"))
    def reporter_masked(self, obj: Correction) -> str:
        person = getattr(obj.reporter, "person", None)
        staff = getattr(obj.reporter, "staff", None)
        name = person.real_name if person else (staff.real_name if staff else obj.reporter.get_username())
        return mask_name(name)

    @admin.display(description=_("fields reported"))
    def reported_fields(self, obj: Correction) -> str:
        return ", ".join(str(item.get("field", "")) for item in obj.items)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
