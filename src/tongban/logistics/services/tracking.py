"""Tracking events in, from signed callbacks and from polling, and what they do to a shipment.

Rules (docs/logistics.md has the state machine):

- An event is stored once per shipment (its carrier event id); a duplicate changes nothing.
- The status only moves forward: to a status of higher rank, or, at the same rank, with a later event
  time (which only refreshes ``status_at``). A late ``in_transit`` after ``delivered`` is stored and
  shown, and changes nothing. Events of one message are applied in time order.
- Final statuses stay. A signed-for event after another ending (returned, lost, cancelled), or any
  progress after a cancellation, is flagged to staff instead.
- A failed pickup or delivery newer than the status is counted and retried with back-off; after
  ``max_attempts`` staff are asked (a pickup that keeps failing ends the shipment as failed).
- Signed for closes the case of a results shipment (``delivery.deliver_case``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from tongban.logistics import conf
from tongban.logistics.carriers.base import CallbackRejected, Carrier, CarrierError, CarrierEventData
from tongban.logistics.carriers.registry import registry
from tongban.logistics.constants import (
    FAILURES,
    ON_THE_WAY,
    RANK,
    STATUS_OF,
    AttentionReason,
    CallbackOutcome,
    EventSource,
    RetryStep,
    ShipmentKind,
    ShipmentStatus,
    TrackingCode,
)
from tongban.logistics.models import CarrierEvent, Shipment, TrackingEvent
from tongban.logistics.services.common import audit_shipment, flag, log, notify_applicant, on_timeline
from tongban.logistics.services.delivery import deliver_case
from tongban.utils.errors import DomainError

MAX_BODY = 256 * 1024
LOGGED_BODY = 16 * 1024  # of a rejected message, enough to investigate
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class CallbackRefused(DomainError):
    """A pushed message we do not accept; the carrier sees the code (and retries if it was genuine).
    The HTTP status depends on why (``CALLBACK_ERRORS``)."""

    status = 401


CALLBACK_ERRORS: dict[str, tuple[str, int]] = {
    CallbackOutcome.REJECTED_SIGNATURE: ("callback_signature_invalid", 401),
    CallbackOutcome.REJECTED_STALE: ("callback_expired", 401),
    CallbackOutcome.REJECTED_REPLAY: ("callback_replayed", 409),
    CallbackOutcome.REJECTED_INVALID: ("callback_invalid", 400),
}


@dataclass
class IngestResult:
    new: int = 0
    duplicate: int = 0
    unknown: int = 0

    @property
    def total(self) -> int:
        return self.new + self.duplicate + self.unknown


def _refuse(outcome: str, reason: str) -> CallbackRefused:
    code, status = CALLBACK_ERRORS[outcome]
    exc = CallbackRefused(code, reason)
    exc.status = status
    return exc


def receive_callback(
    carrier_id: str,
    *,
    headers: Mapping[str, str],
    body: bytes,
    remote_addr: str = "",
    now: dt.datetime | None = None,
) -> IngestResult:
    """Verify and apply one pushed message. Every message is logged (``CarrierEvent``), refused or not.

    Raises ``UnknownCarrier`` for a carrier that is not installed, ``CallbackRefused`` when the signature
    is missing or wrong, the timestamp is outside the replay window, the nonce was seen before, or the
    body cannot be read.
    """
    now = now or timezone.now()
    carrier = registry.get(carrier_id)
    lower = {k.lower(): v for k, v in headers.items()}
    nonce = str(lower.get(carrier.nonce_header, "") if carrier.nonce_header else "")[:64]
    base = {
        "carrier": carrier.identifier,
        "source": EventSource.CALLBACK,
        "received_at": now,
        "remote_addr": remote_addr[:45],
    }

    def reject(outcome: str, reason: str, *, signed: bool) -> CallbackRefused:
        CarrierEvent.objects.create(
            **base,
            signature_ok=signed,
            outcome=outcome,
            reason=reason[:200],
            nonce=nonce,
            body=body[:LOGGED_BODY].decode(errors="replace"),
        )
        log.warning("carrier_callback_rejected", carrier=carrier.identifier, outcome=outcome, reason=reason)
        return _refuse(outcome, reason)

    if len(body) > MAX_BODY:
        raise reject(CallbackOutcome.REJECTED_INVALID, "body too large", signed=False)
    try:
        verified = carrier.verify_callback(headers=lower, body=body, now=now)
    except CallbackRejected as exc:
        signed = exc.outcome != CallbackOutcome.REJECTED_SIGNATURE
        raise reject(exc.outcome, exc.reason, signed=signed) from None
    with transaction.atomic():
        try:
            with transaction.atomic():
                entry = CarrierEvent.objects.create(
                    **base,
                    signature_ok=True,
                    outcome=CallbackOutcome.ACCEPTED,
                    nonce=verified.nonce,
                    nonce_key=verified.nonce,
                    sent_at=verified.sent_at,
                    body=body.decode(errors="replace"),
                )
        except IntegrityError:
            entry = None  # the nonce was used: a replayed message
        if entry is not None:
            result = ingest(carrier, verified.events, source=EventSource.CALLBACK, now=now)
            _count(entry, result)
            return result
    raise reject(CallbackOutcome.REJECTED_REPLAY, "nonce seen before", signed=True)


def _count(entry: CarrierEvent, result: IngestResult) -> None:
    entry.events_total, entry.events_new = result.total, result.new
    entry.events_duplicate, entry.events_unknown = result.duplicate, result.unknown
    entry.save(update_fields=["events_total", "events_new", "events_duplicate", "events_unknown"])


def ingest(
    carrier: Carrier, events: list[CarrierEventData], *, source: str, now: dt.datetime
) -> IngestResult:
    """Store and apply events (any order, any number of times). Call inside a transaction."""
    result = IngestResult()
    waybills = sorted({ev.waybill_no for ev in events if carrier.is_valid_waybill(ev.waybill_no)})
    # Every shipment of the message locked at once, in one order, so two messages never deadlock.
    locked = {
        s.waybill_no: s
        for s in Shipment.objects.select_for_update(of=("self",))
        .select_related("case__front_desk")
        .filter(carrier=carrier.identifier, waybill_no__in=waybills)
        .order_by("pk")
    }
    for ev in sorted(events, key=lambda e: (e.occurred_at, RANK.get(STATUS_OF.get(e.code, ""), -1))):
        shipment = locked.get(ev.waybill_no) if carrier.is_valid_waybill(ev.waybill_no) else None
        if shipment is None:
            # Possibly pushed before our booking was stored: the poll after it fetches it again.
            result.unknown += 1
            log.warning("tracking_event_unknown_waybill", carrier=carrier.identifier, waybill=ev.waybill_no)
            continue
        if shipment.events.filter(carrier_event_id=ev.event_id).exists():
            result.duplicate += 1
            continue
        stored = TrackingEvent.objects.create(
            shipment=shipment,
            carrier_event_id=ev.event_id,
            code=ev.code if ev.code in TrackingCode.values else TrackingCode.INFO,
            carrier_code=ev.carrier_code,
            occurred_at=ev.occurred_at,
            location=ev.location,
            description=ev.description,
            raw=ev.raw,
            source=source,
        )
        if apply(shipment, stored, now=now):
            stored.applied = True
            stored.save(update_fields=["applied"])
        shipment.save()
        result.new += 1
    return result


def apply(shipment: Shipment, event: TrackingEvent, *, now: dt.datetime) -> bool:
    """What one new event does to its (locked) shipment; True if it moved or refreshed the status.
    The caller saves the shipment."""
    at = event.occurred_at
    if shipment.last_event_at is None or at > shipment.last_event_at:
        shipment.last_event_at = at
    current = shipment.status_at or EPOCH
    target = STATUS_OF.get(event.code)
    if shipment.is_final:
        contradicts = (
            target == ShipmentStatus.DELIVERED and shipment.status != ShipmentStatus.DELIVERED
        ) or (shipment.status == ShipmentStatus.CANCELLED and target is not None and at > current)
        if contradicts:
            flag(shipment, AttentionReason.EVENT_AFTER_FINAL, now, tracking_code=event.code)
        return False
    if event.code in FAILURES:
        if at >= current:
            _failed_attempt(shipment, event, now)
        return False
    if target is None:
        return False
    if RANK[target] < RANK[shipment.status] or (RANK[target] == RANK[shipment.status] and at <= current):
        return False  # late or repeated news: stored and shown, never a step back
    if shipment.status == ShipmentStatus.BOOKED:
        shipment.attempts = 0  # failed pickups are behind us; count the deliveries afresh
    if shipment.retry_step in (RetryStep.PICKUP, RetryStep.DELIVERY):
        shipment.retry_step, shipment.next_attempt_at = RetryStep.NONE, None  # the carrier moved on
    moved = target != shipment.status
    shipment.status, shipment.status_at = target, at
    if moved:
        if not (target == ShipmentStatus.DELIVERED and shipment.kind == ShipmentKind.DELIVER_RESULT):
            # (signed-for results close the case, which writes its own "delivered" entry)
            on_timeline(
                shipment, event.code, ShipmentStatus(target).label, at=min(at, now), location=event.location
            )
        _reached(shipment, target, event, now)
    return True


def _failed_attempt(shipment: Shipment, event: TrackingEvent, now: dt.datetime) -> None:
    pickup = event.code == TrackingCode.PICKUP_FAILED
    shipment.attempts += 1
    label = TrackingCode(event.code).label
    on_timeline(shipment, event.code, label, at=min(event.occurred_at, now), location=event.location)
    shipment.last_error = (event.description or event.code)[:300]
    if shipment.attempts < conf.max_attempts():
        shipment.retry_step = RetryStep.PICKUP if pickup else RetryStep.DELIVERY
        shipment.next_attempt_at = now + conf.backoff(shipment.attempts)
        return
    shipment.retry_step, shipment.next_attempt_at = RetryStep.NONE, None
    if pickup:
        # Nothing was ever picked up: the shipment ends here; staff agree a new one with the applicant.
        shipment.status, shipment.status_at, shipment.finished_at = (
            ShipmentStatus.FAILED,
            event.occurred_at,
            now,
        )
        flag(shipment, AttentionReason.PICKUP_FAILED, now, attempts=shipment.attempts)
        audit_shipment("shipment.failed", shipment, None, attempts=shipment.attempts)
        notify_applicant(shipment, "shipment.problem", "problem")
    else:
        # The carrier keeps the parcel and returns it in the end; staff call the applicant meanwhile.
        flag(shipment, AttentionReason.DELIVERY_FAILED, now, attempts=shipment.attempts)


def _reached(shipment: Shipment, status: str, event: TrackingEvent, now: dt.datetime) -> None:
    if status not in (ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED, ShipmentStatus.FAILED):
        return
    shipment.finished_at = now
    shipment.retry_step, shipment.next_attempt_at = RetryStep.NONE, None
    if status == ShipmentStatus.DELIVERED:
        shipment.delivered_at = event.occurred_at
        audit_shipment("shipment.delivered", shipment, None)
        if shipment.kind == ShipmentKind.DELIVER_RESULT:
            if not deliver_case(shipment.case, at=min(event.occurred_at, now), shipment=shipment):
                shipment.case.refresh_from_db()
                if shipment.case.delivered_at is None:
                    flag(shipment, AttentionReason.CASE_NOT_ISSUED, now, case_status=shipment.case.status)
        else:
            notify_applicant(
                shipment, "shipment.collected", "collected", department=shipment.case.front_desk.name
            )
        return
    reason = AttentionReason.RETURNED if status == ShipmentStatus.RETURNED else AttentionReason.LOST
    flag(shipment, reason, now)
    audit_shipment(f"shipment.{status}", shipment, None)
    notify_applicant(shipment, "shipment.problem", "problem")


# --- polling -----------------------------------------------------------------------------------------
def poll(shipment: Shipment, *, now: dt.datetime | None = None) -> IngestResult:
    """Fetch the waybill's events from the carrier and apply the new ones."""
    now = now or timezone.now()
    carrier = registry.get(shipment.carrier)
    try:
        events = carrier.track(shipment.waybill_no, now=now)
    except CarrierError as exc:
        log.warning("tracking_poll_failed", shipment=str(shipment.uid), error=str(exc)[:200])
        Shipment.objects.filter(pk=shipment.pk).update(last_polled_at=now)
        return IngestResult()
    with transaction.atomic():
        result = ingest(carrier, events, source=EventSource.POLL, now=now)
        Shipment.objects.filter(pk=shipment.pk).update(last_polled_at=now)
        entry = CarrierEvent.objects.create(
            carrier=carrier.identifier,
            source=EventSource.POLL,
            received_at=now,
            signature_ok=True,
            outcome=CallbackOutcome.ACCEPTED,
            reason=f"poll {shipment.waybill_no}",
        )
        _count(entry, result)
    return result


def _quiet_since(qs: QuerySet[Shipment], cutoff: dt.datetime) -> QuerySet[Shipment]:
    """Shipments on their way whose last news (or booking, without news) is older than ``cutoff``."""
    return (
        qs.filter(status__in=sorted(ON_THE_WAY))
        .exclude(waybill_no="")
        .annotate(news=Coalesce("last_event_at", "booked_at"))
        .filter(news__lt=cutoff)
    )


def poll_due(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Poll parcels without news for ``poll_after`` (and not polled within it); flag those silent for
    ``stale_after``. Returns the number polled."""
    now = now or timezone.now()
    cutoff = now - conf.poll_after()
    quiet = list(
        _quiet_since(Shipment.objects.all(), cutoff)
        .filter(Q(last_polled_at__isnull=True) | Q(last_polled_at__lt=cutoff))
        .order_by("news")[:limit]
    )
    for shipment in quiet:
        poll(shipment, now=now)
    for pk in _quiet_since(
        Shipment.objects.filter(needs_attention=False), now - conf.stale_after()
    ).values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            locked = Shipment.objects.select_for_update(of=("self",)).select_related("case").get(pk=pk)
            if not locked.needs_attention and locked.status in ON_THE_WAY:
                flag(locked, AttentionReason.NO_NEWS, now)
                locked.save()
    return len(quiet)
