"""The admin, for operators: everything readable, nothing editable (money moves only through services)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tongban.payments.models import (
    FeeOrder,
    Mismatch,
    OrderFee,
    OrderLine,
    Payment,
    ProviderEvent,
    Receipt,
    ReconciliationRun,
    Refund,
    Settlement,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = ("department", "gross_cents", "waived_cents", "amount_cents", "refunded_cents")
    readonly_fields = fields
    can_delete = False


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    fields = ("out_trade_no", "provider", "channel", "amount_cents", "status", "confirmed_by", "paid_at")
    readonly_fields = fields
    can_delete = False


@admin.register(FeeOrder)
class FeeOrderAdmin(ReadOnly):
    list_display = ("order_no", "case", "status", "total_cents", "refunded_cents", "created_at", "paid_at")
    list_filter = ("status",)
    search_fields = ("order_no", "case__case_no")
    inlines = [LineInline, PaymentInline]


@admin.register(OrderFee)
class OrderFeeAdmin(ReadOnly):
    list_display = ("name", "line", "amount_cents", "waived", "waiver_reason")
    list_filter = ("waived",)


@admin.register(Payment)
class PaymentAdmin(ReadOnly):
    list_display = (
        "out_trade_no",
        "provider",
        "channel",
        "amount_cents",
        "status",
        "confirmed_by",
        "paid_at",
    )
    list_filter = ("provider", "channel", "status", "confirmed_by")
    search_fields = ("out_trade_no", "provider_trade_no", "transfer_reference")


@admin.register(Settlement)
class SettlementAdmin(ReadOnly):
    list_display = ("order", "payment", "amount_cents", "settled_at")


@admin.register(Receipt)
class ReceiptAdmin(ReadOnly):
    list_display = ("number", "order", "amount_cents", "issued_at")
    search_fields = ("number", "order__order_no")


@admin.register(Refund)
class RefundAdmin(ReadOnly):
    list_display = ("out_refund_no", "order", "kind", "amount_cents", "status", "requested_at", "finished_at")
    list_filter = ("kind", "status")
    search_fields = ("out_refund_no", "order__order_no", "provider_refund_id")


@admin.register(ProviderEvent)
class ProviderEventAdmin(ReadOnly):
    list_display = ("received_at", "provider", "kind", "reference", "outcome", "rejection", "signature_ok")
    list_filter = ("provider", "outcome", "rejection", "signature_ok")
    search_fields = ("reference", "dedupe_key")


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(ReadOnly):
    list_display = ("day", "provider", "status", "statement_lines", "matched", "open_mismatches", "runs")
    list_filter = ("provider", "status")


@admin.register(Mismatch)
class MismatchAdmin(ReadOnly):
    list_display = ("reference", "kind", "cause", "status", "action", "found_at", "resolved_at")
    list_filter = ("cause", "status", "kind")
    search_fields = ("reference",)
