"""The registry of payment providers and which of them are switched on.

``TONGBAN_PAYMENT_PROVIDERS`` lists the enabled identifiers in order of preference; a channel is served
by the first enabled provider that offers it. Tests may build their own :class:`Registry`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tongban.payments.constants import Channel
from tongban.payments.providers.base import PaymentProvider

DEFAULT_PROVIDERS = ["sandbox"]

Provider = PaymentProvider[Any]


class UnknownProvider(LookupError):
    pass


class Registry:
    def __init__(self) -> None:
        self._providers: dict[str, Provider] = {}

    def register(self, identifier: str) -> Callable[[type[Provider]], type[Provider]]:
        def decorator(cls: type[Provider]) -> type[Provider]:
            if identifier in self._providers:
                raise ImproperlyConfigured(f"payment provider {identifier!r} registered twice")
            if not identifier or len(identifier) > 30:
                raise ImproperlyConfigured(f"payment provider identifier {identifier!r} is not 1–30 chars")
            instance = cls()
            instance.identifier = identifier
            self._providers[identifier] = instance
            return cls

        return decorator

    def unregister(self, identifier: str) -> None:
        self._providers.pop(identifier, None)

    def get(self, identifier: str) -> Provider:
        try:
            return self._providers[identifier]
        except KeyError:
            raise UnknownProvider(identifier) from None

    def identifiers(self) -> list[str]:
        return sorted(self._providers)

    def enabled(self) -> list[Provider]:
        """The switched-on providers, in the configured order (unknown names are a configuration error)."""
        names = getattr(settings, "TONGBAN_PAYMENT_PROVIDERS", DEFAULT_PROVIDERS)
        out = []
        for name in names:
            if name not in self._providers:
                raise ImproperlyConfigured(f"TONGBAN_PAYMENT_PROVIDERS names unknown provider {name!r}")
            out.append(self._providers[name])
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
