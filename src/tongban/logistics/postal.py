"""The logistics side of the application form's postal address (``cases.steps.PostalStep``): results by
post are asked for once, with the application, instead of on the tracking page afterwards."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tongban.accounts.principal import Principal
from tongban.cases.models import Case
from tongban.logistics import addresses
from tongban.logistics.carriers.registry import NO_CARRIER, active_identifier
from tongban.logistics.constants import ShipmentKind
from tongban.organizations.constants import RegionLevel
from tongban.organizations.models import Region

FIELDS: tuple[str, ...] = ("name", "phone", "region_code", "detail", "postcode")


def districts() -> list[Region]:
    """County-level regions in force, for the address forms."""
    year = timezone.localdate().year
    regions = Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code")
    return [r for r in regions if addresses.region_in_force(r, year)]


class ApplicationAddress:
    fields: tuple[str, ...] = FIELDS
    template = "logistics/_address_fields.html"

    def enabled(self) -> bool:
        return active_identifier() != NO_CARRIER

    def form_context(self) -> dict[str, Any]:
        return {"districts": districts()}

    def check(self, data: dict[str, str]) -> None:
        addresses.validate(data)

    def request(self, principal: Principal, case: Case, data: dict[str, str], *, key: str) -> None:
        from tongban.logistics.services.shipments import create_shipment

        create_shipment(
            principal, case, kind=ShipmentKind.DELIVER_RESULT, address=dict(data), idempotency_key=key
        )
