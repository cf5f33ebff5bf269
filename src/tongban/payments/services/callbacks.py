"""Provider callbacks: verify, log raw, refuse replays, apply idempotently.

Every request is stored as a :class:`ProviderEvent` with its raw body and the result of the checks,
whatever happens next. The order of checks:

1. the provider's signature (``verify_callback``): unsigned or wrongly signed → rejected, 401;
2. the signing time within ``TONGBAN_PAYMENT_CALLBACK_WINDOW_SECONDS`` of now → else rejected;
3. the nonce used once (a unique constraint on accepted events) → a replayed request is rejected;
4. a notification already processed (same ``dedupe_key``) → acknowledged as a duplicate, no effect;
5. the payment or refund unknown → not acknowledged, so the provider retries (the callback can come
   before the platform has stored the attempt it belongs to);
6. applied through the state machine (``state.apply_trade`` / ``refunds.apply_refund_info``), which is
   idempotent on its own: the dedupe of step 4 is an economy and a record, not the guarantee.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

import structlog

from tongban.payments.constants import ConfirmedBy, EventOutcome
from tongban.payments.models import Payment, ProviderEvent, Refund
from tongban.payments.providers.base import CallbackEvent, CallbackRejected
from tongban.payments.providers.registry import UnknownProvider, providers
from tongban.payments.services import refunds, state
from tongban.payments.services.common import callback_window
from tongban.utils.errors import NotFound

log = structlog.get_logger(__name__)

MAX_BODY_BYTES = 64 * 1024
# Never stored: credentials and session cookies have no business in a provider's request.
DROPPED_HEADERS = frozenset({"cookie", "authorization", "proxy-authorization"})


def _kept_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: str(v)[:500] for k, v in headers.items() if k.lower() not in DROPPED_HEADERS}


def receive(provider_id: str, headers: Mapping[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
    """Handle one callback request; returns the HTTP status and body the provider expects."""
    try:
        if not providers.is_enabled(provider_id):
            raise UnknownProvider(provider_id)
        provider = providers.get(provider_id)
    except UnknownProvider:
        raise NotFound("payment_provider_unknown", "Unknown payment provider.") from None
    raw: dict[str, Any] = {
        "provider": provider_id,
        "headers": _kept_headers(headers),
        "body": body[:MAX_BODY_BYTES].decode("utf-8", errors="replace"),
    }
    if len(body) > MAX_BODY_BYTES:
        return _reject(provider_id, raw, CallbackRejected("body_too_large"))
    try:
        event = provider.verify_callback(headers, body)
    except CallbackRejected as exc:
        return _reject(provider_id, raw, exc)
    raw.update(signature_ok=True, nonce=event.nonce[:64], signed_at=event.signed_at)
    raw.update(dedupe_key=event.dedupe_key[:100], kind=event.kind, reference=event.reference[:32])
    if event.signed_at is not None and abs(timezone.now() - event.signed_at) > callback_window():
        return _reject(provider_id, raw, CallbackRejected("timestamp_out_of_window", signature_ok=True))
    try:
        with transaction.atomic():
            stored = ProviderEvent.objects.create(**raw, outcome=EventOutcome.PROCESSED)
    except IntegrityError:
        return _reject(provider_id, raw, CallbackRejected("nonce_replayed", signature_ok=True))
    outcome, detail = _process(provider_id, stored, event)
    ProviderEvent.objects.filter(pk=stored.pk).update(outcome=outcome, detail=detail[:300])
    accepted = outcome in (EventOutcome.PROCESSED, EventOutcome.DUPLICATE)
    return provider.acknowledge(accepted, detail)


def _reject(provider_id: str, raw: dict[str, Any], exc: CallbackRejected) -> tuple[int, dict[str, Any]]:
    raw = {**raw, "signature_ok": exc.signature_ok, "rejection": exc.code}
    ProviderEvent.objects.create(**raw, outcome=EventOutcome.REJECTED, detail=str(exc)[:300])
    log.warning("payment_callback_rejected", provider=provider_id, code=exc.code)
    status = 401 if not exc.signature_ok else 400
    return status, {"code": "FAIL", "message": exc.code}


def _process(provider_id: str, stored: ProviderEvent, event: CallbackEvent) -> tuple[str, str]:
    earlier = ProviderEvent.objects.filter(
        provider=provider_id,
        dedupe_key=event.dedupe_key,
        outcome__in=(EventOutcome.PROCESSED, EventOutcome.DUPLICATE),
    ).exclude(pk=stored.pk)
    if event.dedupe_key and earlier.exists():
        return EventOutcome.DUPLICATE, "already processed"
    try:
        if event.refund is not None:
            refund = Refund.objects.filter(
                out_refund_no=event.refund.out_refund_no, payment__provider=provider_id
            ).first()
            if refund is None:
                return EventOutcome.UNKNOWN, "unknown refund"
            refunds.apply_refund_info(refund.pk, event.refund)
            return EventOutcome.PROCESSED, ""
        assert event.trade is not None
        payment = Payment.objects.filter(out_trade_no=event.trade.out_trade_no, provider=provider_id).first()
        if payment is None:
            return EventOutcome.UNKNOWN, "unknown trade"
        state.apply_trade(payment.pk, event.trade, via=ConfirmedBy.CALLBACK)
    except Exception as exc:  # noqa: BLE001 - the event is kept and the provider retries
        log.exception("payment_callback_failed", provider=provider_id, event=stored.pk)
        return EventOutcome.ERROR, type(exc).__name__
    return EventOutcome.PROCESSED, ""
