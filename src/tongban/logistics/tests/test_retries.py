"""Carrier failures: bookings retried with back-off, failed pickups asked again and in the end flagged,
parcels without news polled and flagged; results booked only once the case is issued. Never dropped."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

import pytest

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.cases.constants import CaseStatus
from tongban.cases.models import Case
from tongban.cases.services import flow
from tongban.logistics.carriers import demo_ems
from tongban.logistics.carriers.registry import registry
from tongban.logistics.constants import (
    AttentionReason,
    EventSource,
    RetryStep,
    ShipmentKind,
    ShipmentStatus,
)
from tongban.logistics.models import CarrierEvent, DemoParcel, Shipment
from tongban.logistics.query import needing_attention
from tongban.logistics.services import shipments
from tongban.logistics.services.shipments import book_issued, cancel_shipment, retry_due
from tongban.logistics.services.tracking import poll_due
from tongban.logistics.tests.conftest import as_principal, carrier_pushes, issue_case, minutes, ship
from tongban.notifications.models import Notification
from tongban.organizations.models import Department
from tongban.utils.errors import Conflict

pytestmark = pytest.mark.django_db

BUSY, BUSY_ONCE, REFUSED = "13000000014", "13000000015", "13000000016"
PICKUP_FAILS, PICKUP_FAILS_ONCE = "13000000011", "13000000012"


def test_the_carrier_registry_lists_its_carriers() -> None:
    assert registry.identifiers() == ["demo_ems"]
    assert registry.get("demo_ems").check_config() == []


def test_a_booking_the_carrier_refuses_for_now_is_retried_with_back_off_then_flagged(
    mail_case: Case, applicant: Principal, clock: Any, people: dict[str, User]
) -> None:
    shipment = ship(applicant, mail_case, phone=BUSY)
    assert shipment.status == ShipmentStatus.CREATED and shipment.waybill_no == ""
    assert (shipment.carrier_errors, shipment.retry_step) == (1, RetryStep.BOOK)
    waits = [shipment.next_attempt_at - timezone.now()]  # type: ignore[operator]
    assert retry_due() == 0  # not due yet
    while shipment.retry_step == RetryStep.BOOK:
        clock.shift(shipment.next_attempt_at - timezone.now())  # type: ignore[operator]
        assert retry_due() == 1
        shipment.refresh_from_db()
        if shipment.next_attempt_at:
            waits.append(shipment.next_attempt_at - timezone.now())
    assert waits == [minutes(15), minutes(30), minutes(60), minutes(120), minutes(240)]
    assert shipment.carrier_errors == 6 and shipment.status == ShipmentStatus.CREATED
    assert shipment.needs_attention and shipment.attention_reason == AttentionReason.BOOKING_FAILED
    assert shipment.last_error == "carrier system busy"
    clerk = as_principal(people["clerk"])
    assert list(needing_attention(clerk)) == [shipment]  # still there, for staff


def test_a_booking_that_fails_once_succeeds_on_the_next_round(
    mail_case: Case, applicant: Principal, clock: Any
) -> None:
    shipment = ship(applicant, mail_case, phone=BUSY_ONCE)
    assert shipment.status == ShipmentStatus.CREATED
    clock.shift(minutes(15))
    retry_due()
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.BOOKED and shipment.carrier_errors == 0
    assert DemoParcel.objects.get(waybill_no=shipment.waybill_no).book_calls == 2


def test_a_booking_refused_for_good_goes_to_staff_at_once(
    mail_case: Case, applicant: Principal, clock: Any, people: dict[str, User]
) -> None:
    shipment = ship(applicant, mail_case, phone=REFUSED)
    assert shipment.needs_attention and shipment.attention_reason == AttentionReason.BOOKING_FAILED
    assert shipment.retry_step == RetryStep.NONE and shipment.carrier_errors == 1
    # staff call the applicant, who gives a serviced address; "retry" books again
    shipment = shipments.resolve_attention(
        as_principal(people["clerk"]), shipment, action="cancel", note="called; will collect at the window"
    )
    assert shipment.status == ShipmentStatus.CANCELLED and not shipment.needs_attention


def test_failed_pickups_are_asked_again_and_after_the_last_one_end_the_shipment(
    mail_case: Case, applicant: Principal, clock: Any, citizen: User
) -> None:
    shipment = ship(applicant, mail_case, phone=PICKUP_FAILS)
    for attempt in (1, 2):
        clock.shift(minutes(6))
        carrier_pushes()
        shipment.refresh_from_db()
        assert (shipment.attempts, shipment.retry_step) == (attempt, RetryStep.PICKUP)
        clock.shift(shipment.next_attempt_at - timezone.now())  # type: ignore[operator]
        assert retry_due() == 1
    clock.shift(minutes(6))
    carrier_pushes()
    shipment.refresh_from_db()
    assert shipment.attempts == 3 and shipment.status == ShipmentStatus.FAILED
    assert shipment.attention_reason == AttentionReason.PICKUP_FAILED and shipment.retry_step == ""
    assert DemoParcel.objects.get(waybill_no=shipment.waybill_no).retries == 2
    assert Notification.objects.filter(recipient=citizen, template="shipment.problem").exists()
    mail_case.refresh_from_db()
    assert mail_case.status == CaseStatus.ISSUED


def test_a_pickup_that_fails_once_is_delivered_after_the_retry(
    mail_case: Case, applicant: Principal, clock: Any
) -> None:
    shipment = ship(applicant, mail_case, phone=PICKUP_FAILS_ONCE)
    clock.shift(minutes(6))
    carrier_pushes()
    clock.shift(minutes(15))
    retry_due()
    clock.shift(minutes(30))
    carrier_pushes()
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert shipment.attempts == 0  # counted afresh once picked up
    mail_case.refresh_from_db()
    assert mail_case.status == CaseStatus.CLOSED


def test_a_parcel_without_news_is_polled_and_its_events_applied(
    mail_case: Case, applicant: Principal, clock: Any, settings: Any
) -> None:
    settings.TONGBAN_LOGISTICS_POLL_AFTER_HOURS = 6
    shipment = ship(applicant, mail_case)
    # the carrier's pushes never reach us (e.g. our callback URL was down)
    clock.shift(minutes(5 * 60))
    assert poll_due() == 0  # not quiet long enough
    clock.shift(minutes(61))
    assert poll_due() == 1
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert set(shipment.events.values_list("source", flat=True)) == {EventSource.POLL}
    mail_case.refresh_from_db()
    assert mail_case.status == CaseStatus.CLOSED
    poll = CarrierEvent.objects.get(source=EventSource.POLL)
    assert (poll.events_new, poll.events_duplicate) == (5, 0)
    # the carrier's delayed pushes arrive after all: duplicates, nothing changes
    carrier_pushes()
    assert shipment.events.count() == 5
    assert CarrierEvent.objects.get(source=EventSource.CALLBACK).events_duplicate == 5
    assert poll_due() == 0  # delivered parcels are not polled


def test_a_parcel_silent_for_days_is_flagged(
    mail_case: Case, applicant: Principal, clock: Any, settings: Any
) -> None:
    settings.TONGBAN_LOGISTICS_DEMO_STEP_SECONDS = 30 * 24 * 3600  # the carrier has nothing to say
    shipment = ship(applicant, mail_case)
    clock.shift(minutes(7 * 60))
    assert poll_due() == 1
    shipment.refresh_from_db()
    assert not shipment.needs_attention and shipment.last_polled_at == timezone.now()
    clock.shift(minutes(5 * 24 * 60))
    poll_due()
    shipment.refresh_from_db()
    assert shipment.needs_attention and shipment.attention_reason == AttentionReason.NO_NEWS


def test_results_are_booked_only_once_the_case_is_issued(
    mail_submitted: Case,
    applicant: Principal,
    clock: Any,
    people: dict[str, User],
    department: Department,
    swj: Department,
) -> None:
    shipment = ship(applicant, mail_submitted)
    assert shipment.status == ShipmentStatus.CREATED and shipment.carrier_errors == 0
    assert retry_due() == 0
    issue_case(mail_submitted, people, department, swj)
    assert retry_due() == 1
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.BOOKED and shipment.waybill_no


def test_results_are_booked_right_after_the_issuance_is_committed(
    mail_submitted: Case,
    applicant: Principal,
    clock: Any,
    people: dict[str, User],
    department: Department,
    swj: Department,
    django_capture_on_commit_callbacks: Any,
) -> None:
    shipment = ship(applicant, mail_submitted)
    with django_capture_on_commit_callbacks(execute=True):
        issue_case(mail_submitted, people, department, swj)
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.BOOKED  # not waiting for the worker's next round
    assert retry_due() == 0


def test_results_by_post_without_an_address_ask_the_applicant_for_one(
    mail_submitted: Case,
    clock: Any,
    people: dict[str, User],
    department: Department,
    swj: Department,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        issue_case(mail_submitted, people, department, swj)
    asked = Notification.objects.filter(template="shipment.address_needed", channel="inbox")
    assert [n.recipient for n in asked] == [mail_submitted.applicant]
    assert book_issued(mail_submitted.pk) == 0  # asked once, however often the listener runs
    assert asked.count() == 1


def test_a_waiting_shipment_of_a_withdrawn_case_is_cancelled(
    mail_submitted: Case, applicant: Principal, clock: Any
) -> None:
    shipment = ship(applicant, mail_submitted)
    flow.withdraw(applicant, mail_submitted, reason="")
    retry_due()
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.CANCELLED and not DemoParcel.objects.exists()


def test_materials_are_collected_before_the_decision(
    mail_submitted: Case, applicant: Principal, clock: Any, citizen: User
) -> None:
    shipment = ship(applicant, mail_submitted, kind=ShipmentKind.COLLECT_MATERIALS)
    assert shipment.status == ShipmentStatus.BOOKED
    parcel = DemoParcel.objects.get(waybill_no=shipment.waybill_no)
    assert parcel.reference == str(shipment.uid)
    clock.shift(minutes(30))
    carrier_pushes()
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    mail_submitted.refresh_from_db()
    assert mail_submitted.status == CaseStatus.SUBMITTED  # materials arriving close nothing
    assert Notification.objects.filter(recipient=citizen, template="shipment.collected").exists()


def test_a_booking_can_be_cancelled_until_the_courier_has_the_parcel(
    mail_case: Case, applicant: Principal, clock: Any
) -> None:
    first = ship(applicant, mail_case)
    first = cancel_shipment(applicant, first, reason="changed my mind")
    assert first.status == ShipmentStatus.CANCELLED
    assert DemoParcel.objects.get(waybill_no=first.waybill_no).cancelled_at is not None
    second = ship(applicant, mail_case)
    clock.shift(minutes(6))
    carrier_pushes()
    with pytest.raises(Conflict) as refused:
        cancel_shipment(applicant, Shipment.objects.get(pk=second.pk))
    assert refused.value.code == "shipment_already_picked_up"
    assert demo_ems.due_callbacks() == []
