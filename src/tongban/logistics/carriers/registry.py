"""The installed carriers; ``TONGBAN_LOGISTICS_CARRIER`` picks the one new shipments are booked with.

Shipments remember their carrier, so changing the setting never strands parcels already on their way:
their callbacks and polls still go to the carrier that carries them.
"""

from __future__ import annotations

from django.conf import settings

from tongban.logistics.carriers.base import Carrier
from tongban.utils.registry import AdapterRegistry

DEFAULT_CARRIER = "demo_ems"


class UnknownCarrier(LookupError):
    pass


class Registry(AdapterRegistry[Carrier]):
    def __init__(self) -> None:
        super().__init__("carrier", unknown=UnknownCarrier)


registry = Registry()


# ``TONGBAN_LOGISTICS_CARRIER=none``: no carrier, postal delivery and collection are not offered.
NO_CARRIER = "none"


def active_identifier() -> str:
    return str(getattr(settings, "TONGBAN_LOGISTICS_CARRIER", DEFAULT_CARRIER))


def active() -> Carrier:
    return registry.get(active_identifier())
