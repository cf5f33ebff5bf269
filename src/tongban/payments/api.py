"""Payments API: pay a case's fees (idempotent), follow the order, provider callbacks, refunds; the
staff's lists of orders, refunds and reconciliation mismatches, waivers and bank transfers."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from ninja import Router, Status

from tongban.accounts.principal import Principal
from tongban.api.auth import principal
from tongban.cases import query as case_query
from tongban.payments import policies, presenters, query
from tongban.payments.models import FeeOrder, ReconciliationRun
from tongban.payments.schemas import (
    AssessIn,
    CloseIn,
    MismatchOut,
    OrderOut,
    OrderSummaryOut,
    PayIn,
    ReconcileIn,
    RefundIn,
    RefundOut,
    ResolveIn,
    RunOut,
    StartOut,
    TransferIn,
    WaiveIn,
)
from tongban.payments.services import callbacks, fees, orders, reconciliation, refunds
from tongban.utils import authz
from tongban.utils.errors import Forbidden, NotFound

router = Router(tags=["payments"])
workbench_router = Router(tags=["payments (staff)"])


@router.post(
    "/cases/{case_no}/payments",
    response={200: StartOut, 201: StartOut},
    summary="Pay a case's fees",
)
def pay(request: HttpRequest, case_no: str, payload: PayIn) -> Any:
    """Make (or find) the case's fee order and start a payment through the chosen channel. Send an
    `Idempotency-Key`: repeating the request with it returns the same order and attempt (200). Send the
    payer to `payment.pay_url` (or show `payment.qr_payload`); for a bank transfer show
    `payment.instructions`. The order is paid when the provider confirms, not when the payer returns."""
    p = principal(request)
    p.require_scope("cases:write")
    case = case_query.case_for(p, case_no)
    started = orders.start_payment(
        p, case, channel=payload.channel, idempotency_key=request.headers.get("Idempotency-Key", "")
    )
    body = {
        "order": presenters.order_detail(started.order),
        "payment": presenters.payment_out(started.payment),
    }
    return Status(200 if started.replay else 201, body)


@router.get("/cases/{case_no}/payments", response=list[OrderOut], summary="A case's fee orders")
def case_orders(request: HttpRequest, case_no: str) -> Any:
    p = principal(request)
    case = case_query.case_for(p, case_no)
    return [presenters.order_detail(o) for o in query.case_orders(p, case)]


@router.get("/payments/{order_id}", response=OrderOut, summary="A fee order with its payments")
def get_order(request: HttpRequest, order_id: str) -> Any:
    p = principal(request)
    order = query.order_for(p, order_id)
    authz.authorize(p, "view", order)
    return presenters.order_detail(order)


@router.post("/payments/{order_id}/close", response=OrderOut, summary="Close an unpaid order")
def close(request: HttpRequest, order_id: str, payload: CloseIn) -> Any:
    p = principal(request)
    order = orders.close_by_payer(p, query.order_for(p, order_id), reason=payload.reason)
    return presenters.order_detail(order)


@router.post(
    "/payments/callback/{provider}",
    auth=None,
    response={200: dict[str, Any], 400: dict[str, Any], 401: dict[str, Any]},
    summary="Provider notification (signed)",
)
def callback(request: HttpRequest, provider: str) -> HttpResponse:
    """For payment providers only: no sign-in, the request's signature is checked instead. Every request
    is logged raw; unsigned, wrongly signed, stale and replayed ones are refused."""
    status, body = callbacks.receive(provider, request.headers, request.body)
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


@router.post(
    "/payments/{order_id}/refunds",
    response={200: RefundOut, 201: RefundOut},
    summary="Refund a paid order (staff)",
)
def refund(request: HttpRequest, order_id: str, payload: RefundIn) -> Any:
    """Staff of a department with fees in the order refund their own department's fees; finance staff
    any department's. Never more than is still refundable (`refund_exceeds_refundable`). Send an
    `Idempotency-Key`: the same key returns the same refund (200)."""
    p = _staff(request)
    order = query.order_for(p, order_id)
    made, replay = refunds.request_refund(
        p,
        order,
        amount_cents=payload.amount_cents,
        reason=payload.reason,
        department=payload.department,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    return Status(200 if replay else 201, presenters.refund_out(made))


# --- workbench ------------------------------------------------------------------------------------


def _staff(request: HttpRequest) -> Principal:
    p = principal(request)
    if not p.is_staff_member:
        raise Forbidden("staff_only", _("Only staff use the workbench."))
    p.require_scope("workbench")
    return p


@workbench_router.get("/orders", response=list[OrderSummaryOut], summary="Fee orders")
def list_orders(request: HttpRequest, status: str = "", case_no: str = "") -> Any:
    p = _staff(request)
    return [
        presenters.order_summary(o)
        for o in query.orders_for(p, status=status, case_no=case_no)[: query.LIST_LIMIT]
    ]


@workbench_router.post("/cases/{case_no}/order", response=OrderOut, summary="Make a case's fee order")
def open_order(request: HttpRequest, case_no: str) -> Any:
    """So that its department can assess or waive fees before the applicant pays."""
    p = _staff(request)
    return presenters.order_detail(orders.open_order(p, case_query.case_for(p, case_no)))


@workbench_router.post(
    "/orders/{order_id}/fees/{fee_id}/waive", response=OrderOut, summary="Waive a fee (减免)"
)
def waive(request: HttpRequest, order_id: str, fee_id: int, payload: WaiveIn) -> Any:
    p = _staff(request)
    order = query.order_for(p, order_id)
    if not order.lines.filter(fees__pk=fee_id).exists():
        raise NotFound()
    return presenters.order_detail(fees.waive_fee(p, fee_id, reason=payload.reason))


@workbench_router.post(
    "/orders/{order_id}/fees/{fee_id}/assess", response=OrderOut, summary="Assess a fee (核定)"
)
def assess(request: HttpRequest, order_id: str, fee_id: int, payload: AssessIn) -> Any:
    p = _staff(request)
    order = query.order_for(p, order_id)
    if not order.lines.filter(fees__pk=fee_id).exists():
        raise NotFound()
    return presenters.order_detail(
        fees.assess_fee(p, fee_id, amount_cents=payload.amount_cents, note=payload.note)
    )


@workbench_router.post(
    "/payments/{out_trade_no}/transfer", response=OrderOut, summary="Record a bank transfer (对公转账)"
)
def transfer(request: HttpRequest, out_trade_no: str, payload: TransferIn) -> Any:
    p = _staff(request)
    payment = query.payment_for(p, out_trade_no)
    orders.record_transfer(
        p, payment, reference=payload.reference, amount_cents=payload.amount_cents, paid_on=payload.paid_on
    )
    return presenters.order_detail(FeeOrder.objects.get(pk=payment.order_id))


@workbench_router.get("/refunds", response=list[RefundOut], summary="Refunds")
def list_refunds(request: HttpRequest, status: str = "") -> Any:
    p = _staff(request)
    return [presenters.refund_out(r) for r in query.refunds_for(p, status=status)[: query.LIST_LIMIT]]


@workbench_router.get(
    "/mismatches", response=list[MismatchOut], summary="Reconciliation mismatches (finance)"
)
def list_mismatches(request: HttpRequest, status: str = "open") -> Any:
    p = _staff(request)
    return [presenters.mismatch_out(m) for m in query.mismatches_for(p, status=status)[: query.LIST_LIMIT]]


@workbench_router.post(
    "/mismatches/{mismatch_id}/resolve", response=MismatchOut, summary="Resolve a mismatch"
)
def resolve(request: HttpRequest, mismatch_id: int, payload: ResolveIn) -> Any:
    p = _staff(request)
    mismatch = query.mismatch_for(p, mismatch_id)
    return presenters.mismatch_out(
        reconciliation.resolve(p, mismatch, action=payload.action, note=payload.note)
    )


@workbench_router.post("/reconciliations", response=RunOut, summary="Reconcile a day (finance)")
def reconcile(request: HttpRequest, payload: ReconcileIn) -> Any:
    p = _staff(request)
    if not policies.is_finance(p):
        raise Forbidden("finance_only", _("Only finance staff reconcile payments."))
    run: ReconciliationRun = reconciliation.reconcile(payload.provider, payload.day, principal=p)
    return run
