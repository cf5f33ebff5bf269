"""Asking for a shipment, booking it with the carrier, retries, cancelling, and staff settling problems.

A shipment is stored first (``created``) and booked afterwards, right away when it can be and otherwise
by the worker: results are booked once the case is issued, and a booking the carrier refused for now is
retried with back-off. Nothing is ever dropped: after ``max_carrier_errors`` failed calls (or a permanent
refusal) the shipment is flagged for staff instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.accounts.principal import Principal
from tongban.cases.constants import FINAL as CASE_FINAL
from tongban.cases.constants import CaseStatus, DeliveryMethod
from tongban.cases.models import Case
from tongban.logistics import addresses, conf
from tongban.logistics.carriers.base import BookingRequest, CarrierError, Party
from tongban.logistics.carriers.registry import NO_CARRIER, active_identifier, registry
from tongban.logistics.constants import (
    ON_THE_WAY,
    OPEN,
    AttentionReason,
    RetryStep,
    ShipmentKind,
    ShipmentStatus,
)
from tongban.logistics.models import Shipment
from tongban.logistics.policies import may_request
from tongban.logistics.services.common import audit_shipment, flag, log, notify_applicant, on_timeline
from tongban.notifications.constants import Channel
from tongban.notifications.services import notify
from tongban.organizations.models import ServiceWindow
from tongban.utils import authz
from tongban.utils.errors import Conflict, DomainError, Forbidden

# Case statuses in which results may be asked to be posted (booked once the case is issued).
RESULT_STATUSES = frozenset(
    {
        CaseStatus.SUBMITTED,
        CaseStatus.NOTICE,
        CaseStatus.IN_REVIEW,
        CaseStatus.DECIDED,
        CaseStatus.PAYING,
        CaseStatus.ISSUED,
    }
)
WAITING_FOR_RESULTS = RESULT_STATUSES - {CaseStatus.ISSUED}
# Case statuses in which paper materials are still wanted.
COLLECT_STATUSES = frozenset({CaseStatus.SUBMITTED, CaseStatus.NOTICE, CaseStatus.IN_REVIEW})
BATCH = 200


class CarrierUnavailable(DomainError):
    """The carrier cannot be reached just now (503): the same request may succeed in a few minutes."""

    status = 503


def _fingerprint(kind: str, address: addresses.Address) -> str:
    text = json.dumps({"kind": kind, "address": address.as_dict()}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _check_case(case: Case, kind: str) -> None:
    if kind == ShipmentKind.DELIVER_RESULT:
        if case.delivery_method != DeliveryMethod.MAIL:
            raise DomainError(
                "delivery_not_by_post",
                _("This case's results are not delivered by post; the applicant chose another way."),
            )
        if case.status not in RESULT_STATUSES:
            raise Conflict("case_not_awaiting_delivery", _("This case has no results left to post."))
    elif kind == ShipmentKind.COLLECT_MATERIALS:
        if case.status not in COLLECT_STATUSES:
            raise Conflict(
                "case_not_collecting_materials", _("Paper materials are only collected before a decision.")
            )
    else:
        raise DomainError("shipment_kind_unknown", _("Unknown kind of shipment."), field="kind")


def _by_key(case: Case, key: str) -> Shipment | None:
    return Shipment.objects.exclude(idempotency_key="").filter(case=case, idempotency_key=key).first()


def _replay(existing: Shipment, fingerprint: str) -> Shipment:
    if existing.request_hash != fingerprint:
        raise Conflict(
            "idempotency_key_reused",
            _("This Idempotency-Key was used for a different shipment."),
            shipment=str(existing.uid),
        )
    return existing


def create_shipment(
    principal: Principal,
    case: Case,
    *,
    kind: str,
    address: dict[str, Any],
    idempotency_key: str = "",
    now: dt.datetime | None = None,
) -> tuple[Shipment, bool]:
    """Ask for a shipment of ``case``; returns it and whether it is new (False: the same request again).

    The caller has checked that ``principal`` may see the case (404 otherwise). Booking is tried at once
    when the shipment can be booked; if the carrier is unavailable the worker tries again.
    """
    now = now or timezone.now()
    if not may_request(principal, case):
        raise Forbidden("forbidden", _("You may not ask for a shipment of this case."))
    key = (idempotency_key or "").strip()[:100]
    checked, region = addresses.validate(address, year=timezone.localdate(now).year)
    fingerprint = _fingerprint(kind, checked)
    if key and (existing := _by_key(case, key)) is not None:
        return _replay(existing, fingerprint), False
    _check_case(case, kind)
    if active_identifier() == NO_CARRIER:
        raise DomainError(
            "postal_service_off",
            _("Delivery by post is not offered here; collect the results at the window."),
        )
    if Shipment.objects.filter(case=case, kind=kind, status__in=OPEN).exists():
        raise Conflict(
            "shipment_already_open", _("A shipment of this kind is already under way for this case.")
        )
    try:
        with transaction.atomic():
            shipment = Shipment.objects.create(
                case=case,
                kind=kind,
                carrier=active_identifier(),
                region=region,
                address=checked.as_dict(),
                requested_by=principal.user,
                idempotency_key=key,
                request_hash=fingerprint,
                retry_step=RetryStep.BOOK,
                next_attempt_at=now,
            )
            audit_shipment("shipment.requested", shipment, principal, region=region.code)
    except IntegrityError:
        # A concurrent request with the same key, or another shipment of the kind, won the race.
        existing = _by_key(case, key) if key else None
        if existing is None:
            raise Conflict(
                "shipment_already_open", _("A shipment of this kind is already under way for this case.")
            ) from None
        return _replay(existing, fingerprint), False
    if _ready_to_book(shipment):
        shipment = book(shipment.pk, now=now)
    return shipment, True


def _ready_to_book(shipment: Shipment) -> bool:
    return shipment.kind == ShipmentKind.COLLECT_MATERIALS or shipment.case.status == CaseStatus.ISSUED


def _office_party(case: Case) -> Party:
    """The government end of a journey: the front desk's service window (its public address)."""
    desk = case.front_desk
    window = (
        ServiceWindow.objects.filter(department=desk)
        .select_related("district")
        .order_by("-is_comprehensive", "pk")
        .first()
    )
    if window is None:
        return Party(name=desk.name, phone=desk.phone, region_code=desk.region.code, detail=desk.name)
    return Party(
        name=f"{desk.name} {window.name}",
        phone=window.phone or desk.phone,
        region_code=window.district.code,
        detail=window.address,
    )


def _booking_request(shipment: Shipment) -> BookingRequest:
    a = shipment.address
    applicant = Party(a["name"], a["phone"], a["region_code"], a["detail"], a["postcode"])
    office = _office_party(shipment.case)
    collect = shipment.kind == ShipmentKind.COLLECT_MATERIALS
    return BookingRequest(
        reference=str(shipment.uid),
        kind=shipment.kind,
        sender=applicant if collect else office,
        recipient=office if collect else applicant,
    )


def _carrier_failed(shipment: Shipment, exc: CarrierError, now: dt.datetime, reason: str) -> None:
    shipment.carrier_errors += 1
    shipment.last_error = str(exc)[:300]
    log.warning(
        "carrier_call_failed",
        shipment=str(shipment.uid),
        step=shipment.retry_step,
        attempt=shipment.carrier_errors,
        permanent=exc.permanent,
    )
    if exc.permanent or shipment.carrier_errors >= conf.max_carrier_errors():
        shipment.retry_step, shipment.next_attempt_at = RetryStep.NONE, None
        flag(shipment, reason, now, error=shipment.last_error)
    else:
        shipment.next_attempt_at = now + conf.backoff(shipment.carrier_errors)


def book(shipment_id: int, *, now: dt.datetime | None = None) -> Shipment:
    """Book a created shipment with its carrier (idempotent: a booked one is left alone)."""
    now = now or timezone.now()
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update(of=("self",))
            .select_related("case__front_desk")
            .get(pk=shipment_id)
        )
        if shipment.status != ShipmentStatus.CREATED or shipment.retry_step != RetryStep.BOOK:
            return shipment
        case = shipment.case
        if case.status in CASE_FINAL or case.delivered_at is not None:
            # Withdrawn, lapsed, or handed over at the window meanwhile: nothing left to carry.
            _finish(shipment, ShipmentStatus.CANCELLED, now)
            shipment.save()
            audit_shipment("shipment.cancelled", shipment, None, reason="case_ended")
            return shipment
        if not _ready_to_book(shipment):
            return shipment
        carrier = registry.get(shipment.carrier)
        try:
            booking = carrier.book(_booking_request(shipment))
        except CarrierError as exc:
            _carrier_failed(shipment, exc, now, AttentionReason.BOOKING_FAILED)
            shipment.save()
            return shipment
        shipment.waybill_no = booking.waybill_no
        shipment.status, shipment.status_at, shipment.booked_at = ShipmentStatus.BOOKED, now, now
        shipment.retry_step, shipment.next_attempt_at = RetryStep.NONE, None
        shipment.carrier_errors, shipment.last_error = 0, ""
        shipment.save()
        audit_shipment("shipment.booked", shipment, None)
        collect = shipment.kind == ShipmentKind.COLLECT_MATERIALS
        on_timeline(
            shipment,
            "booked",
            _("Courier booked to collect the materials")
            if collect
            else _("Results booked with the carrier for posting"),
            at=now,
        )
        notify_applicant(
            shipment,
            "shipment.pickup_booked" if collect else "shipment.booked",
            "booked",
            carrier=str(carrier.label),
        )
    return shipment


def request_attempt(shipment_id: int, *, now: dt.datetime | None = None) -> Shipment:
    """Ask the carrier for the pickup or delivery attempt the shipment waits for."""
    now = now or timezone.now()
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update(of=("self",)).select_related("case").get(pk=shipment_id)
        step = shipment.retry_step
        if step not in (RetryStep.PICKUP, RetryStep.DELIVERY) or shipment.status not in ON_THE_WAY:
            return shipment
        try:
            registry.get(shipment.carrier).request_attempt(shipment.waybill_no, step=step)
        except CarrierError as exc:
            _carrier_failed(shipment, exc, now, AttentionReason.CARRIER_ERROR)
            shipment.save()
            return shipment
        shipment.retry_step, shipment.next_attempt_at = RetryStep.NONE, None
        shipment.carrier_errors, shipment.last_error = 0, ""
        shipment.save()
        audit_shipment("shipment.attempt_requested", shipment, None, step=step, attempts=shipment.attempts)
    return shipment


def book_issued(case_id: int, *, now: dt.datetime | None = None) -> int:
    """Book the case's results parcel that waits for issuance; returns how many were booked.

    Results going by post without an address yet: the applicant is asked for one (once).
    """
    results = Shipment.objects.filter(case_id=case_id, kind=ShipmentKind.DELIVER_RESULT)
    waiting = results.filter(status=ShipmentStatus.CREATED, retry_step=RetryStep.BOOK)
    booked = sum(
        book(pk, now=now).status == ShipmentStatus.BOOKED for pk in list(waiting.values_list("pk", flat=True))
    )
    case = Case.objects.filter(pk=case_id).select_related("applicant").first()
    if (
        case is not None
        and case.status == CaseStatus.ISSUED
        and case.delivery_method == DeliveryMethod.MAIL
        and not results.filter(status__in=sorted(OPEN)).exists()
    ):
        notify(
            recipient=case.applicant,
            template="shipment.address_needed",
            params={"case_no": case.case_no, "target": case.target_name},
            key=f"case:{case.case_no}:address_needed",
            channels=(Channel.INBOX, Channel.SMS, Channel.EMAIL),
        )
    return booked


def retry_due(*, now: dt.datetime | None = None) -> int:
    """The worker's round: book what is due, ask for the attempts that are due. Returns shipments seen."""
    now = now or timezone.now()
    due = (
        Shipment.objects.filter(next_attempt_at__lte=now)
        .exclude(retry_step=RetryStep.NONE)
        # Results waiting for the case to be issued are not due yet.
        .exclude(
            kind=ShipmentKind.DELIVER_RESULT,
            retry_step=RetryStep.BOOK,
            case__status__in=sorted(WAITING_FOR_RESULTS),
        )
        .order_by("next_attempt_at")
        .values_list("pk", "retry_step")[:BATCH]
    )
    seen = 0
    for pk, step in list(due):
        if step == RetryStep.BOOK:
            book(pk, now=now)
        else:
            request_attempt(pk, now=now)
        seen += 1
    return seen


def _finish(shipment: Shipment, status: str, now: dt.datetime) -> None:
    shipment.status, shipment.status_at, shipment.finished_at = status, now, now
    shipment.retry_step, shipment.next_attempt_at = RetryStep.NONE, None


def cancel_shipment(
    principal: Principal, shipment: Shipment, *, reason: str = "", now: dt.datetime | None = None
) -> Shipment:
    """Cancel before pickup (the carrier refuses once the courier has it: ``shipment_already_picked_up``)."""
    authz.authorize(principal, "cancel", shipment)
    now = now or timezone.now()
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update(of=("self",)).select_related("case").get(pk=shipment.pk)
        if shipment.status not in (ShipmentStatus.CREATED, ShipmentStatus.BOOKED):
            raise Conflict(
                "shipment_already_picked_up", _("The courier has the parcel already; it cannot be cancelled.")
            )
        if shipment.waybill_no:
            try:
                registry.get(shipment.carrier).cancel(shipment.waybill_no)
            except CarrierError as exc:
                if exc.permanent:
                    raise Conflict(
                        "shipment_already_picked_up",
                        _("The courier has the parcel already; it cannot be cancelled."),
                    ) from None
                raise CarrierUnavailable(
                    "carrier_unavailable", _("The carrier cannot be reached. Try again in a few minutes.")
                ) from None
        _finish(shipment, ShipmentStatus.CANCELLED, now)
        shipment.needs_attention = False
        shipment.save()
        audit_shipment("shipment.cancelled", shipment, principal, reason=reason[:100])
    return shipment


RESOLUTIONS = ("dismiss", "retry", "cancel")


def resolve_attention(
    principal: Principal, shipment: Shipment, *, action: str, note: str = "", now: dt.datetime | None = None
) -> Shipment:
    """Staff settle a shipment that needs attention: ``dismiss`` (handled outside, e.g. by phone),
    ``retry`` (book again, or ask for another attempt) or ``cancel``."""
    authz.authorize(principal, "resolve", shipment)
    if action not in RESOLUTIONS:
        raise DomainError("resolution_unknown", _("Choose dismiss, retry or cancel."), field="action")
    now = now or timezone.now()
    if action == "cancel":
        shipment = cancel_shipment(principal, shipment, reason="staff", now=now)
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update(of=("self",)).select_related("case").get(pk=shipment.pk)
        reason = shipment.attention_reason
        if action == "retry":
            if shipment.status == ShipmentStatus.CREATED:
                shipment.retry_step = RetryStep.BOOK
            elif shipment.status in ON_THE_WAY and shipment.waybill_no:
                booked = shipment.status == ShipmentStatus.BOOKED
                shipment.retry_step = RetryStep.PICKUP if booked else RetryStep.DELIVERY
            else:
                raise Conflict(
                    "shipment_cannot_retry", _("This shipment has ended; ask for a new one instead.")
                )
            shipment.next_attempt_at, shipment.carrier_errors = now, 0
        shipment.needs_attention, shipment.attention_reason = False, ""
        shipment.staff_note = " ".join(note.split())[:300]
        shipment.save()
        audit_shipment(
            "shipment.resolved", shipment, principal, action=action, reason=reason, noted=bool(note)
        )
    if action == "retry":
        shipment = (
            book(shipment.pk, now=now)
            if shipment.retry_step == RetryStep.BOOK
            else request_attempt(shipment.pk, now=now)
        )
    return shipment
