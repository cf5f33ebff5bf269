"""Read side of payments, already narrowed to what the principal may see (``policies``)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from tongban.accounts.principal import Principal
from tongban.cases.models import Case
from tongban.payments.models import FeeOrder, Mismatch, Payment, Receipt, Refund
from tongban.utils import authz
from tongban.utils.errors import NotFound

LIST_LIMIT = 200


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound() from None


def order_for(principal: Principal, order_id: str) -> FeeOrder:
    return authz.get_or_404(principal, FeeOrder.objects.select_related("case"), uid=_uuid(order_id))


def case_orders(principal: Principal, case: Case) -> QuerySet[FeeOrder]:
    return authz.visible(principal, FeeOrder.objects.select_related("case")).filter(case=case)


def orders_for(principal: Principal, *, status: str = "", case_no: str = "") -> QuerySet[FeeOrder]:
    qs = authz.visible(principal, FeeOrder.objects.select_related("case"))
    if status:
        qs = qs.filter(status=status)
    if case_no:
        qs = qs.filter(case__case_no=case_no.strip().upper())
    return qs.order_by("-created_at", "-pk")


def payment_for(principal: Principal, out_trade_no: str) -> Payment:
    payment = Payment.objects.select_related("order__case").filter(out_trade_no=out_trade_no.strip()).first()
    if payment is None or not authz.can_see(principal, payment.order):
        raise NotFound()
    return payment


def refunds_for(principal: Principal, *, status: str = "") -> QuerySet[Refund]:
    qs = authz.visible(principal, Refund.objects.select_related("order", "line__department"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-requested_at", "-pk")


def mismatches_for(principal: Principal, *, status: str = "open") -> QuerySet[Mismatch]:
    qs = authz.visible(principal, Mismatch.objects.select_related("run"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-run__day", "pk")


def mismatch_for(principal: Principal, mismatch_id: int) -> Mismatch:
    return authz.get_or_404(
        principal, Mismatch.objects.select_related("run", "payment", "refund"), pk=mismatch_id
    )


def receipt_for(principal: Principal, number: str) -> Receipt:
    return authz.get_or_404(
        principal, Receipt.objects.select_related("order__case", "payment"), number=number.strip()
    )
