"""Registries of delivery adapters; ``TONGBAN_SMS_ADAPTER`` and ``TONGBAN_EMAIL_ADAPTER`` pick the active
ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tongban.notifications.adapters.base import EmailAdapter, SmsAdapter


class _Adapter(Protocol):
    identifier: str


AdapterT = TypeVar("AdapterT", bound=_Adapter)


class Registry(Generic[AdapterT]):
    def __init__(self, kind: str) -> None:
        self.kind = kind  # for error messages only
        self._adapters: dict[str, AdapterT] = {}

    def register(self, identifier: str) -> Callable[[type[AdapterT]], type[AdapterT]]:
        def decorator(cls: type[AdapterT]) -> type[AdapterT]:
            if identifier in self._adapters:
                raise ImproperlyConfigured(f"{self.kind} adapter {identifier!r} registered twice")
            instance = cls()
            instance.identifier = identifier
            self._adapters[identifier] = instance
            return cls

        return decorator

    def get(self, identifier: str) -> AdapterT:
        try:
            return self._adapters[identifier]
        except KeyError:
            raise ImproperlyConfigured(f"unknown {self.kind} adapter {identifier!r}") from None

    def identifiers(self) -> list[str]:
        return sorted(self._adapters)


sms_registry: Registry[SmsAdapter] = Registry("SMS")
email_registry: Registry[EmailAdapter] = Registry("e-mail")


def active_sms_adapter() -> SmsAdapter:
    return sms_registry.get(settings.TONGBAN_SMS_ADAPTER)


def active_email_adapter() -> EmailAdapter:
    return email_registry.get(settings.TONGBAN_EMAIL_ADAPTER)
