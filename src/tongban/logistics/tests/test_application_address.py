# ruff: noqa: F401, F811  (fixtures imported by name)
"""Results by post: the address is asked on the application form itself (apply once), checked with the
rest of the form, and becomes the case's parcel of results, booked once the case is issued."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.test import Client

import pytest

from tongban.cases.models import Case
from tongban.cases.tests.test_pages_applicant import (
    APPLY_URL,
    answers,
    enterprise_client,
    page_key,
    pdf,
)
from tongban.logistics.constants import ShipmentKind, ShipmentStatus
from tongban.logistics.models import Shipment
from tongban.organizations.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


ADDRESS = {
    "post_name": "张三",
    "post_phone": "139 0013 9000",
    "post_region_code": "310101",
    "post_detail": "测试路1号2号楼301室",
    "post_postcode": "200001",
}


def test_the_form_shows_the_address_fields_with_the_districts(
    enterprise_client: Client, districts: dict[str, Region]
) -> None:
    html = enterprise_client.get(APPLY_URL).content.decode()
    assert 'data-testid="postal-address"' in html and 'name="post_region_code"' in html
    assert 'value="310101"' in html and 'value="310103"' not in html  # 卢湾区 no longer exists


def test_by_post_without_an_address_is_refused_and_nothing_is_created(
    enterprise_client: Client, districts: dict[str, Region]
) -> None:
    key = page_key(enterprise_client)
    data = answers(idempotency_key=key, m_premises_proof=pdf(), delivery_method="mail")
    response = enterprise_client.post(APPLY_URL, {**data, "post_phone": "12345"})
    assert response.status_code == 400
    html = response.content.decode()
    for code in ("address_name_required", "address_phone_invalid", "address_region_unknown"):
        assert f'data-code="{code}"' in html
    assert 'href="#f-address.phone"' in html and 'id="f-address.phone"' in html
    assert 'value="12345"' in html  # kept as typed
    assert not Case.objects.filter(status="submitted").exists() and not Shipment.objects.exists()


def test_by_post_with_an_address_makes_the_parcel_of_results(
    enterprise_client: Client, districts: dict[str, Region]
) -> None:
    key = page_key(enterprise_client)
    data = answers(idempotency_key=key, m_premises_proof=pdf(), delivery_method="mail")
    response = enterprise_client.post(APPLY_URL, {**data, **ADDRESS})
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(status="submitted")
    parcel = Shipment.objects.get(case=case)
    assert (parcel.kind, parcel.status) == (ShipmentKind.DELIVER_RESULT, ShipmentStatus.CREATED)
    assert parcel.address["phone"] == "13900139000" and parcel.region.code == "310101"
    # The same submission again (a double click) makes neither a second case nor a second parcel.
    again = enterprise_client.post(APPLY_URL, {**data, **ADDRESS, "m_premises_proof": pdf()})
    assert again.status_code == 302 and Shipment.objects.count() == 1


def test_electronic_results_ignore_the_address_fields(
    enterprise_client: Client, districts: dict[str, Region]
) -> None:
    key = page_key(enterprise_client)
    data = answers(idempotency_key=key, m_premises_proof=pdf())
    response = enterprise_client.post(APPLY_URL, {**data, "post_phone": "nonsense"})
    assert response.status_code == 302
    assert not Shipment.objects.exists()


def test_without_a_carrier_there_are_no_address_fields(enterprise_client: Client, settings: Any) -> None:
    settings.TONGBAN_LOGISTICS_CARRIER = "none"
    html = enterprise_client.get(APPLY_URL).content.decode()
    assert 'data-testid="postal-address"' not in html
