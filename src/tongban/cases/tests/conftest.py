# ruff: noqa: F811  (the licence fixtures are imported by name and requested by the fixtures below)
"""A small restaurant world for case tests.

``catalogue``: four published items from three departments (市场监管局 ``department`` twice, 水务局 ``swj``,
税务局 ``tax``) and the bundle ``open-restaurant`` with all four; materials 营业执照 (e-licence, exempt
with consent), 居民身份证 (e-licence), 经营场所使用证明 (upload, required), 平面布局图 (upload, conditional).
Staff: ``clerk`` (front desk 综合窗口 ``front_desk``, slug huangpu-fwzx), ``samr_reviewer`` (reviewer +
section chief), ``samr_chief`` (section chief), ``swj_reviewer``, ``tax_reviewer``, ``supervisor``.
``citizen`` is the legal representative of ``enterprise``, which holds ``business_licence``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

import pytest

from tongban.accounts import services as accounts
from tongban.accounts.constants import StaffRole
from tongban.accounts.models import LegalPerson, Role, User
from tongban.accounts.principal import Principal
from tongban.bundles.constants import BundleState
from tongban.bundles.models import Bundle, BundleItem
from tongban.cases.models import Case, Task, Upload
from tongban.cases.services import files, flow
from tongban.cases.services.flow import Completion
from tongban.cases.services.submission import Application, MaterialInput, submit
from tongban.conftest import PERSONA_PASSWORD
from tongban.items.constants import CaseKind, ItemState, ItemType, MaterialSource, Requirement
from tongban.items.models import FormField, Material, MaterialKind, ServiceItem
from tongban.licenses.models import License, LicenseType
from tongban.licenses.tests.conftest import (  # noqa: F401  (fixtures)
    business_licence,
    business_type,
    enterprise,
    food_type,
    gaj,
    id_card,
    id_card_type,
    make_type,
    platform,
)
from tongban.organizations.constants import DepartmentLevel
from tongban.organizations.models import Department, Region
from tongban.utils.identifiers import make_uscc

RESTAURANT_FORM: dict[str, Any] = {
    "company_name": "上海测试餐饮有限公司",
    "legal_rep_name": "张三",
    "business_address": "上海市黄浦区测试路1号一层",
    "business_scope": "许可项目：餐饮服务。一般项目：食品销售（仅销售预包装食品）。",
    "main_business_type": "餐饮服务经营者",
    "business_items": "热食类食品制售；冷食类食品制售",
    "shop_area": 120,
    "drainage_volume": 8,
}

# A minimal valid PDF (header, one empty page, trailer).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _dept(region: Region, slug: str, name: str, body: str) -> Department:
    return Department.objects.create(
        slug=slug, name=name, uscc=make_uscc(f"11310000{body}"), region=region, level=DepartmentLevel.CITY
    )


@pytest.fixture
def swj(region: Region) -> Department:
    return _dept(region, "swj-test", "上海市水务局", "MB100026")


@pytest.fixture
def tax(region: Region) -> Department:
    return _dept(region, "tax-test", "国家税务总局上海市税务局", "MB100005")


@pytest.fixture
def front_desk(region: Region) -> Department:
    return _dept(region, "huangpu-fwzx", "上海市黄浦区行政服务中心", "MB200101")


def _staff(username: str, dept: Department, roles: list[str], staff_roles: dict[str, Role]) -> User:
    return accounts.create_staff(
        username=username,
        password=PERSONA_PASSWORD,
        real_name=f"测试{username}",
        employee_no=f"T-{username}",
        department_id=dept.pk,
        roles=roles,
    )


@dataclass
class World:
    item_company: ServiceItem
    item_food: ServiceItem
    item_drainage: ServiceItem
    item_tax: ServiceItem
    bundle: Bundle
    drainage_type: LicenseType
    kinds: dict[str, MaterialKind]


def _item(
    code: str, name: str, dept: Department, result: LicenseType | None, promised: int | None, **kw: Any
):  # type: ignore[no-untyped-def]
    return ServiceItem.objects.create(
        code=code,
        basic_code=code[:20],
        name=name,
        item_type=kw.pop("item_type", ItemType.LICENSING),
        department=dept,
        case_kind=kw.pop("case_kind", CaseKind.PROMISED),
        legal_time_limit=20,
        promised_time_limit=promised,
        for_legal_persons=True,
        state=ItemState.PUBLISHED,
        published_at=timezone.now(),
        result_license_type=result,
        **kw,
    )


@pytest.fixture
def catalogue(
    department: Department,
    swj: Department,
    tax: Department,
    front_desk: Department,
    business_type: LicenseType,
    food_type: LicenseType,
    id_card_type: LicenseType,
) -> World:
    drainage_type = make_type("drainage_permit", swj)
    kinds = {
        "business_license": MaterialKind.objects.create(
            code="business_license",
            name="营业执照",
            source=MaterialSource.E_LICENSE,
            license_type=business_type,
        ),
        "id_card": MaterialKind.objects.create(
            code="id_card", name="居民身份证", source=MaterialSource.E_LICENSE, license_type=id_card_type
        ),
        "premises_proof": MaterialKind.objects.create(
            code="premises_proof", name="住所（经营场所）使用证明", source=MaterialSource.APPLICANT
        ),
        "site_plan": MaterialKind.objects.create(
            code="site_plan", name="经营场所平面布局图", source=MaterialSource.APPLICANT
        ),
    }
    fields = {
        key: FormField.objects.create(key=key, label=label, kind=kind, options=options)
        for key, label, kind, options in [
            ("company_name", "企业名称", "text", []),
            ("legal_rep_name", "法定代表人姓名", "text", []),
            ("business_address", "经营场所地址", "text", []),
            ("business_scope", "经营范围", "textarea", []),
            (
                "main_business_type",
                "主体业态",
                "choice",
                [{"value": v, "label": v} for v in ("食品销售经营者", "餐饮服务经营者", "集中用餐单位食堂")],
            ),
            ("business_items", "经营项目", "textarea", []),
            ("shop_area", "经营面积（平方米）", "number", []),
            ("drainage_volume", "排水量（立方米/日）", "number", []),
        ]
    }
    company = _item("11310000MB1000010G3000101001000", "企业设立登记", department, business_type, 1)
    food = _item("11310000MB1000010G3000102001000", "食品经营许可", department, food_type, 5)
    drainage = _item("11310000MB1000264D3001301001000", "城镇污水排入排水管网许可", swj, drainage_type, 5)
    tax_item = _item(
        "11310000MB1000053X3001601001000",
        "新办纳税人涉税事项办理",
        tax,
        None,
        None,
        item_type=ItemType.PUBLIC_SERVICE,
        case_kind=CaseKind.IMMEDIATE,
    )
    for item, mats, keys in [
        (company, ["id_card", "premises_proof"], ["company_name", "legal_rep_name", "business_scope"]),
        (
            food,
            ["business_license", "premises_proof", "site_plan"],
            ["company_name", "business_address", "main_business_type", "business_items", "shop_area"],
        ),
        (
            drainage,
            ["business_license", "site_plan"],
            ["company_name", "business_address", "drainage_volume"],
        ),
        (tax_item, ["business_license"], ["company_name"]),
    ]:
        for n, code in enumerate(mats):
            Material.objects.create(
                item=item,
                kind=kinds[code],
                order=n,
                requirement=Requirement.CONDITIONAL if code == "site_plan" else Requirement.REQUIRED,
                condition="经营场所有后厨或排水设施的" if code == "site_plan" else "",
            )
        item.form_fields.set([fields[k] for k in keys])
    bundle = Bundle.objects.create(
        code="open-restaurant",
        name="开办餐饮店一件事",
        kind="business_event",
        audience="legal",
        lead_department=department,
        state=BundleState.PUBLISHED,
        published_at=timezone.now(),
    )
    for n, item in enumerate([company, food, drainage, tax_item]):
        BundleItem.objects.create(bundle=bundle, item_code=item.code, order=n)
    return World(company, food, drainage, tax_item, bundle, drainage_type, kinds)


@pytest.fixture
def people(
    catalogue: World,
    department: Department,
    swj: Department,
    tax: Department,
    front_desk: Department,
    staff_roles: dict[str, Role],
) -> dict[str, User]:
    return {
        "clerk": _staff("clerk", front_desk, [StaffRole.WINDOW_CLERK], staff_roles),
        "samr_reviewer": _staff("samr_reviewer", department, [StaffRole.REVIEWER], staff_roles),
        "samr_chief": _staff("samr_chief", department, [StaffRole.SECTION_CHIEF], staff_roles),
        "swj_reviewer": _staff("swj_reviewer", swj, [StaffRole.REVIEWER], staff_roles),
        "tax_reviewer": _staff("tax_reviewer", tax, [StaffRole.REVIEWER], staff_roles),
        "supervisor": _staff("supervisor", front_desk, [StaffRole.SUPERVISOR], staff_roles),
    }


def as_principal(user: User, acting_for: LegalPerson | None = None) -> Principal:
    p = Principal(user=user)
    if acting_for is not None:
        from tongban.accounts.services import select_acting_for

        rep = select_acting_for(principal=p, legal_person=acting_for)
        p.acting_for, p.representation = rep.legal_person, rep
    return p


@pytest.fixture
def applicant(
    citizen: User, enterprise: LegalPerson, business_licence: License, id_card: License
) -> Principal:
    return as_principal(citizen, enterprise)


@pytest.fixture
def upload(applicant: Principal) -> Callable[..., Upload]:
    def make(name: str = "租赁合同.pdf", data: bytes = PDF, who: Principal | None = None) -> Upload:
        return files.store_upload(who or applicant, name=name, data=data)

    return make


@pytest.fixture
def restaurant_app(upload: Callable[..., Upload]) -> Callable[..., Application]:
    def make(**overrides: Any) -> Application:
        app = Application(
            target_kind="bundle",
            target_code="open-restaurant",
            form=dict(RESTAURANT_FORM),
            materials=[MaterialInput("premises_proof", str(upload().uid))],
            consents=["business_license", "id_card"],
        )
        for key, value in overrides.items():
            setattr(app, key, value)
        return app

    return make


@pytest.fixture
def submitted(
    applicant: Principal, people: dict[str, User], restaurant_app: Callable[..., Application]
) -> Case:
    return submit(applicant, restaurant_app(), idempotency_key="test-1")


def open_task(case: Case, kind: str, department: Department | None = None) -> Task:
    qs = case.tasks.filter(status="open", kind=kind)
    if department is not None:
        qs = qs.filter(department=department)
    return qs.get()


def complete(user: User, task: Task, decision: str, **kw: Any) -> Task:
    return flow.complete_task(as_principal(user), task.pk, Completion(decision=decision, **kw))


def decide_all(case: Case, people: dict[str, User], department: Department, swj: Department) -> Case:
    """Accept the restaurant case and approve every item, through the workbench services: the case is
    then at its paying step (``paying`` when the catalogue charges fees, ``decided`` otherwise)."""
    complete(people["clerk"], open_task(case, "accept"), "accepted")
    complete(people["swj_reviewer"], open_task(case, "review", swj), "approve")
    for task in list(case.tasks.filter(status="open", kind="review", department=department)):
        complete(people["samr_reviewer"], task, "approve")
    complete(people["tax_reviewer"], case.tasks.get(status="open", kind="review"), "approve")
    case.refresh_from_db()
    return case


__all__ = ["PDF", "RESTAURANT_FORM", "as_principal", "complete", "decide_all", "io", "open_task"]
