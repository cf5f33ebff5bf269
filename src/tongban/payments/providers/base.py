"""The contract every payment provider adapter fulfils (WeChat Pay, Alipay, UnionPay, a bank …).

A provider is a small class registered under an identifier (``registry.register("sandbox")``). Services
call only these methods and exchange only the dataclasses below, so adding a provider never touches the
services. Amounts are integer fen. The rules a provider adapter must keep:

- ``create_payment`` is idempotent on ``out_trade_no``: the same number with the same amount returns the
  same trade (the platform may retry after a timeout); another amount is refused.
- ``query``/``close``/``query_refund`` report the provider's truth; ``close`` of a paid trade reports it
  paid instead of failing, so the platform learns about the payment.
- ``refund`` is idempotent on ``out_refund_no``.
- ``verify_callback`` checks the signature *before* trusting anything in the body and raises
  :class:`CallbackRejected` with a stable code otherwise. Replay protection (timestamp window, nonce used
  once) is done by the platform with the ``signed_at`` and ``nonce`` the event reports.
- Temporary trouble (timeouts, 5xx) raises ``ProviderError(permanent=False)``: the platform retries.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Literal, TypeVar

from django.core.exceptions import ImproperlyConfigured

from pydantic import BaseModel, ValidationError

TradeState = Literal["pending", "paid", "closed", "not_found"]
RefundState = Literal["processing", "succeeded", "failed", "not_found"]


class ProviderError(Exception):
    """The provider refused or could not be reached. ``permanent``: retrying will not help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class CallbackRejected(Exception):
    """A callback that must not be trusted; ``code`` is stored with the raw event. ``signature_ok``: the
    signature held but the content is unusable (malformed, stale, replayed)."""

    def __init__(self, code: str, message: str = "", *, signature_ok: bool = False) -> None:
        super().__init__(message or code)
        self.code = code
        self.signature_ok = signature_ok


@dataclass(frozen=True)
class PaymentRequest:
    out_trade_no: str
    amount_cents: int
    subject: str
    channel: str
    expires_at: dt.datetime
    return_url: str
    notify_url: str


@dataclass(frozen=True)
class CreatedPayment:
    """Where the payer goes next: a redirect (``pay_url``), a QR code, or instructions (对公转账)."""

    provider_trade_no: str = ""
    pay_url: str = ""
    qr_payload: str = ""
    instructions: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TradeInfo:
    out_trade_no: str
    state: TradeState
    provider_trade_no: str = ""
    amount_cents: int | None = None
    paid_at: dt.datetime | None = None
    reference: str = ""  # a bank transfer's reference (流水号)


@dataclass(frozen=True)
class RefundRequest:
    out_refund_no: str
    out_trade_no: str
    provider_trade_no: str
    amount_cents: int
    total_cents: int
    reason: str


@dataclass(frozen=True)
class RefundInfo:
    out_refund_no: str
    state: RefundState
    provider_refund_id: str = ""
    amount_cents: int | None = None
    finished_at: dt.datetime | None = None


@dataclass(frozen=True)
class StatementLine:
    """One money movement of a day at the provider (对账单)."""

    kind: Literal["payment", "refund"]
    reference: str  # out_trade_no of a payment, out_refund_no of a refund
    amount_cents: int
    at: dt.datetime
    provider_ref: str = ""
    out_trade_no: str = ""
    channel: str = ""


@dataclass(frozen=True)
class CallbackEvent:
    """A verified notification: about a trade or about a refund."""

    dedupe_key: str
    nonce: str = ""
    signed_at: dt.datetime | None = None
    trade: TradeInfo | None = None
    refund: RefundInfo | None = None

    @property
    def kind(self) -> str:
        return "refund" if self.refund is not None else "payment"

    @property
    def reference(self) -> str:
        if self.refund is not None:
            return self.refund.out_refund_no
        return self.trade.out_trade_no if self.trade is not None else ""


OptionsT = TypeVar("OptionsT", bound=BaseModel)


class PaymentProvider(ABC, Generic[OptionsT]):
    identifier: str = ""
    verbose_name: ClassVar[str] = ""
    channels: ClassVar[frozenset[str]] = frozenset()
    is_demo: ClassVar[bool] = False
    # Options are read from settings and validated through this model on every use.
    options_model: ClassVar[type[BaseModel]]

    @abstractmethod
    def raw_options(self) -> dict[str, Any]:
        """The provider's options as configured (settings), before validation."""

    def options(self) -> OptionsT:
        try:
            return self.options_model.model_validate(self.raw_options())  # type: ignore[return-value]
        except ValidationError as exc:
            raise ImproperlyConfigured(f"payment provider {self.identifier!r}: {exc}") from None

    def check_config(self) -> list[str]:
        """Problems with the configuration (empty when usable); production checks call this."""
        try:
            self.options()
        except ImproperlyConfigured as exc:
            return [str(exc)]
        return []

    def cashier_origins(self) -> list[str]:
        """Origins (``https://host``) of the provider's cashier pages. The pay form's answer redirects
        there, so the pay page's Content-Security-Policy ``form-action`` must allow them."""
        return []

    @abstractmethod
    def create_payment(self, request: PaymentRequest) -> CreatedPayment: ...

    @abstractmethod
    def query(self, out_trade_no: str) -> TradeInfo: ...

    @abstractmethod
    def close(self, out_trade_no: str) -> TradeInfo: ...

    @abstractmethod
    def refund(self, request: RefundRequest) -> RefundInfo: ...

    @abstractmethod
    def query_refund(self, out_refund_no: str) -> RefundInfo: ...

    @abstractmethod
    def statement(self, day: dt.date) -> list[StatementLine]: ...

    @abstractmethod
    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> CallbackEvent: ...

    def acknowledge(self, accepted: bool, message: str = "") -> tuple[int, dict[str, Any]]:
        """The HTTP answer the provider expects; anything but success makes it retry later."""
        if accepted:
            return 200, {"code": "SUCCESS", "message": "OK"}
        return 400, {"code": "FAIL", "message": message or "rejected"}
