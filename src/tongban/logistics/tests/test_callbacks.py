"""The carrier callback over HTTP: no sign-in, but a signature; forged, tampered, expired and replayed
messages are refused with a code and logged, and change nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.db import connection
from django.test import Client
from django.utils import timezone

import pytest

from tongban.accounts.principal import Principal
from tongban.cases.models import Case
from tongban.logistics.carriers import demo_ems
from tongban.logistics.constants import CallbackOutcome, ShipmentStatus
from tongban.logistics.models import CarrierEvent, Shipment, TrackingEvent
from tongban.logistics.tests.conftest import minutes, ship

pytestmark = pytest.mark.django_db
URL = "/api/v1/logistics/callback/demo_ems"


@pytest.fixture
def booked(mail_case: Case, applicant: Principal, clock: Any) -> Shipment:
    return ship(applicant, mail_case)


def _body(shipment: Shipment, op_code: str = "203", index: int = 0) -> bytes:
    at = timezone.now() - minutes(1)
    return demo_ems.callback_body([demo_ems.trace(shipment.waybill_no, index, op_code, at)])


def _post(body: bytes, headers: dict[str, str], carrier_url: str = URL) -> Any:
    return Client().post(carrier_url, body, content_type="application/json", headers=headers)


def _outcomes() -> list[str]:
    return list(CarrierEvent.objects.order_by("pk").values_list("outcome", flat=True))


def test_a_signed_callback_needs_no_sign_in_and_is_applied(booked: Shipment) -> None:
    body = _body(booked)
    response = _post(body, demo_ems.signed_headers(body))
    assert response.status_code == 200, response.content
    assert response.json() == {"accepted": 1, "duplicates": 0, "unknown": 0}
    booked.refresh_from_db()
    assert booked.status == ShipmentStatus.PICKED_UP
    entry = CarrierEvent.objects.get()
    assert entry.signature_ok and entry.outcome == CallbackOutcome.ACCEPTED and entry.events_new == 1
    with connection.cursor() as cursor:  # the raw message is personal data: encrypted at rest
        cursor.execute("SELECT body FROM logistics_carrierevent WHERE id = %s", [entry.pk])
        assert cursor.fetchone()[0].startswith("tb1$")


def test_a_forged_signature_is_refused_and_logged(booked: Shipment) -> None:
    body = _body(booked, "704", 4)
    headers = demo_ems.signed_headers(body)
    stamp, nonce = headers["X-Ems-Timestamp"], headers["X-Ems-Nonce"]
    forged = hmac.new(b"guessed-secret", f"{stamp}\n{nonce}\n".encode() + body, hashlib.sha256).hexdigest()
    response = _post(body, {**headers, "X-Ems-Signature": forged})
    assert response.status_code == 401
    assert response.json()["code"] == "callback_signature_invalid"
    assert not TrackingEvent.objects.exists()
    booked.refresh_from_db()
    assert booked.status == ShipmentStatus.BOOKED
    entry = CarrierEvent.objects.get()
    assert (entry.outcome, entry.signature_ok, entry.nonce) == (
        CallbackOutcome.REJECTED_SIGNATURE,
        False,
        nonce,
    )


def test_a_tampered_body_or_missing_signature_is_refused(booked: Shipment) -> None:
    signed_for = _body(booked, "203")
    headers = demo_ems.signed_headers(signed_for)
    assert _post(_body(booked, "704", 4), headers).status_code == 401  # someone else's body
    assert _post(signed_for, {}).status_code == 401  # unsigned
    no_nonce = {k: v for k, v in headers.items() if k != "X-Ems-Nonce"}
    assert _post(signed_for, no_nonce).status_code == 401
    assert _outcomes() == [CallbackOutcome.REJECTED_SIGNATURE] * 3
    assert not TrackingEvent.objects.exists()


def test_a_message_signed_outside_the_window_is_refused(booked: Shipment, clock: Any) -> None:
    body = _body(booked)
    headers = demo_ems.signed_headers(body, now=timezone.now() - minutes(6))  # window: 5 minutes
    response = _post(body, headers)
    assert response.status_code == 401 and response.json()["code"] == "callback_expired"
    assert _outcomes() == [CallbackOutcome.REJECTED_STALE]
    assert CarrierEvent.objects.get().signature_ok  # genuine, but too old


def test_a_replayed_message_is_refused_even_within_the_window(booked: Shipment, clock: Any) -> None:
    body = _body(booked)
    headers = demo_ems.signed_headers(body)
    assert _post(body, headers).status_code == 200
    clock.shift(60)
    replay = _post(body, headers)
    assert replay.status_code == 409 and replay.json()["code"] == "callback_replayed"
    assert _outcomes() == [CallbackOutcome.ACCEPTED, CallbackOutcome.REJECTED_REPLAY]
    assert TrackingEvent.objects.count() == 1


def test_unreadable_bodies_unknown_waybills_and_unknown_carriers(booked: Shipment) -> None:
    garbage = b'{"traces": "not a list"}'
    response = _post(garbage, demo_ems.signed_headers(garbage))
    assert response.status_code == 400 and response.json()["code"] == "callback_invalid"
    stranger = demo_ems.callback_body(
        [
            demo_ems.trace("EA000000005CN", 0, "203", timezone.now()),  # valid S10, not ours
            demo_ems.trace("EA000000001CN", 0, "203", timezone.now()),  # wrong check digit
        ]
    )
    response = _post(stranger, demo_ems.signed_headers(stranger))
    assert response.status_code == 200 and response.json()["unknown"] == 2
    body = _body(booked)
    response = _post(body, demo_ems.signed_headers(body), carrier_url="/api/v1/logistics/callback/nope")
    assert response.status_code == 404 and response.json()["code"] == "carrier_unknown"


def test_a_trace_without_a_time_zone_is_invalid(booked: Shipment) -> None:
    trace = demo_ems.trace(booked.waybill_no, 0, "203", timezone.now())
    trace["opTime"] = "2026-01-01T10:00:00"
    body = json.dumps({"traces": [trace]}).encode()
    response = _post(body, demo_ems.signed_headers(body))
    assert response.status_code == 400 and response.json()["code"] == "callback_invalid"
