"""The registry of payment providers and which of them are switched on.

``TONGBAN_PAYMENT_PROVIDERS`` lists the enabled identifiers in order of preference; a channel is served
by the first enabled provider that offers it. Tests may build their own :class:`Registry`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tongban.payments.constants import Channel
from tongban.payments.providers.base import PaymentProvider
from tongban.utils.registry import AdapterRegistry

DEFAULT_PROVIDERS = ["sandbox"]

Provider = PaymentProvider[Any]


class UnknownProvider(LookupError):
    pass


class Registry(AdapterRegistry[Provider]):
    def __init__(self) -> None:
        super().__init__("payment provider", unknown=UnknownProvider, max_length=30)

    def enabled(self) -> list[Provider]:
        """The switched-on providers, in the configured order (unknown names are a configuration error)."""
        names = getattr(settings, "TONGBAN_PAYMENT_PROVIDERS", DEFAULT_PROVIDERS)
        out = []
        for name in names:
            if name not in self:
                raise ImproperlyConfigured(f"TONGBAN_PAYMENT_PROVIDERS names unknown provider {name!r}")
            out.append(self.get(name))
        return out

    def is_enabled(self, identifier: str) -> bool:
        return identifier in getattr(settings, "TONGBAN_PAYMENT_PROVIDERS", DEFAULT_PROVIDERS)

    def for_channel(self, channel: str) -> Provider | None:
        return next((p for p in self.enabled() if channel in p.channels), None)

    def channels(self) -> list[str]:
        """Every channel some enabled provider offers."""
        offered = set().union(*(p.channels for p in self.enabled()))
        return [c for c in Channel.values if c in offered]


providers = Registry()
register = providers.register
