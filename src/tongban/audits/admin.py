from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tongban.audits.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "seq",
        "occurred_at",
        "event",
        "actor_label",
        "acting_for_label",
        "channel",
        "object_type",
    )
    list_filter = ("event", "channel", "actor_kind")
    search_fields = ("event", "actor_label", "request_id", "object_id")
    ordering = ("-seq",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
