"""Django field validators wrapping the identifier rules, so forms and the admin show the same codes."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from tongban.utils.errors import DomainError
from tongban.utils.identifiers import validate_resident_id, validate_uscc


def uscc_validator(value: str) -> None:
    try:
        validate_uscc(value)
    except DomainError as exc:
        raise ValidationError(str(exc.message), code=exc.code) from None


def resident_id_validator(value: str) -> None:
    try:
        validate_resident_id(value)
    except DomainError as exc:
        raise ValidationError(str(exc.message), code=exc.code) from None
