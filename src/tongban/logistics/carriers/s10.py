"""UPU S10 item identifiers, the format of EMS waybill numbers: ``EA123456785CN``.

Two letters of service indicator (``E?`` for EMS), eight serial digits, one check digit, and the ISO
3166 country code of the issuing post (``CN``). The check digit is UPU S10's: weight the serial digits
8, 6, 4, 2, 3, 5, 9, 7; ``c = 11 - (sum mod 11)``; ``c = 10`` gives 0 and ``c = 11`` gives 5.
"""

from __future__ import annotations

import re

WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
PATTERN = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$")


def check_digit(serial: str) -> int:
    if len(serial) != 8 or not serial.isdigit():
        raise ValueError("an S10 serial number has eight digits")
    c = 11 - sum(int(d) * w for d, w in zip(serial, WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(c, c)


def make(service: str, serial: int, country: str = "CN") -> str:
    """``make("EA", 12345678)`` → ``EA123456785CN``."""
    digits = f"{serial:08d}"
    if len(digits) != 8 or not re.fullmatch(r"[A-Z]{2}", service) or not re.fullmatch(r"[A-Z]{2}", country):
        raise ValueError("not a valid S10 service indicator, serial or country")
    return f"{service}{digits}{check_digit(digits)}{country}"


def is_valid(value: str, *, service_prefix: str = "", country: str = "") -> bool:
    """Well formed with a correct check digit (and the given service letter(s) and country, if any)."""
    m = PATTERN.match(value or "")
    if m is None:
        return False
    service, serial, check, cc = m.groups()
    if service_prefix and not service.startswith(service_prefix):
        return False
    if country and cc != country:
        return False
    return check_digit(serial) == int(check)
