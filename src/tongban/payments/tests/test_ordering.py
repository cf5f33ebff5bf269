"""Messages in every number and order: the money is settled once, or given back, never charged twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

import pytest

from tongban.audits.models import AuditEvent
from tongban.cases.models import Case
from tongban.payments.constants import EventOutcome, OrderStatus, PaymentStatus, RefundKind, RefundStatus
from tongban.payments.models import ProviderEvent, Receipt, Refund, SandboxCallback, SandboxTrade, Settlement
from tongban.payments.providers import sandbox
from tongban.payments.providers.sandbox import SandboxProvider
from tongban.payments.services import orders, refunds, state
from tongban.payments.tests.conftest import (
    TOTAL_CENTS,
    deliver,
    fresh,
    pay_at_cashier,
    pending_callbacks,
    trade_of,
)

pytestmark = pytest.mark.django_db


def test_pay_at_the_cashier_and_the_signed_callback_settles_once(
    order_case: Case, start: Callable[..., orders.Started]
) -> None:
    started = start(order_case)
    payment = started.payment
    assert payment.pay_url.endswith(f"/payments/sandbox/cashier/{trade_of(payment).cashier_token}/")
    assert payment.provider_trade_no == trade_of(payment).trade_no
    pay_at_cashier(payment)
    assert fresh(started.order).status == OrderStatus.PAYING  # returning from the cashier proves nothing
    assert deliver() == 1
    order = fresh(started.order)
    assert order.status == OrderStatus.PAID
    payment.refresh_from_db()
    assert (payment.status, payment.confirmed_by, payment.paid_amount_cents) == (
        "paid",
        "callback",
        TOTAL_CENTS,
    )
    settlement = Settlement.objects.get(order=order)
    assert settlement.payment == payment and settlement.amount_cents == TOTAL_CENTS
    receipt = Receipt.objects.get(payment=payment)
    assert receipt.amount_cents == TOTAL_CENTS and receipt.payer_name == order_case.holder_name
    assert [line["amount_cents"] for line in receipt.lines] == [4784, 500]
    event = ProviderEvent.objects.get()
    assert (event.signature_ok, event.outcome, event.reference) == (True, "processed", payment.out_trade_no)


def test_three_duplicate_callbacks_change_nothing(
    order_case: Case, start: Callable[..., orders.Started]
) -> None:
    started = start(order_case)
    pay_at_cashier(started.payment)
    (callback,) = pending_callbacks()
    for _ in range(3):  # the provider did not see our answer and sends the same notification again
        assert sandbox.deliver(callback)
    assert Settlement.objects.filter(order=started.order).count() == 1
    assert Receipt.objects.count() == 1
    outcomes = list(ProviderEvent.objects.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == ["processed", "duplicate", "duplicate"]
    assert AuditEvent.objects.filter(event="payment.paid").count() == 1
    assert AuditEvent.objects.filter(event="payment.settled").count() == 1
    # A query that says the same afterwards is harmless too.
    state.sync(started.payment)
    assert Settlement.objects.count() == 1 and Refund.objects.count() == 0


def test_callback_before_the_create_response(
    order_case: Case, start: Callable[..., orders.Started], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The payer pays and the provider notifies before its answer to "create" reaches the platform."""
    original = SandboxProvider.create_payment

    def quick_payer(self: SandboxProvider, request: Any) -> Any:
        created = original(self, request)
        sandbox.pay(SandboxTrade.objects.get(out_trade_no=request.out_trade_no))
        assert deliver() == 1  # the callback is handled while "create" has not answered yet
        return created

    monkeypatch.setattr(SandboxProvider, "create_payment", quick_payer)
    started = start(order_case)
    assert started.payment.status == PaymentStatus.PAID  # the late answer did not move it back
    assert started.payment.pay_url  # but it did fill in what was missing
    assert started.order.status == OrderStatus.PAID
    assert Settlement.objects.count() == 1


def test_paid_after_the_order_was_closed_is_refunded_automatically(
    order_case: Case, start: Callable[..., orders.Started], applicant: Any
) -> None:
    started = start(order_case)
    orders.close_by_payer(applicant, started.order, reason="changed my mind")
    assert fresh(started.order).status == OrderStatus.CLOSED
    assert trade_of(started.payment).state == "CLOSED"
    # The provider took the money anyway (its close raced with the payer's confirmation).
    pay_at_cashier(started.payment, force=True)
    deliver()
    order = fresh(started.order)
    assert order.status == OrderStatus.CLOSED
    assert not Settlement.objects.filter(order=order).exists() and Receipt.objects.count() == 0
    payment = started.payment
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    refund = Refund.objects.get(payment=payment)
    assert (refund.kind, refund.amount_cents, refund.reason, refund.line) == (
        RefundKind.AUTOMATIC,
        TOTAL_CENTS,
        "order_not_payable",
        None,
    )
    assert refunds.submit(refund.pk) == RefundStatus.PROCESSING
    deliver()  # the refund completes and the provider says so
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert fresh(order).refunded_cents == 0  # money that was never income
    # The same "paid" once more opens no second refund.
    state.sync(payment)
    assert Refund.objects.count() == 1


def test_attempt_closed_then_paid_settles_and_paid_then_closed_stays_paid(
    order_case: Case, start: Callable[..., orders.Started]
) -> None:
    started = start(order_case)
    trade = trade_of(started.payment)
    sandbox.cancel(trade)  # notification 1: closed
    sandbox.pay(trade, force=True)  # notification 2: paid
    closed, paid = pending_callbacks()
    assert (closed.payload["event"], paid.payload["event"]) == ("payment.closed", "payment.paid")
    # They arrive the other way round: paid, then the stale "closed".
    assert sandbox.deliver(paid) and sandbox.deliver(closed)
    started.payment.refresh_from_db()
    assert started.payment.status == PaymentStatus.PAID
    assert fresh(started.order).status == OrderStatus.PAID


def test_closed_attempt_then_paid_in_order_still_settles(
    order_case: Case, start: Callable[..., orders.Started]
) -> None:
    started = start(order_case)
    trade = trade_of(started.payment)
    sandbox.cancel(trade)
    deliver()
    started.payment.refresh_from_db()
    assert started.payment.status == PaymentStatus.CLOSED
    assert fresh(started.order).status == OrderStatus.CREATED  # the order waits for a new attempt
    sandbox.pay(trade, force=True)
    deliver()
    assert fresh(started.order).status == OrderStatus.PAID
    assert Refund.objects.count() == 0


def test_second_attempt_paid_too_is_refunded_never_charged_twice(
    order_case: Case, start: Callable[..., orders.Started]
) -> None:
    first = start(order_case, "wechat", key="k1")
    second = start(order_case, "alipay", key="k2")
    assert first.payment.pk != second.payment.pk and first.order.pk == second.order.pk
    pay_at_cashier(first.payment)
    pay_at_cashier(second.payment)
    deliver()
    order = fresh(first.order)
    assert order.status == OrderStatus.PAID
    assert Settlement.objects.get(order=order).payment_id == first.payment.pk
    refund = Refund.objects.get()
    assert (refund.payment_id, refund.kind, refund.reason) == (
        second.payment.pk,
        "automatic",
        "order_already_paid",
    )


def test_wrong_amount_is_never_settled(order_case: Case, start: Callable[..., orders.Started]) -> None:
    started = start(order_case)
    trade = trade_of(started.payment)
    trade.amount_cents = TOTAL_CENTS - 1  # the provider's books disagree with what the platform asked
    trade.save()
    pay_at_cashier(started.payment)
    deliver()
    assert not Settlement.objects.exists()
    assert fresh(started.order).status == OrderStatus.CREATED
    refund = Refund.objects.get()
    assert (refund.reason, refund.amount_cents) == ("amount_differs", TOTAL_CENTS - 1)


def test_exactly_one_settlement_per_order_is_enforced_by_the_database(paid_order: Any) -> None:
    payment = paid_order.payments.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Settlement.objects.create(order=paid_order, payment=None, amount_cents=1, settled_at=timezone.now())
    assert payment.settlement.order == paid_order


def test_unknown_trade_is_not_acknowledged_and_retried_later(
    order_case: Case, start: Callable[..., orders.Started]
) -> None:
    started = start(order_case)
    pay_at_cashier(started.payment)
    (callback,) = pending_callbacks()
    # Make the notification refer to a trade the platform has not stored (yet).
    trade = trade_of(started.payment)
    trade.out_trade_no = "TB20260101UNKNOWN00P01"
    trade.save()
    callback.payload = {**callback.payload, "out_trade_no": trade.out_trade_no}
    callback.save()
    assert sandbox.deliver(callback) is False
    callback.refresh_from_db()
    assert (
        callback.delivered_at is None and callback.attempts == 1 and callback.deliver_after > timezone.now()
    )
    assert ProviderEvent.objects.get().outcome == EventOutcome.UNKNOWN
    assert SandboxCallback.objects.count() == 1
