"""One shape for every registry of adapters to external systems (SMS and e-mail gateways, virus scanners,
department systems, payment providers, couriers).

An adapter class registers itself with ``@registry.register("identifier")``; the registry keeps one instance
per identifier (an identifier registered twice is a configuration error) and looks adapters up by
identifier. Which adapter is active is each app's setting; apps extend the registry where they need more
(payments: the enabled providers and their channels).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured


class _Adapter(Protocol):
    identifier: str


AdapterT = TypeVar("AdapterT", bound=_Adapter)


class UnknownAdapter(ImproperlyConfigured, LookupError):
    """No adapter under that identifier (a configuration error where settings name it)."""


class AdapterRegistry(Generic[AdapterT]):
    def __init__(self, kind: str, *, unknown: type[Exception] = UnknownAdapter, max_length: int = 40) -> None:
        self.kind = kind  # for error messages: "SMS adapter", "payment provider", ...
        self.unknown = unknown
        self.max_length = max_length
        self._adapters: dict[str, AdapterT] = {}

    def register(self, identifier: str) -> Callable[[type[AdapterT]], type[AdapterT]]:
        if not identifier or len(identifier) > self.max_length:
            raise ImproperlyConfigured(
                f"{self.kind} identifier {identifier!r} is not 1–{self.max_length} characters"
            )

        def decorator(cls: type[AdapterT]) -> type[AdapterT]:
            if identifier in self._adapters:
                raise ImproperlyConfigured(f"{self.kind} {identifier!r} registered twice")
            instance = cls()
            instance.identifier = identifier
            self._adapters[identifier] = instance
            return cls

        return decorator

    def add(self, identifier: str, adapter: AdapterT) -> AdapterT:
        """Register a ready-made instance (an adapter built with arguments, e.g. in tests)."""
        if identifier in self._adapters:
            raise ImproperlyConfigured(f"{self.kind} {identifier!r} registered twice")
        adapter.identifier = identifier
        self._adapters[identifier] = adapter
        return adapter

    def unregister(self, identifier: str) -> None:
        self._adapters.pop(identifier, None)

    def get(self, identifier: str) -> AdapterT:
        try:
            return self._adapters[identifier]
        except KeyError:
            raise self.unknown(f"unknown {self.kind} {identifier!r}") from None

    def __contains__(self, identifier: object) -> bool:
        return identifier in self._adapters

    def identifiers(self) -> list[str]:
        return sorted(self._adapters)
