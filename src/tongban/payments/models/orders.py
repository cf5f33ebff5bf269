"""Fee orders, their lines and fees, payment attempts, the settlement and the electronic receipt.

Amounts are integer fen (分) everywhere; there is no float in this app. An order belongs to one case and
has one line per department, so each department's income is accounted separately; a line holds the fee
items of that department's case items, with waivers (减免) and assessed amounts. A payment is one attempt
at a provider (a channel, a provider trade number). The settlement is the single row that says the
order's money was taken: the database refuses a second one.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tongban.payments.constants import Channel, ConfirmedBy, OrderStatus, PaymentStatus

USER = settings.AUTH_USER_MODEL
LIVE = [
    OrderStatus.CREATED,
    OrderStatus.PAYING,
    OrderStatus.PAID,
    OrderStatus.PARTIALLY_REFUNDED,
    OrderStatus.REFUNDED,
]


class FeeOrder(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    order_no = models.CharField(_("order number"), max_length=32, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="fee_orders")
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.CREATED
    )
    gross_cents = models.PositiveBigIntegerField(_("fees before waivers (fen)"), default=0)
    waived_cents = models.PositiveBigIntegerField(_("waived (fen)"), default=0)
    total_cents = models.PositiveBigIntegerField(_("amount to pay (fen)"), default=0)
    refunded_cents = models.PositiveBigIntegerField(_("refunded (fen)"), default=0)
    expires_at = models.DateTimeField(_("pay by"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.CharField(_("why closed"), max_length=200, blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("fee order")
        verbose_name_plural = _("fee orders")
        constraints = [
            # One order per case at a time: a new one only once the last was closed or expired unpaid.
            models.UniqueConstraint(
                fields=["case"], condition=Q(status__in=LIVE), name="payment_one_live_order_per_case"
            ),
            models.CheckConstraint(
                condition=Q(refunded_cents__lte=F("total_cents")), name="payment_order_refund_cap"
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return self.order_no


class OrderLine(models.Model):
    """One department's share of an order."""

    order = models.ForeignKey(FeeOrder, on_delete=models.CASCADE, related_name="lines")
    department = models.ForeignKey("organizations.Department", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    gross_cents = models.PositiveBigIntegerField(default=0)
    waived_cents = models.PositiveBigIntegerField(default=0)
    amount_cents = models.PositiveBigIntegerField(_("amount (fen)"), default=0)
    refunded_cents = models.PositiveBigIntegerField(_("refunded (fen)"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.UniqueConstraint(fields=["order", "department"], name="payment_one_line_per_department"),
            models.CheckConstraint(
                condition=Q(refunded_cents__lte=F("amount_cents")), name="payment_line_refund_cap"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.department_id}"


class OrderFee(models.Model):
    """A fee item (收费标准) of a case item, copied when the order was made, with its waiver."""

    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="fees")
    case_item = models.ForeignKey("cases.CaseItem", on_delete=models.PROTECT, related_name="+")
    fee_item = models.ForeignKey("items.FeeItem", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("fee"), max_length=150)
    standard = models.CharField(_("rate"), max_length=300, blank=True)
    basis = models.CharField(_("basis"), max_length=300, blank=True)
    # Null while a fee charged by rate has not been assessed (核定) by its department.
    amount_cents = models.PositiveBigIntegerField(_("amount (fen)"), null=True, blank=True)
    assessed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(null=True, blank=True)
    assessment_note = models.CharField(_("how assessed"), max_length=300, blank=True)
    waivable = models.BooleanField(_("may be waived"), default=False)
    waived = models.BooleanField(_("waived"), default=False)
    waiver_reason = models.CharField(_("why waived"), max_length=300, blank=True)
    waived_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    waived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("order fee")
        verbose_name_plural = _("order fees")
        constraints = [
            models.CheckConstraint(
                condition=Q(waived=False) | Q(waivable=True), name="payment_waive_waivable"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def payable_cents(self) -> int:
        return 0 if self.waived or self.amount_cents is None else self.amount_cents


class Payment(models.Model):
    """One attempt to pay an order at a provider."""

    order = models.ForeignKey(FeeOrder, on_delete=models.PROTECT, related_name="payments")
    seq = models.PositiveSmallIntegerField()
    # Our reference at the provider (商户订单号); a bank transfer's remittance code (汇款识别码).
    out_trade_no = models.CharField(_("merchant trade number"), max_length=32, unique=True)
    provider = models.CharField(_("provider"), max_length=30)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    amount_cents = models.PositiveBigIntegerField(_("amount (fen)"))
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    provider_trade_no = models.CharField(_("provider trade number"), max_length=64, blank=True)
    pay_url = models.CharField(_("cashier address"), max_length=500, blank=True)
    qr_payload = models.CharField(_("QR code content"), max_length=500, blank=True)
    instructions = models.JSONField(_("payment instructions"), default=dict, blank=True)
    # What the provider says was paid (equal to ``amount_cents`` unless something is wrong).
    paid_amount_cents = models.PositiveBigIntegerField(null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    confirmed_by = models.CharField(max_length=16, choices=ConfirmedBy.choices, blank=True)
    transfer_reference = models.CharField(_("transfer reference"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    last_queried_at = models.DateTimeField(null=True, blank=True)
    queries = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["seq", "pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(fields=["order", "seq"], name="payment_attempt_seq_once"),
            models.UniqueConstraint(
                fields=["order", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="payment_idempotency_key_once",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_trade_no"],
                condition=~Q(provider_trade_no=""),
                name="payment_provider_trade_once",
            ),
        ]
        indexes = [models.Index(fields=["status", "provider", "created_at"])]

    def __str__(self) -> str:
        return self.out_trade_no


class Settlement(models.Model):
    """The order's money was taken: exactly one per order, from exactly one payment, ever."""

    order = models.OneToOneField(FeeOrder, on_delete=models.PROTECT, related_name="settlement")
    # Null only for an order whose fees were all waived (nothing to pay).
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="settlement"
    )
    amount_cents = models.PositiveBigIntegerField(_("amount (fen)"))
    settled_at = models.DateTimeField(_("settled at"))

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.amount_cents}"


class ReceiptCounter(models.Model):
    """Serial numbers of receipts, one row per year."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Receipt(models.Model):
    """电子票据: the record of one settled payment, as printed for the payer."""

    number = models.CharField(_("receipt number"), max_length=32, unique=True)
    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="receipt")
    order = models.ForeignKey(FeeOrder, on_delete=models.PROTECT, related_name="receipts")
    payer_name = models.CharField(_("payer"), max_length=200)
    amount_cents = models.PositiveBigIntegerField(_("amount (fen)"))
    # [{"department": name, "amount_cents": n, "fees": [{"name", "amount_cents", "waived"}]}]
    lines = models.JSONField(_("lines"), default=list)
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("electronic receipt")
        verbose_name_plural = _("electronic receipts")

    def __str__(self) -> str:
        return self.number
