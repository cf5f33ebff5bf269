"""System checks: the configured carrier exists and its settings are sound (``Carrier.check_config``)."""

from __future__ import annotations

from typing import Any

from django.core import checks

from tongban.logistics.carriers.registry import NO_CARRIER, UnknownCarrier, active_identifier, registry


@checks.register("tongban")
def check_carrier(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    identifier = active_identifier()
    if identifier == NO_CARRIER:
        return []  # postal delivery switched off on purpose: applicants collect results or get them online
    try:
        carrier = registry.get(identifier)
    except UnknownCarrier:
        known = ", ".join(registry.identifiers())
        return [
            checks.Error(
                f"TONGBAN_LOGISTICS_CARRIER is {identifier!r}, which is not an installed carrier ({known}).",
                id="logistics.E001",
            )
        ]
    return [checks.Warning(problem, id="logistics.W001") for problem in carrier.check_config()]
