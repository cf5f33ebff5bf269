"""Read-only admin views of shipments and the carrier log. Addresses and raw payloads are personal data:
they are not shown here (staff see the masked address in the workbench)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tongban.logistics.models import CarrierEvent, DemoParcel, Shipment, TrackingEvent

HIDDEN = {"address", "raw", "body"}


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f.name for f in self.model._meta.fields if f.name not in HIDDEN]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_fields(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TrackingEventInline(admin.TabularInline):
    model = TrackingEvent
    fields = ("occurred_at", "code", "carrier_code", "location", "description", "source", "applied")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = (
        "waybill_no",
        "case",
        "kind",
        "carrier",
        "status",
        "attempts",
        "needs_attention",
        "created_at",
    )
    list_filter = ("status", "kind", "carrier", "needs_attention", "attention_reason")
    search_fields = ("waybill_no", "case__case_no")
    inlines = [TrackingEventInline]


@admin.register(CarrierEvent)
class CarrierEventAdmin(ReadOnlyAdmin):
    list_display = (
        "received_at",
        "carrier",
        "source",
        "outcome",
        "signature_ok",
        "events_total",
        "events_new",
    )
    list_filter = ("carrier", "source", "outcome", "signature_ok")
    date_hierarchy = "received_at"


@admin.register(DemoParcel)
class DemoParcelAdmin(ReadOnlyAdmin):
    list_display = ("waybill_no", "scenario", "booked_at", "pushed", "retries", "cancelled_at")
    list_filter = ("scenario",)
