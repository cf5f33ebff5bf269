"""Address rules: GB/T 2260 district codes in force now, phone numbers, postcodes; every problem at once;
stored encrypted, shown masked."""

from __future__ import annotations

from typing import Any

from django.db import connection

import pytest

from tongban.accounts.principal import Principal
from tongban.cases.models import Case
from tongban.logistics import addresses
from tongban.logistics.tests.conftest import address_for, ship
from tongban.organizations.models import Region
from tongban.utils.errors import ValidationFailed

pytestmark = pytest.mark.django_db


def _codes(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as failed:
        addresses.validate(data)
    return {str(e.field): e.code for e in failed.value.errors}


def test_a_valid_address_is_normalised(districts: dict[str, Region]) -> None:
    address, region = addresses.validate(address_for(phone="+86 139 0013 9000", detail=" 测试路1号   301室 "))
    assert region.code == "310101"
    assert (address.phone, address.detail) == ("13900139000", "测试路1号 301室")
    landline, _region = addresses.validate(address_for(phone="021-63211234-8"))
    assert landline.phone == "021-63211234-8"


@pytest.mark.parametrize(
    ("region_code", "code"),
    [
        ("", "address_region_unknown"),
        ("31010", "address_region_unknown"),
        ("31o101", "address_region_unknown"),
        ("310102", "address_region_unknown"),  # well formed, not in the table
        ("310000", "address_region_not_county"),  # the city, not a district
        ("310100", "address_region_not_county"),
        ("310103", "address_region_retired"),  # 卢湾区, merged into 黄浦区 in 2011
        ("310199", "address_region_retired"),  # not created yet
    ],
)
def test_the_region_must_be_a_district_in_force(
    districts: dict[str, Region], region_code: str, code: str
) -> None:
    assert _codes(address_for(region_code=region_code)) == {"address.region_code": code}


@pytest.mark.parametrize("phone", ["", "12345", "23800138000", "1380013800", "138001380000", "62111111"])
def test_phone_numbers_are_checked(districts: dict[str, Region], phone: str) -> None:
    assert _codes(address_for(phone=phone)) == {"address.phone": "address_phone_invalid"}


@pytest.mark.parametrize("postcode", ["", "20000", "2000011", "20000a", " "])
def test_postcodes_have_six_digits(districts: dict[str, Region], postcode: str) -> None:
    assert _codes(address_for(postcode=postcode)) == {"address.postcode": "address_postcode_invalid"}


def test_every_problem_is_reported_at_once(districts: dict[str, Region]) -> None:
    assert _codes({"name": " ", "phone": "x", "region_code": "310103", "detail": "路", "postcode": "1"}) == {
        "address.name": "address_name_required",
        "address.phone": "address_phone_invalid",
        "address.region_code": "address_region_retired",
        "address.detail": "address_detail_invalid",
        "address.postcode": "address_postcode_invalid",
    }
    assert _codes(address_for(name="张" * 41)) == {"address.name": "address_name_too_long"}


def test_the_address_is_stored_encrypted_and_shown_masked(
    mail_case: Case, applicant: Principal, clock: Any
) -> None:
    shipment = ship(applicant, mail_case)
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM logistics_shipment WHERE id = %s", [shipment.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("tb1$") and "13900139000" not in stored and "测试路" not in stored
    shipment.refresh_from_db()
    assert shipment.address["phone"] == "13900139000"
    assert addresses.masked(shipment.address, "黄浦区") == {
        "name": "张*",
        "phone": "139****9000",
        "region_code": "310101",
        "region_name": "黄浦区",
        "detail": "测试路1号2****",
        "postcode": "200001",
    }
