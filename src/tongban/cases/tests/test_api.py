"""The cases API end to end, and who may see and do what (the permission matrix)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

import pytest

from tongban.accounts.models import LegalPerson, User
from tongban.cases.constants import CaseStatus
from tongban.cases.models import Case
from tongban.cases.tests.conftest import PDF, RESTAURANT_FORM, open_task

JSON = "application/json"


@pytest.fixture
def holder(
    citizen: User, enterprise: LegalPerson, business_licence: Any, id_card: Any, people: Any
) -> Client:
    client = Client(headers={"X-Acting-For": enterprise.uscc})
    client.force_login(citizen)
    return client


def _apply(client: Client, key: str = "api-1", **overrides: Any) -> Any:
    up = client.post("/api/v1/cases/uploads", {"file": _pdf()})
    assert up.status_code == 201, up.content
    body = {
        "target_kind": "bundle",
        "target_code": "open-restaurant",
        "form": dict(RESTAURANT_FORM),
        "materials": [{"kind": "premises_proof", "upload": up.json()["id"]}],
        "consents": ["business_license", "id_card"],
        **overrides,
    }
    return client.post("/api/v1/cases", body, content_type=JSON, headers={"Idempotency-Key": key})


def _pdf() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("场地租赁合同.pdf", PDF, content_type="application/pdf")


def test_apply_follow_and_idempotent_retry(holder: Client) -> None:
    first = _apply(holder)
    assert first.status_code == 201, first.content
    case_no = first.json()["case_no"]
    assert first.json()["status"] == "submitted"
    again = _apply(holder)  # a retry that uploaded the same file again: the same request, the same case
    assert again.status_code == 200 and again.json()["case_no"] == case_no
    detail = holder.get(f"/api/v1/cases/{case_no}")
    assert detail.status_code == 200
    body = detail.json()
    assert {m["kind"]: m["status"] for m in body["materials"]}["business_license"] == "exempt"
    assert body["figures"]["materials_exempted"] == 2
    assert body["timeline"][0]["kind"] == "submitted"
    assert "pre_review" in body and body["pre_review"] == ""  # internal finding not shown to applicants
    mine = holder.get("/api/v1/me/cases")
    assert [c["case_no"] for c in mine.json()] == [case_no]


def test_exact_retry_returns_the_same_case(holder: Client) -> None:
    up = holder.post("/api/v1/cases/uploads", {"file": _pdf()}).json()["id"]
    body = {
        "target_kind": "bundle",
        "target_code": "open-restaurant",
        "form": dict(RESTAURANT_FORM),
        "materials": [{"kind": "premises_proof", "upload": up}],
        "consents": ["business_license", "id_card"],
    }
    one = holder.post("/api/v1/cases", body, content_type=JSON, headers={"Idempotency-Key": "same"})
    two = holder.post("/api/v1/cases", body, content_type=JSON, headers={"Idempotency-Key": "same"})
    assert (one.status_code, two.status_code) == (201, 200)
    assert one.json()["case_no"] == two.json()["case_no"]
    assert Case.objects.count() == 1
    changed = holder.post(
        "/api/v1/cases",
        {**body, "form": {**body["form"], "shop_area": 60}},
        content_type=JSON,
        headers={"Idempotency-Key": "same"},
    )
    assert changed.status_code == 409 and changed.json()["code"] == "idempotency_key_reused"


def test_bad_input_gets_codes_and_stores_nothing(holder: Client) -> None:
    resp = _apply(holder, form={**RESTAURANT_FORM, "shop_area": "一百"}, consents=[])
    assert resp.status_code == 422
    codes = {(e["code"], e.get("field")) for e in resp.json()["errors"]}
    assert ("form_field_not_a_number", "shop_area") in codes
    assert ("material_consent_or_upload", "business_license") in codes
    assert not Case.objects.exists()
    unknown = holder.post(
        "/api/v1/cases", {"target_kind": "bundle", "target_code": "no-such"}, content_type=JSON
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "bundle_not_found"


def test_upload_refuses_executables(holder: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    evil = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    resp = holder.post("/api/v1/cases/uploads", {"file": evil})
    assert resp.status_code == 400
    assert resp.json()["code"] in {"upload_executable", "upload_type_mismatch"}


def test_workbench_flow_and_permission_matrix(
    holder: Client,
    people: dict[str, User],
    staff_browser: Callable[[User], Client],
    other_citizen: User,
    department: Any,
    swj: Any,
) -> None:
    case_no = _apply(holder).json()["case_no"]
    case = Case.objects.get(case_no=case_no)
    clerk, samr, swj_staff = (staff_browser(people[k]) for k in ("clerk", "samr_reviewer", "swj_reviewer"))
    # another citizen cannot see the case: 404, not 403
    stranger = Client()
    stranger.force_login(other_citizen)
    assert stranger.get(f"/api/v1/cases/{case_no}").status_code == 404
    assert stranger.post(f"/api/v1/cases/{case_no}/withdraw", {}, content_type=JSON).status_code == 404
    # citizens have no workbench
    assert holder.get("/api/v1/workbench/tasks").status_code == 403
    # the acceptance task is the front desk's only
    accept = open_task(case, "accept")
    assert [t["id"] for t in clerk.get("/api/v1/workbench/tasks").json()] == [accept.pk]
    assert samr.get("/api/v1/workbench/tasks").json() == []
    assert (
        samr.post(
            f"/api/v1/workbench/tasks/{accept.pk}/complete", {"decision": "accepted"}, content_type=JSON
        ).status_code
        == 404
    )
    ok = clerk.post(
        f"/api/v1/workbench/tasks/{accept.pk}/complete", {"decision": "accepted"}, content_type=JSON
    )
    assert ok.status_code == 200, ok.content
    again = clerk.post(
        f"/api/v1/workbench/tasks/{accept.pk}/complete", {"decision": "accepted"}, content_type=JSON
    )
    assert again.status_code == 409 and again.json()["code"] == "task_already_completed"
    # each department sees only its own reviews
    swj_tasks = swj_staff.get("/api/v1/workbench/tasks").json()
    assert {t["department"] for t in swj_tasks} == {swj.name}
    samr_task = case.tasks.filter(status="open", kind="review", department=department).first()
    assert samr_task is not None
    assert swj_staff.get(f"/api/v1/workbench/tasks/{samr_task.pk}").status_code == 404
    detail = samr.get(f"/api/v1/workbench/tasks/{samr_task.pk}").json()
    assert detail["case"]["case_no"] == case_no and detail["case"]["pre_review"]
    # the window clerk cannot decide a department's review
    assert (
        clerk.post(
            f"/api/v1/workbench/tasks/{samr_task.pk}/complete", {"decision": "approve"}, content_type=JSON
        ).status_code
        == 404
    )
    # a refusal needs a legal reason
    bad = samr.post(
        f"/api/v1/workbench/tasks/{samr_task.pk}/complete", {"decision": "reject"}, content_type=JSON
    )
    assert bad.status_code == 400 and bad.json()["code"] == "reason_required"
    # staff may read the case; the applicant can withdraw it before any decision
    assert samr.get(f"/api/v1/cases/{case_no}").status_code == 200
    resp = holder.post(f"/api/v1/cases/{case_no}/withdraw", {"reason": "暂不开业"}, content_type=JSON)
    assert resp.status_code == 200 and resp.json()["status"] == CaseStatus.WITHDRAWN


def test_supplement_through_the_api(holder: Client, people: dict[str, User], staff_browser: Any) -> None:
    case_no = _apply(holder).json()["case_no"]
    accept = open_task(Case.objects.get(case_no=case_no), "accept")
    clerk = staff_browser(people["clerk"])
    resp = clerk.post(
        f"/api/v1/workbench/tasks/{accept.pk}/complete",
        {
            "decision": "notice",
            "notice": [{"target": "material:premises_proof", "reason": "material_expired"}],
        },
        content_type=JSON,
    )
    assert resp.status_code == 200, resp.content
    body = holder.get(f"/api/v1/cases/{case_no}").json()
    assert body["status"] == "notice" and body["notice"]["entries"][0]["target"] == "material:premises_proof"
    up = holder.post("/api/v1/cases/uploads", {"file": _pdf()}).json()["id"]
    done = holder.post(
        f"/api/v1/cases/{case_no}/supplements",
        {"materials": [{"kind": "premises_proof", "upload": up}]},
        content_type=JSON,
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "submitted" and done.json()["notice"] is None
