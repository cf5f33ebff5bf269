"""Daily reconciliation (对账): a provider's statement of a day against the platform's records.

Each statement line is matched by our reference (``out_trade_no`` / ``out_refund_no``); the platform's
payments and refunds of the day (by the provider's time) that the statement lacks are listed too:

- ``missing_on_platform``: money moved at the provider that the platform has no record of;
- ``missing_at_provider``: the platform counts money the provider does not report;
- ``amount_differs`` and ``status_differs`` (e.g. paid there, still pending here).

A bank transfer (对公转账) whose remittance code and amount match an open attempt is not a mismatch: the
statement is how the platform learns of it, and the payment is applied as paid. A run is kept per
provider and day and may be repeated: mismatches that are gone are cleared, resolved ones stay resolved.
Finance staff resolve the rest with an audited action and a note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import structlog

from tongban.accounts.principal import Principal
from tongban.payments.constants import (
    Channel,
    ConfirmedBy,
    MismatchAction,
    MismatchCause,
    MismatchKind,
    MismatchStatus,
    PaymentStatus,
    RefundStatus,
    RunStatus,
)
from tongban.payments.models import Mismatch, Payment, ReconciliationRun, Refund
from tongban.payments.providers.base import ProviderError, StatementLine, TradeInfo
from tongban.payments.providers.registry import UnknownProvider, providers
from tongban.payments.services import refunds, state
from tongban.payments.services.common import record
from tongban.utils import authz
from tongban.utils.errors import Conflict, DomainError, NotFound

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Finding:
    kind: str
    cause: str
    reference: str
    payment: Payment | None = None
    refund: Refund | None = None
    platform_amount: int | None = None
    provider_amount: int | None = None
    platform_status: str = ""
    provider_status: str = ""


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


@dataclass(frozen=True)
class _Seen:
    """A payment or refund as the platform records it, for the comparison."""

    reference: str
    amount: int | None
    status: str
    done: bool  # paid / succeeded on the platform
    link: dict[str, Any]  # {"payment": ...} or {"refund": ...}


def _payment_seen(p: Payment) -> _Seen:
    amount = p.paid_amount_cents if p.paid_amount_cents is not None else p.amount_cents
    return _Seen(p.out_trade_no, amount, p.status, p.status == PaymentStatus.PAID, {"payment": p})


def _refund_seen(r: Refund) -> _Seen:
    return _Seen(r.out_refund_no, r.amount_cents, r.status, r.status == RefundStatus.SUCCEEDED, {"refund": r})


def _compare(
    kind: str,
    provider_status: str,
    stated: dict[str, StatementLine],
    known: dict[str, _Seen],
    only_ours: list[_Seen],
    settle: Callable[[_Seen, StatementLine], bool] | None = None,
) -> tuple[list[Finding], int]:
    """Statement lines against the platform's records (by our reference), then the platform's records of
    the day the statement does not list. ``settle`` may apply a line instead (it then counts as matched)."""
    found: list[Finding] = []
    matched = 0
    for ref, line in stated.items():
        seen = known.get(ref)
        if seen is None:
            cause = MismatchCause.MISSING_ON_PLATFORM
            found.append(
                Finding(kind, cause, ref, provider_amount=line.amount_cents, provider_status=provider_status)
            )
            continue
        if settle is not None and settle(seen, line):
            matched += 1
            continue
        if not seen.done:
            cause = MismatchCause.STATUS_DIFFERS
        elif seen.amount != line.amount_cents:
            cause = MismatchCause.AMOUNT_DIFFERS
        else:
            matched += 1
            continue
        found.append(
            Finding(
                kind,
                cause,
                ref,
                platform_amount=seen.amount,
                provider_amount=line.amount_cents,
                platform_status=seen.status,
                provider_status=provider_status,
                **seen.link,
            )
        )
    found += [
        Finding(
            kind,
            MismatchCause.MISSING_AT_PROVIDER,
            seen.reference,
            platform_amount=seen.amount,
            platform_status=seen.status,
            **seen.link,
        )
        for seen in only_ours
    ]
    return found, matched


def _compare_payments(
    provider_id: str, day: dt.date, lines: list[StatementLine]
) -> tuple[list[Finding], int]:
    stated = {line.reference: line for line in lines}
    known = {
        p.out_trade_no: _payment_seen(p)
        for p in Payment.objects.filter(provider=provider_id, out_trade_no__in=list(stated))
    }
    start, end = _day_bounds(day)
    ours = Payment.objects.filter(
        provider=provider_id, status=PaymentStatus.PAID, paid_at__gte=start, paid_at__lt=end
    ).exclude(out_trade_no__in=list(stated))

    def transfer_arrived(seen: _Seen, line: StatementLine) -> bool:
        # Banks send no notification: a transfer that matches an open attempt's remittance code and
        # amount is applied as paid through the normal path.
        payment: Payment = seen.link["payment"]
        if (
            payment.status == PaymentStatus.PAID
            or payment.channel != Channel.BANK_TRANSFER
            or line.amount_cents != payment.amount_cents
        ):
            return False
        info = TradeInfo(
            out_trade_no=line.reference,
            state="paid",
            provider_trade_no=line.provider_ref,
            amount_cents=line.amount_cents,
            paid_at=line.at,
        )
        state.apply_trade(payment.pk, info, via=ConfirmedBy.STATEMENT)
        return True

    only_ours = [_payment_seen(p) for p in ours]
    return _compare(MismatchKind.PAYMENT, "paid", stated, known, only_ours, transfer_arrived)


def _compare_refunds(provider_id: str, day: dt.date, lines: list[StatementLine]) -> tuple[list[Finding], int]:
    stated = {line.reference: line for line in lines}
    known = {
        r.out_refund_no: _refund_seen(r)
        for r in Refund.objects.filter(payment__provider=provider_id, out_refund_no__in=list(stated))
    }
    start, end = _day_bounds(day)
    ours = Refund.objects.filter(
        payment__provider=provider_id,
        status=RefundStatus.SUCCEEDED,
        finished_at__gte=start,
        finished_at__lt=end,
    ).exclude(out_refund_no__in=list(stated))
    return _compare(MismatchKind.REFUND, "succeeded", stated, known, [_refund_seen(r) for r in ours])


def reconcile(provider_id: str, day: dt.date, *, principal: Principal | None = None) -> ReconciliationRun:
    """Compare the provider's statement of ``day`` with the platform's records (repeatable)."""
    try:
        provider = providers.get(provider_id)
    except UnknownProvider:
        raise NotFound("payment_provider_unknown", _("Unknown payment provider.")) from None
    now = timezone.now()
    try:
        lines = provider.statement(day)
    except ProviderError as exc:
        run, _created = ReconciliationRun.objects.update_or_create(
            provider=provider_id,
            day=day,
            defaults={
                "status": RunStatus.FAILED,
                "error": str(exc)[:300],
                "started_at": now,
                "finished_at": None,
            },
        )
        log.warning("reconciliation_failed", provider=provider_id, day=str(day))
        return run
    payment_findings, paid_matched = _compare_payments(
        provider_id, day, [x for x in lines if x.kind == "payment"]
    )
    refund_findings, refund_matched = _compare_refunds(
        provider_id, day, [x for x in lines if x.kind == "refund"]
    )
    with transaction.atomic():
        run, _created = ReconciliationRun.objects.select_for_update().get_or_create(
            provider=provider_id, day=day, defaults={"status": RunStatus.DONE, "started_at": now}
        )
        _store(run, payment_findings + refund_findings, principal)
        run.status, run.error = RunStatus.DONE, ""
        run.statement_lines, run.matched = len(lines), paid_matched + refund_matched
        run.open_mismatches = run.mismatches.filter(status=MismatchStatus.OPEN).count()
        run.runs += 1
        run.run_by = principal.user if principal is not None else None
        run.started_at, run.finished_at = now, timezone.now()
        run.save()
        record(
            "payment.reconciled",
            run,
            principal,
            provider=provider_id,
            day=str(day),
            lines=run.statement_lines,
            matched=run.matched,
            open_mismatches=run.open_mismatches,
        )
    return run


def _store(run: ReconciliationRun, findings: list[Finding], principal: Principal | None) -> None:
    existing = {(m.kind, m.reference): m for m in run.mismatches.all()}
    seen = set()
    now = timezone.now()
    for f in findings:
        seen.add((f.kind, f.reference))
        fields = {
            "cause": f.cause,
            "payment": f.payment,
            "refund": f.refund,
            "platform_amount_cents": f.platform_amount,
            "provider_amount_cents": f.provider_amount,
            "platform_status": f.platform_status,
            "provider_status": f.provider_status,
        }
        mismatch = existing.get((f.kind, f.reference))
        if mismatch is None:
            mismatch = Mismatch.objects.create(
                run=run, kind=f.kind, reference=f.reference, found_at=now, **fields
            )
            record("payment.mismatch_found", mismatch, principal, cause=f.cause, reference=f.reference)
        elif mismatch.status == MismatchStatus.OPEN:
            Mismatch.objects.filter(pk=mismatch.pk).update(**fields)
    for key, mismatch in existing.items():
        if key not in seen and mismatch.status == MismatchStatus.OPEN:
            mismatch.status, mismatch.action = MismatchStatus.RESOLVED, MismatchAction.CLEARED
            mismatch.resolved_at, mismatch.note = now, "no longer found"
            mismatch.save(update_fields=["status", "action", "resolved_at", "note"])
            record("payment.mismatch_resolved", mismatch, principal, action=MismatchAction.CLEARED)


def resolve(principal: Principal, mismatch: Mismatch, *, action: str, note: str) -> Mismatch:
    """Finance resolves a mismatch: apply the provider's record, or explain it; always with a note."""
    authz.authorize(principal, "resolve", mismatch)
    note = (note or "").strip()
    if not note:
        raise DomainError("mismatch_note_required", _("Say what was found and done."), field="note")
    if action not in (MismatchAction.APPLY_PROVIDER, MismatchAction.EXPLAINED):
        raise DomainError("mismatch_action_invalid", _("Choose an action."), field="action")
    if mismatch.status != MismatchStatus.OPEN:
        raise Conflict("mismatch_already_resolved", _("This mismatch has been resolved."))
    if action == MismatchAction.APPLY_PROVIDER:
        _apply_provider(mismatch)
    with transaction.atomic():
        mismatch = Mismatch.objects.select_for_update().get(pk=mismatch.pk)
        if mismatch.status != MismatchStatus.OPEN:
            raise Conflict("mismatch_already_resolved", _("This mismatch has been resolved."))
        mismatch.status, mismatch.action, mismatch.note = MismatchStatus.RESOLVED, action, note[:500]
        mismatch.resolved_by, mismatch.resolved_at = principal.user, timezone.now()
        mismatch.save(update_fields=["status", "action", "note", "resolved_by", "resolved_at"])
        ReconciliationRun.objects.filter(pk=mismatch.run_id).update(
            open_mismatches=Mismatch.objects.filter(
                run_id=mismatch.run_id, status=MismatchStatus.OPEN
            ).count()
        )
        record(
            "payment.mismatch_resolved",
            mismatch,
            principal,
            action=action,
            cause=mismatch.cause,
            reference=mismatch.reference,
        )
    return mismatch


def _apply_provider(mismatch: Mismatch) -> None:
    """Bring the platform's record in line with the provider's live answer (not the statement's copy)."""
    unavailable = DomainError(
        "mismatch_action_unavailable", _("There is no platform record to bring in line."), field="action"
    )
    try:
        if mismatch.payment is not None and mismatch.cause == MismatchCause.STATUS_DIFFERS:
            provider = providers.get(mismatch.payment.provider)
            info = provider.query(mismatch.payment.out_trade_no)
            if info.state != "paid":
                raise DomainError("provider_disagrees", _("The provider no longer reports this as paid."))
            state.apply_trade(mismatch.payment.pk, info, via=ConfirmedBy.RECONCILIATION)
            return
        if mismatch.refund is not None and mismatch.cause == MismatchCause.STATUS_DIFFERS:
            provider = providers.get(mismatch.refund.payment.provider)
            refund_info = provider.query_refund(mismatch.refund.out_refund_no)
            if refund_info.state != "succeeded":
                raise DomainError("provider_disagrees", _("The provider no longer reports this as refunded."))
            refunds.apply_refund_info(mismatch.refund.pk, refund_info)
            return
    except (ProviderError, UnknownProvider):
        raise DomainError("payment_provider_unavailable", _("The payment service did not answer.")) from None
    raise unavailable
