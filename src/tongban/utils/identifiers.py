"""Check-digit validation for Chinese identifiers.

- 公民身份号码 (GB 11643-1999): ISO 7064 MOD 11-2 check digit; birth date must exist.
- 统一社会信用代码 (GB 32100-2015): 31-character alphabet, weights 3^i mod 31 (letters A/N/Y
  in position 1 are valid registration-authority codes). The inner GB 11714 check on positions 9-17 is
  reported as a warning only, since codes in the wild do not always honour it.

Each failure raises :class:`~tongban.utils.errors.DomainError` with a stable code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tongban.utils.errors import DomainError

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_MAP = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$", re.ASCII)

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", re.ASCII)
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def id_check_digit(body17: str) -> str:
    total = sum(int(ch) * w for ch, w in zip(body17, _ID_WEIGHTS, strict=True))
    return _ID_MAP[total % 11]


@dataclass(frozen=True)
class ResidentId:
    number: str
    region_code: str
    birth_date: dt.date
    sex: str  # "M" or "F", from the parity of the sequence code


def normalize_resident_id(raw: str) -> str:
    return (raw or "").strip().replace(" ", "").upper()


def validate_resident_id(raw: str, *, today: dt.date | None = None) -> ResidentId:
    """Validate an 18-digit 居民身份证号码 and return its parts."""
    number = normalize_resident_id(raw)
    if len(number) != 18:
        raise DomainError("id_number_length", _("An ID number has 18 characters."), field="id_number")
    if not _ID_RE.match(number):
        raise DomainError(
            "id_number_format",
            _("An ID number is 17 digits followed by a digit or X."),
            field="id_number",
        )
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise DomainError(
            "id_number_birth_date", _("The birth date in the ID number does not exist."), field="id_number"
        ) from None
    today = today or dt.date.today()
    if birth > today or birth.year < 1880:
        raise DomainError(
            "id_number_birth_date", _("The birth date in the ID number is not plausible."), field="id_number"
        )
    if id_check_digit(number[:17]) != number[17]:
        raise DomainError(
            "id_number_checksum",
            _("The ID number's check digit is wrong; please check the number."),
            field="id_number",
        )
    sex = "M" if int(number[16]) % 2 else "F"
    return ResidentId(number=number, region_code=number[:6], birth_date=birth, sex=sex)


def uscc_check_char(body17: str) -> str:
    total = sum(USCC_CHARSET.index(ch) * w for ch, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """GB 11714 组织机构代码 check character (full 26-letter alphabet: A=10 … Z=35)."""
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True)
    )
    r = 11 - total % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


@dataclass(frozen=True)
class CreditCode:
    code: str
    registration_authority: str  # position 1 (登记管理部门代码)
    organisation_category: str  # position 2 (机构类别代码)
    region_code: str  # positions 3-8 (GB/T 2260)
    inner_check_ok: bool  # GB 11714 check of positions 9-17; a warning, not an error


def normalize_uscc(raw: str) -> str:
    return (raw or "").strip().replace(" ", "").upper()


def validate_uscc(raw: str) -> CreditCode:
    """Validate an 18-character 统一社会信用代码 and return its parts."""
    code = normalize_uscc(raw)
    if len(code) != 18:
        raise DomainError("uscc_length", _("A unified social credit code has 18 characters."), field="uscc")
    if not _USCC_RE.match(code):
        raise DomainError(
            "uscc_format",
            _("A unified social credit code uses digits and capital letters except I, O, Z, S and V."),
            field="uscc",
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise DomainError(
            "uscc_checksum",
            _("The unified social credit code's check character is wrong; please check the code."),
            field="uscc",
        )
    inner_ok = (
        all(c.isdigit() or "A" <= c <= "Z" for c in code[8:16])
        and org_code_check_char(code[8:16]) == code[16]
    )
    return CreditCode(
        code=code,
        registration_authority=code[0],
        organisation_category=code[1],
        region_code=code[2:8],
        inner_check_ok=inner_ok,
    )


def make_resident_id(region: str, birth: dt.date, sequence: int) -> str:
    """Build a valid ID number (for demo data and tests)."""
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + id_check_digit(body)


def make_uscc(prefix16: str) -> str:
    """Complete a 16-character USCC prefix with a valid GB 11714 char and check character."""
    body17 = prefix16 + org_code_check_char(prefix16[8:16])
    return body17 + uscc_check_char(body17)
