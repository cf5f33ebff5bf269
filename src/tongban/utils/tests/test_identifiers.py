import datetime as dt

import pytest

from tongban.utils.errors import DomainError
from tongban.utils.identifiers import (
    make_resident_id,
    make_uscc,
    org_code_check_char,
    uscc_check_char,
    validate_resident_id,
    validate_uscc,
)

# Worked examples and fixtures from reference/standards.md (appendix).
VALID_USCC = [
    "91110000600037341L",  # real, python-stdnum doctest
    "91350100M000100Y43",
    "91310230MA1K314J7C",  # real Shanghai (old 崇明县 code)
    "91310000MA1FL0007C",  # synthetic worked example
    "N23101150000000008",  # letter-led registration authority (农业)
    "913101151234567880",
    "12310101425000006P",
    "52310104MJ000000X9",
]


@pytest.mark.parametrize("code", VALID_USCC)
def test_valid_credit_codes_pass(code):
    parts = validate_uscc(code)
    assert parts.code == code
    assert parts.registration_authority == code[0]
    assert parts.region_code == code[2:8]


def test_worked_example_check_character_is_c():
    assert uscc_check_char("91310000MA1FL0007") == "C"
    assert org_code_check_char("MA1FL000") == "7"


def test_letters_a_n_y_in_position_one_are_accepted():
    for prefix in ("A1310000", "N2310115", "Y1310101"):
        code = make_uscc(prefix + "00000001")
        assert validate_uscc(code).registration_authority == prefix[0]


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91350203M0001QAY9B", "uscc_checksum"),  # seen hard-coded as an exception in the wild
        ("91310000MA1FL0007D", "uscc_checksum"),
        ("91310000MA1FL0007", "uscc_length"),
        ("91310000MA1FL0007CC", "uscc_length"),
        ("91310000MA1FLO007C", "uscc_format"),  # letter O is not in the alphabet
        ("9131000AMA1FL0007C", "uscc_format"),  # region must be digits
        ("", "uscc_length"),
    ],
)
def test_invalid_credit_codes_give_stable_codes(code, error):
    with pytest.raises(DomainError) as exc:
        validate_uscc(code)
    assert exc.value.code == error
    assert exc.value.field == "uscc"


def test_credit_code_is_normalised_and_inner_check_reported():
    assert validate_uscc(" 91310000ma1fl0007c ").code == "91310000MA1FL0007C"
    # Position 18 right but GB 11714 char (position 17) wrong: accepted with a warning flag.
    body = "91310000MA1FL0008"
    assert validate_uscc(body + uscc_check_char(body)).inner_check_ok is False


@pytest.mark.parametrize(
    ("number", "birth", "sex"),
    [
        ("11010519491231002X", dt.date(1949, 12, 31), "F"),  # the standard's own example
        ("440524188001010014", dt.date(1880, 1, 1), "M"),
        ("360426199101010071", dt.date(1991, 1, 1), "M"),
        ("310101199001011234", dt.date(1990, 1, 1), "M"),
    ],
)
def test_valid_resident_ids(number, birth, sex):
    parsed = validate_resident_id(number)
    assert parsed.birth_date == birth
    assert parsed.sex == sex
    assert parsed.region_code == number[:6]


def test_lower_case_x_is_accepted_and_upper_cased():
    assert validate_resident_id("11010519491231002x").number == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "error"),
    [
        ("110105194912310021", "id_number_checksum"),
        ("310101199001011235", "id_number_checksum"),
        ("310101199002301234", "id_number_birth_date"),  # 30 February
        ("310101209901011234", "id_number_birth_date"),  # in the future
        ("31010119900101123", "id_number_length"),
        ("31010119900101123A", "id_number_format"),
        ("3101011990010112X4", "id_number_format"),
    ],
)
def test_invalid_resident_ids(number, error):
    with pytest.raises(DomainError) as exc:
        validate_resident_id(number, today=dt.date(2026, 11, 27))
    assert exc.value.code == error


def test_make_resident_id_round_trips():
    number = make_resident_id("310115", dt.date(2001, 2, 28), 42)
    assert validate_resident_id(number).sex == "F"
