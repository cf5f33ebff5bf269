"""电子票据: one receipt per settled payment, numbered per year, with the lines as they were paid."""

from __future__ import annotations

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from tongban.payments.models import FeeOrder, Payment, Receipt, ReceiptCounter
from tongban.payments.services.common import record


def _next_number(year: int) -> str:
    """Region code + year + 8-digit serial, e.g. ``310000202600000042``; called inside the settling
    transaction, so a rolled-back settlement leaves no gap-free promise broken (gaps are allowed)."""
    counter, _created = ReceiptCounter.objects.select_for_update().get_or_create(year=year)
    ReceiptCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return f"{settings.TONGBAN_CITY_REGION_CODE}{year}{counter.last:08d}"


def receipt_lines(order: FeeOrder) -> list[dict[str, object]]:
    return [
        {
            "department": line.department.name,
            "amount_cents": line.amount_cents,
            "fees": [
                {"name": fee.name, "amount_cents": fee.amount_cents or 0, "waived": fee.waived}
                for fee in line.fees.all()
            ],
        }
        for line in order.lines.select_related("department").prefetch_related("fees")
    ]


def issue(order: FeeOrder, payment: Payment) -> Receipt:
    """Issue the receipt of a settled payment (idempotent: the existing one is returned)."""
    existing = Receipt.objects.filter(payment=payment).first()
    if existing is not None:
        return existing
    now = timezone.now()
    receipt = Receipt.objects.create(
        number=_next_number(timezone.localdate(now).year),
        payment=payment,
        order=order,
        payer_name=order.case.holder_name,
        amount_cents=payment.amount_cents,
        lines=receipt_lines(order),
        issued_at=now,
    )
    record("payment.receipt_issued", receipt, order=order.order_no, amount_cents=receipt.amount_cents)
    return receipt
