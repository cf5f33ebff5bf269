"""Payment tables; see the modules for what each holds."""

from tongban.payments.models.ledger import Mismatch, ProviderEvent, ReconciliationRun, Refund
from tongban.payments.models.orders import (
    FeeOrder,
    OrderFee,
    OrderLine,
    Payment,
    Receipt,
    ReceiptCounter,
    Settlement,
)
from tongban.payments.models.sandbox import SandboxCallback, SandboxRefund, SandboxTrade

__all__ = [
    "FeeOrder",
    "Mismatch",
    "OrderFee",
    "OrderLine",
    "Payment",
    "ProviderEvent",
    "Receipt",
    "ReceiptCounter",
    "ReconciliationRun",
    "Refund",
    "SandboxCallback",
    "SandboxRefund",
    "SandboxTrade",
    "Settlement",
]
