"""Code tables of payments (统一支付). Values are stored and appear in the API: never rename one."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CURRENCY = "CNY"

# Staff role code of finance officers (财务). Not (yet) a ``StaffRole`` value: a ``Role`` row with this
# code grants it. Finance staff refund any line, record bank transfers and resolve reconciliation.
FINANCE_ROLE = "finance"


class OrderStatus(models.TextChoices):
    CREATED = "created", _("Waiting for payment")
    PAYING = "paying", _("Payment in progress")
    PAID = "paid", _("Paid")
    PARTIALLY_REFUNDED = "partially_refunded", _("Paid, partly refunded")
    REFUNDED = "refunded", _("Refunded")
    CLOSED = "closed", pgettext_lazy("order", "Closed")
    EXPIRED = "expired", _("Expired unpaid")


# An order in one of these may still be paid.
PAYABLE = frozenset({OrderStatus.CREATED, OrderStatus.PAYING})
# Settled orders: the money is the departments' income (less refunds).
SETTLED = frozenset({OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED})
# Ended without payment: a payment that still arrives is refunded.
ENDED = frozenset({OrderStatus.CLOSED, OrderStatus.EXPIRED})


class Channel(models.TextChoices):
    WECHAT = "wechat", _("WeChat Pay (微信支付)")
    ALIPAY = "alipay", _("Alipay (支付宝)")
    UNIONPAY = "unionpay", _("UnionPay (银联)")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer (对公转账)")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the payer")
    PAID = "paid", _("Paid")
    CLOSED = "closed", pgettext_lazy("payment", "Closed")
    FAILED = "failed", _("Failed")


class ConfirmedBy(models.TextChoices):
    """How the platform learnt that a payment was made."""

    CALLBACK = "callback", _("Provider notification")
    QUERY = "query", _("Provider query")
    STATEMENT = "statement", _("Provider statement")
    STAFF = "staff", _("Recorded by staff")
    RECONCILIATION = "reconciliation", _("Reconciliation")


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    PROCESSING = "processing", _("Processing at the provider")
    SUCCEEDED = "succeeded", _("Refunded")
    FAILED = "failed", _("Failed")


# Refunds that hold part of the refundable amount (a failed one releases it).
REFUND_HOLDS = frozenset({RefundStatus.REQUESTED, RefundStatus.PROCESSING, RefundStatus.SUCCEEDED})


class RefundKind(models.TextChoices):
    REQUESTED = "requested", _("Requested by staff")
    # Money that arrived for an order that was closed, expired or already paid by another attempt,
    # or with a wrong amount: returned at once, never kept.
    AUTOMATIC = "automatic", _("Automatic: payment not accepted")


class EventOutcome(models.TextChoices):
    PROCESSED = "processed", _("Processed")
    DUPLICATE = "duplicate", _("Duplicate, already processed")
    REJECTED = "rejected", _("Rejected")
    UNKNOWN = "unknown", _("Unknown payment, provider retries")
    ERROR = "error", _("Error, provider retries")


class RunStatus(models.TextChoices):
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class MismatchCause(models.TextChoices):
    MISSING_ON_PLATFORM = "missing_on_platform", _("At the provider, not on the platform")
    MISSING_AT_PROVIDER = "missing_at_provider", _("On the platform, not at the provider")
    AMOUNT_DIFFERS = "amount_differs", _("Amounts differ")
    STATUS_DIFFERS = "status_differs", _("Statuses differ")


class MismatchKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")


class MismatchStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class MismatchAction(models.TextChoices):
    # Apply the provider's record to the platform (a payment the platform missed is marked paid through
    # the normal path: it settles the order, or is refunded when the order no longer takes payment).
    APPLY_PROVIDER = "apply_provider", _("Apply the provider's record")
    # The difference is understood and needs no change here (e.g. settled with the provider by phone).
    EXPLAINED = "explained", _("Explained, no change")
    # Set by a later run that no longer finds the difference.
    CLEARED = "cleared", _("Cleared by a later run")
