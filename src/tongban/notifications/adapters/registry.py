"""Registry of SMS adapters; ``TONGBAN_SMS_ADAPTER`` picks the active one."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tongban.notifications.adapters.base import SmsAdapter


class Registry:
    def __init__(self) -> None:
        self._adapters: dict[str, SmsAdapter] = {}

    def register(self, identifier: str) -> Callable[[type[SmsAdapter]], type[SmsAdapter]]:
        def decorator(cls: type[SmsAdapter]) -> type[SmsAdapter]:
            if identifier in self._adapters:
                raise ImproperlyConfigured(f"SMS adapter {identifier!r} registered twice")
            instance = cls()
            instance.identifier = identifier
            self._adapters[identifier] = instance
            return cls

        return decorator

    def get(self, identifier: str) -> SmsAdapter:
        try:
            return self._adapters[identifier]
        except KeyError:
            raise ImproperlyConfigured(f"unknown SMS adapter {identifier!r}") from None

    def identifiers(self) -> list[str]:
        return sorted(self._adapters)


sms_registry = Registry()


def active_sms_adapter() -> SmsAdapter:
    return sms_registry.get(settings.TONGBAN_SMS_ADAPTER)
