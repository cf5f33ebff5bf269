"""Shared pieces of the payment services: settings, numbers, audit, locks and provider look-up."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.principal import Principal
from tongban.audits import services as audit
from tongban.payments.models import FeeOrder, Payment
from tongban.payments.providers.registry import Provider, UnknownProvider, providers
from tongban.utils.errors import DomainError
from tongban.utils.urls import site_url

# How the audit trail names the platform acting on its own (worker, callbacks).
SYSTEM_ACTOR = "payments"


class ProviderUnavailable(DomainError):
    """The payment provider could not be reached or refused; try again later (HTTP 502)."""

    status = 502


def order_ttl() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "TONGBAN_PAYMENT_ORDER_TTL_MINUTES", 24 * 60))


def query_after() -> dt.timedelta:
    return dt.timedelta(minutes=getattr(settings, "TONGBAN_PAYMENT_QUERY_AFTER_MINUTES", 5))


def callback_window() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "TONGBAN_PAYMENT_CALLBACK_WINDOW_SECONDS", 300))


def new_order_no() -> str:
    """``TB`` + day + 12 random hex digits (22 characters, within every provider's 32-character limit)."""
    return f"TB{timezone.localdate():%Y%m%d}{secrets.token_hex(6).upper()}"


def return_url(order: FeeOrder) -> str:
    return site_url(reverse("payments:order", args=[order.uid]))


def notify_url(provider: str) -> str:
    return site_url(f"/api/v1/payments/callback/{provider}")


def provider_of(payment: Payment) -> Provider:
    try:
        return providers.get(payment.provider)
    except UnknownProvider:
        raise DomainError(
            "payment_provider_unknown",
            _("This payment's provider is not installed."),
            provider=payment.provider,
        ) from None


def record(event: str, obj: models.Model, principal: Principal | None = None, **summary: Any) -> None:
    """An audit event; the platform itself is named ``payments`` when no person acts."""
    audit.record(
        event,
        principal=principal,
        obj=obj,
        summary=summary,
        actor_label=None if principal is not None and principal.user is not None else SYSTEM_ACTOR,
    )


def lock_order(order_id: int) -> FeeOrder:
    """The order row, locked: every change of an order, its payments and refunds takes this lock first,
    so concurrent callbacks, queries and staff actions on one order run one after another."""
    return FeeOrder.objects.select_for_update(of=("self",)).select_related("case").get(pk=order_id)
