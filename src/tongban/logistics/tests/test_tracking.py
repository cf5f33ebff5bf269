"""Tracking events: the parcel's way to the door, duplicates and disorder that change nothing, the
signed-for event that closes the case, and parcels that come back."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

import pytest

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.audits.models import AuditEvent
from tongban.cases.constants import CaseStatus, EventKind
from tongban.cases.models import Case, CaseEvent
from tongban.logistics.carriers import demo_ems, s10
from tongban.logistics.constants import AttentionReason, RetryStep, ShipmentStatus, TrackingCode
from tongban.logistics.models import CarrierEvent, Shipment
from tongban.logistics.query import case_tracking
from tongban.logistics.services.shipments import retry_due
from tongban.logistics.tests.conftest import carrier_pushes, minutes, push, ship
from tongban.notifications.models import Notification

pytestmark = pytest.mark.django_db

RETURNED_PHONE = "13000000010"
DELIVERY_FAILS_ONCE_PHONE = "13000000013"


def _trace(shipment: Shipment, index: int, op_code: str, ago: int) -> dict[str, Any]:
    return demo_ems.trace(shipment.waybill_no, index, op_code, timezone.now() - minutes(ago))


def _codes(shipment: Shipment) -> list[str]:
    return list(shipment.events.values_list("code", flat=True))


def test_a_posted_result_is_followed_to_the_door_and_signing_for_it_closes_the_case(
    mail_case: Case, applicant: Principal, clock: Any, citizen: User
) -> None:
    shipment = ship(applicant, mail_case)
    assert shipment.status == ShipmentStatus.BOOKED
    assert s10.is_valid(shipment.waybill_no, service_prefix="E", country="CN")
    assert Notification.objects.filter(recipient=citizen, template="shipment.booked").exists()

    clock.shift(minutes(11))  # the demo carrier's events come 5 minutes apart
    assert carrier_pushes() == 1
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.IN_TRANSIT
    mail_case.refresh_from_db()
    assert mail_case.status == CaseStatus.ISSUED  # on its way is not delivered

    clock.shift(minutes(30))
    carrier_pushes()
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED and not shipment.needs_attention
    assert _codes(shipment) == ["picked_up", "in_transit", "in_transit", "out_for_delivery", "delivered"]
    signed = shipment.events.get(code=TrackingCode.DELIVERED).occurred_at
    assert shipment.delivered_at == signed

    mail_case.refresh_from_db()
    assert mail_case.status == CaseStatus.CLOSED
    # the same end state as a hand-over at the window, at the carrier's signing time
    assert mail_case.delivered_at == mail_case.closed_at == mail_case.rating_invited_at == signed
    assert mail_case.elapsed_days is not None
    delivered = CaseEvent.objects.get(case=mail_case, kind=EventKind.DELIVERED)
    assert shipment.waybill_no in delivered.message
    assert CaseEvent.objects.filter(case=mail_case, kind=EventKind.CLOSED).count() == 1
    assert Notification.objects.filter(recipient=citizen, template="case.closed").exists()
    assert AuditEvent.objects.filter(event="case.delivered", object_id=str(mail_case.pk)).exists()
    # the case page can show the way of the parcel
    assert [row.code for row in case_tracking(mail_case)] == _codes(shipment)
    # and the case's timeline carries each step that moved it (the signing is the "delivered" entry)
    steps = CaseEvent.objects.filter(case=mail_case, kind=EventKind.PARCEL).order_by("at", "pk")
    assert [e.data["code"] for e in steps] == ["booked", "picked_up", "in_transit", "out_for_delivery"]
    assert all(shipment.waybill_no in e.message and "张" not in e.message for e in steps)


def test_a_duplicate_event_is_stored_once_however_often_it_comes(
    mail_case: Case, applicant: Principal, clock: Any
) -> None:
    shipment = ship(applicant, mail_case)
    picked = _trace(shipment, 0, "203", 1)
    results = [push(picked) for _ in range(3)]
    assert [(r.new, r.duplicate) for r in results] == [(1, 0), (0, 1), (0, 1)]
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.PICKED_UP and shipment.events.count() == 1
    logged = CarrierEvent.objects.filter(carrier="demo_ems", outcome="accepted", source="callback")
    assert logged.count() == 3 and sum(logged.values_list("events_duplicate", flat=True)) == 2


def test_late_events_never_move_the_status_back_and_the_case_closes_once(
    mail_case: Case, applicant: Principal, clock: Any, citizen: User
) -> None:
    shipment = ship(applicant, mail_case)
    push(_trace(shipment, 4, "704", 1))  # signed for, heard first
    push(_trace(shipment, 1, "306", 30), _trace(shipment, 0, "203", 40))  # the way there, heard late
    push(_trace(shipment, 4, "704", 1))  # and the signing again
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert not shipment.needs_attention
    applied = dict(shipment.events.values_list("code", "applied"))
    assert applied == {"delivered": True, "in_transit": False, "picked_up": False}
    assert _codes(shipment) == ["picked_up", "in_transit", "delivered"]  # shown in time order
    mail_case.refresh_from_db()
    assert mail_case.status == CaseStatus.CLOSED
    assert CaseEvent.objects.filter(case=mail_case, kind=EventKind.DELIVERED).count() == 1
    assert (
        Notification.objects.filter(recipient=citizen, template="case.closed", channel="inbox").count() == 1
    )


def test_one_message_with_events_in_any_order_is_applied_in_time_order(
    mail_case: Case, applicant: Principal, clock: Any
) -> None:
    shipment = ship(applicant, mail_case)
    push(_trace(shipment, 3, "702", 5), _trace(shipment, 0, "203", 30), _trace(shipment, 1, "306", 20))
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.OUT_FOR_DELIVERY
    assert shipment.status_at == timezone.now() - minutes(5)
    assert all(shipment.events.values_list("applied", flat=True))


def test_a_late_failure_older_than_the_status_is_not_retried(
    mail_case: Case, applicant: Principal, clock: Any
) -> None:
    shipment = ship(applicant, mail_case)
    push(_trace(shipment, 5, "702", 5))  # out again after a failed attempt we hear of only now
    push(_trace(shipment, 4, "705", 20))
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.OUT_FOR_DELIVERY
    assert shipment.retry_step == RetryStep.NONE and shipment.attempts == 0


def test_a_failed_delivery_is_retried_by_the_worker_and_then_delivered(
    mail_case: Case, applicant: Principal, clock: Any
) -> None:
    shipment = ship(applicant, mail_case, phone=DELIVERY_FAILS_ONCE_PHONE)
    clock.shift(minutes(30))
    carrier_pushes()
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.OUT_FOR_DELIVERY
    assert (shipment.attempts, shipment.retry_step) == (1, RetryStep.DELIVERY)
    assert shipment.next_attempt_at is not None and shipment.next_attempt_at > timezone.now()
    assert retry_due() == 0  # back-off: not yet
    clock.shift(minutes(16))
    assert retry_due() == 1
    shipment.refresh_from_db()
    assert shipment.retry_step == RetryStep.NONE
    assert AuditEvent.objects.filter(event="shipment.attempt_requested").exists()
    clock.shift(minutes(11))
    carrier_pushes()
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    mail_case.refresh_from_db()
    assert mail_case.status == CaseStatus.CLOSED


def test_a_returned_parcel_is_flagged_the_case_stays_open_and_a_new_one_can_be_sent(
    mail_case: Case, applicant: Principal, clock: Any, citizen: User
) -> None:
    shipment = ship(applicant, mail_case, phone=RETURNED_PHONE)
    for _round in range(6):  # the worker's rounds while the carrier tries and gives up
        clock.shift(minutes(10))
        carrier_pushes()
        retry_due()
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.RETURNED
    assert shipment.needs_attention and shipment.attention_reason == AttentionReason.RETURNED
    assert shipment.attempts == 2 and shipment.retry_step == RetryStep.NONE
    assert _codes(shipment)[-1] == TrackingCode.RETURNED
    mail_case.refresh_from_db()
    assert mail_case.status == CaseStatus.ISSUED and mail_case.delivered_at is None
    assert Notification.objects.filter(recipient=citizen, template="shipment.problem").exists()
    again = ship(applicant, mail_case)
    assert again.status == ShipmentStatus.BOOKED and again.waybill_no != shipment.waybill_no


def test_signed_for_after_a_return_is_flagged_and_does_not_close_the_case(
    mail_case: Case, applicant: Principal, clock: Any
) -> None:
    shipment = ship(applicant, mail_case)
    push(_trace(shipment, 6, "711", 10))
    push(_trace(shipment, 7, "704", 1))
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.RETURNED
    assert shipment.attention_reason == AttentionReason.EVENT_AFTER_FINAL
    mail_case.refresh_from_db()
    assert mail_case.status == CaseStatus.ISSUED
