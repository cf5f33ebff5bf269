"""Application forms as JSON Schema, and their validation with stable error codes.

:func:`form_schema` turns the form fields of an item (or of a merged bundle) into a JSON Schema (draft
2020-12) of a flat object: one property per field in the given order, with the Chinese label as ``title``
and custom keywords ``x-label-en``, ``x-kind`` and, for choices, ``x-options`` (the labels of the enum
values). Custom ``format`` names are those of :mod:`tongban.licenses.constants`: ``cn-resident-id`` and
``cn-uscc`` run the project's check-digit validators; other JSON Schema validators ignore them, so those
properties also carry a ``pattern``.

:func:`validate_form` (submission: every field required) and :func:`partial_validate` (drafts: only the
keys present) clean the answers first (strings stripped, an empty answer counts as no answer, full-width
digits and letters in ID numbers, credit codes, phone numbers, dates and numbers folded to ASCII, numbers
as ``int`` when integral) and then raise :class:`ValidationFailed` with one :class:`DomainError` per
problem field (``field`` = the key), codes:

``form_not_an_object``, ``form_field_required``, ``form_field_unknown``, ``form_field_too_long``,
``form_field_not_a_number``, ``form_field_out_of_range``, ``form_field_invalid_id_number``,
``form_field_invalid_uscc``, ``form_field_invalid_phone``, ``form_field_invalid_date``,
``form_field_invalid_choice``, ``form_field_invalid_email``, ``form_field_not_text`` (a text field given
a number, list …) and ``form_field_invalid`` (a schema keyword this module does not name, e.g. a
``pattern`` someone added to a text field).

Kinds this module does not know are asked as text; a ``choice`` without options also falls back to text
(a free answer until the options are configured, rather than a form nobody can submit).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jsonschema import Draft202012Validator, FormatChecker

from tongban.licenses.constants import FORMAT_DATE, FORMAT_RESIDENT_ID, FORMAT_USCC
from tongban.utils.errors import DomainError, ValidationFailed
from tongban.utils.identifiers import validate_resident_id, validate_uscc

if TYPE_CHECKING:
    from tongban.items.models import FormField

DIALECT = "https://json-schema.org/draft/2020-12/schema"
FORMAT_EMAIL = "email"

# Field kinds (``FormField.kind``).
TEXT = "text"
TEXTAREA = "textarea"
NUMBER = "number"
ID_NUMBER = "id_number"
USCC = "uscc"
PHONE = "phone"
DATE = "date"
CHOICE = "choice"
EMAIL = "email"
KINDS = (TEXT, TEXTAREA, NUMBER, ID_NUMBER, USCC, PHONE, DATE, CHOICE, EMAIL)

TEXT_MAX = 200
TEXTAREA_MAX = 2000
EMAIL_MAX = 254
NUMBER_MIN = 0
NUMBER_MAX = 1_000_000_000

ID_NUMBER_PATTERN = r"^\d{17}[\dX]$"
USCC_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$"
PHONE_PATTERN = r"^1[3-9]\d{9}$"  # mainland mobile numbers (11 digits, 13x-19x)
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

# Error codes (public contract: never rename one).
NOT_AN_OBJECT = "form_not_an_object"
REQUIRED = "form_field_required"
UNKNOWN = "form_field_unknown"
TOO_LONG = "form_field_too_long"
NOT_A_NUMBER = "form_field_not_a_number"
OUT_OF_RANGE = "form_field_out_of_range"
INVALID_ID_NUMBER = "form_field_invalid_id_number"
INVALID_USCC = "form_field_invalid_uscc"
INVALID_PHONE = "form_field_invalid_phone"
INVALID_DATE = "form_field_invalid_date"
INVALID_CHOICE = "form_field_invalid_choice"
INVALID_EMAIL = "form_field_invalid_email"
NOT_TEXT = "form_field_not_text"
INVALID = "form_field_invalid"

_DATE_RE = re.compile(DATE_PATTERN, re.ASCII)
_EMAIL_RE = re.compile(EMAIL_PATTERN)
_NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$", re.ASCII)
_PHONE_PREFIX_RE = re.compile(r"^(?:\+86|0086|86)(?=1\d{10}$)")
_SPACES_RE = re.compile(r"\s+")
_EMPTY = object()  # "no answer": dropped from the cleaned data


# --- schema -----------------------------------------------------------------------------------------
def _options(raw: Any) -> list[dict[str, str]]:
    """The well-formed options of a field (value required; labels default to the value / empty)."""
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for option in raw if isinstance(raw, list) else []:
        value = option.get("value") if isinstance(option, dict) else None
        if not isinstance(value, str) or not value or value in seen:
            continue
        seen.add(value)
        out.append(
            {
                "value": value,
                "label": str(option.get("label") or value),
                "label_en": str(option.get("label_en") or ""),
            }
        )
    return out


def _kind_schema(kind: str, options: list[dict[str, str]]) -> dict[str, Any]:
    if kind == TEXTAREA:
        return {"type": "string", "minLength": 1, "maxLength": TEXTAREA_MAX}
    if kind == NUMBER:
        return {"type": "number", "minimum": NUMBER_MIN, "maximum": NUMBER_MAX}
    if kind == ID_NUMBER:
        return {"type": "string", "pattern": ID_NUMBER_PATTERN, "format": FORMAT_RESIDENT_ID}
    if kind == USCC:
        return {"type": "string", "pattern": USCC_PATTERN, "format": FORMAT_USCC}
    if kind == PHONE:
        return {"type": "string", "pattern": PHONE_PATTERN}
    if kind == DATE:
        return {"type": "string", "pattern": DATE_PATTERN, "format": FORMAT_DATE}
    if kind == EMAIL:
        return {"type": "string", "maxLength": EMAIL_MAX, "pattern": EMAIL_PATTERN, "format": FORMAT_EMAIL}
    if kind == CHOICE and options:
        return {"type": "string", "enum": [o["value"] for o in options], "x-options": options}
    return {"type": "string", "minLength": 1, "maxLength": TEXT_MAX}


def form_schema(fields: Sequence[FormField]) -> dict[str, Any]:
    """The JSON Schema of a form asking ``fields`` in this order (a repeated key is asked once)."""
    properties: dict[str, Any] = {}
    for f in fields:
        if f.key in properties:
            continue
        kind = f.kind if f.kind in KINDS else TEXT
        options = _options(f.options) if kind == CHOICE else []
        if kind == CHOICE and not options:
            kind = TEXT
        properties[f.key] = {
            "title": f.label,
            "x-label-en": f.label_en,
            "x-kind": kind,
            **_kind_schema(kind, options),
        }
    return {
        "$schema": DIALECT,
        "type": "object",
        "properties": properties,
        # The catalogue marks no field optional: a form asks only what the items need.
        "required": list(properties),
        "additionalProperties": False,
    }


# --- cleaning ---------------------------------------------------------------------------------------
def _kind_of(prop: Mapping[str, Any]) -> str:
    kind = prop.get("x-kind")
    if isinstance(kind, str) and kind in KINDS:
        return kind
    fmt = prop.get("format")
    by_format = {FORMAT_RESIDENT_ID: ID_NUMBER, FORMAT_USCC: USCC, FORMAT_DATE: DATE, FORMAT_EMAIL: EMAIL}
    if fmt in by_format:
        return by_format[fmt]
    if prop.get("type") in ("number", "integer"):
        return NUMBER
    return CHOICE if "enum" in prop else TEXT


def _fold(value: str) -> str:
    """Full-width digits, letters and spaces (as typed with a Chinese input method) to ASCII."""
    return unicodedata.normalize("NFKC", value).strip()


def _clean_number(value: Any) -> Any:
    if isinstance(value, str):
        text = _fold(value)
        if not _NUMBER_RE.match(text):
            return text  # left as a string: reported as not a number
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            return text
        return int(number) if number == number.to_integral_value() else float(number)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)  # NaN and infinity would slip past minimum/maximum
        return int(value) if value.is_integer() else value
    return value


def _clean(kind: str, value: Any) -> Any:
    if value is None:
        return _EMPTY
    if kind == NUMBER:
        value = _clean_number(value)
    elif isinstance(value, str):
        if kind in (ID_NUMBER, USCC):
            value = _SPACES_RE.sub("", _fold(value)).upper()
        elif kind == PHONE:
            value = _PHONE_PREFIX_RE.sub("", re.sub(r"[\s-]", "", _fold(value)))
        elif kind == DATE:
            value = _fold(value)
        else:
            value = value.strip()
    return _EMPTY if value == "" else value


# --- formats ----------------------------------------------------------------------------------------
_formats = FormatChecker(formats=())


@_formats.checks(FORMAT_DATE)
def _is_date(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE_RE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@_formats.checks(FORMAT_RESIDENT_ID, raises=DomainError)
def _is_resident_id(value: Any) -> bool:
    if isinstance(value, str):
        validate_resident_id(value)
    return True


@_formats.checks(FORMAT_USCC, raises=DomainError)
def _is_uscc(value: Any) -> bool:
    if isinstance(value, str):
        validate_uscc(value)
    return True


@_formats.checks(FORMAT_EMAIL)
def _is_email(value: Any) -> bool:
    return not isinstance(value, str) or bool(_EMAIL_RE.match(value))


# --- errors -----------------------------------------------------------------------------------------
_FORMAT_CODES = {
    ID_NUMBER: INVALID_ID_NUMBER,
    USCC: INVALID_USCC,
    PHONE: INVALID_PHONE,
    DATE: INVALID_DATE,
    EMAIL: INVALID_EMAIL,
    CHOICE: INVALID_CHOICE,
}
_FORMAT_MESSAGES: dict[str, Promise] = {
    INVALID_ID_NUMBER: _("%(title)s is not a valid ID number."),
    INVALID_USCC: _("%(title)s is not a valid unified social credit code."),
    INVALID_PHONE: _("%(title)s must be an 11-digit mainland mobile number."),
    INVALID_DATE: _("%(title)s must be a date written as YYYY-MM-DD."),
    INVALID_EMAIL: _("%(title)s is not a valid e-mail address."),
    INVALID_CHOICE: _("%(title)s must be one of the listed answers."),
}
# When one answer breaks several keywords, report the most telling one.
_PRIORITY = {"type": 0, "format": 1, "pattern": 2, "enum": 3, "const": 3}


def _error(code: str, message: str | Promise, key: str, **params: Any) -> DomainError:
    return DomainError(code, message, field=key, **params)


def _field_error(error: Any, kind: str, key: str, title: str) -> DomainError:
    keyword = str(error.validator)
    t = {"title": title}
    if keyword == "type":
        if kind == NUMBER:
            return _error(NOT_A_NUMBER, _("%(title)s must be a number.") % t, key)
        if kind in _FORMAT_CODES:
            code = _FORMAT_CODES[kind]
            return _error(code, _FORMAT_MESSAGES[code] % t, key)
        return _error(NOT_TEXT, _("%(title)s must be text.") % t, key)
    if keyword in ("format", "pattern", "enum", "const") and kind in _FORMAT_CODES:
        code = _FORMAT_CODES[kind]
        cause = error.cause
        if isinstance(cause, DomainError):  # a check-digit validator said why
            message = _("%(title)s: %(reason)s") % {"title": title, "reason": cause.message}
            return _error(code, message, key, reason=cause.code)
        return _error(code, _FORMAT_MESSAGES[code] % t, key)
    if keyword == "maxLength":
        limit = error.validator_value
        message = _("%(title)s can be at most %(max)s characters long.") % {**t, "max": limit}
        return _error(TOO_LONG, message, key, max=limit)
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        schema = error.schema if isinstance(error.schema, dict) else {}
        low, high = schema.get("minimum"), schema.get("maximum")
        message = _("%(title)s must be between %(min)s and %(max)s.") % {**t, "min": low, "max": high}
        return _error(OUT_OF_RANGE, message, key, min=low, max=high)
    if keyword in ("enum", "const"):
        return _error(INVALID_CHOICE, _FORMAT_MESSAGES[INVALID_CHOICE] % t, key)
    return _error(INVALID, _("%(title)s is not valid.") % t, key, keyword=keyword)


def _title(props: Mapping[str, Any], key: str) -> str:
    prop = props.get(key)
    return str(prop.get("title") or key) if isinstance(prop, Mapping) else key


# --- validation -------------------------------------------------------------------------------------
def _validate(schema: Mapping[str, Any], data: Any, *, partial: bool) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        raise ValidationFailed(
            [DomainError(NOT_AN_OBJECT, _("The form must be an object of field keys and answers."))]
        )
    raw_props = schema.get("properties")
    props: Mapping[str, Any] = raw_props if isinstance(raw_props, Mapping) else {}
    kinds = {key: _kind_of(prop) for key, prop in props.items() if isinstance(prop, Mapping)}
    errors: dict[str, tuple[int, DomainError]] = {}
    cleaned: dict[str, Any] = {}
    for raw_key, value in data.items():
        key = str(raw_key)
        if key not in kinds:
            message = _("%(field)s is not a question of this form.") % {"field": key}
            errors[key] = (-1, _error(UNKNOWN, message, key))
            continue
        value = _clean(kinds[key], value)
        if value is not _EMPTY:
            cleaned[key] = value

    check = {k: v for k, v in schema.items() if k != "required"} if partial else dict(schema)
    for error in Draft202012Validator(check, format_checker=_formats).iter_errors(cleaned):
        path = list(error.absolute_path)
        if error.validator == "required" and not path:
            for key in error.validator_value:
                if key not in cleaned:
                    message = _("Please fill in %(title)s.") % {"title": _title(props, key)}
                    errors[key] = (-1, _error(REQUIRED, message, key))
        elif path:
            key = str(path[0])
            rank = _PRIORITY.get(str(error.validator), 5)
            if key not in errors or rank < errors[key][0]:
                errors[key] = (rank, _field_error(error, kinds.get(key, TEXT), key, _title(props, key)))
    if errors:
        # Schema order, then unknown keys in the order they were sent.
        order = {key: n for n, key in enumerate(props)}
        sent = {str(key): n for n, key in enumerate(data)}
        keys = sorted(errors, key=lambda k: (order.get(k, len(order)), sent.get(k, 0)))
        raise ValidationFailed([errors[k][1] for k in keys])
    return {key: cleaned[key] for key in props if key in cleaned}


def validate_form(schema: Mapping[str, Any], data: Any) -> dict[str, Any]:
    """The cleaned answers of a submitted form, in schema order; raises :class:`ValidationFailed` with
    every problem (missing answers included)."""
    return _validate(schema, data, partial=False)


def partial_validate(schema: Mapping[str, Any], data: Any) -> dict[str, Any]:
    """Like :func:`validate_form` for a draft: only the answers given are checked (an empty answer is
    dropped, not reported), so an incomplete form passes."""
    return _validate(schema, data, partial=True)
