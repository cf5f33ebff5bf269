"""Masking of personal identifiers for display and logs."""

from __future__ import annotations

import re


def mask_id_number(value: str | None) -> str:
    """``310101199001011234`` → ``3101**********1234`` (first 4 and last 4 kept)."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_mobile(value: str | None) -> str:
    """``13800138000`` → ``138****8000``."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str:
    """Keep the family name: ``张三丰`` → ``张**``."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)


# Patterns that look like personal identifiers, scrubbed from every log line.
_ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
_MOBILE_PATTERN = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def scrub_text(text: str) -> str:
    """Mask anything that looks like an ID number or mobile number inside free text."""
    text = _ID_PATTERN.sub(lambda m: mask_id_number(m.group(0)), text)
    return _MOBILE_PATTERN.sub(lambda m: mask_mobile(m.group(0)), text)
