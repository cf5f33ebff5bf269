"""The sandbox provider's own books: what a real provider keeps on its side.

These tables stand for the provider's systems, not the platform's records. Reconciliation compares the
two, so the sandbox never reads the platform's payment tables and the platform never writes these
(except through the sandbox provider's API and its cashier page).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SandboxTrade(models.Model):
    trade_no = models.CharField(max_length=40, unique=True)
    out_trade_no = models.CharField(max_length=32, unique=True)
    channel = models.CharField(max_length=20)
    amount_cents = models.PositiveBigIntegerField()
    subject = models.CharField(max_length=200)
    # NOTPAY, SUCCESS or CLOSED, as in WeChat Pay's trade_state.
    state = models.CharField(max_length=10, default="NOTPAY")
    cashier_token = models.CharField(max_length=64, unique=True)
    return_url = models.CharField(max_length=500, blank=True)
    payer_reference = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sandbox trade")
        verbose_name_plural = _("sandbox trades")

    def __str__(self) -> str:
        return f"{self.trade_no} ({self.state})"


class SandboxRefund(models.Model):
    refund_id = models.CharField(max_length=40, unique=True)
    out_refund_no = models.CharField(max_length=32, unique=True)
    trade = models.ForeignKey(SandboxTrade, on_delete=models.CASCADE, related_name="refunds")
    amount_cents = models.PositiveBigIntegerField()
    # PROCESSING, SUCCESS or ABNORMAL.
    state = models.CharField(max_length=12, default="PROCESSING")
    created_at = models.DateTimeField()
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sandbox refund")
        verbose_name_plural = _("sandbox refunds")

    def __str__(self) -> str:
        return f"{self.refund_id} ({self.state})"


class SandboxCallback(models.Model):
    """A notification the sandbox owes the platform, retried until acknowledged."""

    notify_id = models.CharField(max_length=40, unique=True)
    payload = models.JSONField()
    created_at = models.DateTimeField()
    deliver_after = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["deliver_after", "pk"]
        verbose_name = _("sandbox callback")
        verbose_name_plural = _("sandbox callbacks")

    def __str__(self) -> str:
        return self.notify_id
