"""API shapes of payments. Every amount is an integer number of fen (分): ``12345`` is ¥123.45; a
number with a fraction (``100.0`` included) is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import StrictInt

ChannelName = Literal["wechat", "alipay", "unionpay", "bank_transfer"]


class PayIn(Schema):
    channel: ChannelName = Field(description="微信支付, 支付宝, 银联 or 对公转账 (`bank_transfer`).")


class RefundIn(Schema):
    amount_cents: StrictInt | None = Field(
        None, ge=1, description="Fen to refund; leave out to refund everything still refundable."
    )
    reason: str = Field(max_length=300)
    department: str = Field(
        "", description="Slug of the department whose fees are refunded (finance; staff refund their own)."
    )


class WaiveIn(Schema):
    reason: str = Field(
        max_length=300, description="Why the fee is waived (减免), e.g. the exemption's basis."
    )


class AssessIn(Schema):
    amount_cents: StrictInt = Field(ge=0)
    note: str = Field(max_length=300, description="How the amount was assessed (核定).")


class TransferIn(Schema):
    reference: str = Field(max_length=64, description="The bank's reference of the transfer (流水号).")
    amount_cents: StrictInt = Field(ge=1)
    paid_on: dt.date | None = Field(None, description="Day the money arrived; today when left out.")


class ResolveIn(Schema):
    action: Literal["apply_provider", "explained"]
    note: str = Field(max_length=500)


class ReconcileIn(Schema):
    provider: str = "sandbox"
    day: dt.date


class CloseIn(Schema):
    reason: str = Field("", max_length=200)


class FeeOut(Schema):
    id: int
    name: str
    standard: str
    basis: str
    amount_cents: int | None = Field(description="Null while a fee charged by rate awaits assessment.")
    assessed: bool
    assessable: bool
    waivable: bool
    waived: bool
    waiver_reason: str
    item_code: str


class LineOut(Schema):
    department: str
    department_name: str
    gross_cents: int
    waived_cents: int
    amount_cents: int
    refunded_cents: int
    fees: list[FeeOut]


class PaymentOut(Schema):
    out_trade_no: str
    provider: str
    channel: str
    status: str
    amount_cents: int
    pay_url: str = Field(description="Send the payer here (the provider's cashier page).")
    qr_payload: str = Field(description="Or show this as a QR code to scan with the payment app.")
    instructions: dict[str, Any] = Field(description="Bank transfer: account, bank and remittance code.")
    paid_at: dt.datetime | None
    confirmed_by: str
    created_at: dt.datetime


class RefundOut(Schema):
    id: str
    out_refund_no: str
    order_id: str
    order_no: str
    kind: str
    status: str
    amount_cents: int
    department: str | None
    reason: str
    provider_refund_id: str
    requested_at: dt.datetime
    finished_at: dt.datetime | None


class ReceiptOut(Schema):
    number: str
    amount_cents: int
    issued_at: dt.datetime
    url: str


class OrderSummaryOut(Schema):
    id: str
    order_no: str
    case_no: str
    status: str
    status_label: str
    currency: str
    gross_cents: int
    waived_cents: int
    total_cents: int
    refunded_cents: int
    expires_at: dt.datetime
    paid_at: dt.datetime | None
    closed_at: dt.datetime | None
    created_at: dt.datetime


class OrderOut(OrderSummaryOut):
    refundable_cents: int
    lines: list[LineOut]
    payments: list[PaymentOut]
    refunds: list[RefundOut]
    receipt: ReceiptOut | None


class StartOut(Schema):
    order: OrderOut
    payment: PaymentOut = Field(description="The attempt this request made (or made before, on a replay).")


class MismatchOut(Schema):
    id: int
    provider: str
    day: dt.date
    kind: str
    cause: str
    reference: str
    platform_amount_cents: int | None
    provider_amount_cents: int | None
    platform_status: str
    provider_status: str
    status: str
    action: str
    note: str
    found_at: dt.datetime
    resolved_at: dt.datetime | None


class RunOut(Schema):
    provider: str
    day: dt.date
    status: str
    statement_lines: int
    matched: int
    open_mismatches: int
    error: str
