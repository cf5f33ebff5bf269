"""Registries of delivery adapters; ``TONGBAN_SMS_ADAPTER`` and ``TONGBAN_EMAIL_ADAPTER`` pick the active
ones."""

from __future__ import annotations

from django.conf import settings

from tongban.notifications.adapters.base import EmailAdapter, SmsAdapter
from tongban.utils.registry import AdapterRegistry

sms_registry: AdapterRegistry[SmsAdapter] = AdapterRegistry("SMS adapter")
email_registry: AdapterRegistry[EmailAdapter] = AdapterRegistry("e-mail adapter")


def active_sms_adapter() -> SmsAdapter:
    return sms_registry.get(settings.TONGBAN_SMS_ADAPTER)


def active_email_adapter() -> EmailAdapter:
    return email_registry.get(settings.TONGBAN_EMAIL_ADAPTER)
