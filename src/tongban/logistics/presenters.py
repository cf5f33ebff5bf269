"""Shipments as the API and pages show them: the address masked, labels in the reader's language."""

from __future__ import annotations

from typing import Any

from tongban.logistics import addresses
from tongban.logistics.carriers.registry import UnknownCarrier, registry
from tongban.logistics.constants import AttentionReason, ShipmentKind, ShipmentStatus, TrackingCode
from tongban.logistics.models import Shipment, TrackingEvent


def carrier_label(identifier: str) -> str:
    try:
        return str(registry.get(identifier).label) or identifier
    except UnknownCarrier:
        return identifier


def event_out(e: TrackingEvent) -> dict[str, Any]:
    return {
        "code": e.code,
        "label": str(dict(TrackingCode.choices).get(e.code, e.code)),
        "at": e.occurred_at,
        "location": e.location,
        "description": e.description,
    }


def shipment_out(shipment: Shipment, *, events: bool = True) -> dict[str, Any]:
    return {
        "id": str(shipment.uid),
        "case_no": shipment.case.case_no or "",
        "kind": shipment.kind,
        "kind_label": str(dict(ShipmentKind.choices).get(shipment.kind, shipment.kind)),
        "carrier": shipment.carrier,
        "carrier_label": carrier_label(shipment.carrier),
        "status": shipment.status,
        "status_label": str(dict(ShipmentStatus.choices).get(shipment.status, shipment.status)),
        "status_at": shipment.status_at,
        "waybill_no": shipment.waybill_no,
        "address": addresses.masked(shipment.address, shipment.region.name),
        "attempts": shipment.attempts,
        "needs_attention": shipment.needs_attention,
        "attention_reason": shipment.attention_reason,
        "attention_label": str(dict(AttentionReason.choices).get(shipment.attention_reason, "")),
        "created_at": shipment.created_at,
        "booked_at": shipment.booked_at,
        "delivered_at": shipment.delivered_at,
        "events": [event_out(e) for e in shipment.events.all()] if events else [],
    }
