"""电子证照标识 (GB/T 36904): build, parse and check the identifier of an electronic licence.

Layout (standards.md §4.2), parts joined with dots::

    1.2.156.3005.2 . 证照类型代码 . 证照颁发机构代码 . 流水号 . 版本号 . 校验位
    root (OID)       21 chars       18-char USCC      1-40       3        1
                     (USCC of the   (or, as seen in   A-Z 0-9    digits   ISO 7064
                     defining body  one real example,                     MOD 37,36
                     + 3 digits)    a 6-digit area code)

The check character is ISO 7064 MOD 37,36 over 类型代码 + 颁发机构代码 + 流水号 + 版本号 concatenated
without dots. The USCC check characters inside the type and issuer codes are reported as warnings
(``definer_check_ok``, ``issuer_check_ok``), not errors: real identifiers use codes of bodies we cannot
verify, and the identifier's own check character already catches transcription errors.

Each failure raises :class:`~tongban.utils.errors.DomainError` with a stable code (``license_id_*``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongban.licenses.constants import IssuerCodeKind
from tongban.utils.errors import DomainError
from tongban.utils.identifiers import uscc_check_char

ROOT = "1.2.156.3005.2"  # 电子证照根代码 (OID); what "3005" denotes is not confirmed
ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # ISO 7064 MOD 37,36 alphabet: value = index
SERIAL_MAX = 40
MAX_LENGTH = 128  # 电子证照源标识 varchar(128) in the national share tables

_USCC_SHAPE = r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}"
_TYPE_RE = re.compile(rf"^{_USCC_SHAPE}\d{{3}}$", re.ASCII)
_USCC_RE = re.compile(rf"^{_USCC_SHAPE}$", re.ASCII)
_AREA_RE = re.compile(r"^\d{6}$", re.ASCII)
_SERIAL_RE = re.compile(rf"^[0-9A-Z]{{1,{SERIAL_MAX}}}$", re.ASCII)
_VERSION_RE = re.compile(r"^\d{3}$", re.ASCII)
_ROOT_PARTS = ROOT.count(".") + 1
FIELD = "license_id"


def mod37_36_check(s: str) -> str:
    """ISO 7064 MOD 37,36 (hybrid) check character of ``s`` (digits and capital letters only)."""
    p = 36
    for ch in s:
        value = ALNUM.find(ch)
        if value < 0:
            raise ValueError(f"MOD 37,36 is defined over 0-9 and A-Z, not {ch!r}")
        t = (p + value) % 36 or 36
        p = (2 * t) % 37
    return ALNUM[(37 - p) % 36]


@dataclass(frozen=True)
class LicenseIdentifier:
    root: str
    type_code: str  # 证照类型代码: defining body's USCC (18) + 3-digit sequence
    issuer_code: str  # 证照颁发机构代码: a USCC, or a 6-digit area code
    serial: str  # 流水号
    version: int  # 版本号 (written with 3 digits)
    check: str  # 校验位
    issuer_kind: str  # IssuerCodeKind
    definer_check_ok: bool  # warning only: USCC check character of the type code's first 18
    issuer_check_ok: bool | None  # warning only; None when the issuer is an area code

    @property
    def definer_code(self) -> str:
        """证照定义机构代码: the first 18 characters of the type code."""
        return self.type_code[:18]

    @property
    def type_sequence(self) -> str:
        return self.type_code[18:]

    @property
    def value(self) -> str:
        return ".".join(
            (self.root, self.type_code, self.issuer_code, self.serial, f"{self.version:03d}", self.check)
        )

    def __str__(self) -> str:
        return self.value


def normalize_identifier(raw: str) -> str:
    """Trim, drop inner spaces, upper-case (the check character is computed over capitals)."""
    return re.sub(r"\s+", "", raw or "").upper()


def _format_error() -> DomainError:
    return DomainError(
        "license_id_format",
        _(
            "An electronic licence identifier is the root code %(root)s followed by five parts separated "
            "by dots: type code, issuer code, serial number, version and check character."
        )
        % {"root": ROOT},
        field=FIELD,
    )


def _root_error() -> DomainError:
    return DomainError(
        "license_id_root",
        _("An electronic licence identifier starts with the root code %(root)s.") % {"root": ROOT},
        field=FIELD,
    )


def _check_type_code(type_code: str) -> None:
    if not _TYPE_RE.match(type_code):
        raise DomainError(
            "license_id_type_code",
            _(
                "The licence type code has 21 characters: the defining body's unified social credit code "
                "(18) followed by a 3-digit number."
            ),
            field=FIELD,
        )


def _issuer_kind(issuer_code: str) -> str:
    if _USCC_RE.match(issuer_code):
        return IssuerCodeKind.USCC
    if _AREA_RE.match(issuer_code):
        return IssuerCodeKind.AREA_CODE
    raise DomainError(
        "license_id_issuer",
        _("The issuer code is an 18-character unified social credit code or a 6-digit area code."),
        field=FIELD,
    )


def _check_serial(serial: str) -> None:
    if not _SERIAL_RE.match(serial):
        raise DomainError(
            "license_id_serial",
            _("The serial number is 1 to %(max)s digits or capital letters.") % {"max": SERIAL_MAX},
            field=FIELD,
        )


def _version_error(message: str | Promise) -> DomainError:
    return DomainError("license_id_version", message, field=FIELD)


def parse_identifier(raw: str) -> LicenseIdentifier:
    """Validate an 电子证照标识 and return its parts.

    Version ``000`` is accepted when parsing (the standard only fixes 3 digits); :func:`build_identifier`
    numbers versions from 1.
    """
    value = normalize_identifier(raw)
    if not value or len(value) > MAX_LENGTH:
        raise _format_error()
    parts = value.split(".")
    if len(parts) == 5 and _TYPE_RE.match(parts[0]):
        raise _root_error()  # the five parts without the root
    if len(parts) != _ROOT_PARTS + 5 or not all(parts):
        raise _format_error()
    root = ".".join(parts[:_ROOT_PARTS])
    type_code, issuer_code, serial, version, check = parts[_ROOT_PARTS:]
    if root != ROOT:
        raise _root_error()
    _check_type_code(type_code)
    kind = _issuer_kind(issuer_code)
    _check_serial(serial)
    if not _VERSION_RE.match(version):
        raise _version_error(_("The version number is 3 digits."))
    if len(check) != 1 or check not in ALNUM:
        raise _format_error()
    expected = mod37_36_check(type_code + issuer_code + serial + version)
    if check != expected:
        raise DomainError(
            "license_id_checksum",
            _("The identifier's check character is wrong; please check the identifier."),
            field=FIELD,
            expected=expected,
        )
    return LicenseIdentifier(
        root=root,
        type_code=type_code,
        issuer_code=issuer_code,
        serial=serial,
        version=int(version),
        check=check,
        issuer_kind=kind,
        definer_check_ok=uscc_check_char(type_code[:17]) == type_code[17],
        issuer_check_ok=(
            uscc_check_char(issuer_code[:17]) == issuer_code[17] if kind == IssuerCodeKind.USCC else None
        ),
    )


def build_identifier(type_code: str, issuer_code: str, serial: str, version: int) -> str:
    """Assemble an 电子证照标识 with its check character (parts checked as in :func:`parse_identifier`)."""
    type_code, issuer_code, serial = (normalize_identifier(p) for p in (type_code, issuer_code, serial))
    _check_type_code(type_code)
    _issuer_kind(issuer_code)
    _check_serial(serial)
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= 999:
        raise _version_error(_("The version number is a whole number from 1 to 999."))
    body = (type_code, issuer_code, serial, f"{version:03d}")
    return ".".join((ROOT, *body, mod37_36_check("".join(body))))


def is_valid_identifier(raw: str) -> bool:
    try:
        parse_identifier(raw)
    except DomainError:
        return False
    return True
