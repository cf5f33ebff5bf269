"""照面信息: the face fields of a licence type, their JSON Schema, and the validity rule.

A licence type's ``face_schema`` is a JSON Schema (draft 2020-12) of a flat object: one property per face
field, a Chinese ``title`` each, ``required``, ``pattern``/``enum``/``maxLength`` and ``format``. Besides the
standard ``date`` format (checked strictly as YYYY-MM-DD) it uses custom formats, see
``tongban.licenses.constants``: ``cn-resident-id`` and ``cn-uscc`` run the project's own check-digit
validators, ``cn-date-or-long-term`` takes a date or 长期. Other JSON Schema validators ignore unknown
formats, so those fields also carry a ``pattern``.

Rules across fields are custom keywords on the schema's top level (ignored by other validators):

- ``x-date-order``: ``[["valid_from", "valid_to"], …]``: the second date may not be earlier than the first;
- ``x-id-match``: ``[{"id": "id_number", "birth_date": "birth_date", "sex": "sex"}]``: the birth date and
  性别 fields agree with the ID number (its first 18 characters, so a 残疾人证号 works too);
- ``x-not-future``: ``["birth_date", …]``: dates that cannot lie after today.

:func:`validate_face` returns every problem as a :class:`DomainError` (``face_field_missing`` or
``face_field_invalid``, ``field`` = the field name, ``params["reason"]`` = which rule) rather than raising
on the first one; :func:`check_face` raises them together as :class:`ValidationFailed`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from tongban.licenses.constants import (
    FORMAT_DATE,
    FORMAT_DATE_OR_LONG_TERM,
    FORMAT_DISABILITY_CARD,
    FORMAT_RESIDENT_ID,
    FORMAT_USCC,
    LONG_TERM,
    LONG_TERM_TEXT,
    SEX_VALUES,
)
from tongban.utils.errors import DomainError, ValidationFailed
from tongban.utils.identifiers import validate_resident_id, validate_uscc
from tongban.utils.masking import mask_id_number, mask_mobile

if TYPE_CHECKING:
    from tongban.licenses.models import LicenseType

MISSING = "face_field_missing"
INVALID = "face_field_invalid"

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_DISABILITY_RE = re.compile(r"^\d{17}[\dX][1-7][1-4]$")
_ID_FORMATS = (FORMAT_RESIDENT_ID, FORMAT_DISABILITY_CARD)
_CROSS_KEYWORDS = ("x-date-order", "x-id-match", "x-not-future")


# --- schema helpers ---------------------------------------------------------------------------------
def _properties(schema: Any) -> dict[str, Any]:
    props = schema.get("properties") if isinstance(schema, dict) else None
    return props if isinstance(props, dict) else {}


def _cross_field_names(schema: dict[str, Any]) -> list[tuple[str, str]] | None:
    """(keyword, field name) for every field the cross-field keywords name; None when they are malformed:
    ``x-date-order`` a list of [earlier, later] pairs, ``x-id-match`` a list of objects with an ``id``
    and optional ``birth_date``/``sex``, ``x-not-future`` a list of names."""
    out: list[tuple[str, str]] = []
    pairs, rules, names = (schema.get(k, []) for k in _CROSS_KEYWORDS)
    if not all(isinstance(v, list) for v in (pairs, rules, names)):
        return None
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(n, str) for n in pair)):
            return None
        out += [("x-date-order", n) for n in pair]
    for rule in rules:
        if not (
            isinstance(rule, dict)
            and "id" in rule
            and set(rule) <= {"id", "birth_date", "sex"}
            and all(isinstance(n, str) for n in rule.values())
        ):
            return None
        out += [("x-id-match", n) for n in rule.values()]
    if not all(isinstance(n, str) for n in names):
        return None
    return out + [("x-not-future", n) for n in names]


def face_schema_problems(schema: Any) -> list[str]:
    """Why ``schema`` cannot serve as a face schema (empty list: it can). ``{}`` means "no schema yet"."""
    if not isinstance(schema, dict):
        return [str(_("The schema must be a JSON object."))]
    if not schema:
        return []
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return [str(_("Not a valid JSON Schema: %(error)s") % {"error": exc.message})]
    props = schema.get("properties")
    if schema.get("type") != "object" or not isinstance(props, dict) or not props:
        return [str(_('The schema must describe an object ("type": "object") with "properties".'))]
    named = _cross_field_names(schema)
    if named is None:
        return [str(_("The cross-field rules (x-date-order, x-id-match, x-not-future) are malformed."))]
    unknown: dict[str, list[str]] = {}
    for keyword, name in named:
        if name not in props:
            unknown.setdefault(keyword, []).append(name)
    return [
        str(
            _("%(keyword)s names fields that are not in the schema: %(names)s.")
            % {"keyword": keyword, "names": ", ".join(names)}
        )
        for keyword, names in unknown.items()
    ]


@dataclass(frozen=True)
class FaceField:
    name: str
    title: str
    required: bool
    personal: bool
    schema: dict[str, Any]


def face_fields(license_type: LicenseType) -> list[FaceField]:
    """The type's face fields in display order (``face_field_order`` first, then schema order)."""
    schema = license_type.face_schema or {}
    props = _properties(schema)
    required = set(schema.get("required", []))
    personal = set(license_type.personal_fields or [])
    order = [n for n in license_type.face_field_order or [] if n in props]
    order += [n for n in props if n not in order]
    return [
        FaceField(
            name=name,
            title=str(props[name].get("title") or name),
            required=name in required,
            personal=name in personal,
            schema=props[name],
        )
        for name in order
    ]


def normalize_face(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Strip strings and drop empty values: an empty optional field is absent, an empty required one
    is missing."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            continue
        out[name] = value
    return out


# --- validation -------------------------------------------------------------------------------------
def _parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not _DATE_RE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _format_checker(today: dt.date) -> FormatChecker:
    checker = FormatChecker(formats=())

    @checker.checks(FORMAT_DATE)
    def _date(value: Any) -> bool:
        return not isinstance(value, str) or _parse_date(value) is not None

    @checker.checks(FORMAT_DATE_OR_LONG_TERM)
    def _date_or_long_term(value: Any) -> bool:
        return not isinstance(value, str) or value == LONG_TERM_TEXT or _parse_date(value) is not None

    @checker.checks(FORMAT_RESIDENT_ID, raises=DomainError)
    def _resident_id(value: Any) -> bool:
        if isinstance(value, str):
            validate_resident_id(value, today=today)
        return True

    @checker.checks(FORMAT_DISABILITY_CARD, raises=DomainError)
    def _disability_card(value: Any) -> bool:
        if not isinstance(value, str):
            return True
        validate_resident_id(value[:18], today=today)
        return bool(_DISABILITY_RE.match(value))

    @checker.checks(FORMAT_USCC, raises=DomainError)
    def _uscc(value: Any) -> bool:
        if isinstance(value, str):
            validate_uscc(value)
        return True

    return checker


def _title(props: dict[str, Any], name: str) -> str:
    prop = props.get(name)
    return str(prop.get("title") or name) if isinstance(prop, dict) else name


def _missing(name: str, title: str) -> DomainError:
    return DomainError(
        MISSING, _("Please fill in %(title)s.") % {"title": title}, field=name, reason="required"
    )


def _invalid(name: str | None, message: str | Promise, reason: str) -> DomainError:
    return DomainError(INVALID, message, field=name, reason=reason)


def _schema_error(error: Any, props: dict[str, Any], name: str) -> DomainError:
    """One jsonschema error on field ``name`` as a face error with a friendly message."""
    title = _title(props, name)
    keyword = error.validator
    sub = error.schema if isinstance(error.schema, dict) else {}
    if keyword == "format":
        cause = error.cause
        if isinstance(cause, DomainError):
            return _invalid(
                name, _("%(title)s: %(reason)s") % {"title": title, "reason": cause.message}, cause.code
            )
        if error.validator_value == FORMAT_DATE:
            return _invalid(
                name, _("%(title)s must be a date written as YYYY-MM-DD.") % {"title": title}, "date"
            )
        if error.validator_value == FORMAT_DATE_OR_LONG_TERM:
            message = _("%(title)s must be a date written as YYYY-MM-DD, or “%(long_term)s”.")
            return _invalid(name, message % {"title": title, "long_term": LONG_TERM_TEXT}, "date")
        return _invalid(name, _("%(title)s is not in the expected format.") % {"title": title}, "format")
    if keyword == "pattern":
        examples = sub.get("examples")
        if isinstance(examples, list) and examples:
            message = _("%(title)s is not in the expected format, e.g. %(example)s.")
            return _invalid(name, message % {"title": title, "example": examples[0]}, "pattern")
        return _invalid(name, _("%(title)s is not in the expected format.") % {"title": title}, "pattern")
    if keyword in ("enum", "const"):
        choices = error.validator_value if keyword == "enum" else [error.validator_value]
        if len(choices) <= 12:
            message = _("%(title)s must be one of: %(choices)s.")
            return _invalid(
                name, message % {"title": title, "choices": "、".join(map(str, choices))}, "choice"
            )
        return _invalid(name, _("%(title)s is not one of the allowed values.") % {"title": title}, "choice")
    if keyword == "maxLength":
        message = _("%(title)s can be at most %(max)s characters long.")
        return _invalid(name, message % {"title": title, "max": error.validator_value}, "max_length")
    if keyword in ("minimum", "exclusiveMinimum"):
        message = _("%(title)s must be at least %(min)s.")
        return _invalid(name, message % {"title": title, "min": error.validator_value}, "minimum")
    if keyword in ("maximum", "exclusiveMaximum"):
        message = _("%(title)s must be at most %(max)s.")
        return _invalid(name, message % {"title": title, "max": error.validator_value}, "maximum")
    if keyword == "type":
        return _invalid(name, _("%(title)s has the wrong kind of value.") % {"title": title}, "type")
    return _invalid(name, _("%(title)s is not valid.") % {"title": title}, str(keyword))


# Which error to keep when one field breaks several keywords: the most specific one.
_PRIORITY = {"format": 0, "type": 1, "enum": 2, "const": 2, "pattern": 3}


def _schema_errors(schema: dict[str, Any], data: dict[str, Any], today: dt.date) -> dict[str, DomainError]:
    props = _properties(schema)
    validator = Draft202012Validator(schema, format_checker=_format_checker(today))
    found: dict[str, tuple[int, DomainError]] = {}

    def keep(name: str, rank: int, err: DomainError) -> None:
        if name not in found or rank < found[name][0]:
            found[name] = (rank, err)

    for error in validator.iter_errors(data):
        path = list(error.absolute_path)
        if error.validator == "required" and not path:
            for name in error.validator_value:
                if name not in error.instance:
                    keep(name, -1, _missing(name, _title(props, name)))
        elif error.validator == "additionalProperties" and not path:
            for name in error.instance:
                if name not in props:
                    message = _("%(field)s is not a field of this licence.") % {"field": name}
                    keep(name, -1, _invalid(name, message, "unknown_field"))
        elif path:  # reported on the top-level field, also when it comes from a nested object
            name = str(path[0])
            keep(name, _PRIORITY.get(str(error.validator), 5), _schema_error(error, props, name))
        else:
            keep("", 9, _invalid(None, _("The face fields are not valid."), str(error.validator)))
    return {name: err for name, (_rank, err) in found.items()}


def _cross_field_errors(
    schema: dict[str, Any], data: dict[str, Any], bad: set[str], today: dt.date
) -> dict[str, DomainError]:
    props = _properties(schema)
    out: dict[str, DomainError] = {}

    def usable(name: str) -> bool:
        return name in data and name not in bad and name not in out

    for earlier, later in schema.get("x-date-order", []):
        if usable(earlier) and usable(later):
            start, end = _parse_date(data[earlier]), _parse_date(data[later])
            if start and end and end < start:
                message = _("%(later)s cannot be earlier than %(earlier)s.") % {
                    "later": _title(props, later),
                    "earlier": _title(props, earlier),
                }
                out[later] = _invalid(later, message, "date_order")
    for rule in schema.get("x-id-match", []):
        id_field = rule.get("id", "")
        if not usable(id_field) or not isinstance(data[id_field], str):
            continue
        try:
            person = validate_resident_id(data[id_field][:18], today=today)
        except DomainError:
            continue
        birth_field, sex_field = rule.get("birth_date", ""), rule.get("sex", "")
        mismatch = []
        if usable(birth_field) and _parse_date(data[birth_field]) not in (None, person.birth_date):
            mismatch.append(birth_field)
        if usable(sex_field) and SEX_VALUES.get(data[sex_field], person.sex) != person.sex:
            mismatch.append(sex_field)
        for name in mismatch:
            message = _("%(title)s does not match %(id_title)s.") % {
                "title": _title(props, name),
                "id_title": _title(props, id_field),
            }
            out[name] = _invalid(name, message, "id_mismatch")
    for name in schema.get("x-not-future", []):
        if usable(name):
            value = _parse_date(data[name])
            if value and value > today:
                message = _("%(title)s cannot be in the future.") % {"title": _title(props, name)}
                out[name] = _invalid(name, message, "date_in_future")
    return out


def validate_face_data(
    schema: dict[str, Any], fields: Any, *, today: dt.date | None = None, order: Iterable[str] = ()
) -> list[DomainError]:
    """Every problem of ``fields`` against a face ``schema`` (an empty schema accepts any object)."""
    if not isinstance(fields, Mapping):
        return [_invalid(None, _("The face fields must be an object of field names and values."), "type")]
    today = today or dt.date.today()
    data = normalize_face(fields)
    if not schema:
        return []
    errors = _schema_errors(schema, data, today)
    errors.update(_cross_field_errors(schema, data, set(errors), today))
    ranking: dict[str, int] = {}
    for name in [*order, *_properties(schema)]:
        ranking.setdefault(name, len(ranking))
    return [errors[name] for name in sorted(errors, key=lambda n: (ranking.get(n, len(ranking)), n))]


def validate_face(
    license_type: LicenseType, fields: Mapping[str, Any], *, today: dt.date | None = None
) -> list[DomainError]:
    """Check a licence's face fields against its type; returns the problems, in display order."""
    return validate_face_data(
        license_type.face_schema or {}, fields, today=today, order=license_type.face_field_order or []
    )


def check_face(license_type: LicenseType, fields: Mapping[str, Any], *, today: dt.date | None = None) -> None:
    """Like :func:`validate_face`, raising :class:`ValidationFailed` (422) when there is any problem."""
    errors = validate_face(license_type, fields, today=today)
    if errors:
        raise ValidationFailed(errors)


# --- personal data ----------------------------------------------------------------------------------
def _mask_value(value: Any, prop: dict[str, Any]) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if not isinstance(value, str):
        return "***"
    if prop.get("format") in _ID_FORMATS:
        return mask_id_number(value)
    if _MOBILE_RE.match(value):
        return mask_mobile(value)
    if _parse_date(value):
        return "****-**-**"
    return value[:1] + "*" * min(max(len(value) - 1, 1), 8)


def mask_face(
    license_type: LicenseType, fields: Mapping[str, Any], *, reveal: Iterable[str] = ()
) -> dict[str, Any]:
    """The face with personal fields masked (``张**``, ``3101**********1234``) except those in ``reveal``."""
    props = _properties(license_type.face_schema)
    hidden = set(license_type.personal_fields or []) - set(reveal)
    return {
        name: _mask_value(value, props.get(name, {})) if name in hidden else value
        for name, value in fields.items()
    }


def disclosable_face(
    license_type: LicenseType, fields: Mapping[str, Any], *, disclose: Iterable[str] = ()
) -> dict[str, Any]:
    """The fields that may go into a QR code or a share: non-personal ones, plus the personal ones the
    holder explicitly chose to ``disclose``."""
    personal = set(license_type.personal_fields or []) - set(disclose)
    return {name: value for name, value in fields.items() if name not in personal}


# --- validity ---------------------------------------------------------------------------------------
def add_years(day: dt.date, years: int) -> dt.date:
    """Same day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _years(terms: Iterable[int]) -> str:
    return "、".join(str(t) for t in terms)


def validity_end(
    license_type: LicenseType, issued_on: dt.date, requested_end: dt.date | str | None = None
) -> dt.date | None:
    """The end of validity of a licence issued on ``issued_on``; ``None`` means 长期 (no end).

    Rule, from the type: ``validity_years`` is the standard term, ``validity_terms`` the terms that may be
    chosen (the end then falls on an anniversary of the issue date), ``long_term_allowed`` whether 长期 may
    be chosen. With no ``requested_end`` the standard term applies; a type with a choice of terms but no
    standard one (居民身份证: by age) needs the end requested; a type with neither is 长期 if that is
    allowed. Without ``validity_terms``, any end date up to the standard term is accepted (a shorter
    permit, e.g. tied to a lease). Pass :data:`~tongban.licenses.constants.LONG_TERM` (or 长期) to ask for
    long-term validity.
    """
    years = license_type.validity_years
    terms = sorted(set(license_type.validity_terms or []))
    if requested_end is None:
        if years:
            return add_years(issued_on, years)
        if license_type.long_term_allowed and not terms:
            return None
        raise DomainError(
            "validity_end_required",
            _("This licence type has no standard term: give the end of validity."),
            field="valid_to",
            terms=terms,
        )
    if isinstance(requested_end, str):
        if requested_end not in (LONG_TERM, LONG_TERM_TEXT):
            raise DomainError(
                "validity_end_invalid",
                _("The end of validity is a date or long-term (长期)."),
                field="valid_to",
            )
        if not license_type.long_term_allowed:
            raise DomainError(
                "validity_long_term_not_allowed",
                _("This licence type cannot be issued with long-term validity."),
                field="valid_to",
            )
        return None
    if requested_end <= issued_on:
        raise DomainError(
            "validity_end_before_start",
            _("The end of validity must be after the date of issue."),
            field="valid_to",
        )
    if terms:
        if requested_end not in {add_years(issued_on, t) for t in terms}:
            raise DomainError(
                "validity_term_not_allowed",
                _("This licence type is issued for a term of %(terms)s years.") % {"terms": _years(terms)},
                field="valid_to",
                terms=terms,
            )
        return requested_end
    if years and requested_end > add_years(issued_on, years):
        raise DomainError(
            "validity_end_too_late",
            _("This licence type is valid for at most %(years)s years.") % {"years": years},
            field="valid_to",
            latest=add_years(issued_on, years).isoformat(),
        )
    return requested_end
