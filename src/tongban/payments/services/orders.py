"""Paying a case: the order (one at a time per case), payment attempts, bank transfers, expiry, polling.

Starting a payment runs in three steps so that no provider call holds a database lock:

1. (transaction, case row locked) find or make the order, find the attempt for this ``Idempotency-Key``
   or make a new one (status ``pending``, its ``out_trade_no`` fixed);
2. ask the provider to open the trade (idempotent there on ``out_trade_no``, so a retry is safe);
3. (transaction) store the provider's answer, never moving the status back: the payment's callback may
   already have arrived between 1 and 3.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import structlog

from tongban.accounts.principal import Principal
from tongban.cases.constants import CaseStatus
from tongban.cases.models import Case
from tongban.payments import policies
from tongban.payments.constants import PAYABLE, SETTLED, Channel, ConfirmedBy, PaymentStatus
from tongban.payments.models import FeeOrder, Payment
from tongban.payments.models.orders import LIVE
from tongban.payments.providers.base import PaymentRequest, ProviderError, TradeInfo
from tongban.payments.providers.registry import providers
from tongban.payments.services import fees, state
from tongban.payments.services.common import (
    ProviderUnavailable,
    notify_url,
    provider_of,
    query_after,
    record,
    return_url,
)
from tongban.utils import authz
from tongban.utils.errors import Conflict, DomainError, Forbidden, NotFound

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Started:
    order: FeeOrder
    payment: Payment
    replay: bool  # the same request was answered before (same key, or the same open attempt)


def live_order(case: Case) -> FeeOrder | None:
    return FeeOrder.objects.filter(case=case, status__in=LIVE).first()


def _require_payer(principal: Principal, case: Case) -> None:
    if not authz.can_see(principal, case):
        raise NotFound()
    if not policies.may_pay(principal, case):
        raise Forbidden("payment_not_allowed", _("You may not pay fees for this case."))


def _expire_if_due(case: Case) -> None:
    order = live_order(case)
    if order is not None and order.status in PAYABLE and order.expires_at <= timezone.now():
        with contextlib.suppress(Conflict):  # it turned out paid while closing
            state.close_order(order.pk, principal=None, reason="expired", expired=True)


def open_order(principal: Principal, case: Case) -> FeeOrder:
    """The case's live order, made now from its fees if it has none (the applicant or its staff)."""
    if principal.is_staff_member:
        if not authz.can_see(principal, case):
            raise NotFound()
    else:
        _require_payer(principal, case)
    return _ensure_order(principal, case)


def _ensure_order(principal: Principal, case: Case) -> FeeOrder:
    _expire_if_due(case)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        return live_order(case) or _new_order(case, principal)


def _new_order(case: Case, principal: Principal) -> FeeOrder:
    """Orders are made at the case's paying step (after the departments' decisions), never before."""
    if case.status != CaseStatus.PAYING:
        if not fees.draft_lines(case):
            raise DomainError("case_has_no_fees", _("This case has no fees to pay."))
        raise Conflict(
            "case_not_awaiting_payment",
            _("Fees are paid once the departments have decided; this case is not waiting for payment."),
        )
    return fees.build_order(case, principal)


def _by_key(case: Case, key: str) -> Payment | None:
    return Payment.objects.filter(order__case=case, idempotency_key=key).first() if key else None


def start_payment(principal: Principal, case: Case, *, channel: str, idempotency_key: str = "") -> Started:
    """Pay the case's order through ``channel``; the same key returns the same order and attempt."""
    _require_payer(principal, case)
    if channel not in providers.channels():
        raise DomainError("channel_unavailable", _("This payment method is not available."), field="channel")
    key = (idempotency_key or "").strip()[:100]
    if _by_key(case, key) is None:
        # The order is stored on its own first: a refusal of the attempt below (a fee still to assess,
        # nothing to pay) must not undo it, since staff work on the order.
        _ensure_order(principal, case)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)  # one new attempt per case at a time
        payment = _by_key(case, key)
        replay = payment is not None
        if payment is None:
            order = live_order(case) or _new_order(case, principal)
            payment, replay = _attempt(principal, order, channel, key)
        elif payment.channel != channel:
            raise Conflict(
                "idempotency_key_reused", _("This Idempotency-Key was used for another payment method.")
            )
    if payment.status == PaymentStatus.PENDING and not (payment.pay_url or payment.instructions):
        _create_at_provider(payment)
    payment.refresh_from_db()
    return Started(order=FeeOrder.objects.get(pk=payment.order_id), payment=payment, replay=replay)


def _attempt(principal: Principal, order: FeeOrder, channel: str, key: str) -> tuple[Payment, bool]:
    if order.status in SETTLED:
        code = "order_already_paid" if order.total_cents else "nothing_to_pay"
        raise Conflict(code, _("This order has been paid.") if order.total_cents else _("Nothing to pay."))
    if fees.unassessed(order):
        raise DomainError(
            "fees_not_assessed",
            _("A department has still to assess the amount of a fee. Please come back later."),
        )
    provider = providers.for_channel(channel)
    assert provider is not None  # checked against providers.channels() by the caller
    if not key:
        # A second click (no key): the open attempt of this method is the answer.
        open_attempt = (
            order.payments.filter(status=PaymentStatus.PENDING, channel=channel, provider=provider.identifier)
            .order_by("-seq")
            .first()
        )
        if open_attempt is not None:
            return open_attempt, True
    seq = (order.payments.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    payment = Payment.objects.create(
        order=order,
        seq=seq,
        out_trade_no=f"{order.order_no}P{seq:02d}",
        provider=provider.identifier,
        channel=channel,
        amount_cents=order.total_cents,
        idempotency_key=key,
        created_by=principal.user,
    )
    record(
        "payment.attempt_created",
        payment,
        principal,
        order=order.order_no,
        channel=channel,
        provider=provider.identifier,
        amount_cents=payment.amount_cents,
    )
    return payment, False


def _create_at_provider(payment: Payment) -> None:
    order = payment.order
    case = order.case
    request = PaymentRequest(
        out_trade_no=payment.out_trade_no,
        amount_cents=payment.amount_cents,
        subject=f"{case.target_name} {case.case_no or ''}".strip()[:120],
        channel=payment.channel,
        expires_at=order.expires_at,
        return_url=return_url(order),
        notify_url=notify_url(payment.provider),
    )
    try:
        created = provider_of(payment).create_payment(request)
    except ProviderError as exc:
        log.warning("payment_create_failed", payment=payment.out_trade_no, permanent=exc.permanent)
        if exc.permanent:
            state.mark_failed(payment.pk, str(exc))
        else:
            Payment.objects.filter(pk=payment.pk).update(last_error=str(exc)[:300])
        raise ProviderUnavailable(
            "payment_provider_unavailable", _("The payment service did not answer. Please try again.")
        ) from None
    state.record_created(payment.pk, created)


def close_by_payer(principal: Principal, order: FeeOrder, *, reason: str = "") -> FeeOrder:
    """The applicant (or finance) closes an unpaid order, e.g. to start again after a waiver."""
    authz.authorize(principal, "close", order)
    return state.close_order(order.pk, principal=principal, reason=reason or "closed by request")


def record_transfer(
    principal: Principal,
    payment: Payment,
    *,
    reference: str,
    amount_cents: int,
    paid_on: dt.date | None = None,
) -> Payment:
    """对公转账: staff record a bank transfer that reached the account (from the bank slip or statement)."""
    authz.authorize(principal, "record_transfer", payment.order)
    if payment.channel != Channel.BANK_TRANSFER:
        raise DomainError("not_a_bank_transfer", _("Only bank transfers are recorded by hand."))
    reference = (reference or "").strip()
    if not reference:
        raise DomainError("transfer_reference_required", _("Give the bank's reference."), field="reference")
    if amount_cents != payment.amount_cents:
        raise DomainError(
            "transfer_amount_differs",
            _("The transfer must be exactly the amount due."),
            field="amount_cents",
            due_cents=payment.amount_cents,
        )
    today = timezone.localdate()
    paid_on = paid_on or today
    if paid_on > today:
        raise DomainError(
            "transfer_date_in_future", _("The transfer date is in the future."), field="paid_on"
        )
    if Payment.objects.filter(transfer_reference=reference).exclude(pk=payment.pk).exists():
        raise Conflict("transfer_reference_used", _("This bank reference is recorded for another payment."))
    paid_at = (
        timezone.now() if paid_on == today else timezone.make_aware(dt.datetime.combine(paid_on, dt.time(12)))
    )
    info = TradeInfo(
        out_trade_no=payment.out_trade_no,
        state="paid",
        amount_cents=amount_cents,
        paid_at=paid_at,
        reference=reference,
    )
    return state.apply_trade(payment.pk, info, via=ConfirmedBy.STAFF, principal=principal)


# --- worker ----------------------------------------------------------------------------------------
def expire_due(now: dt.datetime | None = None) -> int:
    """Close unpaid orders past their time (after asking the providers about their open attempts)."""
    now = now or timezone.now()
    expired = 0
    for order_id in FeeOrder.objects.filter(status__in=PAYABLE, expires_at__lte=now).values_list(
        "pk", flat=True
    ):
        try:
            order = state.close_order(order_id, principal=None, reason="expired", expired=True)
        except Conflict:
            continue  # paid after all
        expired += order.status == "expired"
    return expired


def poll_pending(now: dt.datetime | None = None) -> int:
    """Ask the providers about attempts open for a while without a callback (a lost notification)."""
    now = now or timezone.now()
    cutoff = now - query_after()
    stale = Payment.objects.filter(status=PaymentStatus.PENDING, created_at__lte=cutoff).exclude(
        channel=Channel.BANK_TRANSFER  # banks send nothing and answer no queries: staff or the statement
    )
    stale = stale.exclude(last_queried_at__gt=cutoff)
    count = 0
    for payment in stale.select_related("order"):
        state.sync(payment)
        count += 1
    return count


def close_attempts(order_id: int) -> None:
    """After settling: close the order's other open attempts so they cannot take money too."""
    order = FeeOrder.objects.get(pk=order_id)
    state.close_pending_attempts(order)
