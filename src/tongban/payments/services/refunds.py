"""Refunds: full or partial, never above what is refundable, idempotent by key, sent by the worker.

What is refundable is counted under the order's row lock from the refunds that hold money (requested,
processing or succeeded; a failed one releases its amount), so two refunds asked at the same moment can
never add up to more than was paid. A requested refund comes back from one department's line (each
department's income stays separate) and is capped by that line too. Automatic refunds return payments
the platform did not accept (late, duplicate or of a wrong amount) and are never income.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import structlog

from tongban.accounts.principal import Principal
from tongban.cases.services import paying
from tongban.payments import policies, tasks
from tongban.payments.constants import (
    REFUND_HOLDS,
    SETTLED,
    OrderStatus,
    RefundKind,
    RefundStatus,
)
from tongban.payments.models import FeeOrder, OrderLine, Payment, Refund
from tongban.payments.providers.base import ProviderError, RefundInfo, RefundRequest
from tongban.payments.services.common import lock_order, provider_of, query_after, record
from tongban.utils import authz
from tongban.utils.errors import Conflict, DomainError, Forbidden

log = structlog.get_logger(__name__)

MAX_SUBMISSIONS = 5


def _refund_no(order: FeeOrder) -> str:
    return f"{order.order_no}R{Refund.objects.filter(order=order).count() + 1:02d}"


def _held(**lookup: object) -> int:
    total = Refund.objects.filter(status__in=REFUND_HOLDS, **lookup).aggregate(s=Sum("amount_cents"))["s"]
    return int(total or 0)


def refundable(order: FeeOrder, line: OrderLine | None = None) -> int:
    """Fen that may still be refunded from the order (and from ``line``, when given)."""
    if order.status not in SETTLED:
        return 0
    settled = order.settlement.amount_cents
    available = settled - _held(order=order, kind=RefundKind.REQUESTED)
    if line is not None:
        available = min(available, line.amount_cents - _held(line=line))
    return max(available, 0)


def _enqueue_submit(refund: Refund) -> None:
    transaction.on_commit(partial(tasks.submit_refund.enqueue, refund.pk))


def open_automatic(order: FeeOrder, payment: Payment, reason: str) -> Refund:
    """Return a payment the platform did not accept (call under the order's lock). One per payment."""
    existing = Refund.objects.filter(payment=payment, kind=RefundKind.AUTOMATIC).first()
    if existing is not None:
        return existing
    refund = Refund.objects.create(
        out_refund_no=_refund_no(order),
        order=order,
        payment=payment,
        kind=RefundKind.AUTOMATIC,
        amount_cents=payment.paid_amount_cents or payment.amount_cents,
        reason=reason,
    )
    record(
        "payment.refund_requested",
        refund,
        order=order.order_no,
        payment=payment.out_trade_no,
        amount_cents=refund.amount_cents,
        kind=RefundKind.AUTOMATIC,
        reason=reason,
    )
    _enqueue_submit(refund)
    return refund


def _line_for(principal: Principal, order: FeeOrder, department: str) -> OrderLine:
    lines = list(order.lines.select_related("department"))
    if not policies.is_finance(principal):
        own = principal.department_id
        mine = next((line for line in lines if line.department_id == own), None)
        if mine is None or (department and mine.department.slug != department):
            raise Forbidden("refund_other_department", _("You may refund only your own department's fees."))
        return mine
    if department:
        chosen = next((line for line in lines if line.department.slug == department), None)
        if chosen is None:
            raise DomainError(
                "refund_department_unknown",
                _("This order has no fees of that department."),
                field="department",
            )
        return chosen
    if len(lines) != 1:
        raise DomainError(
            "refund_department_required",
            _("Choose the department whose fees are refunded."),
            field="department",
        )
    return lines[0]


def request_refund(
    principal: Principal,
    order: FeeOrder,
    *,
    reason: str,
    amount_cents: int | None = None,
    department: str = "",
    idempotency_key: str = "",
) -> tuple[Refund, bool]:
    """Ask for a refund (all that is refundable when ``amount_cents`` is None). Returns the refund and
    whether it is a repeat of an earlier request with the same key."""
    authz.authorize(principal, "refund", order)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("refund_reason_required", _("Say why the money is refunded."), field="reason")
    if amount_cents is not None and (isinstance(amount_cents, bool) or amount_cents < 1):
        raise DomainError("refund_amount_invalid", _("Refund at least one fen."), field="amount_cents")
    key = (idempotency_key or "").strip()[:100]
    with transaction.atomic():
        order = lock_order(order.pk)
        if key:
            existing = Refund.objects.filter(order=order, idempotency_key=key).first()
            if existing is not None:
                if amount_cents is not None and existing.amount_cents != amount_cents:
                    raise Conflict(
                        "idempotency_key_reused", _("This Idempotency-Key was used for another refund.")
                    )
                return existing, True
        if order.status not in SETTLED:
            raise Conflict("order_not_paid", _("Only a paid order can be refunded."))
        payment = order.settlement.payment
        if payment is None:
            raise Conflict("nothing_to_refund", _("Nothing was paid for this order."))
        line = _line_for(principal, order, department.strip())
        available = refundable(order, line)
        if available <= 0:
            raise Conflict("nothing_to_refund", _("Everything paid has been refunded already."))
        amount = available if amount_cents is None else amount_cents
        if amount > available:
            raise DomainError(
                "refund_exceeds_refundable",
                _("At most %(amount)s fen can be refunded.") % {"amount": available},
                field="amount_cents",
                refundable_cents=available,
            )
        refund = Refund.objects.create(
            out_refund_no=_refund_no(order),
            order=order,
            payment=payment,
            line=line,
            kind=RefundKind.REQUESTED,
            amount_cents=amount,
            reason=reason[:300],
            idempotency_key=key,
            requested_by=principal.user,
        )
        record(
            "payment.refund_requested",
            refund,
            principal,
            order=order.order_no,
            department=line.department_id,
            amount_cents=amount,
            kind=RefundKind.REQUESTED,
        )
        _enqueue_submit(refund)
    return refund, False


def submit(refund_id: int) -> str:
    """Send a requested refund to the provider (idempotent there by ``out_refund_no``)."""
    refund = Refund.objects.select_related("payment", "order").get(pk=refund_id)
    if refund.status != RefundStatus.REQUESTED:
        return refund.status
    Refund.objects.filter(pk=refund.pk).update(attempts=F("attempts") + 1, submitted_at=timezone.now())
    request = RefundRequest(
        out_refund_no=refund.out_refund_no,
        out_trade_no=refund.payment.out_trade_no,
        provider_trade_no=refund.payment.provider_trade_no,
        amount_cents=refund.amount_cents,
        total_cents=refund.payment.paid_amount_cents or refund.payment.amount_cents,
        reason=refund.reason,
    )
    try:
        info = provider_of(refund.payment).refund(request)
    except ProviderError as exc:
        give_up = exc.permanent or refund.attempts + 1 >= MAX_SUBMISSIONS
        Refund.objects.filter(pk=refund.pk).update(last_error=str(exc)[:300])
        log.warning("refund_submit_failed", refund=refund.out_refund_no, permanent=exc.permanent)
        if give_up:
            apply_refund_info(refund.pk, RefundInfo(out_refund_no=refund.out_refund_no, state="failed"))
        return RefundStatus.FAILED if give_up else RefundStatus.REQUESTED
    return apply_refund_info(refund.pk, info).status


def apply_refund_info(refund_id: int, info: RefundInfo) -> Refund:
    """Apply what the provider says about a refund, in any order and any number of times."""
    with transaction.atomic():
        order = lock_order(Refund.objects.values_list("order_id", flat=True).get(pk=refund_id))
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        refund.provider_refund_id = refund.provider_refund_id or info.provider_refund_id
        if info.state == "processing" and refund.status == RefundStatus.REQUESTED:
            refund.status = RefundStatus.PROCESSING
            record("payment.refund_submitted", refund, order=order.order_no, amount_cents=refund.amount_cents)
        elif info.state == "succeeded" and refund.status != RefundStatus.SUCCEEDED:
            # Also after "failed": the provider's word on money that left wins.
            refund.status, refund.finished_at = RefundStatus.SUCCEEDED, info.finished_at or timezone.now()
            _count_refunded(order, refund)
            record("payment.refunded", refund, order=order.order_no, amount_cents=refund.amount_cents)
            paying.refunded(
                order.case,
                order_no=order.order_no,
                refund_no=refund.out_refund_no,
                amount_cents=refund.amount_cents,
                at=refund.finished_at,
            )
        elif info.state == "failed" and refund.status in (RefundStatus.REQUESTED, RefundStatus.PROCESSING):
            refund.status, refund.finished_at = RefundStatus.FAILED, timezone.now()
            record("payment.refund_failed", refund, order=order.order_no, amount_cents=refund.amount_cents)
        refund.save()
    return refund


def _count_refunded(order: FeeOrder, refund: Refund) -> None:
    if refund.kind != RefundKind.REQUESTED or refund.line_id is None:
        return  # automatic refunds return money that was never the order's income
    OrderLine.objects.filter(pk=refund.line_id).update(
        refunded_cents=F("refunded_cents") + refund.amount_cents
    )
    order.refunded_cents += refund.amount_cents
    order.status = (
        OrderStatus.REFUNDED if order.refunded_cents >= order.total_cents else OrderStatus.PARTIALLY_REFUNDED
    )
    order.save(update_fields=["refunded_cents", "status", "updated_at"])


def poll(now: dt.datetime | None = None) -> int:
    """Resend refunds still waiting to be sent and ask about those the provider is slow with."""
    now = now or timezone.now()
    cutoff = now - query_after()
    stale = list(
        Refund.objects.select_related("payment").filter(
            status=RefundStatus.PROCESSING, submitted_at__lte=cutoff
        )
    )
    done = 0
    for refund in Refund.objects.filter(status=RefundStatus.REQUESTED, requested_at__lte=cutoff):
        submit(refund.pk)
        done += 1
    for refund in stale:
        try:
            info = provider_of(refund.payment).query_refund(refund.out_refund_no)
        except ProviderError as exc:
            Refund.objects.filter(pk=refund.pk).update(last_error=str(exc)[:300])
            continue
        if info.state != "not_found":
            apply_refund_info(refund.pk, info)
            done += 1
    return done
