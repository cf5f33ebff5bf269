"""Demo cases, so that 我的办件 and the workbench inboxes are not empty after ``make run``.

- ``biz_owner`` for 上海示例餐饮管理有限公司 applied for 开办餐饮店一件事 (waiting at the front desk,
  黄浦区行政服务中心 ``window_staff``);
- ``citizen_b`` for the 个体工商户 applied for 食品经营许可 and it was accepted (in review at 市场监管局,
  ``reviewer_samr``);
- ``citizen_a`` applied for 机动车驾驶证换证 with the new licence sent by post (address given); it was
  accepted and approved by 公安局 and waits for the ¥10.00 工本费 (pay it in the sandbox, issue it as
  ``window_staff``, then follow the parcel of the demo carrier to the door);
- ``citizen_a``'s 无犯罪记录证明开具 is closed and rated 不满意, so a rectification waits at 公安局.

Every case goes through the real services (numbering, licence reuse with consent, process, tasks), with
generated one-page PDFs for the materials that have to be uploaded. Re-running finds them by their
idempotency keys.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from tongban.accounts.models import LegalPerson, User
from tongban.accounts.principal import Principal
from tongban.cases.models import Case
from tongban.cases.prefill import prefill
from tongban.cases.services import files, flow
from tongban.cases.services.flow import Completion
from tongban.cases.services.submission import Application, MaterialInput, submit
from tongban.cases.targets import Target, resolve
from tongban.demo.loader import CREATED, FOUND, SKIPPED, LoadReport

# Answers for the restaurant and food-licence forms (prefill covers names and codes).
ANSWERS: dict[str, Any] = {
    "business_address": "上海市黄浦区示例路88号一层",
    "business_scope": "许可项目：餐饮服务；食品销售。一般项目：餐饮管理。",
    "main_business_type": "餐饮服务经营者",
    "business_items": "热食类食品制售；冷食类食品制售；自制饮品制售",
    "shop_area": 120,
    "employee_count": 12,
    "registered_capital": 50,
    "drainage_volume": 8,
    "sign_text": "示例小馆",
    "sign_size": "6×1.2",
    "bank_account_company": "6222000000000000001",
    "tax_officer_name": "张示例",
    "contact_person": "张示例",
}
FALLBACK = {"number": 1, "textarea": "见附件说明", "text": "见附件说明"}

# One-page PDF used for every generated material.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _principal(username: str, uscc_holder: str) -> Principal | None:
    from tongban.accounts.services import select_acting_for

    user = User.objects.filter(username=username).first()
    if user is None:
        return None
    p = Principal(user=user)
    if not uscc_holder:
        return p
    legal = LegalPerson.objects.filter(name=uscc_holder).first()
    if legal is None:
        return None
    rep = select_acting_for(principal=p, legal_person=legal)
    p.acting_for, p.representation = rep.legal_person, rep
    return p


def _form(target: Target, principal: Principal) -> dict[str, Any]:
    known = prefill(target.fields, principal)
    form: dict[str, Any] = {}
    for f in target.fields:
        if f.key in known:
            form[f.key] = known[f.key]
        elif f.key in ANSWERS:
            form[f.key] = ANSWERS[f.key]
        elif f.kind == "choice" and f.options:
            form[f.key] = f.options[0]["value"]
        elif f.kind == "date":
            form[f.key] = timezone.localdate().isoformat()
        else:
            form[f.key] = FALLBACK.get(f.kind, "见附件说明")
    return form


def _apply(principal: Principal, kind: str, code: str, key: str, delivery: str = "electronic") -> Case | None:
    target = resolve(kind, code)
    materials = []
    for m in target.materials:
        if m.exemption.exempt or not m.required:
            continue
        upload = files.store_upload(principal, name=f"{m.name}.pdf", data=PDF)
        materials.append(MaterialInput(m.kind.code, str(upload.uid)))
    app = Application(
        target_kind=kind,
        target_code=code,
        form=_form(target, principal),
        materials=materials,
        consents=[m.kind.code for m in target.materials if m.exemption.basis == "e_license"],
        delivery_method=delivery,
    )
    return submit(principal, app, idempotency_key=key)


@dataclass(frozen=True)
class Plan:
    username: str
    holder: str  # the legal person acted for; "" for a citizen applying for themself
    kind: str
    code: str  # bundle code, or "" to look the item up by ``item_name``
    key: str
    item_name: str = ""
    stage: str = "submitted"  # "submitted", "accepted", "decided" (every item approved) or "closed"
    delivery: str = "electronic"
    # Where the results go by post (given with the application, as on the tracking page).
    address: dict[str, str] | None = None
    rating: dict[str, Any] | None = None  # the applicant's rating of the closed case


PLANS = [
    Plan("biz_owner", "上海示例餐饮管理有限公司", "bundle", "open-restaurant", "demo:restaurant"),
    Plan(
        "citizen_b", "上海市浦东新区演示小吃店", "item", "", "demo:food-licence", "食品经营许可", "accepted"
    ),
    Plan(
        "citizen_a",
        "",
        "item",
        "",
        "demo:driving-licence",
        "机动车驾驶证换证",
        "decided",
        "mail",
        {
            "name": "张示例",
            "phone": "13800138001",
            "region_code": "310101",
            "detail": "示例路88号3号楼502室",
            "postcode": "200001",
        },
    ),
]


PLANS.append(
    Plan(
        "citizen_a",
        "",
        "item",
        "",
        "demo:no-criminal-record",
        "无犯罪记录证明开具",
        "closed",
        rating={
            "level": "dissatisfied",
            "channel": "pc",
            "tags": ["efficiency"],
            "comment": "审核比承诺的时间慢，进度页面也没有说明原因，希望改进。",
        },
    )
)


def load_demo_cases(report: LoadReport, *, now: dt.datetime | None = None) -> None:
    for plan in PLANS:
        principal = _principal(plan.username, plan.holder)
        if principal is None or principal.user is None:
            report.add("demo cases", SKIPPED)
            continue
        if Case.objects.filter(applicant=principal.user, idempotency_key=plan.key).exists():
            report.add("demo cases", FOUND)
            continue
        code = plan.code
        if plan.kind == "item":
            from tongban.items.models import ServiceItem

            item = ServiceItem.objects.published().filter(name=plan.item_name).first()
            if item is None:
                report.add("demo cases", SKIPPED)
                continue
            code = item.code
        try:
            case = _apply(principal, plan.kind, code, plan.key, plan.delivery)
            if case is not None and plan.address is not None:
                from tongban.logistics.constants import ShipmentKind
                from tongban.logistics.services.shipments import create_shipment

                create_shipment(
                    principal,
                    case,
                    kind=ShipmentKind.DELIVER_RESULT,
                    address=plan.address,
                    idempotency_key=f"{plan.key}:post",
                )
            if case is not None and plan.stage != "submitted":
                _advance(case, until=plan.stage, now=now)
            if case is not None and plan.rating is not None:
                _rate(principal, case, plan.rating)
        except Exception as exc:  # demo data must never stop `make run`; say what went wrong
            detail = "; ".join(f"{e.code} {e.field or ''}" for e in getattr(exc, "errors", []))
            report.warnings.append(f"demo case {plan.key} not created: {exc} {detail}".rstrip())
            continue
        report.add("demo cases", CREATED)


STEPS = {"accepted": ["accept"], "decided": ["accept", "review"], "closed": ["accept", "review", "issue"]}
DECISIONS = {"accept": "accepted", "review": "approve", "issue": "issue"}


def _advance(case: Case, *, until: str, now: dt.datetime | None) -> None:
    """Work the case's tasks, each by someone the process routes it to, up to ``until``."""
    kinds = STEPS[until]
    while True:
        task = case.tasks.filter(kind__in=kinds, status="open").select_related("department").first()
        if task is None:
            return
        worker = User.objects.filter(staff__department=task.department, staff__roles__code=task.role).first()
        if worker is None:
            return
        completion = Completion(decision=DECISIONS[task.kind])
        flow.complete_task(Principal(user=worker), task.pk, completion, now=now)


def _rate(principal: Principal, case: Case, rating: dict[str, Any]) -> None:
    """The applicant rates the closed case (a bad rating opens a rectification at the department)."""
    from tongban.ratings.services.rating import rate

    case.refresh_from_db()
    rate(principal, case, idempotency_key=f"{case.idempotency_key}:rating", **rating)
