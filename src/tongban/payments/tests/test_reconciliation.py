"""Daily reconciliation: each kind of mismatch, bank transfers paid by the statement, audited resolution."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

import pytest

from tongban.accounts.models import User
from tongban.audits.models import AuditEvent
from tongban.cases.models import Case
from tongban.payments.constants import ConfirmedBy, MismatchStatus, OrderStatus, PaymentStatus
from tongban.payments.models import FeeOrder, Mismatch, Payment, SandboxRefund, SandboxTrade
from tongban.payments.providers import sandbox
from tongban.payments.services import orders, reconciliation, refunds
from tongban.payments.tests.conftest import (
    TOTAL_CENTS,
    deliver,
    fresh,
    pay_at_cashier,
    pending_callbacks,
    principal_of,
    trade_of,
)
from tongban.utils.errors import Conflict, DomainError, NotFound

pytestmark = pytest.mark.django_db


def _run(finance: User | None = None) -> Any:
    return reconciliation.reconcile(
        "sandbox", timezone.localdate(), principal=principal_of(finance) if finance else None
    )


def _causes(run: Any) -> set[tuple[str, str, str]]:
    return set(run.mismatches.filter(status=MismatchStatus.OPEN).values_list("kind", "cause", "reference"))


def test_a_clean_day_matches_payments_and_refunds(paid_order: FeeOrder, people: dict[str, User]) -> None:
    refund, _ = refunds.request_refund(
        principal_of(people["swj_reviewer"]), paid_order, reason="撤回", idempotency_key="r"
    )
    refunds.submit(refund.pk)
    deliver()
    run = _run()
    assert (run.status, run.statement_lines, run.matched, run.open_mismatches) == ("done", 2, 2, 0)
    assert AuditEvent.objects.filter(event="payment.reconciled").exists()


def test_each_cause_is_listed(
    paid_order: FeeOrder, order_case: Case, people: dict[str, User], start: Any
) -> None:
    payment = paid_order.payments.get()
    # amount_differs: the provider's books show another amount for a settled payment.
    SandboxTrade.objects.filter(out_trade_no=payment.out_trade_no).update(amount_cents=TOTAL_CENTS + 1)
    # missing_on_platform: money the platform knows nothing about.
    SandboxTrade.objects.create(
        trade_no="SBXSTRAY",
        out_trade_no="TB20260101STRAY0000P01",
        channel="wechat",
        amount_cents=99,
        subject="?",
        state="SUCCESS",
        cashier_token="stray",
        expires_at=timezone.now(),
        created_at=timezone.now(),
        paid_at=timezone.now(),
    )
    # missing_at_provider (refund): the platform counts a refund the provider reports as failed.
    refund, _ = refunds.request_refund(principal_of(people["swj_reviewer"]), paid_order, reason="x")
    refunds.submit(refund.pk)
    deliver()
    SandboxRefund.objects.filter(out_refund_no=refund.out_refund_no).update(state="ABNORMAL")
    run = _run()
    assert _causes(run) == {
        ("payment", "amount_differs", payment.out_trade_no),
        ("payment", "missing_on_platform", "TB20260101STRAY0000P01"),
        ("refund", "missing_at_provider", refund.out_refund_no),
    }
    amount = run.mismatches.get(cause="amount_differs")
    assert (amount.platform_amount_cents, amount.provider_amount_cents) == (TOTAL_CENTS, TOTAL_CENTS + 1)


def test_payment_missing_at_the_provider(paid_order: FeeOrder) -> None:
    payment = paid_order.payments.get()
    SandboxTrade.objects.filter(out_trade_no=payment.out_trade_no).update(state="NOTPAY", paid_at=None)
    assert _causes(_run()) == {("payment", "missing_at_provider", payment.out_trade_no)}


def test_lost_callback_shows_as_status_differs_and_is_resolved_by_finance(
    order_case: Case, start: Callable[..., orders.Started], finance: User, people: dict[str, User]
) -> None:
    started = start(order_case)
    pay_at_cashier(started.payment)
    pending_callbacks()[0].delete()  # the notification is lost for good
    run = _run()
    mismatch = run.mismatches.get()
    assert (mismatch.cause, mismatch.platform_status, mismatch.provider_status) == (
        "status_differs",
        "pending",
        "paid",
    )
    with pytest.raises(NotFound):  # only finance even knows about mismatches
        reconciliation.resolve(
            principal_of(people["samr_chief"]), mismatch, action="apply_provider", note="x"
        )
    with pytest.raises(DomainError) as exc:
        reconciliation.resolve(principal_of(finance), mismatch, action="apply_provider", note=" ")
    assert exc.value.code == "mismatch_note_required"
    resolved = reconciliation.resolve(
        principal_of(finance), mismatch, action="apply_provider", note="查询支付平台确认已支付"
    )
    assert (resolved.status, resolved.action, resolved.resolved_by) == ("resolved", "apply_provider", finance)
    payment = Payment.objects.get(pk=started.payment.pk)
    assert (payment.status, payment.confirmed_by) == (PaymentStatus.PAID, ConfirmedBy.RECONCILIATION)
    assert fresh(started.order).status == OrderStatus.PAID
    run.refresh_from_db()
    assert run.open_mismatches == 0
    event = AuditEvent.objects.get(event="payment.mismatch_resolved")
    assert event.actor_id == finance.pk and event.summary["action"] == "apply_provider"
    with pytest.raises(Conflict):
        reconciliation.resolve(principal_of(finance), mismatch, action="explained", note="again")
    # Run again: nothing is found any more, the resolved one stays as it was.
    assert _run().open_mismatches == 0
    assert Mismatch.objects.get().action == "apply_provider"


def test_explained_mismatch_and_rerun_clears_what_is_gone(paid_order: FeeOrder, finance: User) -> None:
    payment = paid_order.payments.get()
    trade = SandboxTrade.objects.filter(out_trade_no=payment.out_trade_no)
    trade.update(amount_cents=1)
    assert _run().open_mismatches == 1
    trade.update(amount_cents=TOTAL_CENTS)  # the provider corrected its statement
    run = _run()
    assert run.open_mismatches == 0 and run.runs == 2
    cleared = Mismatch.objects.get()
    assert (cleared.status, cleared.action) == ("resolved", "cleared")
    with pytest.raises(DomainError) as exc:
        reconciliation.resolve(principal_of(finance), cleared, action="teleport", note="x")
    assert exc.value.code == "mismatch_action_invalid"


def test_missing_on_platform_can_only_be_explained(paid_order: FeeOrder, finance: User) -> None:
    SandboxTrade.objects.create(
        trade_no="SBXSTRAY2",
        out_trade_no="TB20260101STRAY0001P01",
        channel="alipay",
        amount_cents=5,
        subject="?",
        state="SUCCESS",
        cashier_token="stray2",
        expires_at=timezone.now(),
        created_at=timezone.now(),
        paid_at=timezone.now(),
    )
    mismatch = _run().mismatches.get()
    with pytest.raises(DomainError) as exc:
        reconciliation.resolve(principal_of(finance), mismatch, action="apply_provider", note="x")
    assert exc.value.code == "mismatch_action_unavailable"
    done = reconciliation.resolve(
        principal_of(finance), mismatch, action="explained", note="测试交易，已由支付平台退回"
    )
    assert done.status == "resolved"


def test_bank_transfer_is_paid_by_the_statement(
    order_case: Case, start: Callable[..., orders.Started]
) -> None:
    started = start(order_case, "bank_transfer")
    payment = started.payment
    assert payment.pay_url == "" and payment.instructions["remittance_code"] == payment.out_trade_no
    assert payment.instructions["amount_cents"] == TOTAL_CENTS
    sandbox.arrive_transfer(trade_of(payment), "BOC20261127001")
    assert not pending_callbacks()  # banks send no notification
    orders.poll_pending(timezone.now() + dt.timedelta(hours=1))
    assert fresh(started.order).status == OrderStatus.PAYING  # nor are they polled
    run = _run()
    assert (run.matched, run.open_mismatches) == (1, 0)
    payment.refresh_from_db()
    assert (payment.status, payment.confirmed_by) == (PaymentStatus.PAID, ConfirmedBy.STATEMENT)
    assert fresh(started.order).status == OrderStatus.PAID


def test_failed_statement_is_recorded(paid_order: FeeOrder, monkeypatch: pytest.MonkeyPatch) -> None:
    from tongban.payments.providers.base import ProviderError
    from tongban.payments.providers.sandbox import SandboxProvider

    def down(self: Any, day: Any) -> Any:
        raise ProviderError("statement not ready")

    monkeypatch.setattr(SandboxProvider, "statement", down)
    run = _run()
    assert (run.status, run.error) == ("failed", "statement not ready")
