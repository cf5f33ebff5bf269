"""Read side of logistics: the shipments a principal may open, a case's tracking for its timeline, and
the staff list of shipments needing attention."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import QuerySet

from tongban.accounts.principal import Principal
from tongban.cases.models import Case
from tongban.logistics.constants import ShipmentKind, TrackingCode
from tongban.logistics.models import Shipment
from tongban.utils import authz
from tongban.utils.errors import NotFound


def shipment_for(principal: Principal, uid: str) -> Shipment:
    """The shipment with public id ``uid`` if the principal may see it; 404 otherwise (also for ids that
    are not ids at all)."""
    try:
        key = uuid.UUID(str(uid))
    except ValueError:
        raise NotFound() from None
    return authz.get_or_404(
        principal, Shipment.objects.select_related("case", "region", "case__front_desk"), uid=key
    )


def shipments_of(case: Case) -> QuerySet[Shipment]:
    """Every shipment of ``case``, newest first, with their events (call after authorising the case)."""
    return (
        Shipment.objects.filter(case=case)
        .select_related("region")
        .prefetch_related("events")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class TrackingRow:
    """One tracking event as a case timeline shows it (no personal data)."""

    at: dt.datetime
    code: str
    label: str
    location: str
    description: str
    waybill_no: str
    carrier: str
    shipment: str  # the shipment's public id
    shipment_kind: str
    shipment_kind_label: str


def case_tracking(case: Case) -> list[TrackingRow]:
    """The tracking events of all of ``case``'s shipments in time order, for the case timeline."""
    labels, kinds = dict(TrackingCode.choices), dict(ShipmentKind.choices)
    rows = [
        TrackingRow(
            at=e.occurred_at,
            code=e.code,
            label=str(labels.get(e.code, e.code)),
            location=e.location,
            description=e.description,
            waybill_no=shipment.waybill_no,
            carrier=shipment.carrier,
            shipment=str(shipment.uid),
            shipment_kind=shipment.kind,
            shipment_kind_label=str(kinds.get(shipment.kind, shipment.kind)),
        )
        for shipment in Shipment.objects.filter(case=case).prefetch_related("events")
        for e in shipment.events.all()
    ]
    return sorted(rows, key=lambda r: r.at)


def needing_attention(principal: Principal) -> QuerySet[Shipment]:
    """Shipments flagged for staff that ``principal`` may see, oldest flag first."""
    if not principal.is_staff_member:
        return Shipment.objects.none()
    return (
        authz.visible(principal, Shipment.objects.filter(needs_attention=True))
        .select_related("case", "region", "case__front_desk")
        .order_by("attention_at", "pk")
    )
