"""Staff pages of payments (mounted at ``/workbench/payments/``): orders with waivers, assessments,
refunds and bank transfers; refunds; reconciliation mismatches for finance. The services decide; these
views read the form, call one service and redirect with a message."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tongban.accounts.principal import Principal
from tongban.accounts.request import principal_for
from tongban.payments import policies, presenters, query
from tongban.payments.constants import (
    Channel,
    MismatchAction,
    MismatchCause,
    MismatchStatus,
    OrderStatus,
    PaymentStatus,
    RefundStatus,
)
from tongban.payments.providers.registry import providers
from tongban.payments.services import fees, orders, reconciliation, refunds
from tongban.utils import authz
from tongban.utils.errors import DomainError, Forbidden
from tongban.workbench.access import staff_required


def _int(value: str) -> int | None:
    """Whole fen from a form field; anything else (``12.5``, ``abc``) is None."""
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _fail(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, f"{exc.message} [{exc.code}]")


@staff_required
def orders_page(request: HttpRequest) -> HttpResponse:
    p = principal_for(request)
    status = request.GET.get("status", "")
    case_no = request.GET.get("case_no", "")
    rows = query.orders_for(p, status=status, case_no=case_no)[: query.LIST_LIMIT]
    context = {
        "rows": [{**presenters.order_summary(o), "total": presenters.fen(o.total_cents)} for o in rows],
        "statuses": OrderStatus.choices,
        "status": status,
        "case_no": case_no,
        "finance": policies.is_finance(p),
    }
    return render(request, "payments/workbench/orders.html", context)


def _order_context(p: Principal, order_id: str) -> dict[str, Any]:
    order = query.order_for(p, order_id)
    detail = presenters.order_detail(order)
    dept = p.department_id
    own = {
        line.department.slug
        for line in order.lines.select_related("department")
        if line.department_id == dept
    }
    for line in detail["lines"]:
        line["mine"] = line["department"] in own
        line["amount"] = presenters.fen(line["amount_cents"])
        for fee in line["fees"]:
            fee["amount"] = presenters.fen(fee["amount_cents"])
    return {
        "order_obj": order,
        "order": detail,
        "total": presenters.fen(order.total_cents),
        "refundable": presenters.fen(detail["refundable_cents"]),
        "adjustable": order.status in (OrderStatus.CREATED, OrderStatus.PAYING),
        "may_refund": authz.can(p, "refund", order) and detail["refundable_cents"] > 0,
        "may_record_transfer": authz.can(p, "record_transfer", order),
        "transfers": [
            pay
            for pay in detail["payments"]
            if pay["channel"] == Channel.BANK_TRANSFER and pay["status"] != PaymentStatus.PAID
        ],
        "finance": policies.is_finance(p),
        "today": timezone.localdate(),
    }


@staff_required
@require_http_methods(["GET", "POST"])
def order_page(request: HttpRequest, order_id: str) -> HttpResponse:
    p = principal_for(request)
    if request.method == "POST":
        order = query.order_for(p, order_id)
        try:
            _act(request, p, order)
        except DomainError as exc:
            _fail(request, exc)
        return redirect("payments_workbench:order", order.uid)
    return render(request, "payments/workbench/order.html", _order_context(p, order_id))


def _act(request: HttpRequest, p: Principal, order: Any) -> None:
    action = request.POST.get("action", "")
    fee_id = _int(request.POST.get("fee", "")) or 0
    if action in {"waive", "assess"} and not order.lines.filter(fees__pk=fee_id).exists():
        raise DomainError("fee_unknown", _("This order has no such fee."))
    if action == "waive":
        fees.waive_fee(p, fee_id, reason=request.POST.get("reason", ""))
        messages.success(request, _("The fee was waived."))
    elif action == "assess":
        amount = _int(request.POST.get("amount_cents", ""))
        if amount is None:
            raise DomainError("fee_amount_invalid", _("Give the amount in whole fen."), field="amount_cents")
        fees.assess_fee(p, fee_id, amount_cents=amount, note=request.POST.get("note", ""))
        messages.success(request, _("The fee was assessed."))
    elif action == "refund":
        raw_amount = request.POST.get("amount_cents", "").strip()
        amount = _int(raw_amount)
        if raw_amount and amount is None:
            raise DomainError("refund_amount_invalid", _("Refund at least one fen."), field="amount_cents")
        refunds.request_refund(
            p,
            order,
            amount_cents=amount,
            reason=request.POST.get("reason", ""),
            department=request.POST.get("department", ""),
            idempotency_key=request.POST.get("key", ""),
        )
        messages.success(request, _("The refund was requested."))
    elif action == "transfer":
        payment = query.payment_for(p, request.POST.get("out_trade_no", ""))
        if payment.order_id != order.pk:
            raise DomainError("payment_unknown", _("This order has no such payment."))
        paid_on = request.POST.get("paid_on", "").strip()
        try:
            day = dt.date.fromisoformat(paid_on) if paid_on else None
        except ValueError:
            raise DomainError(
                "transfer_date_invalid", _("Give the date as YYYY-MM-DD."), field="paid_on"
            ) from None
        orders.record_transfer(
            p,
            payment,
            reference=request.POST.get("reference", ""),
            amount_cents=_int(request.POST.get("amount_cents", "")) or 0,
            paid_on=day,
        )
        messages.success(request, _("The transfer was recorded."))
    else:
        raise DomainError("action_unknown", _("Unknown action."))


@staff_required
def refunds_page(request: HttpRequest) -> HttpResponse:
    p = principal_for(request)
    status = request.GET.get("status", "")
    rows = [
        {**presenters.refund_out(r), "amount": presenters.fen(r.amount_cents)}
        for r in query.refunds_for(p, status=status)[: query.LIST_LIMIT]
    ]
    context = {
        "rows": rows,
        "statuses": RefundStatus.choices,
        "status": status,
        "finance": policies.is_finance(p),
    }
    return render(request, "payments/workbench/refunds.html", context)


@staff_required
def mismatches_page(request: HttpRequest) -> HttpResponse:
    p = principal_for(request)
    if not policies.sees_all(p):
        raise Forbidden("finance_only", _("Only finance staff see reconciliation."))
    status = request.GET.get("status", MismatchStatus.OPEN)
    causes = dict(MismatchCause.choices)
    rows = [
        {
            **presenters.mismatch_out(m),
            "cause_label": causes.get(m.cause, m.cause),
            "platform_amount": presenters.fen(m.platform_amount_cents),
            "provider_amount": presenters.fen(m.provider_amount_cents),
        }
        for m in query.mismatches_for(p, status=status)[: query.LIST_LIMIT]
    ]
    context = {
        "rows": rows,
        "status": status,
        "statuses": MismatchStatus.choices,
        "actions": [(a, label) for a, label in MismatchAction.choices if a != MismatchAction.CLEARED],
        "finance": policies.is_finance(p),
        "providers": [pr.identifier for pr in providers.enabled()],
        "yesterday": timezone.localdate() - dt.timedelta(days=1),
    }
    return render(request, "payments/workbench/mismatches.html", context)


@staff_required
@require_POST
def resolve_mismatch(request: HttpRequest, mismatch_id: int) -> HttpResponse:
    p = principal_for(request)
    mismatch = query.mismatch_for(p, mismatch_id)
    try:
        reconciliation.resolve(
            p, mismatch, action=request.POST.get("action", ""), note=request.POST.get("note", "")
        )
        messages.success(request, _("The mismatch was resolved."))
    except DomainError as exc:
        _fail(request, exc)
    return redirect("payments_workbench:mismatches")


@staff_required
@require_POST
def run_reconciliation(request: HttpRequest) -> HttpResponse:
    p = principal_for(request)
    if not policies.is_finance(p):
        raise Forbidden("finance_only", _("Only finance staff reconcile payments."))
    try:
        day = dt.date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, _("Give the date as YYYY-MM-DD."))
        return redirect("payments_workbench:mismatches")
    try:
        run = reconciliation.reconcile(request.POST.get("provider", ""), day, principal=p)
    except DomainError as exc:
        _fail(request, exc)
    else:
        messages.success(
            request,
            _("Reconciled %(day)s: %(lines)s statement lines, %(open)s open mismatches.")
            % {"day": run.day, "lines": run.statement_lines, "open": run.open_mismatches},
        )
    return redirect("payments_workbench:mismatches")
