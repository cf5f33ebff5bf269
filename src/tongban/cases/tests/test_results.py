"""Drafting licence faces from a case, checked and issued through the licence library."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

import pytest

from tongban.accounts.constants import LegalPersonKind
from tongban.accounts.models import LegalPerson, User
from tongban.cases import results
from tongban.demo.catalog.bundles import BUNDLES
from tongban.demo.catalog.loader import placed_items
from tongban.licenses.faces import add_years
from tongban.licenses.models import LicenseType
from tongban.licenses.services.issuing import issue_license
from tongban.licenses.tests.conftest import make_type
from tongban.organizations.constants import DepartmentLevel, RegionLevel
from tongban.organizations.models import Department, Region
from tongban.utils.errors import ValidationFailed
from tongban.utils.identifiers import make_uscc, validate_uscc

pytestmark = pytest.mark.django_db

USCC = make_uscc("91310101MA7XG0C2")
RESTAURANT_FORM: dict[str, Any] = {
    "company_name": "上海示例小馆餐饮管理有限公司",
    "uscc": USCC,
    "legal_rep_name": "王小明",
    "mobile": "13800138000",
    "registered_address": "上海市黄浦区示例路88号",
    "business_address": "上海市黄浦区示例路88号一层",
    "business_scope": "许可项目：餐饮服务；酒类经营。一般项目：餐饮管理；食品销售（仅销售预包装食品）。",
    "main_business_type": "餐饮服务经营者",
    "business_items": "热食类食品制售，冷食类食品制售（不含生食），预包装食品销售（含冷藏冷冻食品）",
    "shop_area": 120,
    "drainage_volume": 8,
    "sign_text": "示例小馆",
    "sign_size": "6×1.2",
    "employee_count": 12,
    "registered_capital": 50,
}
# The licence types of 开办餐饮店一件事 and who issues each (slug, name); the market-regulation ones
# through the 黄浦区 branch that registers the restaurant.
ISSUERS = {
    "business_license": ("samr", "上海市市场监督管理局"),
    "food_licence": ("samr", "上海市市场监督管理局"),
    "drainage_permit": ("swj-test", "上海市水务局"),
    "sign_permit": ("lhsr-test", "上海市绿化和市容管理局"),
    "fire_inspection_cert": ("fire-test", "上海市消防救援总队"),
    "liquor_licence": ("sww-test", "上海市商务委员会"),
}
BRANCH = "上海市黄浦区市场监督管理局"


def restaurant_bundle_licence_keys() -> set[str]:
    """Licence types issued by the items of 开办餐饮店一件事, situations included (demo catalogue)."""
    bundle = next(b for b in BUNDLES if b.name == "开办餐饮店一件事")
    names = set(bundle.items) | {n for s in bundle.situations for n in s.items}
    specs = {p.spec.name: p.spec for p in placed_items()}
    return {specs[name].license for name in names if specs[name].license}


class World:
    def __init__(self, region: Region, department: Department) -> None:
        self.region, self.department = region, department
        self.district, _created = Region.objects.get_or_create(
            code="310101", defaults={"name": "黄浦区", "level": RegionLevel.DISTRICT, "parent": region}
        )
        self.platform = self._dept("dsj", "上海市大数据中心", 21)
        self.branch = Department.objects.create(
            slug="huangpu-samr-test",
            name=BRANCH,
            uscc=make_uscc("11310101MB9000A1"),
            region=self.district,
            level=DepartmentLevel.DISTRICT,
            parent=department,
        )
        self.departments = {"samr": department}
        self.types: dict[str, LicenseType] = {}

    def _dept(self, slug: str, name: str, body: int) -> Department:
        return Department.objects.create(
            slug=slug,
            name=name,
            uscc=make_uscc(f"11310000MB9{body:05d}"),
            region=self.region,
            level=DepartmentLevel.CITY,
        )

    def license_type(self, key: str) -> LicenseType:
        if key not in self.types:
            slug, name = ISSUERS.get(key, ("samr", ""))
            if slug not in self.departments:
                self.departments[slug] = self._dept(slug, name, 100 + len(self.departments))
            self.types[key] = make_type(key, self.departments[slug])
        return self.types[key]

    def issuer(self, key: str) -> Department:
        """The department that signs: the district branch for market regulation."""
        license_type = self.license_type(key)
        dept = license_type.issuing_department
        return self.branch if dept == self.department else dept


@pytest.fixture
def world(region: Region, department: Department) -> World:
    return World(region, department)


def draft(world: World, key: str, form: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
    form = RESTAURANT_FORM if form is None else form
    return results.draft_face(
        world.license_type(key),
        holder_name=str(form.get("company_name", "")),
        holder_code=str(form.get("uscc", "")),
        form=form,
        issuer=world.issuer(key),
        today=kw.pop("today", timezone.localdate()),
        **kw,
    )


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def test_the_restaurant_bundle_issues_these_six_licence_types() -> None:
    assert restaurant_bundle_licence_keys() == set(ISSUERS)
    validate_uscc(USCC)  # the form's credit code is valid


@pytest.mark.parametrize("key", sorted(ISSUERS))
def test_restaurant_form_drafts_a_complete_face_that_issues(world: World, key: str) -> None:
    today = timezone.localdate()
    license_type = world.license_type(key)
    face = draft(world, key)
    assert results.missing_fields(license_type, face) == []
    results.check(license_type, face, today)
    # Fields come in display order.
    assert list(face) == [n for n in license_type.face_field_order if n in face]
    assert face["holder_name"] == RESTAURANT_FORM["company_name"]
    assert face["issue_date"] == today.isoformat()
    licence = issue_license(
        license_type=license_type,
        issuer=world.issuer(key),
        holder_code=USCC,
        holder_name=face["holder_name"],
        face=face,
        number=results.licence_number(license_type, face),
        issued_on=today,
    )
    assert licence.face == face  # nothing added or changed by the library
    assert licence.credential
    assert licence.number == results.licence_number(license_type, face)


def test_business_licence_face(world: World) -> None:
    today = timezone.localdate()
    face = draft(world, "business_license")
    assert face == {
        "uscc": USCC,
        "holder_name": "上海示例小馆餐饮管理有限公司",
        "entity_type": "有限责任公司",
        "legal_representative": "王小明",
        "registered_capital": "人民币50.0000万元整",
        "established_on": today.isoformat(),  # a company being founded
        "address": "上海市黄浦区示例路88号",  # 住所: the registered address
        "business_scope": RESTAURANT_FORM["business_scope"],
        "issuing_authority": BRANCH,
        "issue_date": today.isoformat(),
    }
    # Numbered by its credit code.
    assert results.licence_number(world.license_type("business_license"), face) == USCC


def test_food_licence_number_and_fields(world: World) -> None:
    today = timezone.localdate()
    face = draft(world, "food_licence")
    number = face["licence_number"]
    # JY, 2 for 餐饮服务经营者, the branch's region 310101, sequence 000001, a check digit.
    assert re.fullmatch(r"JY2310101000001\d", number)
    assert luhn_ok(number[2:])
    assert face["business_form"] == "餐饮服务经营者"
    assert face["address"] == "上海市黄浦区示例路88号"
    assert face["premises"] == "上海市黄浦区示例路88号一层"
    assert face["supervising_authority"] == face["issuing_authority"] == BRANCH
    assert face["valid_to"] == add_years(today, 5).isoformat()
    license_type = world.license_type("food_licence")
    issue_license(
        license_type=license_type,
        issuer=world.branch,
        holder_code=USCC,
        holder_name=face["holder_name"],
        face=face,
        number=number,
    )
    # The next draft takes the next sequence number.
    other = dict(RESTAURANT_FORM, company_name="上海另一家餐饮有限公司", uscc=make_uscc("91310101MA7XG0D3"))
    assert draft(world, "food_licence", other)["licence_number"][:15] == "JY2310101000002"
    # A food shop is 1.
    shop = dict(RESTAURANT_FORM, main_business_type="食品销售经营者")
    assert draft(world, "food_licence", shop)["licence_number"].startswith("JY1310101000001")


def test_drainage_fire_sign_and_liquor_fields(world: World) -> None:
    today = timezone.localdate()
    drainage = draft(world, "drainage_permit")
    assert drainage["address"] == RESTAURANT_FORM["business_address"]  # 详细地址: where it discharges
    assert drainage["daily_volume_m3"] == 8 and drainage["outlet_count"] == 1
    assert drainage["discharger_type"] == "餐饮" and "动植物油" in drainage["pollutants"]
    assert drainage["receiving_network"] == "市政污水管网"
    assert drainage["valid_from"] == today.isoformat()
    assert drainage["valid_to"] == add_years(today, 5).isoformat()
    assert drainage["issuing_authority"] == "上海市水务局"
    fire = draft(world, "fire_inspection_cert")
    assert fire["venue_name"] == "示例小馆"
    assert fire["address"] == RESTAURANT_FORM["business_address"]  # 场所地址
    assert fire["usage"] == "餐饮场所" and fire["floor_area_m2"] == 120
    assert fire["inspection_date"] == today.isoformat()
    assert "valid_to" not in fire  # a certificate without end
    sign = draft(world, "sign_permit")
    assert (sign["location"], sign["sign_size"], sign["sign_content"]) == (
        RESTAURANT_FORM["business_address"],
        "6×1.2",
        "示例小馆",
    )
    assert sign["uscc"] == USCC and "valid_to" not in sign  # optional, and it cannot say 长期
    liquor = draft(world, "liquor_licence")
    assert liquor["premises"] == RESTAURANT_FORM["business_address"]
    assert liquor["business_scope"] == RESTAURANT_FORM["business_scope"]
    assert liquor["valid_to"] == add_years(today, 3).isoformat()


def test_form_values_are_coerced_or_left_out(world: World) -> None:
    form = dict(
        RESTAURANT_FORM,
        drainage_volume="8.5",
        shop_area="not a number",
        main_business_type="小餐饮",  # not one of the licence's 主体业态
        business_scope="许可项目：" + "餐饮服务；" * 30,  # longer than the liquor licence's 100 characters
    )
    assert draft(world, "drainage_permit", form)["daily_volume_m3"] == 8.5
    assert "floor_area_m2" not in draft(world, "fire_inspection_cert", form)
    food = draft(world, "food_licence", form)
    # Without a valid 主体业态 there is no number either: the clerk completes both.
    assert results.missing_fields(world.license_type("food_licence"), food) == [
        "licence_number",
        "business_form",
    ]
    liquor = draft(world, "liquor_licence", form)
    assert results.missing_fields(world.license_type("liquor_licence"), liquor) == ["business_scope"]
    # What the form does not say stays absent.
    sparse = {"company_name": "上海示例小馆餐饮管理有限公司", "uscc": USCC}
    fire = draft(world, "fire_inspection_cert", sparse)
    assert results.missing_fields(world.license_type("fire_inspection_cert"), fire) == [
        "legal_representative",
        "address",
        "usage",
        "floor_area_m2",
    ]
    assert fire["venue_name"] == "上海示例小馆餐饮管理有限公司"  # no shop sign: the holder's name


def test_legal_person_record_fills_the_gaps(world: World, region: Region) -> None:
    established = dt.date(2019, 6, 3)
    trader = LegalPerson.objects.create(
        name="上海市黄浦区示例小吃店",
        uscc=make_uscc("92310101MA7XG0E4"),
        kind=LegalPersonKind.INDIVIDUAL_BUSINESS,
        legal_representative_name="李小红",
        region=region,
        registered_address="上海市黄浦区样例路6号",
        established_on=established,
    )
    form = {
        "company_name": trader.name,
        "business_scope": "许可项目：小餐饮。",
        "business_address": "上海市黄浦区样例路6号一层",
    }
    face = draft(world, "business_license", form, legal_person=trader)
    license_type = world.license_type("business_license")
    assert face["uscc"] == trader.uscc and face["legal_representative"] == "李小红"
    assert face["entity_type"] == "个体工商户"
    assert face["established_on"] == "2019-06-03"
    assert face["address"] == "上海市黄浦区样例路6号"  # the registered 住所, not the shop floor
    assert results.missing_fields(license_type, face) == []
    results.check(license_type, face, timezone.localdate())


def test_natural_person_fields_come_from_the_id_number(world: World, citizen: User) -> None:
    today = timezone.localdate()
    license_type = world.license_type("nurse_cert")
    person = citizen.person
    face = results.draft_face(
        license_type,
        holder_name=person.real_name,
        holder_code=person.id_number,
        form={"practice_institution": "上海市黄浦区示例社区卫生服务中心"},
        person=person,
        issuer=world.issuer("nurse_cert"),
        today=today,
    )
    assert face["name"] == "张三" and face["id_number"] == person.id_number
    assert face["sex"] == "男"  # from the sequence code's parity
    # Its 证书编码 is 12 digits, a format we cannot build: the clerk types it in.
    assert results.missing_fields(license_type, face) == ["licence_number"]
    face["licence_number"] = "202631012345"
    results.check(license_type, face, today)


def test_check_reports_the_library_field_errors(world: World) -> None:
    today = timezone.localdate()
    license_type = world.license_type("food_licence")
    face = draft(world, "food_licence")
    bad = dict(face, uscc=USCC[:-1] + ("0" if USCC[-1] != "0" else "1"), licence_number="JY9")
    bad.pop("premises")
    with pytest.raises(ValidationFailed) as err:
        results.check(license_type, bad, today)
    problems = {e.field: e.code for e in err.value.errors}
    assert problems == {
        "licence_number": "face_field_invalid",
        "uscc": "face_field_invalid",
        "premises": "face_field_missing",
    }
    # A draft made for a later day has an issue date the library refuses today.
    later = draft(world, "food_licence", today=today + dt.timedelta(days=1))
    with pytest.raises(ValidationFailed) as err:
        results.check(license_type, later, today)
    assert [e.field for e in err.value.errors] == ["issue_date"]
