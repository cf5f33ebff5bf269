"""The worker's side: scheduled jobs, the demo carrier's pushes through the signed check, system checks."""

from __future__ import annotations

from typing import Any

import pytest

from tongban.accounts.principal import Principal
from tongban.cases.constants import CaseStatus
from tongban.cases.models import Case
from tongban.logistics import tasks
from tongban.logistics.checks import check_carrier
from tongban.logistics.constants import ShipmentStatus
from tongban.logistics.models import CarrierEvent
from tongban.logistics.tests.conftest import minutes, ship
from tongban.notifications.messages import TEMPLATES
from tongban.utils import schedule

pytestmark = pytest.mark.django_db


def test_the_jobs_are_scheduled() -> None:
    names = {job.name for job in schedule.jobs()}
    assert {
        "logistics.retry_shipments",
        "logistics.poll_tracking",
        "logistics.demo_carrier_push",
        "logistics.prune_carrier_log",
    } <= names


def test_the_demo_carrier_pushes_through_the_signed_callback(
    mail_case: Case, applicant: Principal, clock: Any
) -> None:
    shipment = ship(applicant, mail_case)
    assert tasks.demo_carrier_push.enqueue().return_value == 0  # nothing happened yet
    clock.shift(minutes(60))
    assert tasks.demo_carrier_push.enqueue().return_value == 1
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert CarrierEvent.objects.get().signature_ok
    mail_case.refresh_from_db()
    assert mail_case.status == CaseStatus.CLOSED
    clock.shift(minutes(60 * 24 * 181))
    assert tasks.prune_carrier_log.enqueue().return_value == 1


def test_the_carrier_settings_are_checked(settings: Any) -> None:
    assert check_carrier() == []
    settings.TONGBAN_LOGISTICS_DEMO_EMS_SECRET = "short"
    assert [m.id for m in check_carrier()] == ["logistics.W001"]
    settings.TONGBAN_LOGISTICS_CARRIER = "pigeon"
    assert [m.id for m in check_carrier()] == ["logistics.E001"]


def test_the_shipment_messages_are_installed() -> None:
    assert {"shipment.booked", "shipment.pickup_booked", "shipment.collected", "shipment.problem"} <= set(
        TEMPLATES
    )
