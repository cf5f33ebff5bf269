"""Refunds, the raw provider event log and daily reconciliation (对账) with its mismatches."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongban.payments.constants import (
    EventOutcome,
    MismatchAction,
    MismatchCause,
    MismatchKind,
    MismatchStatus,
    RefundKind,
    RefundStatus,
    RunStatus,
)
from tongban.payments.models.orders import FeeOrder, OrderLine, Payment

USER = settings.AUTH_USER_MODEL


class Refund(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Our reference at the provider (商户退款单号); the provider refunds each number at most once.
    out_refund_no = models.CharField(_("refund number"), max_length=32, unique=True)
    order = models.ForeignKey(FeeOrder, on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    # The department line the money comes back from; empty for automatic refunds (never income).
    line = models.ForeignKey(
        OrderLine, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RefundKind.choices)
    amount_cents = models.PositiveBigIntegerField(_("amount (fen)"))
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"), max_length=12, choices=RefundStatus.choices, default=RefundStatus.REQUESTED
    )
    provider_refund_id = models.CharField(_("provider refund id"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True)
    requested_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="refund_idempotency_key_once",
            ),
            # At most one automatic refund per payment that was not accepted.
            models.UniqueConstraint(
                fields=["payment"], condition=Q(kind="automatic"), name="refund_automatic_once"
            ),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.out_refund_no


class ProviderEvent(models.Model):
    """Every callback a provider sent, kept raw with the result of its signature check."""

    provider = models.CharField(max_length=30)
    received_at = models.DateTimeField(auto_now_add=True)
    headers = models.JSONField(default=dict)
    body = models.TextField()
    signature_ok = models.BooleanField(default=False)
    # Why it was refused (a stable code: ``signature_invalid``, ``nonce_replayed`` …); empty if accepted.
    rejection = models.CharField(max_length=40, blank=True)
    nonce = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    # The provider's own identity of the notification: the same across its retries.
    dedupe_key = models.CharField(max_length=100, blank=True, db_index=True)
    kind = models.CharField(max_length=10, blank=True)
    reference = models.CharField(max_length=32, blank=True, db_index=True)
    outcome = models.CharField(max_length=10, choices=EventOutcome.choices)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("provider event")
        verbose_name_plural = _("provider events")
        constraints = [
            # A nonce is accepted once per provider: a replayed request is refused.
            models.UniqueConstraint(
                fields=["provider", "nonce"],
                condition=Q(rejection="") & ~Q(nonce=""),
                name="payment_event_nonce_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.dedupe_key or self.pk} ({self.outcome})"


class ReconciliationRun(models.Model):
    """One provider's statement of one day compared with the platform's records."""

    provider = models.CharField(max_length=30)
    day = models.DateField(_("day"))
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices)
    statement_lines = models.PositiveIntegerField(default=0)
    matched = models.PositiveIntegerField(default=0)
    open_mismatches = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    runs = models.PositiveIntegerField(default=0)
    run_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "provider"]
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")
        constraints = [models.UniqueConstraint(fields=["provider", "day"], name="reconciliation_once_a_day")]

    def __str__(self) -> str:
        return f"{self.provider} {self.day}"


class Mismatch(models.Model):
    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE, related_name="mismatches")
    kind = models.CharField(_("kind"), max_length=10, choices=MismatchKind.choices)
    cause = models.CharField(_("cause"), max_length=20, choices=MismatchCause.choices)
    reference = models.CharField(_("reference"), max_length=32)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    refund = models.ForeignKey(Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    platform_amount_cents = models.BigIntegerField(null=True, blank=True)
    provider_amount_cents = models.BigIntegerField(null=True, blank=True)
    platform_status = models.CharField(max_length=20, blank=True)
    provider_status = models.CharField(max_length=20, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MismatchStatus.choices, default=MismatchStatus.OPEN
    )
    action = models.CharField(_("action"), max_length=20, choices=MismatchAction.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    resolved_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField()

    class Meta:
        ordering = ["status", "-found_at", "pk"]
        verbose_name = _("reconciliation mismatch")
        verbose_name_plural = _("reconciliation mismatches")
        constraints = [
            models.UniqueConstraint(fields=["run", "kind", "reference"], name="mismatch_once_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.cause}"
