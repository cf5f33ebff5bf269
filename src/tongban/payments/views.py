"""The payer's pages (pay a case's fees, follow the order, print the receipt) and the sandbox provider's
own pages (its cashier, where the payer pays or cancels, and its bank counter for transfers).

The sandbox pages stand for the provider's site: they need no sign-in (the cashier token in the address
is the credential, as on a real cashier page) and exist only while the sandbox provider is enabled.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tongban.accounts.request import principal_for
from tongban.cases import query as case_query
from tongban.payments import policies, presenters, query
from tongban.payments.constants import PAYABLE, Channel
from tongban.payments.models import SandboxTrade
from tongban.payments.providers import sandbox
from tongban.payments.providers.registry import providers
from tongban.payments.services import fees, orders
from tongban.utils import authz
from tongban.utils.errors import DomainError, Forbidden

View = Callable[..., HttpResponse]


def payer_page(view: View) -> View:
    return login_required(never_cache(view))


def _channels() -> list[tuple[str, str]]:
    labels = dict(Channel.choices)
    return [(c, str(labels[c])) for c in providers.channels()]


@payer_page
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, case_no: str) -> HttpResponse:
    p = principal_for(request)
    case = case_query.case_for(p, case_no)
    if not policies.may_pay(p, case):
        raise Forbidden("payment_not_allowed", _("You may not pay fees for this case."))
    error = ""
    if request.method == "POST":
        try:
            started = orders.start_payment(
                p, case, channel=request.POST.get("channel", ""), idempotency_key=request.POST.get("key", "")
            )
        except DomainError as exc:
            error = f"{exc.message} [{exc.code}]"
        else:
            if started.payment.pay_url:
                return redirect(started.payment.pay_url)
            return redirect("payments:order", started.order.uid)
    order = orders.live_order(case)
    context: dict[str, Any] = {
        "case": case,
        "order": presenters.order_detail(order) if order is not None else None,
        "payable": order is None or order.status in PAYABLE,
        "preview": [] if order is not None else fees.draft_lines(case),
        "channels": _channels(),
        # One key per rendering of the form: a double click pays once.
        "key": uuid.uuid4().hex,
        "error": error,
    }
    response = render(request, "payments/pay.html", context, status=400 if error else 200)
    return _allow_cashiers(request, response)


def _allow_cashiers(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """The pay form's answer redirects to the provider's cashier: browsers apply the page's CSP
    ``form-action`` to that redirect, so the enabled providers' cashier origins are allowed here."""
    origins = sorted({o for provider in providers.enabled() for o in provider.cashier_origins()})
    if origins:
        response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]
    return response


@payer_page
def order_page(request: HttpRequest, order_id: str) -> HttpResponse:
    p = principal_for(request)
    order = query.order_for(p, order_id)
    detail = presenters.order_detail(order)
    return render(
        request,
        "payments/order.html",
        {"order": detail, "case": order.case, "may_pay": policies.may_pay(p, order.case)},
    )


@payer_page
def receipt_page(request: HttpRequest, number: str) -> HttpResponse:
    p = principal_for(request)
    receipt = query.receipt_for(p, number)
    authz.authorize(p, "view", receipt)
    lines = [
        {**line, "fees": [{**f, "amount": presenters.fen(f["amount_cents"])} for f in line["fees"]]}
        for line in receipt.lines
    ]
    context = {
        "receipt": receipt,
        "lines": [{**line, "amount": presenters.fen(line["amount_cents"])} for line in lines],
        "amount": presenters.fen(receipt.amount_cents),
        "payment": receipt.payment,
        "case": receipt.order.case,
        "refunded": presenters.fen(receipt.order.refunded_cents) if receipt.order.refunded_cents else "",
    }
    return render(request, "payments/receipt.html", context)


# --- the sandbox provider's pages -----------------------------------------------------------------
def _sandbox_trade(token: str) -> SandboxTrade:
    if not providers.is_enabled(sandbox.IDENTIFIER):
        raise Http404()
    trade = sandbox.trade_for_token(token)
    if trade is None:
        raise Http404()
    return trade


@never_cache
@require_http_methods(["GET", "POST"])
def sandbox_cashier(request: HttpRequest, token: str) -> HttpResponse:
    trade = _sandbox_trade(token)
    if trade.channel == Channel.BANK_TRANSFER:
        raise Http404()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "pay":
            trade = sandbox.pay(trade)
        elif action == "cancel":
            trade = sandbox.cancel(trade)
        if trade.return_url and action in {"pay", "cancel"}:
            return redirect(trade.return_url)
    context = {
        "trade": trade,
        "amount": presenters.fen(trade.amount_cents),
        "channel": dict(Channel.choices).get(trade.channel, trade.channel),
        "expired": trade.state == "NOTPAY" and trade.expires_at <= timezone.now(),
    }
    return render(request, "payments/sandbox/cashier.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def sandbox_bank(request: HttpRequest, token: str) -> HttpResponse:
    trade = _sandbox_trade(token)
    if trade.channel != Channel.BANK_TRANSFER:
        raise Http404()
    if request.method == "POST":
        reference = request.POST.get("reference", "").strip() or f"SBXBANK{uuid.uuid4().hex[:12].upper()}"
        trade = sandbox.arrive_transfer(trade, reference)
    context = {"trade": trade, "amount": presenters.fen(trade.amount_cents)}
    return render(request, "payments/sandbox/bank.html", context)
