"""Orders, payments, refunds and mismatches as plain dicts: the API's output and the pages' context."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tongban.payments.constants import CURRENCY, OrderStatus
from tongban.payments.models import FeeOrder, Mismatch, OrderFee, OrderLine, Payment, Receipt, Refund
from tongban.payments.services import refunds as refund_service
from tongban.utils.money import fen as fen


def fee_out(fee: OrderFee) -> dict[str, Any]:
    return {
        "id": fee.pk,
        "name": fee.name,
        "standard": fee.standard,
        "basis": fee.basis,
        "amount_cents": fee.amount_cents,
        "assessed": fee.amount_cents is not None,
        # Charged by rate (no fixed amount in the catalogue): its department assesses it (核定).
        "assessable": fee.fee_item.amount_cents is None,
        "waivable": fee.waivable,
        "waived": fee.waived,
        "waiver_reason": fee.waiver_reason,
        "item_code": fee.case_item.item_code,
    }


def line_out(line: OrderLine) -> dict[str, Any]:
    return {
        "department": line.department.slug,
        "department_name": line.department.name,
        "gross_cents": line.gross_cents,
        "waived_cents": line.waived_cents,
        "amount_cents": line.amount_cents,
        "refunded_cents": line.refunded_cents,
        "fees": [fee_out(f) for f in line.fees.all()],
    }


def payment_out(payment: Payment) -> dict[str, Any]:
    return {
        "out_trade_no": payment.out_trade_no,
        "provider": payment.provider,
        "channel": payment.channel,
        "status": payment.status,
        "amount_cents": payment.amount_cents,
        "pay_url": payment.pay_url,
        "qr_payload": payment.qr_payload,
        "instructions": payment.instructions,
        "paid_at": payment.paid_at,
        "confirmed_by": payment.confirmed_by,
        "created_at": payment.created_at,
    }


def refund_out(refund: Refund) -> dict[str, Any]:
    return {
        "id": str(refund.uid),
        "out_refund_no": refund.out_refund_no,
        "order_id": str(refund.order.uid),
        "order_no": refund.order.order_no,
        "kind": refund.kind,
        "status": refund.status,
        "amount_cents": refund.amount_cents,
        "department": refund.line.department.slug if refund.line is not None else None,
        "reason": refund.reason,
        "provider_refund_id": refund.provider_refund_id,
        "requested_at": refund.requested_at,
        "finished_at": refund.finished_at,
    }


def receipt_out(receipt: Receipt | None) -> dict[str, Any] | None:
    if receipt is None:
        return None
    return {
        "number": receipt.number,
        "amount_cents": receipt.amount_cents,
        "issued_at": receipt.issued_at,
        "url": reverse("payments:receipt", args=[receipt.number]),
    }


def order_summary(order: FeeOrder) -> dict[str, Any]:
    return {
        "id": str(order.uid),
        "order_no": order.order_no,
        "case_no": order.case.case_no or "",
        "status": order.status,
        "status_label": str(OrderStatus(order.status).label),
        "currency": CURRENCY,
        "gross_cents": order.gross_cents,
        "waived_cents": order.waived_cents,
        "total_cents": order.total_cents,
        "refunded_cents": order.refunded_cents,
        "expires_at": order.expires_at,
        "paid_at": order.paid_at,
        "closed_at": order.closed_at,
        "created_at": order.created_at,
    }


def order_detail(order: FeeOrder) -> dict[str, Any]:
    lines = order.lines.select_related("department").prefetch_related("fees__case_item", "fees__fee_item")
    return {
        **order_summary(order),
        "refundable_cents": refund_service.refundable(order),
        "lines": [line_out(line) for line in lines],
        "payments": [payment_out(p) for p in order.payments.all()],
        "refunds": [refund_out(r) for r in order.refunds.select_related("order", "line__department")],
        "receipt": receipt_out(order.receipts.first()),
    }


def mismatch_out(mismatch: Mismatch) -> dict[str, Any]:
    return {
        "id": mismatch.pk,
        "provider": mismatch.run.provider,
        "day": mismatch.run.day,
        "kind": mismatch.kind,
        "cause": mismatch.cause,
        "reference": mismatch.reference,
        "platform_amount_cents": mismatch.platform_amount_cents,
        "provider_amount_cents": mismatch.provider_amount_cents,
        "platform_status": mismatch.platform_status,
        "provider_status": mismatch.provider_status,
        "status": mismatch.status,
        "action": mismatch.action,
        "note": mismatch.note,
        "found_at": mismatch.found_at,
        "resolved_at": mismatch.resolved_at,
    }
