"""Licence types: face-field schemas (照面信息), their validation, validity rules, the seed and the admin."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.utils import translation

import pytest
from jsonschema import Draft202012Validator

from tongban.demo.catalog.license_faces import FACES
from tongban.demo.catalog.license_types import DEFINERS, LICENSE_TYPES
from tongban.demo.loader import LoadReport, load_demo
from tongban.licenses.constants import (
    FORMAT_DATE,
    FORMAT_DATE_OR_LONG_TERM,
    FORMAT_RESIDENT_ID,
    FORMAT_USCC,
    LONG_TERM,
    LONG_TERM_TEXT,
    HolderKind,
)
from tongban.licenses.faces import (
    add_years,
    check_face,
    disclosable_face,
    face_fields,
    face_schema_problems,
    mask_face,
    validate_face,
    validity_end,
)
from tongban.licenses.models import LicenseType
from tongban.organizations.models import Department
from tongban.utils.errors import DomainError, ValidationFailed

TODAY = dt.date(2025, 6, 1)
SPECS = {lt.key: lt for lt in LICENSE_TYPES}
HAN = re.compile(r"[\u4e00-\u9fff]")


def seed_type(key: str) -> LicenseType:
    """An unsaved LicenseType carrying the seed's face schema and validity rule."""
    face = FACES[key]
    return LicenseType(
        name=SPECS[key].name,
        face_schema=face.schema(SPECS[key].name),
        face_field_order=face.names,
        personal_fields=face.personal,
        validity_years=face.years,
        validity_terms=list(face.terms),
        long_term_allowed=face.long_term,
        validity_note=face.note,
    )


def codes(errors: list[DomainError]) -> list[tuple[str, str | None, str]]:
    return [(e.code, e.field, e.params.get("reason", "")) for e in errors]


ID_CARD = {
    "name": "张三",
    "sex": "男",
    "ethnicity": "汉",
    "birth_date": "1990-01-01",
    "address": "上海市黄浦区人民大道200号",
    "id_number": "310101199001011234",  # synthetic (standards.md §2)
    "issuing_authority": "上海市公安局黄浦分局",
    "valid_from": "2016-03-01",
    "valid_to": "2036-03-01",
}

BUSINESS_LICENCE = {
    "uscc": "91310000MA1FL0007C",  # synthetic worked example (standards.md §1.4)
    "holder_name": "上海示例餐饮管理有限公司",
    "entity_type": "有限责任公司（自然人投资或控股）",
    "legal_representative": "李四",
    "registered_capital": "人民币50.0000万元整",
    "established_on": "2021-04-12",
    "term_from": "2021-04-12",
    "term_to": LONG_TERM_TEXT,
    "address": "上海市浦东新区世纪大道100号",
    "business_scope": "许可项目：餐饮服务。一般项目：食品销售（仅销售预包装食品）。",
    "issuing_authority": "上海市浦东新区市场监督管理局",
    "issue_date": "2023-08-01",
}


# --- 居民身份证 ---------------------------------------------------------------------------------------
def test_a_realistic_id_card_face_is_accepted() -> None:
    assert validate_face(seed_type("id_card"), ID_CARD, today=TODAY) == []
    assert validate_face(seed_type("id_card"), {**ID_CARD, "valid_to": LONG_TERM_TEXT}, today=TODAY) == []


def test_bad_id_number_is_rejected_with_the_validators_code() -> None:
    errors = validate_face(seed_type("id_card"), {**ID_CARD, "id_number": "310101199001011235"}, today=TODAY)
    assert codes(errors) == [("face_field_invalid", "id_number", "id_number_checksum")]
    assert "公民身份号码" in str(errors[0].message)


def test_missing_or_blank_name_is_face_field_missing() -> None:
    without = {k: v for k, v in ID_CARD.items() if k != "name"}
    for fields in (without, {**ID_CARD, "name": ""}, {**ID_CARD, "name": "   "}, {**ID_CARD, "name": None}):
        errors = validate_face(seed_type("id_card"), fields, today=TODAY)
        assert codes(errors) == [("face_field_missing", "name", "required")]
        assert "姓名" in str(errors[0].message)


def test_birth_date_and_sex_must_match_the_id_number() -> None:
    fields = {**ID_CARD, "birth_date": "1990-01-02", "sex": "女"}
    errors = validate_face(seed_type("id_card"), fields, today=TODAY)
    assert codes(errors) == [
        ("face_field_invalid", "sex", "id_mismatch"),
        ("face_field_invalid", "birth_date", "id_mismatch"),
    ]


def test_errors_come_in_display_order_one_per_field() -> None:
    fields = {**ID_CARD, "name": "", "id_number": "abc", "valid_to": "2036/03/01", "ethnicity": "Han"}
    errors = validate_face(seed_type("id_card"), fields, today=TODAY)
    assert [e.field for e in errors] == ["name", "ethnicity", "id_number", "valid_to"]
    assert codes(errors)[2] == ("face_field_invalid", "id_number", "id_number_length")  # not also "pattern"
    assert codes(errors)[3][2] == "date"


def test_dates_are_strict_and_ordered() -> None:
    lt = seed_type("id_card")
    for bad in ("2016-3-1", "20160301", "2016-02-30", "2016-02-29T00:00"):
        assert codes(validate_face(lt, {**ID_CARD, "valid_from": bad}, today=TODAY)) == [
            ("face_field_invalid", "valid_from", "date")
        ]
    errors = validate_face(lt, {**ID_CARD, "valid_to": "2015-03-01"}, today=TODAY)
    assert codes(errors) == [("face_field_invalid", "valid_to", "date_order")]
    errors = validate_face(lt, {**ID_CARD, "valid_from": "2026-01-01", "valid_to": "2046-01-01"}, today=TODAY)
    assert codes(errors) == [("face_field_invalid", "valid_from", "date_in_future")]


def test_unknown_fields_and_wrong_types_are_invalid() -> None:
    errors = validate_face(seed_type("id_card"), {**ID_CARD, "photo": "x", "sex": 1}, today=TODAY)
    assert codes(errors) == [
        ("face_field_invalid", "sex", "type"),
        ("face_field_invalid", "photo", "unknown_field"),
    ]
    assert codes(validate_face(seed_type("id_card"), ["not", "a", "dict"])) == [  # type: ignore[arg-type]
        ("face_field_invalid", None, "type")
    ]


def test_enum_message_lists_the_choices() -> None:
    errors = validate_face(seed_type("id_card"), {**ID_CARD, "sex": "M"}, today=TODAY)
    assert codes(errors) == [("face_field_invalid", "sex", "choice")]
    assert "男、女" in str(errors[0].message)


def test_check_face_raises_all_problems_together() -> None:
    with pytest.raises(ValidationFailed) as info:
        check_face(
            seed_type("id_card"), {**ID_CARD, "name": "", "id_number": "310101199001011235"}, today=TODAY
        )
    body = info.value.as_dict()
    assert body["code"] == "validation_failed"
    assert [e["code"] for e in body["errors"]] == ["face_field_missing", "face_field_invalid"]
    check_face(seed_type("id_card"), ID_CARD, today=TODAY)  # no problem, no exception


# --- 营业执照 and other legal-person licences ---------------------------------------------------------
def test_a_realistic_business_licence_is_accepted() -> None:
    assert validate_face(seed_type("business_license"), BUSINESS_LICENCE, today=TODAY) == []
    optional_left_out = {
        k: v for k, v in BUSINESS_LICENCE.items() if k not in ("registered_capital", "term_to")
    }
    assert validate_face(seed_type("business_license"), optional_left_out, today=TODAY) == []


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("91350203M0001QAY9B", "uscc_checksum"),  # seen hard-coded as an exception in the wild
        ("91310000MA1FL0007D", "uscc_checksum"),
        ("91310000MA1FLO007C", "uscc_format"),
        ("91310000MA1FL0007", "uscc_length"),
    ],
)
def test_business_licence_with_bad_uscc_is_rejected(value: str, reason: str) -> None:
    errors = validate_face(seed_type("business_license"), {**BUSINESS_LICENCE, "uscc": value}, today=TODAY)
    assert codes(errors) == [("face_field_invalid", "uscc", reason)]
    assert "统一社会信用代码" in str(errors[0].message)


def test_business_term_may_be_long_term_or_a_later_date() -> None:
    lt = seed_type("business_license")
    assert validate_face(lt, {**BUSINESS_LICENCE, "term_to": "2041-04-11"}, today=TODAY) == []
    errors = validate_face(lt, {**BUSINESS_LICENCE, "term_to": "2020-01-01"}, today=TODAY)
    assert codes(errors) == [("face_field_invalid", "term_to", "date_order")]
    errors = validate_face(lt, {**BUSINESS_LICENCE, "term_to": "永久"}, today=TODAY)
    assert codes(errors) == [("face_field_invalid", "term_to", "date")]


def test_pattern_errors_show_the_example() -> None:
    fields = sample_face(seed_type("food_licence").face_schema)
    errors = validate_face(
        seed_type("food_licence"), {**fields, "licence_number": "JY4310115001234"}, today=TODAY
    )
    assert codes(errors) == [("face_field_invalid", "licence_number", "pattern")]
    assert "JY23101150012345" in str(errors[0].message)


def test_marriage_certificate_checks_chinese_id_numbers_only() -> None:
    lt = seed_type("marriage_cert")
    fields = sample_face(lt.face_schema)
    fields.update(party_a_nationality="中国", party_a_id_number="310101199001011234", party_a_sex="男")
    fields.update(party_a_birth_date="1990-01-01")
    fields.update(party_b_nationality="法国", party_b_id_number="18AB12345", party_b_sex="女")
    assert validate_face(lt, fields, today=TODAY) == []
    errors = validate_face(lt, {**fields, "party_a_id_number": "18AB12345"}, today=TODAY)
    assert codes(errors) == [("face_field_invalid", "party_a_id_number", "id_number_length")]


def test_disability_card_number_embeds_a_valid_id_number() -> None:
    lt = seed_type("disability_card")
    fields = sample_face(lt.face_schema)
    assert fields["licence_number"] == "31010119900101123441"
    assert validate_face(lt, fields, today=TODAY) == []
    errors = validate_face(lt, {**fields, "licence_number": "31010119900101123541"}, today=TODAY)
    assert codes(errors) == [("face_field_invalid", "licence_number", "id_number_checksum")]
    errors = validate_face(lt, {**fields, "licence_number": "31010119900101123481"}, today=TODAY)
    assert codes(errors)[0][:2] == ("face_field_invalid", "licence_number")  # category 8 does not exist


def test_an_empty_schema_accepts_any_object() -> None:
    assert validate_face(LicenseType(), {"anything": 1}) == []


# --- personal data ------------------------------------------------------------------------------------
def test_personal_fields_are_masked_unless_revealed() -> None:
    lt = seed_type("id_card")
    masked = mask_face(lt, ID_CARD)
    assert masked["id_number"] == "3101**********1234"
    assert masked["name"] == "张*"
    assert masked["birth_date"] == "****-**-**"
    assert masked["issuing_authority"] == ID_CARD["issuing_authority"]  # not personal
    assert mask_face(lt, ID_CARD, reveal=["name"])["name"] == "张三"


def test_only_disclosed_personal_fields_go_into_a_qr_code() -> None:
    lt = seed_type("id_card")
    shared = disclosable_face(lt, ID_CARD)
    assert set(shared) == {"issuing_authority", "valid_from", "valid_to"}
    assert set(disclosable_face(lt, ID_CARD, disclose=["name"])) == {"name", *shared}
    mobile = mask_face(seed_type("vaccination_cert"), {"guardian_mobile": "13800000000"})
    assert mobile == {"guardian_mobile": "138****0000"}


def test_face_fields_follow_the_display_order() -> None:
    lt = seed_type("id_card")
    lt.face_field_order = ["id_number", "name"]
    fields = face_fields(lt)
    assert [f.name for f in fields][:3] == ["id_number", "name", "sex"]
    assert fields[0].title == "公民身份号码" and fields[0].required and fields[0].personal
    assert {f.name for f in fields if not f.personal} == {"issuing_authority", "valid_from", "valid_to"}


# --- validity rules -----------------------------------------------------------------------------------
ISSUED = dt.date(2020, 3, 1)


def test_id_card_term_is_chosen_by_age() -> None:
    lt = seed_type("id_card")
    assert lt.validity_terms == [5, 10, 20] and lt.long_term_allowed and "十六周岁" in lt.validity_note
    with pytest.raises(DomainError) as info:
        validity_end(lt, ISSUED)
    assert info.value.code == "validity_end_required"
    for years in (5, 10, 20):
        assert validity_end(lt, ISSUED, dt.date(2020 + years, 3, 1)) == dt.date(2020 + years, 3, 1)
    assert validity_end(lt, ISSUED, LONG_TERM) is None
    assert validity_end(lt, ISSUED, LONG_TERM_TEXT) is None
    with pytest.raises(DomainError) as info:
        validity_end(lt, ISSUED, dt.date(2029, 3, 1))
    assert info.value.code == "validity_term_not_allowed"
    assert info.value.params["terms"] == [5, 10, 20]


def test_business_licence_is_long_term() -> None:
    lt = seed_type("business_license")
    assert validity_end(lt, ISSUED) is None
    assert validity_end(lt, ISSUED, LONG_TERM) is None
    assert validity_end(lt, ISSUED, dt.date(2040, 1, 1)) == dt.date(2040, 1, 1)  # a fixed 营业期限


def test_food_licence_is_valid_five_years_at_most() -> None:
    lt = seed_type("food_licence")
    assert validity_end(lt, ISSUED) == dt.date(2025, 3, 1)
    assert validity_end(lt, ISSUED, dt.date(2023, 6, 30)) == dt.date(2023, 6, 30)  # e.g. the lease ends
    with pytest.raises(DomainError) as info:
        validity_end(lt, ISSUED, dt.date(2025, 3, 2))
    assert info.value.code == "validity_end_too_late"
    assert info.value.params["latest"] == "2025-03-01"
    with pytest.raises(DomainError) as info:
        validity_end(lt, ISSUED, LONG_TERM)
    assert info.value.code == "validity_long_term_not_allowed"


def test_driving_licence_six_ten_or_long_term() -> None:
    lt = seed_type("driving_licence")
    assert validity_end(lt, ISSUED) == dt.date(2026, 3, 1)
    assert validity_end(lt, ISSUED, dt.date(2030, 3, 1)) == dt.date(2030, 3, 1)
    assert validity_end(lt, ISSUED, LONG_TERM) is None
    with pytest.raises(DomainError) as info:
        validity_end(lt, ISSUED, dt.date(2027, 3, 1))
    assert info.value.code == "validity_term_not_allowed"


def test_hazardous_waste_licence_three_or_five_years() -> None:
    lt = seed_type("hazardous_waste_licence")
    assert validity_end(lt, ISSUED) == dt.date(2025, 3, 1)
    assert validity_end(lt, ISSUED, dt.date(2023, 3, 1)) == dt.date(2023, 3, 1)


def test_a_type_without_standard_term_or_long_term_needs_an_end() -> None:
    lt = seed_type("residence_permit")
    with pytest.raises(DomainError) as info:
        validity_end(lt, ISSUED)
    assert info.value.code == "validity_end_required"
    assert validity_end(lt, ISSUED, dt.date(2021, 3, 1)) == dt.date(2021, 3, 1)


@pytest.mark.parametrize(
    ("requested", "code"),
    [
        (ISSUED, "validity_end_before_start"),
        (dt.date(2019, 1, 1), "validity_end_before_start"),
        ("forever", "validity_end_invalid"),
    ],
)
def test_bad_requested_ends(requested: Any, code: str) -> None:
    with pytest.raises(DomainError) as info:
        validity_end(seed_type("food_licence"), ISSUED, requested)
    assert info.value.code == code


def test_leap_day_anniversaries() -> None:
    assert add_years(dt.date(2024, 2, 29), 5) == dt.date(2029, 2, 28)
    assert add_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)
    assert validity_end(seed_type("food_licence"), dt.date(2024, 2, 29)) == dt.date(2029, 2, 28)


# --- schemas and model checks -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("schema", "fragment"),
    [
        ([], "JSON object"),
        ({"type": 5}, "JSON Schema"),
        ({"type": "object"}, "properties"),
        ({"type": "array", "properties": {"a": {}}}, "properties"),
        ({"type": "object", "properties": {"a": {}}, "x-date-order": [["a", "b"]]}, "b"),
        ({"type": "object", "properties": {"a": {}}, "x-not-future": 5}, "malformed"),
        ({"type": "object", "properties": {"a": {}}, "x-date-order": [["a"]]}, "malformed"),
        ({"type": "object", "properties": {"a": {}}, "x-id-match": [{"birth_date": "a"}]}, "malformed"),
        ({"type": "object", "properties": {"a": {}}, "x-id-match": [{"id": "a", "sex": "s"}]}, "schema: s."),
    ],
)
def test_face_schema_problems(schema: Any, fragment: str) -> None:
    with translation.override("en"):  # the fragments are the English source messages
        problems = face_schema_problems(schema)
    assert problems and fragment in problems[0]


def test_model_clean_checks_schema_and_field_lists() -> None:
    lt = seed_type("id_card")
    lt.clean()  # the seed's rule is clean
    lt.personal_fields = ["name", "photo"]
    lt.face_field_order = "name"
    lt.validity_terms = [5, "10"]
    lt.face_schema = {**lt.face_schema, "type": "objekt"}
    with pytest.raises(ValidationError) as info:
        lt.clean()
    assert set(info.value.message_dict) == {
        "face_schema",
        "personal_fields",
        "face_field_order",
        "validity_terms",
    }


# --- the seed -----------------------------------------------------------------------------------------
SAMPLES = {
    FORMAT_DATE: "2020-01-01",
    FORMAT_DATE_OR_LONG_TERM: LONG_TERM_TEXT,
    FORMAT_RESIDENT_ID: "310101199001011234",  # born 1990-01-01, male
    FORMAT_USCC: "91310000MA1FL0007C",
}


def sample_value(name: str, prop: dict[str, Any]) -> Any:
    if "examples" in prop:
        return prop["examples"][0]
    if prop.get("format") == FORMAT_DATE and "birth" in name:
        return "1990-01-01"
    if prop.get("format") in SAMPLES:
        return SAMPLES[prop["format"]]
    if "enum" in prop:
        return prop["enum"][0]
    if prop.get("type") == "integer":
        return max(prop.get("minimum", 0), 1)
    if prop.get("type") == "number":
        return 12.5
    return "示例"


def sample_face(schema: dict[str, Any]) -> dict[str, Any]:
    """A face filling every field from its examples, enum or format (ID number of a man born 1990-01-01)."""
    return {name: sample_value(name, prop) for name, prop in schema["properties"].items()}


def test_every_seed_type_has_a_face() -> None:
    assert len(LICENSE_TYPES) == 58
    assert set(FACES) == set(SPECS)


@pytest.mark.parametrize("key", sorted(SPECS))
def test_seed_face_schema_is_valid_and_satisfiable(key: str) -> None:
    lt = seed_type(key)
    schema = lt.face_schema
    Draft202012Validator.check_schema(schema)
    assert face_schema_problems(schema) == []
    lt.clean()
    props = schema["properties"]
    assert len(props) >= 5
    for name, prop in props.items():
        assert HAN.search(prop["title"]), name  # Chinese titles
    assert set(schema["required"]) <= set(props)
    if SPECS[key].holder == HolderKind.NATURAL_PERSON:
        assert lt.personal_fields, "a natural person's licence carries personal data"
    assert lt.validity_note
    assert lt.validity_years or lt.validity_terms or lt.long_term_allowed or key == "residence_permit"
    # A face made of the schema's own examples passes ours and a plain draft 2020-12 validator.
    face = sample_face(schema)
    assert validate_face(lt, face, today=TODAY) == [], key
    assert list(Draft202012Validator(schema).iter_errors(face)) == []
    # The minimal face (required fields only) passes too, and dropping a required one is caught.
    minimal = {k: v for k, v in face.items() if k in schema["required"]}
    assert validate_face(lt, minimal, today=TODAY) == []
    dropped = schema["required"][0]
    assert codes(validate_face(lt, {k: v for k, v in minimal.items() if k != dropped}, today=TODAY)) == [
        ("face_field_missing", dropped, "required")
    ]


REQUIRED_TITLES = {
    "id_card": ["姓名", "性别", "民族", "出生日期", "住址", "公民身份号码", "签发机关"],
    "business_license": ["名称", "统一社会信用代码", "类型", "注册资本", "成立日期", "经营范围", "登记机关"],
    "driving_licence": ["证号", "准驾车型", "初次领证日期", "档案编号"],
    "food_licence": ["许可证编号", "经营者名称", "主体业态", "经营项目", "有效期至"],
    "hygiene_permit": ["许可证号", "许可项目", "有效期至"],
    "birth_medical_cert": ["新生儿姓名", "出生孕周", "出生体重（克）", "母亲姓名", "父亲姓名"],
    "marriage_cert": ["持证人", "结婚证字号", "登记日期", "男方姓名", "女方身份证件号"],
    "real_estate_cert": ["不动产权证号", "权利人", "共有情况", "坐落", "不动产单元号", "权利类型", "用途"],
    "social_security_card": ["社会保障号码", "卡号", "发卡日期"],
    "disability_card": ["残疾人证号", "残疾类别", "残疾等级"],
    "drainage_permit": ["排水户名称", "排水户类型", "排水量（立方米/日）", "主要污染物项目及排放标准"],
    "transport_licence": ["许可证号", "业户名称", "经营范围"],
    "liquor_licence": ["许可证编号", "经营地址"],
}


@pytest.mark.parametrize("key", sorted(REQUIRED_TITLES))
def test_named_types_carry_their_real_face_fields(key: str) -> None:
    titles = [f.title for f in face_fields(seed_type(key))]
    for title in REQUIRED_TITLES[key]:
        assert any(title in t for t in titles), (key, title)


def test_seed_validity_rules() -> None:
    rules = {k: (f.years, list(f.terms), f.long_term) for k, f in FACES.items()}
    assert rules["id_card"] == (None, [5, 10, 20], True)
    assert rules["business_license"] == (None, [], True)
    assert rules["food_licence"] == (5, [], False)
    assert rules["driving_licence"] == (6, [6, 10], True)
    assert rules["hygiene_permit"] == (4, [], False)
    assert rules["passport"] == (None, [5, 10], False)


# --- loaded by the demo catalogue ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[LoadReport, LoadReport]]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield load_demo(), load_demo()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.django_db
def test_loader_fills_every_type_and_is_idempotent(seeded: tuple[LoadReport, LoadReport]) -> None:
    types = list(LicenseType.objects.select_related("defining_department"))
    assert len(types) == 58
    for lt in types:
        Draft202012Validator.check_schema(lt.face_schema)
        assert lt.face_schema["title"] == lt.name
        # jsonb (PostgreSQL) does not keep key order; that is why the order is stored on its own.
        assert sorted(lt.face_field_order) == sorted(lt.face_schema["properties"])
        assert len(lt.face_field_order) == len(set(lt.face_field_order))
        assert lt.defining_body_name
        if lt.defining_department is not None:
            assert lt.defining_department.uscc == lt.definer_code
            assert lt.defining_body_name == lt.defining_department.name
    first, second = seeded
    assert second.counts.get("licence types", {}).get("updated", 0) == 0, second.counts
    assert second.counts["licence types"]["found"] == 58


@pytest.mark.django_db
def test_defining_bodies(seeded: tuple[LoadReport, LoadReport]) -> None:
    id_card = LicenseType.objects.get(name="居民身份证")
    assert id_card.defining_department is None
    assert id_card.defining_body_name == "中华人民共和国公安部"
    assert id_card.definer_code == DEFINERS["mps"][1]
    permit = LicenseType.objects.get(name="上海市居住证")
    assert permit.defining_department == Department.objects.get(slug="gaj")
    liquor = LicenseType.objects.get(name="酒类商品零售许可证")
    assert liquor.defining_department == Department.objects.get(slug="sww")
    assert set(
        LicenseType.objects.filter(defining_department__isnull=False).values_list("name", flat=True)
    ) == {SPECS[k].name for k in SPECS if SPECS[k].definer not in DEFINERS}


@pytest.mark.django_db
def test_loader_brings_changed_types_back(seeded: tuple[LoadReport, LoadReport]) -> None:
    LicenseType.objects.filter(name="营业执照").update(
        face_schema={}, validity_note="", personal_fields=["x"]
    )
    report = load_demo()
    assert report.counts["licence types"]["updated"] == 1
    business = LicenseType.objects.get(name="营业执照")
    assert business.face_schema == FACES["business_license"].schema("营业执照")
    assert business.personal_fields == []


# --- admin --------------------------------------------------------------------------------------------
@pytest.fixture
def admin_client(client: Client, settings: Any) -> Client:
    from tongban.accounts.tests.factories import StaffProfileFactory

    settings.TONGBAN_STAFF_REQUIRE_OTP = False
    admin = StaffProfileFactory(user__is_staff=True, user__is_superuser=True, roles=["administrator"])
    client.force_login(admin.user)
    return client


@pytest.mark.django_db
def test_admin_shows_pretty_schema_and_field_preview(
    admin_client: Client, seeded: tuple[LoadReport, LoadReport]
) -> None:
    lt = LicenseType.objects.get(name="居民身份证")
    response = admin_client.get(f"/admin/licenses/licensetype/{lt.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "\n  &quot;type&quot;: &quot;object&quot;" in html  # indented JSON
    assert "公民身份号码" in html  # Chinese left readable in the JSON and the preview
    assert "<code>id_number</code>" in html
    listing = admin_client.get("/admin/licenses/licensetype/")
    assert listing.status_code == 200 and "5/10/20" in listing.content.decode()


@pytest.mark.django_db
def test_admin_refuses_a_broken_schema(admin_client: Client, seeded: tuple[LoadReport, LoadReport]) -> None:
    department = Department.objects.get(slug="gaj")
    data = {
        "code": "11100000MB90000300002",
        "name": "测试证照",
        "issuing_department": department.pk,
        "holder_kind": HolderKind.LEGAL_PERSON,
        "face_schema": '{"type": "object", "properties": {"a": {"title": "甲"}}, "x-not-future": ["b"]}',
        "face_field_order": "[]",
        "personal_fields": '["a"]',
        "validity_terms": "",
        "validity_note": "",
    }
    response = admin_client.post("/admin/licenses/licensetype/add/", data)
    assert response.status_code == 200
    assert "x-not-future" in response.content.decode()
    assert not LicenseType.objects.filter(code=data["code"]).exists()
    data["face_schema"] = '{"type": "object", "properties": {"a": {"title": "甲"}}}'
    response = admin_client.post("/admin/licenses/licensetype/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = LicenseType.objects.get(code=data["code"])
    assert saved.personal_fields == ["a"] and saved.validity_terms == []
