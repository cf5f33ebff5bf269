"""Application-form schemas: generation from form fields, validation with stable codes, cleaning."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tongban.cases.forms_schema import form_schema, partial_validate, validate_form
from tongban.demo.catalog import license_faces
from tongban.demo.catalog.form_fields import FORM_FIELDS
from tongban.items.models import FormField
from tongban.utils.errors import DomainError, ValidationFailed
from tongban.utils.identifiers import make_resident_id, make_uscc

ID_NUMBER = make_resident_id("310101", dt.date(1990, 1, 1), 123)
USCC = make_uscc("91310115MA1K3YJ1")
FOOD_TYPES = [
    {"value": "食品销售经营者", "label": "食品销售经营者", "label_en": "Food seller"},
    {"value": "餐饮服务经营者", "label": "餐饮服务经营者", "label_en": "Catering business"},
    {"value": "集中用餐单位食堂", "label": "集中用餐单位食堂", "label_en": "Canteen"},
]


def field(key: str, kind: str = "text", options: list[dict[str, str]] | None = None) -> FormField:
    return FormField(key=key, label=f"标签{key}", label_en=f"Label {key}", kind=kind, options=options or [])


FIELDS = [
    field("company_name"),
    field("business_scope", "textarea"),
    field("shop_area", "number"),
    field("id_number", "id_number"),
    field("uscc", "uscc"),
    field("mobile", "phone"),
    field("birth_date", "date"),
    field("main_business_type", "choice", FOOD_TYPES),
    field("email", "email"),
]
SCHEMA = form_schema(FIELDS)
VALID: dict[str, Any] = {
    "company_name": "上海小笼包餐饮有限公司",
    "business_scope": "餐饮服务",
    "shop_area": 80,
    "id_number": ID_NUMBER,
    "uscc": USCC,
    "mobile": "13800138000",
    "birth_date": "1990-01-01",
    "main_business_type": "餐饮服务经营者",
    "email": "owner@example.cn",
}


def problems(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str | None, str]:
    return {e.field: e.code for e in exc.value.errors}


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# --- schema -----------------------------------------------------------------------------------------
def test_schema_has_one_property_per_field_in_order_with_labels_and_kinds() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["type"] == "object"
    assert list(SCHEMA["properties"]) == [f.key for f in FIELDS]
    assert SCHEMA["required"] == [f.key for f in FIELDS]
    assert SCHEMA["additionalProperties"] is False
    name = SCHEMA["properties"]["company_name"]
    assert name["title"] == "标签company_name"
    assert name["x-label-en"] == "Label company_name"
    assert (name["x-kind"], name["type"], name["minLength"], name["maxLength"]) == ("text", "string", 1, 200)
    assert SCHEMA["properties"]["business_scope"]["maxLength"] == 2000
    number = SCHEMA["properties"]["shop_area"]
    assert (number["type"], number["minimum"], number["maximum"]) == ("number", 0, 1_000_000_000)
    assert SCHEMA["properties"]["id_number"]["format"] == "cn-resident-id"
    assert SCHEMA["properties"]["uscc"]["format"] == "cn-uscc"
    assert SCHEMA["properties"]["mobile"]["pattern"] == r"^1[3-9]\d{9}$"
    assert SCHEMA["properties"]["birth_date"]["format"] == "date"
    choice = SCHEMA["properties"]["main_business_type"]
    assert choice["enum"] == ["食品销售经营者", "餐饮服务经营者", "集中用餐单位食堂"]
    assert choice["x-options"][1] == {
        "value": "餐饮服务经营者",
        "label": "餐饮服务经营者",
        "label_en": "Catering business",
    }
    assert SCHEMA["properties"]["email"]["format"] == "email"
    Draft202012Validator.check_schema(SCHEMA)


def test_schema_is_deterministic() -> None:
    again = form_schema([field(f.key, f.kind, list(f.options)) for f in FIELDS])
    assert json.dumps(again, ensure_ascii=False) == json.dumps(SCHEMA, ensure_ascii=False)


def test_repeated_key_is_asked_once_and_odd_fields_fall_back_to_text() -> None:
    schema = form_schema(
        [
            field("a"),
            field("a", "number"),
            field("b", "choice"),  # no options configured yet
            field("c", "colour"),  # a kind this module does not know
            field("d", "choice", [{"value": "x"}, {"value": "x"}, {"label": "no value"}, "junk"]),  # type: ignore[list-item]
        ]
    )
    props = schema["properties"]
    assert list(props) == ["a", "b", "c", "d"]
    assert props["a"]["x-kind"] == props["b"]["x-kind"] == props["c"]["x-kind"] == "text"
    assert "enum" not in props["b"]
    assert props["d"]["enum"] == ["x"]
    assert props["d"]["x-options"] == [{"value": "x", "label": "x", "label_en": ""}]


def test_demo_catalogue_choice_fields_all_have_options() -> None:
    fields = [
        FormField(key=f.key, label=f.label, label_en=f.label_en, kind=f.kind, options=f.option_rows())
        for f in FORM_FIELDS
    ]
    schema = form_schema(fields)
    Draft202012Validator.check_schema(schema)
    choices = {f.key for f in FORM_FIELDS if f.kind == "choice"}
    assert choices, "the catalogue has choice fields"
    for key in choices:
        prop = schema["properties"][key]
        assert prop["x-kind"] == "choice" and prop["enum"], key
        assert all(o["label_en"] for o in prop["x-options"]), key
    # The same words as the licence faces, so an answer can be copied onto the licence.
    food = license_faces.FACES["food_licence"].schema("食品经营许可证")["properties"]["business_form"]["enum"]
    assert schema["properties"]["main_business_type"]["enum"] == food
    assert schema["properties"]["disability_category"]["enum"] == license_faces.DISABILITY_KINDS
    assert schema["properties"]["disability_grade"]["enum"] == license_faces.GRADES
    assert schema["properties"]["gender"]["enum"] == ["男", "女"]


# --- validation: cleaning ---------------------------------------------------------------------------
def test_valid_form_is_returned_clean_in_schema_order() -> None:
    data = dict(reversed(list(VALID.items())))
    assert list(validate_form(SCHEMA, data).items()) == list(VALID.items())


def test_cleaning_strips_and_normalises_full_width_input() -> None:
    lower_x = make_resident_id("110101", dt.date(1985, 6, 1), 4)
    while not lower_x.endswith("X"):  # find a number whose check digit is X, to type it in lower case
        lower_x = make_resident_id("110101", dt.date(1985, 6, 1), int(lower_x[14:17]) + 1)
    data = {
        **VALID,
        "company_name": "  上海小笼包餐饮有限公司\n",
        "shop_area": "８０.００",
        "id_number": fullwidth(lower_x.lower()[:6]) + " " + lower_x.lower()[6:],
        "uscc": fullwidth(USCC.lower()),
        "mobile": "+86 138-0013-8000",
        "birth_date": fullwidth("1990-01-01"),
        "main_business_type": " 餐饮服务经营者 ",
    }
    clean = validate_form(SCHEMA, data)
    assert clean["company_name"] == "上海小笼包餐饮有限公司"
    assert clean["shop_area"] == 80 and isinstance(clean["shop_area"], int)
    assert clean["id_number"] == lower_x
    assert clean["uscc"] == USCC
    assert clean["mobile"] == "13800138000"
    assert clean["birth_date"] == "1990-01-01"
    assert clean["main_business_type"] == "餐饮服务经营者"


@pytest.mark.parametrize(
    ("given", "expected"), [(12, 12), (12.0, 12), ("12.5", 12.5), (12.25, 12.25), ("0", 0), (" 7 ", 7)]
)
def test_numbers_are_int_when_integral_else_float(given: Any, expected: float) -> None:
    value = validate_form(SCHEMA, {**VALID, "shop_area": given})["shop_area"]
    assert value == expected and type(value) is type(expected)


# --- validation: error codes ------------------------------------------------------------------------
def test_every_problem_is_reported_at_once_with_its_code() -> None:
    bad_id = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")
    bad_uscc = USCC[:17] + ("0" if USCC[17] != "0" else "1")
    data = {
        "company_name": "",  # empty counts as missing
        "business_scope": "经" * 2001,
        "shop_area": "八十",
        "id_number": bad_id,
        "uscc": bad_uscc,
        "mobile": "12800138000",
        "birth_date": "1990-02-30",
        "main_business_type": "网吧",
        "email": "not-an-address",
        "nickname": "小王",
    }
    with pytest.raises(ValidationFailed) as exc:
        validate_form(SCHEMA, data)
    assert exc.value.code == "validation_failed" and exc.value.status == 422
    assert [e.field for e in exc.value.errors] == [*(f.key for f in FIELDS), "nickname"]
    assert problems(exc) == {
        "company_name": "form_field_required",
        "business_scope": "form_field_too_long",
        "shop_area": "form_field_not_a_number",
        "id_number": "form_field_invalid_id_number",
        "uscc": "form_field_invalid_uscc",
        "mobile": "form_field_invalid_phone",
        "birth_date": "form_field_invalid_date",
        "main_business_type": "form_field_invalid_choice",
        "email": "form_field_invalid_email",
        "nickname": "form_field_unknown",
    }
    by_field = {e.field: e for e in exc.value.errors}
    assert by_field["id_number"].params["reason"] == "id_number_checksum"
    assert by_field["uscc"].params["reason"] == "uscc_checksum"
    assert by_field["business_scope"].params["max"] == 2000
    assert "标签company_name" in str(by_field["company_name"].message)


def test_missing_fields_are_required() -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_form(SCHEMA, {"company_name": "某公司", "mobile": None})
    assert set(problems(exc)) == {f.key for f in FIELDS} - {"company_name"}
    assert set(problems(exc).values()) == {"form_field_required"}


@pytest.mark.parametrize("value", [-1, "1000000001", 1e12])
def test_numbers_out_of_range(value: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_form(SCHEMA, {**VALID, "shop_area": value})
    assert problems(exc) == {"shop_area": "form_field_out_of_range"}


@pytest.mark.parametrize("value", [True, float("nan"), float("inf"), "1e3", [1], "12,000"])
def test_not_a_number(value: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_form(SCHEMA, {**VALID, "shop_area": value})
    assert problems(exc) == {"shop_area": "form_field_not_a_number"}


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("31010119900101123", "id_number_length"),  # 17 characters
        ("3101011990010112A4", "id_number_format"),
        ("310101" + "19900230" + "1234", "id_number_birth_date"),
        (ID_NUMBER[:17] + ("X" if ID_NUMBER[17] != "X" else "0"), "id_number_checksum"),
    ],
)
def test_id_numbers_are_checked_beyond_their_pattern(value: str, reason: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_form(SCHEMA, {**VALID, "id_number": value})
    (error,) = exc.value.errors
    assert (error.code, error.field, error.params["reason"]) == (
        "form_field_invalid_id_number",
        "id_number",
        reason,
    )


def test_a_uscc_with_a_wrong_check_character_is_refused_although_it_matches_the_pattern() -> None:
    wrong = USCC[:17] + next(c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != USCC[17])
    assert Draft202012Validator(SCHEMA["properties"]["uscc"]).is_valid(wrong)  # the pattern alone passes it
    with pytest.raises(ValidationFailed) as exc:
        validate_form(SCHEMA, {**VALID, "uscc": wrong})
    assert problems(exc) == {"uscc": "form_field_invalid_uscc"}
    assert exc.value.errors[0].params["reason"] == "uscc_checksum"


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("company_name", 123, "form_field_not_text"),
        ("company_name", "公" * 201, "form_field_too_long"),
        ("mobile", 13800138000, "form_field_invalid_phone"),
        ("mobile", "1380013800", "form_field_invalid_phone"),
        ("birth_date", "1990/01/01", "form_field_invalid_date"),
        ("birth_date", "1990-1-1", "form_field_invalid_date"),
        ("main_business_type", ["餐饮服务经营者"], "form_field_invalid_choice"),
        ("main_business_type", "Catering business", "form_field_invalid_choice"),
        ("id_number", 310101199001011234, "form_field_invalid_id_number"),
    ],
)
def test_single_field_errors(key: str, value: Any, code: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_form(SCHEMA, {**VALID, key: value})
    assert problems(exc) == {key: code}


@pytest.mark.parametrize("data", [["a"], "text", None, 3])
def test_a_form_must_be_an_object(data: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_form(SCHEMA, data)
    assert [e.code for e in exc.value.errors] == ["form_not_an_object"]


def test_errors_serialise_with_field_and_code() -> None:
    with pytest.raises(ValidationFailed) as exc:
        validate_form(SCHEMA, {**VALID, "mobile": "110"})
    body = exc.value.as_dict()
    assert body["errors"][0]["code"] == "form_field_invalid_phone"
    assert body["errors"][0]["field"] == "mobile"
    assert isinstance(body["errors"][0]["message"], str)


def test_schema_keywords_outside_the_kinds_still_apply() -> None:
    schema = form_schema([field("plate_number")])
    schema["properties"]["plate_number"]["pattern"] = "^沪"
    assert validate_form(schema, {"plate_number": "沪A12345"}) == {"plate_number": "沪A12345"}
    with pytest.raises(ValidationFailed) as exc:
        validate_form(schema, {"plate_number": "京A12345"})
    assert problems(exc) == {"plate_number": "form_field_invalid"}


# --- drafts -----------------------------------------------------------------------------------------
def test_partial_validate_accepts_an_incomplete_draft_and_cleans_it() -> None:
    assert partial_validate(SCHEMA, {}) == {}
    assert partial_validate(SCHEMA, {"shop_area": "80", "mobile": "", "uscc": USCC.lower()}) == {
        "uscc": USCC,
        "shop_area": 80,
    }


def test_partial_validate_reports_bad_answers_but_never_required() -> None:
    with pytest.raises(ValidationFailed) as exc:
        partial_validate(
            SCHEMA, {"company_name": "", "mobile": "123", "shop_area": -5, "birth_date": "tomorrow", "x": 1}
        )
    assert problems(exc) == {
        "mobile": "form_field_invalid_phone",
        "shop_area": "form_field_out_of_range",
        "birth_date": "form_field_invalid_date",
        "x": "form_field_unknown",
    }
    with pytest.raises(ValidationFailed) as exc:
        partial_validate(SCHEMA, "draft")
    assert problems(exc) == {None: "form_not_an_object"}


def test_validation_does_not_change_the_schema() -> None:
    before = json.dumps(SCHEMA, ensure_ascii=False)
    with pytest.raises(DomainError):
        partial_validate(SCHEMA, {"mobile": "1"})
    validate_form(SCHEMA, VALID)
    assert json.dumps(SCHEMA, ensure_ascii=False) == before
