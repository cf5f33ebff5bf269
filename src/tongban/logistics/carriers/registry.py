"""The installed carriers; ``TONGBAN_LOGISTICS_CARRIER`` picks the one new shipments are booked with.

Shipments remember their carrier, so changing the setting never strands parcels already on their way:
their callbacks and polls still go to the carrier that carries them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from tongban.logistics.carriers.base import Carrier

DEFAULT_CARRIER = "demo_ems"


class UnknownCarrier(LookupError):
    pass


class Registry:
    def __init__(self) -> None:
        self._carriers: dict[str, Carrier] = {}

    def register(self, identifier: str) -> Callable[[type[Carrier]], type[Carrier]]:
        def decorator(cls: type[Carrier]) -> type[Carrier]:
            if identifier in self._carriers:
                raise RuntimeError(f"carrier {identifier!r} registered twice")
            instance = cls()
            instance.identifier = identifier
            self._carriers[identifier] = instance
            return cls

        return decorator

    def get(self, identifier: str) -> Carrier:
        try:
            return self._carriers[identifier]
        except KeyError:
            raise UnknownCarrier(identifier) from None

    def identifiers(self) -> list[str]:
        return sorted(self._carriers)


registry = Registry()


# ``TONGBAN_LOGISTICS_CARRIER=none``: no carrier, postal delivery and collection are not offered.
NO_CARRIER = "none"


def active_identifier() -> str:
    return str(getattr(settings, "TONGBAN_LOGISTICS_CARRIER", DEFAULT_CARRIER))


def active() -> Carrier:
    return registry.get(active_identifier())
