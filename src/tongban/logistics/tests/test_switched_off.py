"""Without a carrier (``TONGBAN_LOGISTICS_CARRIER=none``) no postal service is offered, and it says so."""

from __future__ import annotations

from typing import Any

from django.core import checks

import pytest

from tongban.cases.models import Case
from tongban.logistics.models import Shipment
from tongban.logistics.tests.conftest import ship
from tongban.utils.errors import DomainError


def test_no_carrier_refuses_shipments_with_a_clear_code(
    mail_case: Case, applicant: Any, districts: Any, settings: Any
) -> None:
    settings.TONGBAN_LOGISTICS_CARRIER = "none"
    with pytest.raises(DomainError) as exc:
        ship(applicant, mail_case)
    assert exc.value.code == "postal_service_off"
    assert not Shipment.objects.exists()
    assert not [m for m in checks.run_checks(tags=["tongban"]) if m.id and m.id.startswith("logistics.")]
