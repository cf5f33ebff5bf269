"""UPU S10 waybill numbers (the EMS format) and their check digit."""

from __future__ import annotations

import pytest

from tongban.logistics.carriers import s10


def test_the_check_digit_of_the_upu_example() -> None:
    # The usual published example: weights 8 6 4 2 3 5 9 7 give 200; 11 - 200 mod 11 = 9
    assert s10.check_digit("47312482") == 9
    assert s10.is_valid("AA473124829GB")
    assert not s10.is_valid("AA473124828GB")


@pytest.mark.parametrize(
    ("serial", "digit"),
    [
        ("00000001", 4),  # sum 7: 11 - 7
        ("00000000", 5),  # sum 0: 11 - 0 = 11 is written 5
        ("00000008", 0),  # sum 56, 56 mod 11 = 1: 11 - 1 = 10 is written 0
        ("12345678", 5),  # sum 204, 204 mod 11 = 6
    ],
)
def test_check_digits_including_the_two_special_cases(serial: str, digit: int) -> None:
    assert s10.check_digit(serial) == digit


def test_make_and_validate_ems_numbers() -> None:
    number = s10.make("EA", 12345678)
    assert number == "EA123456785CN"
    assert s10.is_valid(number, service_prefix="E", country="CN")
    assert not s10.is_valid(number, country="GB")
    assert not s10.is_valid(number, service_prefix="R")
    for bad in ("", "EA12345678CN", "ea123456785cn", "EA1234567850CN", "E1123456785CN"):
        assert not s10.is_valid(bad)
    with pytest.raises(ValueError):
        s10.make("EA", 10**8)
