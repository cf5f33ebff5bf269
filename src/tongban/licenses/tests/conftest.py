"""Fixtures of the licence library: seed licence types, the platform operator, issued licences.

``platform``           the platform operator ``Department`` (slug ``dsj``, the default of
                       ``TONGBAN_PLATFORM_DEPARTMENT``): its key signs presentations and status lists.
``gaj``                上海市公安局 test department (issues 居民身份证).
``business_type``      seed type 营业执照, issued by ``department`` (市场监管局, see the root conftest).
``id_card_type``       seed type 居民身份证, issued by ``gaj``.
``food_type``          seed type 食品经营许可证, issued by ``department``.
``enterprise``         ``LegalPerson`` 上海测试餐饮有限公司 represented by ``citizen`` (legal representative).
``id_card``            a 居民身份证 of ``citizen``, signed, with ``platform`` present.
``business_licence``   a 营业执照 of ``enterprise``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tongban.accounts import services as accounts
from tongban.accounts.constants import LegalPersonKind, RepresentationRole
from tongban.accounts.models import LegalPerson, User
from tongban.conftest import CITIZEN_ID_NUMBER
from tongban.demo.catalog.license_faces import FACES
from tongban.demo.catalog.license_types import LICENSE_TYPES
from tongban.licenses.models import License, LicenseType
from tongban.licenses.services.issuing import issue_license
from tongban.organizations.constants import DepartmentLevel
from tongban.organizations.models import Department, Region
from tongban.utils.identifiers import make_uscc

SPECS = {spec.key: spec for spec in LICENSE_TYPES}
KEYS = [spec.key for spec in LICENSE_TYPES]  # a distinct (synthetic) defining body per type
ENTERPRISE_USCC = make_uscc("91310101MA7TE0T1")


from tongban.demo.catalog.loader import ONE_PER_HOLDER_TYPES  # noqa: E402


def make_type(key: str, issuer: Department, *, code: str | None = None) -> LicenseType:
    spec, face = SPECS[key], FACES[key]
    return LicenseType.objects.create(
        code=code or f"{make_uscc(f'11100000MB{KEYS.index(key):06d}')}{spec.seq:03d}",
        name=spec.name,
        issuing_department=issuer,
        holder_kind=spec.holder,
        face_schema=face.schema(spec.name),
        face_field_order=face.names,
        personal_fields=face.personal,
        validity_years=face.years,
        validity_terms=list(face.terms),
        long_term_allowed=face.long_term,
        one_per_holder=spec.name in ONE_PER_HOLDER_TYPES,
        available_electronically=True,
    )


def _dept(region: Region, slug: str, name: str, body: str) -> Department:
    return Department.objects.create(
        slug=slug, name=name, uscc=make_uscc(f"11310000{body}"), region=region, level=DepartmentLevel.CITY
    )


@pytest.fixture
def platform(region: Region) -> Department:
    return _dept(region, "dsj", "上海市大数据中心", "MB900021")


@pytest.fixture
def gaj(region: Region) -> Department:
    return _dept(region, "gaj-test", "上海市公安局", "MB900003")


@pytest.fixture
def business_type(department: Department) -> LicenseType:
    return make_type("business_license", department)


@pytest.fixture
def food_type(department: Department) -> LicenseType:
    return make_type("food_licence", department)


@pytest.fixture
def id_card_type(gaj: Department) -> LicenseType:
    return make_type("id_card", gaj)


@pytest.fixture
def enterprise(citizen: User, region: Region) -> LegalPerson:
    lp = LegalPerson.objects.create(
        name="上海测试餐饮有限公司",
        uscc=ENTERPRISE_USCC,
        kind=LegalPersonKind.ENTERPRISE,
        legal_representative_name="张三",
        region=region,
        registered_address="上海市黄浦区测试路1号",
        established_on=dt.date(2020, 3, 1),
    )
    accounts.grant_representation(
        principal=None, person=citizen, legal_person=lp, role=RepresentationRole.LEGAL_REPRESENTATIVE
    )
    return lp


def id_card_face(name: str = "张三", address: str = "上海市黄浦区测试路2号") -> dict[str, str]:
    return {
        "name": name,
        "sex": "男",
        "ethnicity": "汉",
        "birth_date": "1990-01-01",
        "address": address,
        "id_number": CITIZEN_ID_NUMBER,
        "issuing_authority": "上海市公安局黄浦分局",
    }


@pytest.fixture
def id_card(citizen: User, id_card_type: LicenseType, gaj: Department, platform: Department) -> License:
    return issue_license(
        license_type=id_card_type,
        issuer=gaj,
        holder_code=CITIZEN_ID_NUMBER,
        holder_name="张三",
        face=id_card_face(),
        issued_on=dt.date(2020, 5, 1),
        valid_to=dt.date(2040, 5, 1),
    )


def business_face(name: str = "上海测试餐饮有限公司") -> dict[str, str]:
    return {
        "uscc": ENTERPRISE_USCC,
        "holder_name": name,
        "entity_type": "有限责任公司（自然人投资或控股）",
        "legal_representative": "张三",
        "registered_capital": "人民币50.0000万元整",
        "established_on": "2020-03-01",
        "term_from": "2020-03-01",
        "term_to": "长期",
        "address": "上海市黄浦区测试路1号",
        "business_scope": "许可项目：餐饮服务。一般项目：食品销售（仅销售预包装食品）。",
        "issuing_authority": "上海市黄浦区市场监督管理局",
    }


@pytest.fixture
def business_licence(
    enterprise: LegalPerson, business_type: LicenseType, department: Department, platform: Department
) -> License:
    return issue_license(
        license_type=business_type,
        issuer=department,
        holder_code=ENTERPRISE_USCC,
        holder_name=enterprise.name,
        face=business_face(),
        issued_on=dt.date(2020, 3, 1),
        valid_to=None,
    )
