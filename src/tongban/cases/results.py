"""Drafting the face (照面信息) of a licence issued as the result of a case (办结出证).

:func:`draft_face` fills every face field the case can tell from its application form, the applicant's
records and the issuing department; the issuing clerk completes the rest on the issuance page
(:func:`missing_fields`), :func:`check` shows the licence library's own field errors before issuing, and
:func:`~tongban.licenses.services.issuing.issue_license` issues it::

    face = draft_face(license_type, holder_name=..., holder_code=..., form=case_form, issuer=dept, today=day)
    ...                                    # the clerk edits the face
    check(license_type, face, day)
    issue_license(license_type=license_type, issuer=dept, holder_code=..., holder_name=..., face=face,
                  number=licence_number(license_type, face), issued_on=day)

Field names are shared across licence types (``tongban.demo.catalog.license_faces``), so one rule per field
name serves every type. Where the fields come from:

- the holder: ``holder_name``/``name``; ``uscc`` (the holder code, else the legal person's, else the
  form's);
  ``legal_representative`` (form ``legal_rep_name`` or the legal person); ``id_number``, ``sex`` and
  ``birth_date`` from the natural person's ID number;
- ``address`` by its title: a 住所 or 注册地址 is the registered address (form ``registered_address`` or
  the legal person), a 住址 the person's home address, any other (场所地址, 详细地址 …) the premises
  (form ``business_address``); ``premises`` and ``location`` are the premises too;
- the form: ``business_form`` (``main_business_type``), ``business_items``, ``business_scope``,
  ``daily_volume_m3`` (``drainage_volume``), ``sign_size``, ``sign_content`` (``sign_text``),
  ``floor_area_m2`` (``shop_area``), ``registered_capital`` (万元, printed 人民币50.0000万元整),
  ``practice_institution``, ``employer`` (``employer_name``); a form key named like the face field
  wins where the rule below derives a value;
- the issuer: ``issuing_authority`` and ``supervising_authority`` are its name;
- the licence's own metadata, exactly as ``issue_license`` would write it for an issue on ``today``:
  ``issue_date``, ``valid_from``, ``valid_to`` (the type's standard term, 长期 where the field allows it)
  and ``licence_number`` (:func:`draft_number`).

Derived where the form says nothing but the case implies the value (the clerk can still change it):

- 营业执照: ``entity_type`` 有限责任公司 for a …有限公司 (股份有限公司 for a …股份有限公司), 个体工商户 for
  an individual business; ``established_on`` is the legal person's date, else ``today`` (the licence of
  a company being founded is issued the day it is registered);
- 排水许可证: ``discharger_type`` 餐饮 for catering, with the usual catering ``pollutants`` (grease trap
  before discharge; the 等级 of GB/T 31962 depends on the treatment plant, so it is not named);
  ``outlet_count`` 1; ``receiving_network`` 市政污水管网;
- 消防安全检查合格证: ``venue_name`` is the shop sign (``sign_text``), else the holder; ``usage`` from the
  type of food business; ``inspection_date`` is ``today``, since the certificate is issued on the day
  the inspection passes; set the real date when the inspection was earlier.

A value that breaks its own field's type, length, choices or pattern is left out rather than drafted
(e.g. a long company scope in a 100-character field): the field then shows as missing. Anything else the
case cannot know stays absent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from jsonschema import Draft202012Validator

from tongban.accounts.constants import LegalPersonKind
from tongban.accounts.models import LegalPerson, NaturalPerson
from tongban.licenses.constants import LONG_TERM_TEXT, SEX_VALUES, HolderKind
from tongban.licenses.faces import FaceField, check_face, face_fields, normalize_face, validity_end
from tongban.licenses.models import License, LicenseType
from tongban.licenses.services import issuing
from tongban.organizations.models import Department
from tongban.utils.errors import DomainError
from tongban.utils.identifiers import ResidentId, validate_resident_id

FOOD_NUMBER_PATTERN = r"^JY[1-3]\d{13}$"
# 主体业态 digit of a 食品经营许可证 number.
FOOD_FORM_DIGITS = {"食品销售经营者": "1", "餐饮服务经营者": "2", "集中用餐单位食堂": "3"}
CATERING = ("餐饮服务经营者", "集中用餐单位食堂")
CATERING_POLLUTANTS = (
    "化学需氧量、悬浮物、动植物油、氨氮；经隔油设施预处理后排放，"
    "执行《污水排入城镇下水道水质标准》（GB/T 31962）"
)
FIRE_USAGE = {"餐饮服务经营者": "餐饮场所", "集中用餐单位食堂": "食堂", "食品销售经营者": "商店"}
MUNICIPAL_SEWER = "市政污水管网"
SEX_NAMES = {code: name for name, code in SEX_VALUES.items()}


@dataclass(frozen=True)
class CaseFacts:
    """What the case knows about the licence to draft (the arguments of :func:`draft_face`)."""

    license_type: LicenseType
    holder_name: str
    holder_code: str
    form: Mapping[str, Any]
    legal_person: LegalPerson | None
    person: NaturalPerson | None
    issuer: Department
    today: dt.date

    @property
    def natural(self) -> bool:
        return self.license_type.holder_kind == HolderKind.NATURAL_PERSON

    def text(self, *keys: str) -> str:
        """The first of the form's ``keys`` with a non-blank value."""
        for key in keys:
            value = self.form.get(key)
            if value is not None and not isinstance(value, bool) and str(value).strip():
                return str(value).strip()
        return ""

    def resident(self) -> ResidentId | None:
        """The natural-person holder's parsed ID number (None for a legal-person type)."""
        if not self.natural:
            return None
        number = self.holder_code or (self.person.id_number if self.person else "")
        try:
            return validate_resident_id(number, today=self.today) if number else None
        except DomainError:
            return None

    def registered_address(self) -> str:
        return self.text("registered_address") or (
            self.legal_person.registered_address if self.legal_person else ""
        )

    def premises(self) -> str:
        return self.text("business_address") or self.registered_address()


# --- one rule per face field name ------------------------------------------------------------------------
Rule = Callable[[CaseFacts, FaceField], Any]


def _name(case: CaseFacts, _f: FaceField) -> Any:
    if not case.natural:
        return None
    return (case.person.real_name if case.person else "") or case.holder_name


def _uscc(case: CaseFacts, _f: FaceField) -> Any:
    if case.natural:
        return None
    # The holder code is the one the licence is issued to: it wins over what the form says.
    return case.holder_code or (case.legal_person.uscc if case.legal_person else "") or case.text("uscc")


def _legal_representative(case: CaseFacts, _f: FaceField) -> Any:
    return case.text("legal_rep_name") or (
        case.legal_person.legal_representative_name if case.legal_person else ""
    )


def _id_number(case: CaseFacts, _f: FaceField) -> Any:
    resident = case.resident()
    return resident.number if resident else None


def _sex(case: CaseFacts, _f: FaceField) -> Any:
    resident = case.resident()
    return SEX_NAMES[resident.sex] if resident else None


def _birth_date(case: CaseFacts, _f: FaceField) -> Any:
    resident = case.resident()
    return resident.birth_date.isoformat() if resident else None


def _address(case: CaseFacts, f: FaceField) -> Any:
    if "住址" in f.title:  # a person's home
        return case.text("residence_address", "household_address", "contact_address")
    if "住所" in f.title or "注册" in f.title:
        return case.registered_address() or case.text("business_address")
    return case.premises()


def _entity_type(case: CaseFacts, _f: FaceField) -> Any:
    given = case.text("entity_type")
    kind = case.legal_person.kind if case.legal_person else LegalPersonKind.ENTERPRISE
    if given or kind != LegalPersonKind.ENTERPRISE:
        return given or ("个体工商户" if kind == LegalPersonKind.INDIVIDUAL_BUSINESS else None)
    if case.holder_name.endswith("股份有限公司"):
        return "股份有限公司"
    if case.holder_name.endswith(("有限公司", "有限责任公司")):
        return "有限责任公司"
    return None


def _established_on(case: CaseFacts, _f: FaceField) -> Any:
    known = case.legal_person.established_on if case.legal_person else None
    return case.text("established_on") or (known or case.today).isoformat()


def _registered_capital(case: CaseFacts, _f: FaceField) -> Any:
    try:
        amount = Decimal(case.text("registered_capital"))
    except InvalidOperation:
        return None
    return f"人民币{amount:.4f}万元整" if amount.is_finite() and amount > 0 else None


def _discharger_type(case: CaseFacts, _f: FaceField) -> Any:
    return case.text("discharger_type") or ("餐饮" if case.text("main_business_type") in CATERING else None)


def _pollutants(case: CaseFacts, f: FaceField) -> Any:
    return case.text("pollutants") or (CATERING_POLLUTANTS if _discharger_type(case, f) == "餐饮" else None)


def _form(*keys: str) -> Rule:
    return lambda case, _f: case.text(*keys)


def _first(*rules: Rule) -> Rule:
    return lambda case, f: next((v for rule in rules if (v := rule(case, f)) not in (None, "")), None)


def _const(value: Any) -> Rule:
    return lambda _case, _f: value


RULES: dict[str, Rule] = {
    "holder_name": lambda case, _f: case.holder_name,
    "name": _name,
    "uscc": _uscc,
    "legal_representative": _legal_representative,
    "id_number": _id_number,
    "sex": _sex,
    "birth_date": _birth_date,
    "address": _address,
    "premises": lambda case, _f: case.premises(),
    "location": lambda case, _f: case.premises(),
    "entity_type": _entity_type,
    "established_on": _established_on,
    "registered_capital": _registered_capital,
    "business_form": _form("main_business_type"),
    "business_items": _form("business_items"),
    "business_scope": _form("business_scope"),
    "daily_volume_m3": _form("daily_volume_m3", "drainage_volume"),
    "discharger_type": _discharger_type,
    "outlet_count": _first(_form("outlet_count"), _const(1)),
    "pollutants": _pollutants,
    "receiving_network": _first(_form("receiving_network"), _const(MUNICIPAL_SEWER)),
    "sign_size": _form("sign_size"),
    "sign_content": _form("sign_content", "sign_text"),
    "venue_name": lambda case, _f: case.text("venue_name", "sign_text") or case.holder_name,
    "floor_area_m2": _form("floor_area_m2", "shop_area"),
    "usage": lambda case, _f: case.text("usage") or FIRE_USAGE.get(case.text("main_business_type")),
    "inspection_date": lambda case, _f: case.text("inspection_date") or case.today.isoformat(),
    "practice_institution": _form("practice_institution"),
    "employer": _form("employer_name"),
    "issuing_authority": lambda case, _f: case.issuer.name,
    "supervising_authority": lambda case, _f: case.issuer.name,
}


# --- values that fit their field ------------------------------------------------------------------------
def _number_value(value: Any, integer: bool) -> int | float | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    if number == number.to_integral_value():
        return int(number)
    return None if integer else float(number)


def _coerce(value: Any, schema: Mapping[str, Any]) -> Any:
    """``value`` as the field's JSON type, or None when it cannot be one."""
    kind = schema.get("type")
    if value is None or value == "":
        return None
    if kind in ("number", "integer"):
        return _number_value(value, kind == "integer")
    if kind == "string":
        if isinstance(value, dt.date):
            return value.isoformat()
        return None if isinstance(value, bool | dict | list) else str(value).strip() or None
    return value


def _fits(value: Any, schema: Mapping[str, Any]) -> bool:
    """Whether ``value`` passes the field's own schema (type, length, enum, pattern; formats are left to
    :func:`check`, which names the problem)."""
    return Draft202012Validator(dict(schema)).is_valid(value)


# --- numbers and dates ----------------------------------------------------------------------------------
def _luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def _region_code(issuer: Department) -> str:
    code = issuer.region.code if issuer.region_id else ""
    return code if len(code) == 6 and code.isdigit() else settings.TONGBAN_CASE_NUMBER_PREFIX[:6]


def _food_number(case: CaseFacts, face: Mapping[str, Any]) -> str | None:
    """许可证编号 JY + 主体业态 (1) + the issuer's GB/T 2260 region (6) + sequence (6) + check digit (1).

    The sequence follows the highest one this type already holds under the same prefix. The rules name a
    check digit without publishing its algorithm: ours is a Luhn digit.
    """
    digit = FOOD_FORM_DIGITS.get(str(face.get("business_form", "")))
    if digit is None:
        return None
    prefix = f"{digit}{_region_code(case.issuer)}"
    taken = License.objects.filter(license_type=case.license_type, number__startswith=f"JY{prefix}")
    sequences = [int(n[9:15]) for n in taken.values_list("number", flat=True) if n[9:15].isdigit()]
    sequence = max(sequences, default=0) + 1
    if sequence > 999999:
        return None
    body = f"{prefix}{sequence:06d}"
    return f"JY{body}{_luhn_digit(body)}"


# Number formats a schema demands (by its pattern) that we know how to build.
NUMBER_BUILDERS: dict[str, Callable[[CaseFacts, Mapping[str, Any]], str | None]] = {
    FOOD_NUMBER_PATTERN: _food_number,
}


def _draft_number(case: CaseFacts, field: FaceField, face: Mapping[str, Any]) -> str | None:
    pattern = field.schema.get("pattern")
    builder = NUMBER_BUILDERS.get(pattern) if isinstance(pattern, str) else None
    number = builder(case, face) if builder else issuing.default_number(case.today, issuing.new_serial())
    return number if number and _fits(number, field.schema) else None


def _metadata(case: CaseFacts, fields: dict[str, FaceField], face: Mapping[str, Any]) -> dict[str, Any]:
    """The fields ``issue_license`` derives from the licence itself, for an issue on ``case.today``."""
    out: dict[str, Any] = {name: case.today.isoformat() for name in issuing.DATE_FIELDS if name in fields}
    valid_to_field = fields.get(issuing.VALID_TO_FIELD)
    if valid_to_field is not None:
        try:
            end = validity_end(case.license_type, case.today)
        except DomainError:  # no standard term (e.g. chosen by age): the clerk decides
            pass
        else:
            if end is not None:
                out[valid_to_field.name] = end.isoformat()
            elif LONG_TERM_TEXT in str(valid_to_field.schema.get("pattern", "")):
                out[valid_to_field.name] = LONG_TERM_TEXT
    number_field = fields.get(issuing.NUMBER_FIELD)
    if number_field is not None:
        out[number_field.name] = _draft_number(case, number_field, face)
    return {name: value for name, value in out.items() if value is not None}


# --- public API -----------------------------------------------------------------------------------------
def draft_face(
    license_type: LicenseType,
    *,
    holder_name: str,
    holder_code: str,
    form: Mapping[str, Any],
    legal_person: LegalPerson | None = None,
    person: NaturalPerson | None = None,
    issuer: Department,
    today: dt.date,
) -> dict[str, Any]:
    """The face of a licence of ``license_type`` for this case, in display order; see the module docstring
    for where each field comes from. Fields the case cannot know are absent."""
    case = CaseFacts(
        license_type,
        (holder_name or "").strip(),
        (holder_code or "").strip().upper(),
        form,
        legal_person,
        person,
        issuer,
        today,
    )
    fields = {f.name: f for f in face_fields(license_type)}
    drafted: dict[str, Any] = {}
    for name, field in fields.items():
        rule = RULES.get(name)
        value = _coerce(rule(case, field), field.schema) if rule else None
        if value is not None and _fits(value, field.schema):
            drafted[name] = value
    drafted |= _metadata(case, fields, drafted)
    return {name: drafted[name] for name in fields if name in drafted}


def missing_fields(license_type: LicenseType, face: Mapping[str, Any]) -> list[str]:
    """Required face fields still empty, in display order: the issuing clerk fills them in."""
    present = normalize_face(face)
    return [f.name for f in face_fields(license_type) if f.required and f.name not in present]


def check(license_type: LicenseType, face: Mapping[str, Any], today: dt.date) -> None:
    """Raise the licence library's :class:`~tongban.utils.errors.ValidationFailed` (one error per field)
    when ``face`` would not be accepted by ``issue_license`` on ``today``."""
    check_face(license_type, face, today=today)


def licence_number(license_type: LicenseType, face: Mapping[str, Any]) -> str | None:
    """The ``number`` to pass to ``issue_license`` for ``face``: its 证照编号, or, on a type that prints
    none, the holder's code (营业执照 and 社会团体法人登记证书 are numbered by the 统一社会信用代码);
    None lets the library number it."""
    names = {f.name for f in face_fields(license_type)}
    for name in (issuing.NUMBER_FIELD, "uscc", "id_number"):
        if name in names:
            value = str(face.get(name) or "").strip()
            return value or None
    return None
