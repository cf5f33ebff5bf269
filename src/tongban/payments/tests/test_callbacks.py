"""The callback endpoint: only signed, fresh, first-time requests are trusted; every request is logged."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.utils import timezone

import pytest

from tongban.cases.models import Case
from tongban.payments.constants import EventOutcome, OrderStatus
from tongban.payments.models import FeeOrder, ProviderEvent, Settlement
from tongban.payments.providers import sandbox
from tongban.payments.providers.sandbox import HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP, SCHEME
from tongban.payments.services import orders
from tongban.payments.tests.conftest import TOTAL_CENTS, fresh, pay_at_cashier, trade_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/payments/callback/sandbox"


@pytest.fixture
def paid_at_provider(order_case: Case, start: Callable[..., orders.Started]) -> tuple[FeeOrder, bytes]:
    """An attempt paid at the sandbox, and the body of the notification it owes (not yet sent)."""
    started = start(order_case)
    pay_at_cashier(started.payment)
    trade = trade_of(started.payment)
    body = {
        "notify_id": "N-test-1",
        "event": "payment.paid",
        "out_trade_no": trade.out_trade_no,
        "trade_no": trade.trade_no,
        "amount_cents": trade.amount_cents,
        "paid_at": trade.paid_at.isoformat() if trade.paid_at else None,
    }
    return started.order, json.dumps(body).encode()


def _post(body: bytes, headers: dict[str, str]) -> Any:
    return Client().post(URL, data=body, content_type="application/json", headers=headers)


def _signed(body: bytes, **kw: Any) -> dict[str, str]:
    return sandbox.sandbox().sign(body, **kw)


def _unchanged(order: FeeOrder) -> None:
    assert fresh(order).status == OrderStatus.PAYING
    assert not Settlement.objects.exists()


def test_signed_callback_over_http_is_acknowledged_and_applied(
    paid_at_provider: tuple[FeeOrder, bytes],
) -> None:
    order, body = paid_at_provider
    response = _post(body, {**_signed(body), "Cookie": "tb_session=secret", "Authorization": "Bearer x"})
    assert response.status_code == 200 and response.json() == {"code": "SUCCESS", "message": "OK"}
    assert fresh(order).status == OrderStatus.PAID
    event = ProviderEvent.objects.get()
    assert event.body == body.decode() and event.headers[HEADER_NONCE]
    assert not {"cookie", "authorization"} & {k.lower() for k in event.headers}  # never stored


def test_unsigned_callback_is_rejected_and_logged(paid_at_provider: tuple[FeeOrder, bytes]) -> None:
    order, body = paid_at_provider
    response = _post(body, {})
    assert response.status_code == 401 and response.json()["message"] == "signature_missing"
    event = ProviderEvent.objects.get()
    assert (event.signature_ok, event.rejection, event.outcome) == (False, "signature_missing", "rejected")
    assert event.body == body.decode()
    _unchanged(order)


def test_forged_signatures_are_rejected(paid_at_provider: tuple[FeeOrder, bytes]) -> None:
    order, body = paid_at_provider
    headers = _signed(body)
    wrong_key = {
        **headers,
        HEADER_SIGNATURE: SCHEME.digest(
            b"not-the-sandbox-secret!", headers[HEADER_TIMESTAMP], headers[HEADER_NONCE], body
        ),
    }
    assert _post(body, wrong_key).status_code == 401
    # A genuine signature over another body: the amount was changed in transit.
    tampered = body.replace(str(TOTAL_CENTS).encode(), b"1")
    assert _post(tampered, headers).status_code == 401
    # The genuine signature with another timestamp (to dodge the replay window) no longer matches.
    moved = {**headers, HEADER_TIMESTAMP: str(int(headers[HEADER_TIMESTAMP]) + 1)}
    assert _post(body, moved).status_code == 401
    assert list(ProviderEvent.objects.values_list("rejection", flat=True)) == ["signature_invalid"] * 3
    _unchanged(order)


def test_replayed_request_is_refused(paid_at_provider: tuple[FeeOrder, bytes]) -> None:
    order, body = paid_at_provider
    headers = _signed(body)
    assert _post(body, headers).status_code == 200
    replay = _post(body, headers)
    assert replay.status_code == 400 and replay.json()["message"] == "nonce_replayed"
    rejected = ProviderEvent.objects.get(outcome=EventOutcome.REJECTED)
    assert rejected.signature_ok and rejected.rejection == "nonce_replayed"
    assert Settlement.objects.filter(order=order).count() == 1


def test_stale_signature_is_refused(paid_at_provider: tuple[FeeOrder, bytes], settings: Any) -> None:
    order, body = paid_at_provider
    settings.TONGBAN_PAYMENT_CALLBACK_WINDOW_SECONDS = 300
    old = _post(body, _signed(body, at=timezone.now() - dt.timedelta(minutes=6)))
    assert old.status_code == 400 and old.json()["message"] == "timestamp_out_of_window"
    future = _post(body, _signed(body, at=timezone.now() + dt.timedelta(minutes=6)))
    assert future.json()["message"] == "timestamp_out_of_window"
    _unchanged(order)
    assert _post(body, _signed(body, at=timezone.now() - dt.timedelta(minutes=4))).status_code == 200


def test_signed_but_malformed_body_is_refused(paid_at_provider: tuple[FeeOrder, bytes]) -> None:
    order, _body = paid_at_provider
    for body in (b"not json", json.dumps({"notify_id": "x", "event": "payment.teleported"}).encode()):
        response = _post(body, _signed(body))
        assert response.status_code == 400 and response.json()["message"] == "malformed"
    assert set(ProviderEvent.objects.values_list("signature_ok", "rejection")) == {(True, "malformed")}
    _unchanged(order)


def test_unknown_or_disabled_provider_is_404(paid_at_provider: tuple[FeeOrder, bytes], settings: Any) -> None:
    _order, body = paid_at_provider
    assert (
        Client()
        .post("/api/v1/payments/callback/paypal", data=body, content_type="application/json")
        .status_code
        == 404
    )
    settings.TONGBAN_PAYMENT_PROVIDERS = []
    assert _post(body, _signed(body)).status_code == 404
    assert not ProviderEvent.objects.exists()


def test_oversized_body_is_refused(paid_at_provider: tuple[FeeOrder, bytes]) -> None:
    body = b"{" + b" " * (64 * 1024) + b"}"
    response = _post(body, _signed(body))
    assert response.status_code == 401
    assert ProviderEvent.objects.get().rejection == "body_too_large"
