"""The worker's part: expiry, queries for silent providers, bank transfers recorded by staff, the
scheduled jobs, and delivery through the task queue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

import pytest
import time_machine

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.notifications.models import Notification
from tongban.payments import tasks
from tongban.payments.constants import ConfirmedBy, OrderStatus, PaymentStatus, RefundStatus
from tongban.payments.models import Payment, Refund
from tongban.payments.services import orders, refunds
from tongban.payments.tests.conftest import (
    TOTAL_CENTS,
    fresh,
    pay_at_cashier,
    pending_callbacks,
    principal_of,
    trade_of,
)
from tongban.utils import schedule
from tongban.utils.errors import DomainError, Forbidden

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def test_unpaid_order_expires_and_its_attempt_is_closed(
    order_case: Case, start: Callable[..., orders.Started], settings: Any
) -> None:
    started = start(order_case)
    lifetime = started.order.expires_at - started.order.created_at
    assert abs(lifetime - dt.timedelta(minutes=24 * 60)) < dt.timedelta(seconds=1)
    assert orders.expire_due() == 0
    assert orders.expire_due(timezone.now() + DAY + dt.timedelta(minutes=1)) == 1
    order = fresh(started.order)
    assert order.status == OrderStatus.EXPIRED and order.close_reason == "expired"
    assert trade_of(started.payment).state == "CLOSED"
    # The case still waits for its fees: its page and the applicant say so.
    expired = order_case.events.get(kind="payment_expired")
    assert order.order_no in expired.message
    told = Notification.objects.get(template="case.payment_expired", channel="inbox")
    assert told.recipient == order_case.applicant and told.params["order_no"] == order.order_no
    assert orders.expire_due(timezone.now() + 2 * DAY) == 0  # told once
    # A new payment of the case makes a new order.
    again = start(order_case, key="new")
    assert again.order.pk != order.pk and again.order.status == OrderStatus.PAYING


def test_expiry_asks_the_provider_first(order_case: Case, start: Callable[..., orders.Started]) -> None:
    started = start(order_case)
    pay_at_cashier(started.payment)
    pending_callbacks()[0].delete()  # paid, but the notification was lost
    assert orders.expire_due(timezone.now() + 2 * DAY) == 0
    order = fresh(started.order)
    assert order.status == OrderStatus.PAID
    assert order.payments.get().confirmed_by == ConfirmedBy.QUERY


def test_expired_order_is_closed_when_the_payer_comes_back(
    order_case: Case, start: Callable[..., orders.Started]
) -> None:
    started = start(order_case)
    with time_machine.travel(timezone.now() + 2 * DAY):
        again = start(order_case)
    assert fresh(started.order).status == OrderStatus.EXPIRED
    assert again.order.pk != started.order.pk


def test_silent_provider_is_queried_after_some_minutes(
    order_case: Case, start: Callable[..., orders.Started], settings: Any
) -> None:
    settings.TONGBAN_PAYMENT_QUERY_AFTER_MINUTES = 5
    started = start(order_case)
    pay_at_cashier(started.payment)
    pending_callbacks()[0].delete()
    assert orders.poll_pending() == 0  # too early: the callback may still come
    later = timezone.now() + dt.timedelta(minutes=6)
    assert orders.poll_pending(later) == 1
    payment = Payment.objects.get(pk=started.payment.pk)
    assert (payment.status, payment.confirmed_by, payment.queries) == (
        PaymentStatus.PAID,
        ConfirmedBy.QUERY,
        1,
    )
    assert fresh(started.order).status == OrderStatus.PAID
    assert orders.poll_pending(later + dt.timedelta(minutes=10)) == 0  # nothing pending any more


def test_attempt_never_opened_at_the_provider_fails(
    order_case: Case, start: Callable[..., orders.Started]
) -> None:
    started = start(order_case)
    trade_of(started.payment).delete()  # as if the platform stopped between its two steps
    orders.poll_pending(timezone.now() + dt.timedelta(minutes=10))
    started.payment.refresh_from_db()
    assert started.payment.status == PaymentStatus.FAILED
    assert fresh(started.order).status == OrderStatus.CREATED


def test_refunds_left_unsent_are_sent_by_the_poller(paid_order: Any, people: dict[str, User]) -> None:
    refund, _ = refunds.request_refund(principal_of(people["swj_reviewer"]), paid_order, reason="x")
    assert refunds.poll() == 0
    assert refunds.poll(timezone.now() + dt.timedelta(minutes=6)) == 1
    refund.refresh_from_db()
    assert refund.status == RefundStatus.PROCESSING
    assert refunds.poll(timezone.now() + dt.timedelta(minutes=12)) == 1  # queried: the sandbox is still at it
    assert Refund.objects.get().status == RefundStatus.PROCESSING


def test_staff_record_a_bank_transfer(
    order_case: Case, start: Callable[..., orders.Started], finance: User, people: dict[str, User]
) -> None:
    started = start(order_case, "bank_transfer")
    payment = started.payment
    with pytest.raises(Forbidden):
        orders.record_transfer(
            principal_of(people["samr_reviewer"]), payment, reference="X", amount_cents=TOTAL_CENTS
        )
    with pytest.raises(DomainError) as exc:
        orders.record_transfer(principal_of(finance), payment, reference="BOC1", amount_cents=TOTAL_CENTS - 1)
    assert exc.value.code == "transfer_amount_differs"
    with pytest.raises(DomainError) as future:
        orders.record_transfer(
            principal_of(finance),
            payment,
            reference="BOC1",
            amount_cents=TOTAL_CENTS,
            paid_on=timezone.localdate() + DAY,
        )
    assert future.value.code == "transfer_date_in_future"
    # The front desk's window clerk may record the slip the payer brings in.
    orders.record_transfer(principal_of(people["clerk"]), payment, reference="BOC1", amount_cents=TOTAL_CENTS)
    payment.refresh_from_db()
    assert (payment.status, payment.confirmed_by, payment.transfer_reference) == ("paid", "staff", "BOC1")
    assert payment.recorded_by == people["clerk"]
    assert fresh(started.order).status == OrderStatus.PAID


def test_card_payments_are_not_recorded_by_hand(
    order_case: Case, start: Callable[..., orders.Started], finance: User
) -> None:
    started = start(order_case, "unionpay")
    with pytest.raises(DomainError) as exc:
        orders.record_transfer(
            principal_of(finance), started.payment, reference="X", amount_cents=TOTAL_CENTS
        )
    assert exc.value.code == "not_a_bank_transfer"


def test_periodic_jobs_are_registered() -> None:
    names = {job.name for job in schedule.jobs()}
    assert {
        "payments.poll",
        "payments.expire_orders",
        "payments.reconcile",
        "payments.sandbox_callbacks",
    } <= names


def test_the_worker_delivers_the_callback_and_submits_refunds(
    order_case: Case,
    start: Callable[..., orders.Started],
    applicant: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """With tasks running (on commit, the immediate backend), nothing has to be called by hand."""
    started = start(order_case)
    orders.close_by_payer(applicant, started.order)
    with django_capture_on_commit_callbacks(execute=True):
        pay_at_cashier(started.payment, force=True)  # paid after closed: refunded by the worker
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.SUCCEEDED
    assert not pending_callbacks()
    assert tasks.reconcile_yesterday.call(day=timezone.localdate().isoformat()) == 0
