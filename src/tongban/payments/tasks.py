"""Worker tasks of payments: refunds, lost callbacks, expiry, daily reconciliation, the sandbox's
notifications. Every task takes ids, re-reads the rows and is safe to run twice."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

from django.utils import timezone

import structlog
from django_tasks import task

from tongban.utils import schedule

log = structlog.get_logger(__name__)


@task()
def submit_refund(refund_id: int) -> str:
    from tongban.payments.services import refunds

    return refunds.submit(refund_id)


@task()
def close_attempts(order_id: int) -> None:
    """Close the other open attempts of an order that was just settled."""
    from tongban.payments.services import orders

    orders.close_attempts(order_id)


@task()
def poll_payments() -> int:
    """Query attempts and refunds the providers have been silent about."""
    from tongban.payments.services import orders, refunds

    return orders.poll_pending() + refunds.poll()


@task()
def expire_orders() -> int:
    from tongban.payments.services import orders

    return orders.expire_due()


@task()
def reconcile_yesterday(day: str = "") -> int:
    """对账 of every enabled provider for ``day`` (ISO date; yesterday by default); returns the number
    of open mismatches."""
    from tongban.payments.providers.registry import providers
    from tongban.payments.services import reconciliation

    when = dt.date.fromisoformat(day) if day else timezone.localdate() - timedelta(days=1)
    open_mismatches = 0
    for provider in providers.enabled():
        run = reconciliation.reconcile(provider.identifier, when)
        open_mismatches += run.open_mismatches
    return open_mismatches


@task()
def deliver_sandbox_callback(callback_id: int) -> bool:
    """The sandbox provider sends one notification it owes the platform (retries: ``sandbox_callbacks``)."""
    from tongban.payments.models import SandboxCallback
    from tongban.payments.providers import sandbox

    callback = SandboxCallback.objects.filter(pk=callback_id, delivered_at__isnull=True).first()
    return True if callback is None else sandbox.deliver(callback)


@task()
def sandbox_callbacks() -> int:
    from tongban.payments.providers import sandbox
    from tongban.payments.providers.registry import providers

    return sandbox.deliver_due() if providers.is_enabled(sandbox.IDENTIFIER) else 0


schedule.register("payments.poll", timedelta(minutes=1), poll_payments)
schedule.register("payments.expire_orders", timedelta(minutes=5), expire_orders)
schedule.register("payments.reconcile", timedelta(days=1), reconcile_yesterday)
schedule.register("payments.sandbox_callbacks", timedelta(seconds=30), sandbox_callbacks)
