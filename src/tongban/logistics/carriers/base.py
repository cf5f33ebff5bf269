"""The carrier contract. A carrier books parcels, reports tracking events (pushed by signed callback and
polled), cancels bookings and asks for another pickup or delivery attempt.

Carriers are thin: they translate between the carrier's API and the dataclasses below. Everything about
ordering, duplicates, retries and the case lives in ``logistics.services``, identical for every carrier.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise


class CarrierError(Exception):
    """A call to the carrier failed. ``permanent``: retrying will not help (refused address, unknown
    waybill); otherwise the worker tries again later."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class CallbackRejected(Exception):
    """A pushed message is not accepted; ``outcome`` is a ``CallbackOutcome`` value."""

    def __init__(self, outcome: str, reason: str) -> None:
        super().__init__(f"{outcome}: {reason}")
        self.outcome = outcome
        self.reason = reason


@dataclass(frozen=True)
class Party:
    """One end of a journey. Personal data when it is the applicant: never log it."""

    name: str
    phone: str
    region_code: str
    detail: str
    postcode: str = ""


@dataclass(frozen=True)
class BookingRequest:
    # Our shipment's uid. Booking twice with the same reference gives the same waybill (carriers call it
    # the customer order number), so a retried booking never sends two couriers.
    reference: str
    kind: str  # ShipmentKind
    sender: Party
    recipient: Party

    @property
    def applicant(self) -> Party:
        """The applicant's end: the recipient of results, the sender of collected materials."""
        return self.sender if self.kind == "collect_materials" else self.recipient


@dataclass(frozen=True)
class Booking:
    waybill_no: str


@dataclass(frozen=True)
class CarrierEventData:
    """A tracking event, normalised. ``event_id`` is unique per waybill and stable across pushes and
    polls (it is how duplicates are recognised)."""

    event_id: str
    waybill_no: str
    code: str  # TrackingCode
    occurred_at: dt.datetime  # aware
    carrier_code: str = ""
    location: str = ""
    description: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VerifiedCallback:
    nonce: str
    sent_at: dt.datetime
    events: list[CarrierEventData]


class Carrier(ABC):
    identifier: str = ""
    label: str | Promise = ""
    # Lower-case name of the header holding a callback's nonce (logged with refused messages too).
    nonce_header: str = ""

    @abstractmethod
    def book(self, request: BookingRequest) -> Booking:
        """Book a pickup and get the waybill number; idempotent on ``request.reference``."""

    @abstractmethod
    def track(self, waybill_no: str, *, now: dt.datetime | None = None) -> list[CarrierEventData]:
        """Every event of the waybill so far (the carrier's query API)."""

    @abstractmethod
    def cancel(self, waybill_no: str) -> None:
        """Cancel a booking before pickup; ``CarrierError(permanent=True)`` once it is too late."""

    @abstractmethod
    def request_attempt(self, waybill_no: str, *, step: str) -> None:
        """Ask for another pickup (``step="pickup"``) or delivery (``"delivery"``) after a failed one."""

    @abstractmethod
    def verify_callback(
        self, *, headers: Mapping[str, str], body: bytes, now: dt.datetime
    ) -> VerifiedCallback:
        """Check a pushed message's signature and freshness and parse it; ``CallbackRejected`` if not.
        ``headers`` has lower-case names. Nonce reuse is checked by the caller (it needs the log)."""

    def check_config(self) -> list[str]:
        """Problems with this carrier's settings, in words for an operator (empty when fine)."""
        return []

    def is_valid_waybill(self, waybill_no: str) -> bool:
        return bool(waybill_no)
