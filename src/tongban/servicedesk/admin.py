"""The admin, for operators: tickets are read-only (they change only through the services, which audit
every step; contact details are never listed); knowledge entries may be corrected."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tongban.servicedesk.models import KnowledgeEntry, Ticket, TicketEvent, TicketReply


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReplyInline(ReadOnlyInline):
    model = TicketReply
    fields = ("created_at", "author_role", "department", "internal", "body")
    readonly_fields = fields


class EventInline(ReadOnlyInline):
    model = TicketEvent
    fields = ("at", "action", "from_department", "to_department", "due_on", "note")
    readonly_fields = fields


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "category", "channel", "status", "department", "due_on", "created_at")
    list_filter = ("kind", "status", "channel", "category")
    search_fields = ("number", "subject", "item_code")
    date_hierarchy = "created_at"
    fields = (
        "number",
        "kind",
        "category",
        "channel",
        "status",
        "subject",
        "body",
        "item_code",
        "item_name",
        "case",
        "department",
        "due_on",
        "created_at",
        "routed_at",
        "answered_at",
        "closed_at",
        "escalated_at",
        "satisfaction",
        "rating_comment",
        "reopen_count",
        "resolved_by",
    )
    readonly_fields = fields
    inlines = [ReplyInline, EventInline]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(KnowledgeEntry)
class KnowledgeEntryAdmin(admin.ModelAdmin):
    list_display = ("question", "item_code", "department", "published", "self_served_count", "updated_at")
    list_filter = ("published", "department")
    search_fields = ("question", "answer", "item_code")
    readonly_fields = ("source_ticket", "self_served_count", "created_by", "created_at", "published_at")
