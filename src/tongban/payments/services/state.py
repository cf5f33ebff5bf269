"""The state machine of orders and payments: what the platform does when it learns a payment's state.

Every source of truth (a callback, a query, the statement, a staff member recording a bank transfer)
ends in :func:`apply_trade`, under the order's row lock, so the result does not depend on how many
messages arrive or in which order:

- A payment moves ``pending → paid | closed | failed``, and ``closed | failed → paid`` (money that
  arrived is real, whatever was said before). Nothing leaves ``paid``; a repeated message changes nothing.
- A paid payment settles its order when the amount is right and the order still takes payment
  (``created``/``paying``): one :class:`Settlement`, one receipt, the order ``paid``. Otherwise (the
  order was closed or expired, another attempt already settled it, or the amount is wrong) the money is
  refunded automatically: never kept, never charged twice.
- The order itself only ends by :func:`close_order` (applicant, staff or expiry) or by settling.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import structlog

from tongban.accounts.principal import Principal
from tongban.cases.services import paying
from tongban.payments import tasks
from tongban.payments.constants import PAYABLE, SETTLED, ConfirmedBy, OrderStatus, PaymentStatus
from tongban.payments.models import FeeOrder, Payment, Settlement
from tongban.payments.providers.base import CreatedPayment, ProviderError, TradeInfo
from tongban.payments.services import receipts, refunds
from tongban.payments.services.common import lock_order, provider_of, record
from tongban.payments.step import case_settled
from tongban.utils.errors import Conflict

log = structlog.get_logger(__name__)


def apply_trade(payment_id: int, info: TradeInfo, *, via: str, principal: Principal | None = None) -> Payment:
    """Bring one payment, and so its order, in line with what the provider (or staff) reports."""
    with transaction.atomic():
        order_id = Payment.objects.values_list("order_id", flat=True).get(pk=payment_id)
        order = lock_order(order_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if info.provider_trade_no and not payment.provider_trade_no:
            payment.provider_trade_no = info.provider_trade_no
            payment.save(update_fields=["provider_trade_no", "updated_at"])
        if info.state == "paid":
            amount = info.amount_cents if info.amount_cents is not None else payment.amount_cents
            _paid(
                order,
                payment,
                amount=amount,
                paid_at=info.paid_at,
                via=via,
                principal=principal,
                ref=info.reference,
            )
        elif info.state == "closed":
            _closed(order, payment, principal=principal)
    return payment


def _paid(
    order: FeeOrder,
    payment: Payment,
    *,
    amount: int,
    paid_at: dt.datetime | None,
    via: str,
    principal: Principal | None,
    ref: str,
) -> None:
    if payment.status == PaymentStatus.PAID:
        return  # already known: a duplicate, or a second source saying the same
    before = payment.status
    payment.status = PaymentStatus.PAID
    payment.paid_amount_cents = amount
    payment.paid_at = paid_at or timezone.now()
    payment.confirmed_by = via
    payment.transfer_reference = payment.transfer_reference or ref[:64]
    if via == ConfirmedBy.STAFF and principal is not None:
        payment.recorded_by = principal.user
    payment.save()
    record(
        "payment.paid",
        payment,
        principal,
        order=order.order_no,
        amount_cents=amount,
        via=via,
        before=before,
    )
    if amount != payment.amount_cents:
        reason = "amount_differs"
    elif order.status in PAYABLE:
        settle(order, payment)
        return
    elif order.status in SETTLED:
        reason = "order_already_paid"
    else:
        reason = "order_not_payable"  # closed or expired before the money came
    log.warning("payment_not_accepted", order=order.order_no, payment=payment.out_trade_no, reason=reason)
    refunds.open_automatic(order, payment, reason)
    relax(order)


def settle(order: FeeOrder, payment: Payment) -> Settlement:
    """Take the order's money from this payment: the one settlement (the database refuses a second)."""
    settlement = Settlement.objects.create(
        order=order, payment=payment, amount_cents=payment.amount_cents, settled_at=timezone.now()
    )
    order.status, order.paid_at = OrderStatus.PAID, payment.paid_at
    order.save(update_fields=["status", "paid_at", "updated_at"])
    receipts.issue(order, payment)
    record(
        "payment.settled",
        order,
        order=order.order_no,
        payment=payment.out_trade_no,
        amount_cents=payment.amount_cents,
    )
    case_settled(order)
    if order.payments.filter(status=PaymentStatus.PENDING).exists():
        # Other open attempts must not take the money a second time: close them at the provider.
        transaction.on_commit(partial(tasks.close_attempts.enqueue, order.pk))
    return settlement


def settle_free(order: FeeOrder, principal: Principal | None = None) -> Settlement:
    """An order whose fees are all waived (or zero) is settled with nothing to pay and no receipt."""
    settlement = Settlement.objects.create(
        order=order, payment=None, amount_cents=0, settled_at=timezone.now()
    )
    order.status, order.paid_at = OrderStatus.PAID, settlement.settled_at
    order.save(update_fields=["status", "paid_at", "updated_at"])
    record("payment.settled", order, principal, order=order.order_no, amount_cents=0, free=True)
    case_settled(order)
    return settlement


def _closed(order: FeeOrder, payment: Payment, *, principal: Principal | None) -> None:
    if payment.status != PaymentStatus.PENDING:
        return  # a paid payment stays paid; a closed one stays closed
    payment.status, payment.closed_at = PaymentStatus.CLOSED, timezone.now()
    payment.save(update_fields=["status", "closed_at", "updated_at"])
    record("payment.closed", payment, principal, order=order.order_no)
    relax(order)


def relax(order: FeeOrder) -> None:
    """An order whose attempts have all ended waits for a new one (``paying`` → ``created``)."""
    if (
        order.status == OrderStatus.PAYING
        and not order.payments.filter(status=PaymentStatus.PENDING).exists()
    ):
        order.status = OrderStatus.CREATED
        order.save(update_fields=["status", "updated_at"])


def record_created(payment_id: int, created: CreatedPayment) -> Payment:
    """Store the provider's answer to a new attempt. It may come after the payment's callback (the payer
    was quick, or the answer slow): it fills in what is missing and never moves the status back."""
    with transaction.atomic():
        order = lock_order(Payment.objects.values_list("order_id", flat=True).get(pk=payment_id))
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        payment.provider_trade_no = payment.provider_trade_no or created.provider_trade_no
        payment.pay_url = payment.pay_url or created.pay_url[:500]
        payment.qr_payload = payment.qr_payload or created.qr_payload[:500]
        payment.instructions = payment.instructions or created.instructions
        payment.save()
        if payment.status == PaymentStatus.PENDING and order.status == OrderStatus.CREATED:
            order.status = OrderStatus.PAYING
            order.save(update_fields=["status", "updated_at"])
    return payment


def mark_failed(payment_id: int, error: str) -> None:
    with transaction.atomic():
        order = lock_order(Payment.objects.values_list("order_id", flat=True).get(pk=payment_id))
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        payment.last_error = error[:300]
        if payment.status == PaymentStatus.PENDING:
            payment.status = PaymentStatus.FAILED
            record("payment.failed", payment, order=order.order_no)
        payment.save()
        relax(order)


def sync(payment: Payment, *, close: bool = False) -> TradeInfo | None:
    """Ask the provider about one attempt (closing it first when ``close``) and apply the answer."""
    provider = provider_of(payment)
    try:
        info = provider.close(payment.out_trade_no) if close else provider.query(payment.out_trade_no)
    except ProviderError as exc:
        Payment.objects.filter(pk=payment.pk).update(last_error=str(exc)[:300])
        log.warning("payment_provider_error", payment=payment.out_trade_no, error=str(exc)[:200])
        return None
    Payment.objects.filter(pk=payment.pk).update(last_queried_at=timezone.now(), queries=F("queries") + 1)
    if info.state == "not_found":
        # The provider never opened this trade (the platform stopped between its two steps). Callers ask
        # only about attempts older than the query delay, or that are being closed.
        mark_failed(payment.pk, "trade not found at the provider")
        return info
    apply_trade(payment.pk, info, via=ConfirmedBy.QUERY)
    return info


def close_pending_attempts(order: FeeOrder) -> None:
    """Close the order's open attempts at their providers; one that turns out paid is applied as paid."""
    for payment in order.payments.filter(status=PaymentStatus.PENDING):
        sync(payment, close=True)


def close_order(
    order_id: int, *, principal: Principal | None, reason: str, expired: bool = False
) -> FeeOrder:
    """End an unpaid order (closed by a person, or expired). A payment that still arrives afterwards is
    refunded automatically. Closing twice is harmless; closing a paid order is refused."""
    order = FeeOrder.objects.get(pk=order_id)
    if order.status in PAYABLE:
        close_pending_attempts(order)
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status in (OrderStatus.CLOSED, OrderStatus.EXPIRED):
            return order
        if order.status in SETTLED:
            raise Conflict("order_already_paid", _("This order has been paid."))
        # Attempts the provider could not close stay open there; if they are paid, that money is refunded.
        order.payments.filter(status=PaymentStatus.PENDING).update(
            status=PaymentStatus.CLOSED, closed_at=timezone.now(), last_error="closed with its order"
        )
        order.status = OrderStatus.EXPIRED if expired else OrderStatus.CLOSED
        order.closed_at, order.close_reason = timezone.now(), reason[:200]
        order.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])
        record(
            "payment.order_expired" if expired else "payment.order_closed",
            order,
            principal,
            order=order.order_no,
        )
        if expired:
            paying.order_expired(order.case, order_no=order.order_no)
    return order
