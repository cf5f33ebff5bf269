"""Code tables of logistics (统一物流). Values are stored and appear in the API: never rename one."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ShipmentKind(models.TextChoices):
    DELIVER_RESULT = "deliver_result", _("Results posted to the applicant")
    COLLECT_MATERIALS = "collect_materials", _("Paper materials collected from the applicant")


class ShipmentStatus(models.TextChoices):
    CREATED = "created", _("Waiting to be booked with the carrier")
    BOOKED = "booked", _("Booked, waiting for the courier")
    PICKED_UP = "picked_up", _("Picked up (揽收)")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery (派送中)")
    DELIVERED = "delivered", _("Signed for (签收)")
    RETURNED = "returned", _("Returned to sender (退回)")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", pgettext_lazy("shipment", "Cancelled")


# The order a parcel moves through; a status only ever moves to a higher rank (see docs/logistics.md).
# The final statuses share the top rank: the first one reached stays.
RANK: dict[str, int] = {
    ShipmentStatus.CREATED: 0,
    ShipmentStatus.BOOKED: 1,
    ShipmentStatus.PICKED_UP: 2,
    ShipmentStatus.IN_TRANSIT: 3,
    ShipmentStatus.OUT_FOR_DELIVERY: 4,
    ShipmentStatus.DELIVERED: 9,
    ShipmentStatus.RETURNED: 9,
    ShipmentStatus.FAILED: 9,
    ShipmentStatus.CANCELLED: 9,
}
FINAL = frozenset(s for s, rank in RANK.items() if rank == 9)
# A case has at most one shipment of a kind in these statuses at a time.
OPEN = frozenset(set(ShipmentStatus.values) - FINAL)
# Statuses in which the carrier has the parcel (tracking is polled).
ON_THE_WAY = frozenset(
    {
        ShipmentStatus.BOOKED,
        ShipmentStatus.PICKED_UP,
        ShipmentStatus.IN_TRANSIT,
        ShipmentStatus.OUT_FOR_DELIVERY,
    }
)


class TrackingCode(models.TextChoices):
    """Carrier events, normalised: each carrier maps its own code table onto these."""

    PICKED_UP = "picked_up", _("Picked up (揽收)")
    PICKUP_FAILED = "pickup_failed", _("Pickup failed")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERY_FAILED = "delivery_failed", _("Delivery failed (未妥投)")
    DELIVERED = "delivered", _("Signed for (签收)")
    RETURNED = "returned", _("Returned to sender")
    LOST = "lost", _("Lost by the carrier")
    INFO = "info", _("Carrier note")


# The status an event moves a shipment to (events not listed move nothing).
STATUS_OF: dict[str, str] = {
    TrackingCode.PICKED_UP: ShipmentStatus.PICKED_UP,
    TrackingCode.IN_TRANSIT: ShipmentStatus.IN_TRANSIT,
    TrackingCode.OUT_FOR_DELIVERY: ShipmentStatus.OUT_FOR_DELIVERY,
    TrackingCode.DELIVERED: ShipmentStatus.DELIVERED,
    TrackingCode.RETURNED: ShipmentStatus.RETURNED,
    TrackingCode.LOST: ShipmentStatus.FAILED,
}
FAILURES = frozenset({TrackingCode.PICKUP_FAILED, TrackingCode.DELIVERY_FAILED})


class RetryStep(models.TextChoices):
    """What the worker does for a shipment when its ``next_attempt_at`` comes."""

    NONE = "", _("Nothing")
    BOOK = "book", _("Book with the carrier")
    PICKUP = "pickup", _("Ask for another pickup")
    DELIVERY = "delivery", _("Ask for another delivery")


class AttentionReason(models.TextChoices):
    BOOKING_FAILED = "booking_failed", _("The carrier did not accept the booking")
    PICKUP_FAILED = "pickup_failed", _("Pickup failed repeatedly")
    DELIVERY_FAILED = "delivery_failed", _("Delivery failed repeatedly")
    RETURNED = "returned", _("The parcel was returned")
    LOST = "lost", _("The carrier reports the parcel lost")
    NO_NEWS = "no_news", _("No tracking news for too long")
    EVENT_AFTER_FINAL = "event_after_final", _("A carrier event contradicts the final status")
    CARRIER_ERROR = "carrier_error", _("The carrier keeps failing")
    CASE_NOT_ISSUED = "case_not_issued", _("Signed for, but the case was not waiting for delivery")


class EventSource(models.TextChoices):
    CALLBACK = "callback", _("Pushed by the carrier")
    POLL = "poll", _("Polled from the carrier")


class CallbackOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REJECTED_SIGNATURE = "bad_signature", _("Rejected: signature missing or wrong")
    REJECTED_STALE = "stale", _("Rejected: timestamp outside the window")
    REJECTED_REPLAY = "replayed", _("Rejected: nonce seen before")
    REJECTED_INVALID = "invalid", _("Rejected: not a valid message")
