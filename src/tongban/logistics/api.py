"""Logistics API: ask for a shipment (idempotent), follow it, carrier callbacks, staff attention list."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from ninja import Router, Status

from tongban.accounts.principal import Principal
from tongban.api.auth import principal
from tongban.cases import query as case_query
from tongban.logistics import presenters, query
from tongban.logistics.carriers.registry import UnknownCarrier
from tongban.logistics.schemas import (
    AttentionOut,
    CallbackOut,
    CancelIn,
    ResolveIn,
    ShipmentIn,
    ShipmentOut,
)
from tongban.logistics.services import shipments, tracking
from tongban.utils import authz
from tongban.utils.errors import Forbidden, NotFound

router = Router(tags=["logistics"])


def _writer(request: HttpRequest) -> Principal:
    p = principal(request)
    p.require_scope("workbench" if p.is_staff_member else "cases:write")
    return p


@router.post(
    "/cases/{case_no}/shipments",
    response={200: ShipmentOut, 201: ShipmentOut},
    summary="Ask for a shipment of a case (post results, or collect materials)",
)
def create_shipment(request: HttpRequest, case_no: str, payload: ShipmentIn) -> Any:
    """For the applicant or the front desk's window clerk. Send an `Idempotency-Key` header: repeating the
    request with the same key returns the shipment the first one created (200) instead of a second one.
    Booking with the carrier is tried at once; if the carrier is unavailable the shipment stays
    `created` and is booked later. Address errors come all at once (`validation_failed`)."""
    p = _writer(request)
    case = case_query.case_for(p, case_no)
    authz.authorize(p, "view", case)
    shipment, created = shipments.create_shipment(
        p,
        case,
        kind=payload.kind,
        address=payload.address.dict(),
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    shipment = query.shipment_for(p, str(shipment.uid))
    return Status(201 if created else 200, presenters.shipment_out(shipment))


@router.get("/cases/{case_no}/shipments", response=list[ShipmentOut], summary="A case's shipments")
def case_shipments(request: HttpRequest, case_no: str) -> Any:
    p = principal(request)
    case = case_query.case_for(p, case_no)
    authz.authorize(p, "view", case)
    return [presenters.shipment_out(s) for s in query.shipments_of(case)]


@router.get("/shipments/{shipment_id}", response=ShipmentOut, summary="One shipment with its tracking")
def get_shipment(request: HttpRequest, shipment_id: str) -> Any:
    p = principal(request)
    shipment = query.shipment_for(p, shipment_id)
    authz.authorize(p, "view", shipment)
    return presenters.shipment_out(shipment)


@router.post("/shipments/{shipment_id}/cancel", response=ShipmentOut, summary="Cancel before pickup")
def cancel_shipment(request: HttpRequest, shipment_id: str, payload: CancelIn) -> Any:
    p = _writer(request)
    shipment = shipments.cancel_shipment(p, query.shipment_for(p, shipment_id), reason=payload.reason)
    return presenters.shipment_out(query.shipment_for(p, str(shipment.uid)))


@router.post(
    "/logistics/callback/{carrier}",
    response=CallbackOut,
    auth=None,
    summary="Tracking events pushed by a carrier (signed)",
)
def carrier_callback(request: HttpRequest, carrier: str) -> Any:
    """No session or token: the carrier signs each message (for `demo_ems`: HMAC-SHA256 over timestamp,
    nonce and body in `X-Ems-Timestamp`, `X-Ems-Nonce`, `X-Ems-Signature`). Unsigned, wrongly signed,
    expired or replayed messages are refused (401/409) and logged; events are applied once whatever how
    often or in what order they come."""
    try:
        result = tracking.receive_callback(
            carrier,
            headers=dict(request.headers),
            body=request.body,
            remote_addr=request.META.get("REMOTE_ADDR", ""),
        )
    except UnknownCarrier:
        raise NotFound("carrier_unknown", _("There is no such carrier.")) from None
    return {"accepted": result.new, "duplicates": result.duplicate, "unknown": result.unknown}


def _staff(request: HttpRequest) -> Principal:
    p = principal(request)
    if not p.is_staff_member:
        raise Forbidden("staff_only", _("Only staff use the workbench."))
    p.require_scope("workbench")
    return p


def _attention_out(shipment: Any) -> dict[str, Any]:
    return {
        **presenters.shipment_out(shipment),
        "attention_at": shipment.attention_at,
        "last_error": shipment.last_error,
        "staff_note": shipment.staff_note,
    }


@router.get(
    "/logistics/attention", response=list[AttentionOut], summary="Shipments needing attention (staff)"
)
def attention(request: HttpRequest) -> Any:
    """Failed bookings, repeated failed pickups or deliveries, returned or lost parcels, parcels without
    news, events contradicting a final status: of the cases the staff member sees, oldest first."""
    p = _staff(request)
    return [_attention_out(s) for s in query.needing_attention(p).prefetch_related("events")[:500]]


@router.post(
    "/logistics/attention/{shipment_id}/resolve",
    response=AttentionOut,
    summary="Settle a shipment needing attention (staff)",
)
def resolve(request: HttpRequest, shipment_id: str, payload: ResolveIn) -> Any:
    p = _staff(request)
    shipment = shipments.resolve_attention(
        p, query.shipment_for(p, shipment_id), action=payload.action, note=payload.note
    )
    return _attention_out(query.shipment_for(p, str(shipment.uid)))
