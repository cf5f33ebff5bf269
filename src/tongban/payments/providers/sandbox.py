"""The sandbox provider: takes no real money but behaves like the Chinese payment providers.

Flow, as with WeChat Pay or Alipay: ``create_payment`` opens a trade and answers with a cashier address
(and the same address as QR content); the payer pays or cancels on the cashier page (``views``); the
sandbox then owes the platform a *signed* notification, which the worker delivers asynchronously and
retries with back-off until the platform acknowledges it (``deliver_due``, also called by tests);
``query``, ``close``, ``refund`` and ``statement`` answer from the sandbox's own books
(``models.sandbox``). Bank transfers (对公转账) get instructions with a remittance code; the money
"arrives" through the sandbox bank page or :func:`arrive_transfer` and shows only in the statement, as
banks send no notifications.

Signature: HMAC-SHA256 with ``TONGBAN_PAYMENT_SANDBOX_SECRET`` over ``timestamp\\nnonce\\nbody\\n`` (the
WeChat Pay v3 message layout), sent as ``X-Sandbox-Timestamp``, ``X-Sandbox-Nonce`` and
``X-Sandbox-Signature`` (lower-case hex).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Mapping
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

import structlog
from django_tasks import default_task_backend
from pydantic import BaseModel, Field

from tongban.payments.constants import Channel
from tongban.payments.models import SandboxCallback, SandboxRefund, SandboxTrade
from tongban.payments.providers.base import (
    CallbackEvent,
    CallbackRejected,
    CreatedPayment,
    PaymentProvider,
    PaymentRequest,
    ProviderError,
    RefundInfo,
    RefundRequest,
    RefundState,
    StatementLine,
    TradeInfo,
    TradeState,
)
from tongban.payments.providers.registry import providers, register
from tongban.utils.signing import HmacScheme, SignatureError
from tongban.utils.urls import site_url

log = structlog.get_logger(__name__)

IDENTIFIER = "sandbox"
DEV_SECRET = "tongban-sandbox-development-secret"  # noqa: S105 - public on purpose, refused in production
HEADER_TIMESTAMP = "X-Sandbox-Timestamp"
HEADER_NONCE = "X-Sandbox-Nonce"
HEADER_SIGNATURE = "X-Sandbox-Signature"
# Seconds between delivery attempts of one notification (WeChat Pay's schedule, shortened at the end).
RETRY_DELAYS = (15, 15, 30, 180, 600, 1200, 1800, 3600)
TRADE_STATES: dict[str, TradeState] = {"NOTPAY": "pending", "SUCCESS": "paid", "CLOSED": "closed"}
REFUND_STATES: dict[str, RefundState] = {
    "PROCESSING": "processing",
    "SUCCESS": "succeeded",
    "ABNORMAL": "failed",
}


class SandboxOptions(BaseModel):
    secret: str = Field(min_length=16)
    callback_delay_seconds: int = Field(2, ge=0, le=600)
    account_name: str = Field("通办非税收入汇缴结算户（沙箱）", min_length=1)
    account_no: str = Field("31050161393600000000", pattern=r"^\d{8,30}$")
    bank: str = Field("沙箱银行上海分行", min_length=1)


def _origin() -> str:
    parts = urlsplit(settings.TONGBAN_SITE_URL)
    return f"{parts.scheme}://{parts.netloc}"


# WeChat Pay v3 layout: HMAC-SHA256 over "timestamp\nnonce\nbody\n".
SCHEME = HmacScheme(HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGNATURE, trailing_newline=True)


def _trade_info(trade: SandboxTrade) -> TradeInfo:
    state = trade.state
    if state == "NOTPAY" and trade.expires_at <= timezone.now():
        state = "CLOSED"  # an unpaid trade past its time can no longer be paid
    return TradeInfo(
        out_trade_no=trade.out_trade_no,
        state=TRADE_STATES[state],
        provider_trade_no=trade.trade_no,
        amount_cents=trade.amount_cents,
        paid_at=trade.paid_at,
        reference=trade.payer_reference,
    )


def _refund_info(refund: SandboxRefund) -> RefundInfo:
    return RefundInfo(
        out_refund_no=refund.out_refund_no,
        state=REFUND_STATES[refund.state],
        provider_refund_id=refund.refund_id,
        amount_cents=refund.amount_cents,
        finished_at=refund.succeeded_at,
    )


@register(IDENTIFIER)
class SandboxProvider(PaymentProvider[SandboxOptions]):
    verbose_name = "Sandbox (demo, no real money)"
    channels = frozenset(Channel.values)
    is_demo = True
    options_model = SandboxOptions

    def raw_options(self) -> dict[str, Any]:
        return {
            "secret": getattr(settings, "TONGBAN_PAYMENT_SANDBOX_SECRET", DEV_SECRET),
            "callback_delay_seconds": getattr(settings, "TONGBAN_PAYMENT_SANDBOX_CALLBACK_DELAY_SECONDS", 2),
        }

    def check_config(self) -> list[str]:
        problems = super().check_config()
        if settings.TONGBAN_ENV == "production":
            problems.append("The sandbox payment provider is enabled in production; it takes no real money.")
            if self.raw_options()["secret"] == DEV_SECRET:
                problems.append("TONGBAN_PAYMENT_SANDBOX_SECRET is the public development value.")
        return problems

    # --- the provider's API ---------------------------------------------------------------------
    def cashier_origins(self) -> list[str]:
        return [_origin()]  # its pages are served by the platform, at the configured site address

    def create_payment(self, request: PaymentRequest) -> CreatedPayment:
        with transaction.atomic():
            trade = SandboxTrade.objects.select_for_update().filter(out_trade_no=request.out_trade_no).first()
            if trade is not None and trade.amount_cents != request.amount_cents:
                raise ProviderError("out_trade_no was used with another amount", permanent=True)
            if trade is None:
                now = timezone.now()
                trade = SandboxTrade.objects.create(
                    trade_no=f"SBX{now:%Y%m%d}{secrets.token_hex(10).upper()}",
                    out_trade_no=request.out_trade_no,
                    channel=request.channel,
                    amount_cents=request.amount_cents,
                    subject=request.subject[:200],
                    cashier_token=secrets.token_urlsafe(24),
                    return_url=request.return_url[:500],
                    expires_at=request.expires_at,
                    created_at=now,
                )
        if trade.channel == Channel.BANK_TRANSFER:
            options = self.options()
            return CreatedPayment(
                provider_trade_no=trade.trade_no,
                instructions={
                    "account_name": options.account_name,
                    "account_no": options.account_no,
                    "bank": options.bank,
                    "remittance_code": trade.out_trade_no,
                    "amount_cents": trade.amount_cents,
                    "sandbox_bank_url": site_url(
                        reverse("payments:sandbox_bank", args=[trade.cashier_token])
                    ),
                },
            )
        url = site_url(reverse("payments:sandbox_cashier", args=[trade.cashier_token]))
        return CreatedPayment(provider_trade_no=trade.trade_no, pay_url=url, qr_payload=url)

    def query(self, out_trade_no: str) -> TradeInfo:
        trade = SandboxTrade.objects.filter(out_trade_no=out_trade_no).first()
        if trade is None:
            return TradeInfo(out_trade_no=out_trade_no, state="not_found")
        return _trade_info(trade)

    def close(self, out_trade_no: str) -> TradeInfo:
        with transaction.atomic():
            trade = SandboxTrade.objects.select_for_update().filter(out_trade_no=out_trade_no).first()
            if trade is None:
                return TradeInfo(out_trade_no=out_trade_no, state="not_found")
            if trade.state == "NOTPAY":
                trade.state, trade.closed_at = "CLOSED", timezone.now()
                trade.save(update_fields=["state", "closed_at"])
        return _trade_info(trade)

    def refund(self, request: RefundRequest) -> RefundInfo:
        with transaction.atomic():
            existing = SandboxRefund.objects.filter(out_refund_no=request.out_refund_no).first()
            if existing is not None:
                if existing.amount_cents != request.amount_cents:
                    raise ProviderError("out_refund_no was used with another amount", permanent=True)
                return _refund_info(existing)
            trade = SandboxTrade.objects.select_for_update().filter(out_trade_no=request.out_trade_no).first()
            if trade is None or trade.state != "SUCCESS":
                raise ProviderError("trade is not paid", permanent=True)
            taken = sum(r.amount_cents for r in trade.refunds.exclude(state="ABNORMAL"))
            if taken + request.amount_cents > trade.amount_cents:
                raise ProviderError("refund exceeds the trade's amount", permanent=True)
            refund = SandboxRefund.objects.create(
                refund_id=f"SBR{timezone.now():%Y%m%d}{secrets.token_hex(10).upper()}",
                out_refund_no=request.out_refund_no,
                trade=trade,
                amount_cents=request.amount_cents,
                created_at=timezone.now(),
            )
            # The refund completes when the sandbox sends its notification (as a bank takes a while).
            _queue({"event": "refund.succeeded", "out_refund_no": refund.out_refund_no})
        return _refund_info(refund)

    def query_refund(self, out_refund_no: str) -> RefundInfo:
        refund = SandboxRefund.objects.filter(out_refund_no=out_refund_no).first()
        if refund is None:
            return RefundInfo(out_refund_no=out_refund_no, state="not_found")
        return _refund_info(refund)

    def statement(self, day: dt.date) -> list[StatementLine]:
        start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        end = start + dt.timedelta(days=1)
        lines = [
            StatementLine(
                kind="payment",
                reference=t.out_trade_no,
                amount_cents=t.amount_cents,
                at=t.paid_at,
                provider_ref=t.trade_no,
                out_trade_no=t.out_trade_no,
                channel=t.channel,
            )
            for t in SandboxTrade.objects.filter(state="SUCCESS", paid_at__gte=start, paid_at__lt=end)
            if t.paid_at is not None
        ]
        lines += [
            StatementLine(
                kind="refund",
                reference=r.out_refund_no,
                amount_cents=r.amount_cents,
                at=r.succeeded_at,
                provider_ref=r.refund_id,
                out_trade_no=r.trade.out_trade_no,
                channel=r.trade.channel,
            )
            for r in SandboxRefund.objects.select_related("trade").filter(
                state="SUCCESS", succeeded_at__gte=start, succeeded_at__lt=end
            )
            if r.succeeded_at is not None
        ]
        return lines

    def sign(self, body: bytes, *, at: dt.datetime | None = None, nonce: str | None = None) -> dict[str, str]:
        return SCHEME.sign(self.options().secret.encode(), body, at=at or timezone.now(), nonce=nonce)

    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> CallbackEvent:
        try:
            signed = SCHEME.verify(self.options().secret.encode(), headers, body)
        except SignatureError as exc:
            raise CallbackRejected(f"signature_{exc.reason}") from None
        try:
            data = json.loads(body)
            return CallbackEvent(
                dedupe_key=str(data["notify_id"]),
                nonce=signed.nonce,
                signed_at=signed.signed_at,
                **_parse(data),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CallbackRejected("malformed", str(exc)[:200], signature_ok=True) from None


def _when(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _parse(data: dict[str, Any]) -> dict[str, Any]:
    event = data["event"]
    if event in {"payment.paid", "payment.closed"}:
        trade = TradeInfo(
            out_trade_no=str(data["out_trade_no"]),
            state="paid" if event == "payment.paid" else "closed",
            provider_trade_no=str(data["trade_no"]),
            amount_cents=int(data["amount_cents"]),
            paid_at=_when(data.get("paid_at")),
        )
        return {"trade": trade}
    if event in {"refund.succeeded", "refund.failed"}:
        refund = RefundInfo(
            out_refund_no=str(data["out_refund_no"]),
            state="succeeded" if event == "refund.succeeded" else "failed",
            provider_refund_id=str(data["refund_id"]),
            amount_cents=int(data["amount_cents"]),
            finished_at=_when(data.get("finished_at")),
        )
        return {"refund": refund}
    raise ValueError(f"unknown event {event!r}")


# --- the sandbox's side: payer actions and notifications ---------------------------------------------
def sandbox() -> SandboxProvider:
    provider = providers.get(IDENTIFIER)
    assert isinstance(provider, SandboxProvider)
    return provider


def _queue(payload: dict[str, Any]) -> SandboxCallback:
    """Owe the platform a notification; the body is completed from the books when it is sent."""
    from tongban.payments import tasks

    now = timezone.now()
    delay = dt.timedelta(seconds=sandbox().options().callback_delay_seconds)
    callback = SandboxCallback.objects.create(
        notify_id=f"N{secrets.token_hex(12)}", payload=payload, created_at=now, deliver_after=now + delay
    )
    if default_task_backend.supports_defer:
        job = tasks.deliver_sandbox_callback.using(run_after=now + delay)
    else:
        job = tasks.deliver_sandbox_callback
    transaction.on_commit(partial(job.enqueue, callback.pk))
    return callback


def trade_for_token(token: str) -> SandboxTrade | None:
    return SandboxTrade.objects.filter(cashier_token=token).first()


def pay(trade: SandboxTrade, *, force: bool = False) -> SandboxTrade:
    """The payer paid at the cashier. ``force`` takes the money even from a closed or expired trade: the
    race a real provider can lose when the platform closes a trade while the payer confirms."""
    with transaction.atomic():
        trade = SandboxTrade.objects.select_for_update().get(pk=trade.pk)
        payable = trade.state == "NOTPAY" and trade.expires_at > timezone.now()
        if trade.state == "SUCCESS" or not (payable or force):
            return trade
        trade.state, trade.paid_at = "SUCCESS", timezone.now()
        trade.save(update_fields=["state", "paid_at"])
        if trade.channel != Channel.BANK_TRANSFER:
            _queue({"event": "payment.paid", "out_trade_no": trade.out_trade_no})
    log.info("sandbox_trade_paid", trade=trade.trade_no)
    return trade


def cancel(trade: SandboxTrade) -> SandboxTrade:
    """The payer gave up at the cashier: the trade closes and the platform is told."""
    with transaction.atomic():
        trade = SandboxTrade.objects.select_for_update().get(pk=trade.pk)
        if trade.state != "NOTPAY":
            return trade
        trade.state, trade.closed_at = "CLOSED", timezone.now()
        trade.save(update_fields=["state", "closed_at"])
        _queue({"event": "payment.closed", "out_trade_no": trade.out_trade_no})
    return trade


def arrive_transfer(trade: SandboxTrade, reference: str) -> SandboxTrade:
    """A bank transfer with the remittance code reached the account (shows in the day's statement)."""
    with transaction.atomic():
        trade = SandboxTrade.objects.select_for_update().get(pk=trade.pk)
        if trade.state == "SUCCESS":
            return trade
        trade.state, trade.paid_at, trade.payer_reference = "SUCCESS", timezone.now(), reference[:64]
        trade.save(update_fields=["state", "paid_at", "payer_reference"])
    return trade


def _body(callback: SandboxCallback) -> dict[str, Any]:
    """The notification body as the provider sends it, from its books at sending time."""
    payload = dict(callback.payload)
    body: dict[str, Any] = {"notify_id": callback.notify_id, "event": payload["event"]}
    if payload["event"].startswith("payment."):
        trade = SandboxTrade.objects.get(out_trade_no=payload["out_trade_no"])
        body.update(
            out_trade_no=trade.out_trade_no,
            trade_no=trade.trade_no,
            amount_cents=trade.amount_cents,
            channel=trade.channel,
            paid_at=trade.paid_at.isoformat() if trade.paid_at else None,
        )
        return body
    refund = SandboxRefund.objects.select_related("trade").get(out_refund_no=payload["out_refund_no"])
    body.update(
        out_refund_no=refund.out_refund_no,
        refund_id=refund.refund_id,
        out_trade_no=refund.trade.out_trade_no,
        amount_cents=refund.amount_cents,
        finished_at=refund.succeeded_at.isoformat() if refund.succeeded_at else None,
    )
    return body


def _complete_refund(callback: SandboxCallback) -> None:
    if callback.payload.get("event") != "refund.succeeded":
        return
    SandboxRefund.objects.filter(out_refund_no=callback.payload["out_refund_no"], state="PROCESSING").update(
        state="SUCCESS", succeeded_at=timezone.now()
    )


def deliver(callback: SandboxCallback) -> bool:
    """Send one notification to the platform (in-process, through the same handler as the HTTP callback
    endpoint) and note the answer; True when acknowledged. Sending twice is allowed: real providers do."""
    from tongban.payments.services.callbacks import receive

    _complete_refund(callback)
    body = json.dumps(_body(callback), ensure_ascii=False, sort_keys=True).encode()
    status, answer = receive(IDENTIFIER, sandbox().sign(body), body)
    ok = status == 200 and answer.get("code") == "SUCCESS"
    now = timezone.now()
    attempts = callback.attempts + 1
    fields: dict[str, Any] = {"attempts": attempts, "last_status": status}
    if ok:
        fields["delivered_at"] = now
    elif attempts <= len(RETRY_DELAYS):
        fields["deliver_after"] = now + dt.timedelta(seconds=RETRY_DELAYS[attempts - 1])
    SandboxCallback.objects.filter(pk=callback.pk).update(**fields)
    log.info("sandbox_callback_sent", notify_id=callback.notify_id, status=status, attempt=attempts)
    return ok


def due_callbacks(now: dt.datetime | None = None) -> list[SandboxCallback]:
    now = now or timezone.now()
    return list(
        SandboxCallback.objects.filter(
            Q(delivered_at__isnull=True), deliver_after__lte=now, attempts__lte=len(RETRY_DELAYS)
        )
    )


def deliver_due(now: dt.datetime | None = None) -> int:
    """Send every notification that is due; returns how many were acknowledged."""
    return sum(deliver(c) for c in due_callbacks(now))
