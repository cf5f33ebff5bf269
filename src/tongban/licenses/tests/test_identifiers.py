"""电子证照标识 (GB/T 36904): MOD 37,36, build and parse, with every example of standards.md §4.2."""

from __future__ import annotations

import random

import pytest

from tongban.licenses.constants import IssuerCodeKind
from tongban.licenses.identifiers import (
    ALNUM,
    ROOT,
    LicenseIdentifier,
    build_identifier,
    is_valid_identifier,
    mod37_36_check,
    parse_identifier,
)
from tongban.utils.errors import DomainError
from tongban.utils.identifiers import make_uscc

# Real identifiers found in public code (standards.md §4.2 and appendix): the check character passes.
REAL = [
    "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U",
    "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
    "1.2.156.3005.2.11100000MB03271699022.340100.000000016.001.9",  # issuer: a 6-digit area code (合肥)
]
# The API-doc sample: its check character is M, MOD 37,36 gives D.
API_DOC_SAMPLE = (
    "1.2.156.3005.2.11100000000013661B006.113700000045046442.209FA4E88F9E4C878F3E9BED2CE7EA49.001.M"
)
# The synthetic worked example of §4.2.
WORKED = "1.2.156.3005.2.11100000000013338W011.11310000MB00000009.2025000001.001.0"
WORKED_PARTS = ("11100000000013338W011", "11310000MB00000009", "2025000001", 1)


def _code(raw: str) -> str:
    with pytest.raises(DomainError) as info:
        parse_identifier(raw)
    return info.value.code


# --- the check character ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("11100000000013338W01111430000006122244L20230000403001", "U"),
        ("11100000000013338W00911330105002500287C2025052201002", "0"),
        ("11100000MB03271699022340100000000016001", "9"),
        ("11100000000013661B006113700000045046442209FA4E88F9E4C878F3E9BED2CE7EA49001", "D"),
        ("11100000000013338W01111310000MB000000092025000001001", "0"),
    ],
)
def test_mod37_36_reproduces_the_examples(body: str, check: str) -> None:
    assert mod37_36_check(body) == check


def test_mod37_36_worked_example_first_steps() -> None:
    """§4.2: over 1, 1, 1, 0, 0 … the running value p goes 2, 6, 14, 28, 19."""

    def p_after(prefix: str) -> int:
        p = 36
        for ch in prefix:
            t = (p + ALNUM.index(ch)) % 36 or 36
            p = (2 * t) % 37
        return p

    assert [p_after("11100"[: i + 1]) for i in range(5)] == [2, 6, 14, 28, 19]
    # ISO 7064 hybrid check: the running value plus the check character is 1 (mod 36).
    body = "".join((*WORKED_PARTS[:3], "001"))
    check = mod37_36_check(body)
    assert check == "0"
    assert (p_after(body) + ALNUM.index(check)) % 36 == 1


@pytest.mark.parametrize("bad", ["abc", "A.B", "A-B", "Ä"])
def test_mod37_36_refuses_characters_outside_its_alphabet(bad: str) -> None:
    with pytest.raises(ValueError, match="MOD 37,36"):
        mod37_36_check(bad)


def test_every_single_character_substitution_is_detected() -> None:
    parsed = parse_identifier(WORKED)
    body = "".join((parsed.type_code, parsed.issuer_code, parsed.serial, f"{parsed.version:03d}"))
    for i, original in enumerate(body):
        for replacement in ALNUM:
            if replacement != original:
                changed = body[:i] + replacement + body[i + 1 :]
                assert mod37_36_check(changed) != parsed.check, (i, replacement)


# --- parsing ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("raw", [*REAL, WORKED])
def test_real_and_worked_examples_parse(raw: str) -> None:
    parsed = parse_identifier(raw)
    assert parsed.root == ROOT
    assert str(parsed) == parsed.value == raw
    assert len(parsed.type_code) == 21
    assert parsed.definer_check_ok  # every type code seen starts with a valid USCC
    assert is_valid_identifier(raw)


def test_parts_of_the_first_real_example() -> None:
    parsed = parse_identifier(REAL[0])
    assert parsed == LicenseIdentifier(
        root=ROOT,
        type_code="11100000000013338W011",
        issuer_code="11430000006122244L",
        serial="20230000403",
        version=1,
        check="U",
        issuer_kind=IssuerCodeKind.USCC,
        definer_check_ok=True,
        issuer_check_ok=True,
    )
    # 11100000000013338W is 住房和城乡建设部; 011 its 建筑施工特种作业人员操作资格证书 neighbour types.
    assert parsed.definer_code == "11100000000013338W"
    assert parsed.type_sequence == "011"


def test_area_code_issuer_is_accepted_and_flagged() -> None:
    parsed = parse_identifier(REAL[2])
    assert parsed.issuer_code == "340100"
    assert parsed.issuer_kind == IssuerCodeKind.AREA_CODE
    assert parsed.issuer_check_ok is None
    assert parsed.serial == "000000016"


def test_second_example_has_version_two() -> None:
    parsed = parse_identifier(REAL[1])
    assert parsed.version == 2
    assert parsed.issuer_check_ok is True


def test_api_doc_sample_fails_with_the_computed_check_character() -> None:
    with pytest.raises(DomainError) as info:
        parse_identifier(API_DOC_SAMPLE)
    assert info.value.code == "license_id_checksum"
    assert info.value.params["expected"] == "D"
    assert info.value.field == "license_id"
    assert not is_valid_identifier(API_DOC_SAMPLE)
    # Its 32-character serial is otherwise well-formed: with D it parses.
    fixed = parse_identifier(API_DOC_SAMPLE[:-1] + "D")
    assert len(fixed.serial) == 32


def test_input_is_normalised() -> None:
    assert parse_identifier("  " + WORKED.lower() + "\n").value == WORKED
    assert parse_identifier(WORKED.replace(".2025", ". 2025")).serial == "2025000001"


def test_a_type_code_whose_uscc_check_fails_is_a_warning_only() -> None:
    definer = "11100000000013338X"  # W is the right check character
    raw = build_identifier(definer + "011", "11310000MB00000009", "1", 1)
    parsed = parse_identifier(raw)
    assert parsed.definer_check_ok is False
    issuer = "11310000MB00000001"  # 9 is right
    assert parse_identifier(build_identifier(WORKED_PARTS[0], issuer, "1", 1)).issuer_check_ok is False


def test_version_000_parses() -> None:
    body = "11100000000013338W011" + "11310000MB00000009" + "1" + "000"
    raw = f"{ROOT}.11100000000013338W011.11310000MB00000009.1.000.{mod37_36_check(body)}"
    assert parse_identifier(raw).version == 0


def _with(index: int, value: str) -> str:
    """The worked example with part ``index`` (0 = type code … 4 = check) replaced."""
    parts = WORKED.split(".")
    parts[5 + index] = value
    return ".".join(parts)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "license_id_format"),
        ("   ", "license_id_format"),
        ("1.2.156.3005.2", "license_id_format"),
        ("1.2.156.3005.2.11100000000013338W011.11310000MB00000009.2025000001.001", "license_id_format"),
        (WORKED + ".0", "license_id_format"),
        (WORKED.replace(".2025000001.", "..2025000001."), "license_id_format"),
        (WORKED.replace("1.2.156.3005.2.", "1.2.156.3005.2.."), "license_id_format"),
        (WORKED + "X" * 200, "license_id_format"),
        (WORKED.replace("1.2.156.3005.2", "1.2.156.3005.3"), "license_id_root"),
        (WORKED.replace("1.2.156.3005.2", "2.16.156.3005.2"), "license_id_root"),
        (WORKED.removeprefix("1.2.156.3005.2."), "license_id_root"),  # the five parts without the root
        (_with(0, "11100000000013338W01"), "license_id_type_code"),  # 20 characters
        (_with(0, "11100000000013338W0111"), "license_id_type_code"),  # 22 characters
        (_with(0, "1110000000001333IW011"), "license_id_type_code"),  # I is not in the USCC alphabet
        (_with(0, "111A0000000013338W011"), "license_id_type_code"),  # region must be digits
        (_with(0, "11100000000013338W0A1"), "license_id_type_code"),  # sequence must be digits
        (_with(1, "3101150"), "license_id_issuer"),  # 7 digits
        (_with(1, "31011"), "license_id_issuer"),
        (_with(1, "11310000MB0000000O"), "license_id_issuer"),  # O is not in the USCC alphabet
        (_with(1, "11310000MB000000009"), "license_id_issuer"),  # 19 characters
        (_with(2, "2025_000001"), "license_id_serial"),
        (_with(2, "2025-000001"), "license_id_serial"),
        (_with(2, "1" * 41), "license_id_serial"),
        (_with(3, "01"), "license_id_version"),
        (_with(3, "0001"), "license_id_version"),
        (_with(3, "00A"), "license_id_version"),
        (_with(4, "00"), "license_id_format"),
        (_with(4, "1"), "license_id_checksum"),
        (_with(2, "2025000002"), "license_id_checksum"),  # one digit of the serial changed
        (_with(3, "002"), "license_id_checksum"),  # a new version needs a new check character
    ],
)
def test_bad_identifiers_give_stable_codes(raw: str, code: str) -> None:
    assert _code(raw) == code


def test_errors_carry_a_message_and_the_field() -> None:
    with pytest.raises(DomainError) as info:
        parse_identifier("nonsense")
    body = info.value.as_dict()
    assert body["code"] == "license_id_format"
    assert body["field"] == "license_id"
    assert ROOT in body["message"]


# --- building -----------------------------------------------------------------------------------------
def test_build_reproduces_the_worked_example() -> None:
    assert build_identifier(*WORKED_PARTS) == WORKED


def test_build_reproduces_the_real_examples() -> None:
    for raw in REAL:
        p = parse_identifier(raw)
        assert build_identifier(p.type_code, p.issuer_code, p.serial, p.version) == raw


def test_round_trips() -> None:
    rng = random.Random(36904)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for n in range(300):
        definer = make_uscc(f"11{rng.randrange(100000, 999999)}MB{rng.randrange(10**5, 10**6)}")
        type_code = f"{definer}{rng.randrange(1000):03d}"
        issuer = (
            make_uscc(f"1131{rng.randrange(10**4):04d}MB{rng.randrange(10**5, 10**6)}") if n % 4 else "310115"
        )
        serial = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        version = rng.randint(1, 999)
        raw = build_identifier(type_code, issuer, serial, version)
        parsed = parse_identifier(raw)
        assert (parsed.type_code, parsed.issuer_code, parsed.serial, parsed.version) == (
            type_code,
            issuer,
            serial,
            version,
        )
        assert parsed.definer_check_ok
        assert parsed.issuer_kind == (IssuerCodeKind.USCC if n % 4 else IssuerCodeKind.AREA_CODE)
        assert parsed.value == raw


def test_build_normalises_its_parts() -> None:
    assert build_identifier(" 11100000000013338w011", "11310000mb00000009", "2025000001 ", 1) == WORKED


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("11100000000013338W01", "11310000MB00000009", "1", 1), "license_id_type_code"),
        (("11100000000013338W011", "3101", "1", 1), "license_id_issuer"),
        (("11100000000013338W011", "11310000MB00000009", "", 1), "license_id_serial"),
        (("11100000000013338W011", "11310000MB00000009", "A/B", 1), "license_id_serial"),
        (("11100000000013338W011", "11310000MB00000009", "1", 0), "license_id_version"),
        (("11100000000013338W011", "11310000MB00000009", "1", 1000), "license_id_version"),
        (("11100000000013338W011", "11310000MB00000009", "1", -1), "license_id_version"),
        (("11100000000013338W011", "11310000MB00000009", "1", True), "license_id_version"),
        (("11100000000013338W011", "11310000MB00000009", "1", "001"), "license_id_version"),
    ],
)
def test_build_refuses_bad_parts(args: tuple, code: str) -> None:
    with pytest.raises(DomainError) as info:
        build_identifier(*args)
    assert info.value.code == code


def test_full_width_digits_are_a_clear_error_not_a_crash() -> None:
    """``\\d`` would accept full-width digits, which the check-character function cannot take."""
    from tongban.licenses.identifiers import parse_identifier
    from tongban.utils.errors import DomainError
    from tongban.utils.identifiers import validate_resident_id

    good = build_identifier("11100000MB0000016X001", "11310000MB9000218W", "ABC123", 1)
    wide = good.replace(".001.", ".００１.")
    with pytest.raises(DomainError):
        parse_identifier(wide)
    with pytest.raises(DomainError):
        validate_resident_id("３１０１０１１９９００１０１１２３４")
