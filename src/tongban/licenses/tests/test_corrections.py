"""Licence error reports (纠错): the loop end to end, decisions, permissions, validation, deadlines."""

# ruff: noqa: F811  (fixtures imported from correction_fixtures are redefined as test arguments)

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

import pytest

from tongban.accounts import services as accounts
from tongban.accounts.constants import StaffRole
from tongban.accounts.models import Role, User
from tongban.accounts.principal import Principal
from tongban.audits.models import AuditEvent
from tongban.conftest import CITIZEN_ID_NUMBER, OTHER_CITIZEN_ID_NUMBER
from tongban.licenses.constants import CorrectionStatus, FindingStatus, LicenseStatus, ReporterKind
from tongban.licenses.models import Correction, License, LicenseType, LicenseVersion, QualityFinding
from tongban.licenses.services import corrections, finding_actions, presentations
from tongban.licenses.services.issuing import issue_license
from tongban.licenses.tests.conftest import ENTERPRISE_USCC, business_face, id_card_face, make_type
from tongban.licenses.tests.correction_fixtures import (  # noqa: F401 (fixtures)
    ADDRESS,
    gaj_chief,
    gaj_clerk,
    gaj_reviewer,
    make_staff,
    report,
    samr_reviewer,
)
from tongban.notifications.models import Notification
from tongban.organizations.constants import DepartmentLevel
from tongban.organizations.models import Department
from tongban.utils.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed
from tongban.utils.identifiers import make_uscc

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
JSON = "application/json"


def _templates(user: User) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, channel="inbox").values_list("template", flat=True)
    )


def test_the_correction_loop_end_to_end(
    citizen: User,
    id_card: License,
    gaj_reviewer: User,
    staff_browser: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    holder = Client()
    holder.force_login(citizen)
    old_token = presentations.present(Principal(user=citizen), id_card.pk, ["address"]).token
    assert presentations.verify_online(old_token).result.valid

    # 1. The holder reports the wrong address from the wallet.
    with django_capture_on_commit_callbacks(execute=True):
        resp = holder.post(
            f"/api/v1/licenses/{id_card.pk}/corrections",
            {
                "items": [{"field": "address", "proposed": ADDRESS, "note": "已迁居"}],
                "evidence_note": "户口簿",
            },
            content_type=JSON,
        )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    cid = body["id"]
    assert (
        body["status"] == "submitted" and body["reference"].startswith("JC") and len(body["reference"]) == 15
    )
    assert body["department"]["slug"] == "gaj-test" and body["view"] == "reporter"
    assert body["items"][0]["current"] == "上海市黄浦区测试路2号" and body["items"][0]["proposed"] == ADDRESS

    # 2. The issuing department accepts, then corrects.
    reviewer = staff_browser(gaj_reviewer)
    queue = reviewer.get("/api/v1/staff/license-corrections?status=submitted").json()
    assert [row["id"] for row in queue["items"]] == [cid] and queue["items"][0]["deadline"] == "green"
    with django_capture_on_commit_callbacks(execute=True):
        accepted = reviewer.post(
            f"/api/v1/corrections/{cid}/actions", {"action": "accept"}, content_type=JSON
        )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted" and accepted.json()["may_decide"]
    with django_capture_on_commit_callbacks(execute=True):
        corrected = reviewer.post(
            f"/api/v1/corrections/{cid}/actions", {"action": "correct", "reason": "已核实"}, content_type=JSON
        )
    assert corrected.status_code == 200, corrected.content
    assert corrected.json()["status"] == "corrected" and corrected.json()["new_version"] == 2

    # 3. A new version is signed; the old one is superseded and its presentation no longer verifies.
    licence = License.objects.get(pk=id_card.pk)
    assert (
        licence.version == 2 and licence.face["address"] == ADDRESS and licence.status == LicenseStatus.VALID
    )
    archived = LicenseVersion.objects.get(license=licence, version=1)
    assert archived.correction_id == cid and archived.identifier == id_card.identifier
    assert presentations.verify_online(old_token).result.code == "revoked"
    fresh = presentations.present(Principal(user=citizen), licence.pk, ["address"]).token
    assert presentations.verify_online(fresh).result.valid

    # 4. The reporter sees every status change and was notified of each.
    seen = holder.get(f"/api/v1/corrections/{cid}").json()
    assert seen["status"] == "corrected" and seen["status_label"]
    assert [e["status"] for e in seen["events"]] == ["submitted", "accepted", "corrected"]
    assert seen["events"][2]["actor"] == "上海市公安局"  # the department, not the staff member's name
    assert seen["items"][0]["applied"] == ADDRESS
    mine = holder.get("/api/v1/me/license-corrections").json()
    assert mine["count"] == 1 and mine["items"][0]["status"] == "corrected"
    assert sorted(_templates(citizen)) == [
        "license.correction_accepted",
        "license.correction_corrected",
        "license.correction_submitted",
    ]
    events = list(
        AuditEvent.objects.filter(object_type="licenses.correction").values_list("event", flat=True)
    )
    assert events == [
        "license.correction_submitted",
        "license.correction_accepted",
        "license.correction_corrected",
    ]


def test_reference_numbers_and_due_date_count_working_days(citizen: User, id_card: License) -> None:
    # Reported on 30 September 2025: National Day (10-01..10-08) does not count; Saturday 10-11 does.
    now = dt.datetime(2025, 9, 30, 10, 0, tzinfo=SHANGHAI)
    first = report(citizen, id_card, now=now)
    second = report(citizen, id_card, now=now, items=[{"field": "ethnicity", "proposed": "回"}])
    assert first.due_on == dt.date(2025, 10, 14)
    assert (first.reference, second.reference) == ("JC2025093000001", "JC2025093000002")
    assert first.license_version == 1 and first.reporter_kind == ReporterKind.HOLDER


def test_rejection_needs_and_tells_the_reason(
    citizen: User, id_card: License, gaj_reviewer: User, django_capture_on_commit_callbacks: Any
) -> None:
    correction = report(citizen, id_card)
    p = Principal(user=gaj_reviewer)
    with pytest.raises(DomainError) as missing:
        corrections.reject(p, correction.pk, reason="  ")
    assert missing.value.code == "correction_reason_required"
    with django_capture_on_commit_callbacks(execute=True):
        rejected = corrections.reject(p, correction.pk, reason="住址与户籍登记一致，无需更正")
    assert rejected.status == CorrectionStatus.REJECTED and rejected.resolved_at is not None
    assert License.objects.get(pk=id_card.pk).version == 1
    note = Notification.objects.get(
        recipient=citizen, template="license.correction_rejected", channel="inbox"
    )
    assert (
        note.params["reason"] == "住址与户籍登记一致，无需更正"
        and note.params["reference"] == rejected.reference
    )
    with pytest.raises(Conflict) as again:
        corrections.accept(p, correction.pk)
    assert again.value.code == "correction_state_conflict"


def test_who_may_see_and_decide(
    citizen: User,
    id_card: License,
    gaj_reviewer: User,
    gaj_clerk: User,
    samr_reviewer: User,
    staff_browser: Callable[[User], Client],
) -> None:
    correction = report(citizen, id_card)
    url = f"/api/v1/corrections/{correction.pk}"
    stranger = accounts.register_natural_person(
        username="stranger",
        password="Correct-Horse-2026",
        real_name="赵六",
        id_number=OTHER_CITIZEN_ID_NUMBER,
        mobile="13900139000",
        verified=True,
    )
    other = Client()
    other.force_login(stranger)
    assert other.get(url).status_code == 404
    resp = other.post(
        f"/api/v1/licenses/{id_card.pk}/corrections",
        {"items": [{"field": "address", "proposed": ADDRESS}]},
        content_type=JSON,
    )
    assert resp.status_code == 404 and resp.json()["code"] == "license_not_found"
    assert other.get("/api/v1/me/license-corrections").json()["count"] == 0

    foreign = staff_browser(samr_reviewer)  # another department's reviewer
    assert foreign.get(url).status_code == 404
    assert foreign.post(f"{url}/actions", {"action": "accept"}, content_type=JSON).status_code == 404
    assert foreign.get("/api/v1/staff/license-corrections").json()["count"] == 0

    clerk = staff_browser(gaj_clerk)  # the right department, but no deciding role
    assert clerk.get(url).status_code == 200
    denied = clerk.post(f"{url}/actions", {"action": "accept"}, content_type=JSON)
    assert denied.status_code == 403 and denied.json()["code"] == "correction_role_required"

    holder = Client()
    holder.force_login(citizen)
    assert holder.post(f"{url}/actions", {"action": "accept"}, content_type=JSON).status_code == 403
    assert holder.get("/api/v1/staff/license-corrections").status_code == 403
    assert staff_browser(gaj_reviewer).get(url).json()["may_decide"] is True


def test_staff_of_the_parent_department_handle_a_branch_licence(
    citizen: User, id_card_type: LicenseType, gaj: Department, gaj_chief: User
) -> None:
    branch = Department.objects.create(
        slug="gaj-huangpu", name="上海市公安局黄浦分局", uscc=make_uscc("11310101MB900004"),
        region=gaj.region, level=DepartmentLevel.DISTRICT, parent=gaj,
    )  # fmt: skip
    licence = issue_license(
        license_type=id_card_type, issuer=branch, holder_code=CITIZEN_ID_NUMBER, holder_name="张三",
        face=id_card_face(), issued_on=dt.date(2021, 5, 1), valid_to=dt.date(2041, 5, 1),
    )  # fmt: skip
    correction = report(citizen, licence)
    assert correction.department == branch
    accepted = corrections.accept(Principal(user=gaj_chief), correction.pk, note="转分局核实")
    assert accepted.status == CorrectionStatus.ACCEPTED and accepted.handler == gaj_chief


def test_idempotency_key_returns_the_first_report(citizen: User, id_card: License) -> None:
    holder = Client()
    holder.force_login(citizen)
    payload = {"items": [{"field": "address", "proposed": ADDRESS}], "idempotency_key": "wallet-7f3a"}
    url = f"/api/v1/licenses/{id_card.pk}/corrections"
    first = holder.post(url, payload, content_type=JSON)
    second = holder.post(url, payload, content_type=JSON)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"] and Correction.objects.count() == 1
    by_header = holder.post(
        url,
        {"items": [{"field": "ethnicity", "proposed": "回"}]},
        content_type=JSON,
        HTTP_IDEMPOTENCY_KEY="k2",
    )
    again = holder.post(
        url,
        {"items": [{"field": "ethnicity", "proposed": "回"}]},
        content_type=JSON,
        HTTP_IDEMPOTENCY_KEY="k2",
    )
    assert by_header.status_code == 201 and again.status_code == 200 and Correction.objects.count() == 2


@pytest.mark.parametrize(
    ("items", "code", "field"),
    [
        ([{"field": "favourite_colour", "proposed": "蓝"}], "correction_field_unknown", "items.0.field"),
        ([{"field": "address", "proposed": "上海市黄浦区测试路2号"}], "correction_value_unchanged",
         "items.0.proposed"),
        ([{"field": "address", "proposed": "  "}], "correction_value_empty", "items.0.proposed"),
        ([{"field": "address"}], "correction_value_empty", "items.0.proposed"),
        ([{"field": "sex", "proposed": "女"}], "correction_value_invalid", "items.0.proposed"),  # ID says 男
        ([{"field": "ethnicity", "proposed": "火星"}], "correction_value_invalid", "items.0.proposed"),
        ([{"field": "valid_to", "proposed": "2040-13-01"}], "correction_value_invalid", "items.0.proposed"),
        ([{"field": "address", "proposed": ADDRESS}, {"field": "address", "proposed": "x"}],
         "correction_field_duplicate", "items.1.field"),
        ([{"field": "address", "proposed": "x" * 501}], "correction_value_too_long", "items.0.proposed"),
    ],
)  # fmt: skip
def test_items_are_validated_with_clear_codes(
    citizen: User, id_card: License, items: list[dict[str, str]], code: str, field: str
) -> None:
    holder = Client()
    holder.force_login(citizen)
    resp = holder.post(f"/api/v1/licenses/{id_card.pk}/corrections", {"items": items}, content_type=JSON)
    assert resp.status_code == 422, resp.content
    errors = resp.json()["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [(code, field)]


def test_no_items_and_closed_licences_are_refused(citizen: User, id_card: License) -> None:
    with pytest.raises(DomainError) as empty:
        report(citizen, id_card, items=[])
    assert empty.value.code == "correction_items_required"
    License.objects.filter(pk=id_card.pk).update(status=LicenseStatus.REVOKED)
    with pytest.raises(Conflict) as closed:
        report(citizen, id_card)
    assert closed.value.code == "license_not_correctable"


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF"


@pytest.mark.parametrize(
    ("name", "content", "content_type", "code"),
    [
        ("virus.exe", b"MZ\x90\x00", "application/octet-stream", "evidence_executable"),
        ("photo.png", b"MZ\x90\x00", "image/png", "evidence_executable"),
        ("script.sh", b"#!/bin/sh\nrm -rf /", "text/plain", "evidence_executable"),
        ("notes.docx", b"PK\x03\x04....", "application/zip", "evidence_type_not_allowed"),
        ("fake.pdf", PNG, "application/pdf", "evidence_type_mismatch"),
        ("photo.png", PNG, "application/pdf", "evidence_type_mismatch"),
        ("active.pdf", PDF.replace(b"/Catalog", b"/Catalog /OpenAction << /S /JavaScript >>"),
         "application/pdf", "evidence_active_content"),
        ("big.png", PNG + b"\x00" * (5 * 1024 * 1024), "image/png", "evidence_too_large"),
        ("empty.pdf", b"", "application/pdf", "evidence_empty"),
    ],
)  # fmt: skip
def test_evidence_files_are_checked(
    citizen: User,
    id_card: License,
    settings: Any,
    tmp_path: Any,
    name: str,
    content: bytes,
    content_type: str,
    code: str,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    with pytest.raises(DomainError) as refused:
        report(citizen, id_card, evidence=upload)
    assert refused.value.code == code
    assert Correction.objects.count() == 0 and not any(tmp_path.rglob("*.*"))


def test_evidence_is_stored_under_a_random_name_with_its_hash(
    citizen: User, id_card: License, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    correction = report(
        citizen, id_card, evidence=SimpleUploadedFile("张三的户口簿.pdf", PDF, content_type="application/pdf")
    )
    stored = correction.evidence_file.name
    assert stored.startswith("corrections/") and "张三" not in stored
    assert correction.evidence_sha256 == hashlib.sha256(PDF).hexdigest()
    # Through the API: JSON first, then the file (multipart), once, by the reporter only.
    holder = Client()
    holder.force_login(citizen)
    created = holder.post(
        f"/api/v1/licenses/{id_card.pk}/corrections",
        {"items": [{"field": "ethnicity", "proposed": "回"}]},
        content_type=JSON,
    ).json()
    url = f"/api/v1/corrections/{created['id']}/evidence"
    attached = holder.post(url, {"file": SimpleUploadedFile("p.png", PNG, content_type="image/png")})
    assert attached.status_code == 200, attached.content
    assert attached.json()["evidence_file"] is True and len(attached.json()["evidence_sha256"]) == 64
    twice = holder.post(url, {"file": SimpleUploadedFile("p.png", PNG, content_type="image/png")})
    assert twice.status_code == 409 and twice.json()["code"] == "evidence_already_attached"


def test_window_staff_report_for_the_applicant_in_front_of_them(
    citizen: User, id_card: License, staff_user: User, staff_browser: Callable[[User], Client]
) -> None:
    clerk = staff_browser(staff_user)  # window clerk of 市场监管局: reports, but the ID card goes to gaj
    url = f"/api/v1/licenses/{id_card.pk}/corrections"
    items = {"items": [{"field": "address", "proposed": ADDRESS}]}
    missing = clerk.post(url, items, content_type=JSON)
    assert missing.status_code == 400 and missing.json()["code"] == "holder_code_required"
    wrong = clerk.post(url, items | {"holder_code": OTHER_CITIZEN_ID_NUMBER}, content_type=JSON)
    assert wrong.status_code == 404
    made = clerk.post(url, items | {"holder_code": CITIZEN_ID_NUMBER.lower()}, content_type=JSON)
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["reporter_kind"] == "staff" and body["department"]["slug"] == "gaj-test"
    assert body["view"] == "reporter" and "*" in body["items"][0]["current"]  # personal field masked
    assert Correction.objects.get(pk=body["id"]).channel == "api"
    holder = Client()
    holder.force_login(citizen)
    listed = holder.get("/api/v1/me/license-corrections").json()
    assert [row["id"] for row in listed["items"]] == [body["id"]]  # the holder sees it too
    assert holder.get(f"/api/v1/corrections/{body['id']}").json()["view"] == "holder"
    assert clerk.get("/api/v1/me/license-corrections").json()["count"] == 1


def test_second_actor_gets_conflict(
    citizen: User, id_card: License, gaj_reviewer: User, gaj_chief: User
) -> None:
    correction = report(citizen, id_card)
    reviewer, chief = Principal(user=gaj_reviewer), Principal(user=gaj_chief)
    with pytest.raises(Conflict) as early:
        corrections.correct(reviewer, correction.pk)
    assert early.value.code == "correction_not_accepted"
    corrections.accept(reviewer, correction.pk)
    with pytest.raises(Conflict) as late:
        corrections.accept(chief, correction.pk)
    assert late.value.code == "correction_state_conflict"
    corrections.correct(chief, correction.pk)
    with pytest.raises(Conflict):
        corrections.correct(reviewer, correction.pk)
    with pytest.raises(Conflict):
        corrections.reject(reviewer, correction.pk, reason="晚了")
    assert License.objects.get(pk=id_card.pk).version == 2


def test_department_may_adjust_reported_values_only(
    citizen: User, id_card: License, gaj_reviewer: User
) -> None:
    items = [
        {"field": "address", "proposed": "上海市徐汇区测试路3弄"},
        {"field": "ethnicity", "proposed": "回"},
    ]
    correction = report(citizen, id_card, items=items)
    p = Principal(user=gaj_reviewer)
    corrections.accept(p, correction.pk)
    with pytest.raises(DomainError) as other_field:
        corrections.correct(p, correction.pk, values={"name": "张三丰"})
    assert other_field.value.code == "correction_field_not_reported"
    unchanged = {"address": "上海市黄浦区测试路2号", "ethnicity": "汉"}
    with pytest.raises(DomainError) as nothing:
        corrections.correct(p, correction.pk, values=unchanged)
    assert nothing.value.code == "correction_nothing_to_change"
    with pytest.raises(ValidationFailed):
        corrections.correct(p, correction.pk, values={"ethnicity": "火星"})  # the schema still applies
    done = corrections.correct(p, correction.pk, values={"address": ADDRESS, "ethnicity": "汉"})
    licence = License.objects.get(pk=id_card.pk)
    assert licence.face["address"] == ADDRESS and licence.face["ethnicity"] == "汉"
    assert [i["applied"] for i in done.items] == [ADDRESS, "汉"]


def test_overdue_reports_are_escalated_once(
    citizen: User,
    id_card: License,
    gaj_chief: User,
    gaj_reviewer: User,
    staff_browser: Callable[[User], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    late = report(citizen, id_card, now=timezone.now() - dt.timedelta(days=30))
    on_time = report(citizen, id_card, items=[{"field": "ethnicity", "proposed": "回"}])
    assert late.due_on < timezone.localdate() <= on_time.due_on
    from tongban.licenses.tasks_corrections import escalate_overdue_corrections

    with django_capture_on_commit_callbacks(execute=True):
        assert escalate_overdue_corrections.call() == 1
    assert _templates(gaj_chief) == ["license.correction_overdue"] and _templates(gaj_reviewer) == []
    late.refresh_from_db()
    assert late.overdue_notified_at is not None
    audit = AuditEvent.objects.get(event="license.correction_overdue")
    assert audit.actor_kind == "system" and audit.object_id == str(late.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert corrections.escalate_overdue() == 0
    assert len(_templates(gaj_chief)) == 1
    queue = staff_browser(gaj_reviewer).get("/api/v1/staff/license-corrections?overdue=true").json()
    assert [(row["id"], row["deadline"], row["overdue"]) for row in queue["items"]] == [
        (late.pk, "red", True)
    ]


def test_statistics_on_a_hand_built_set(
    citizen: User,
    id_card: License,
    gaj_reviewer: User,
    department: Department,
    staff_roles: dict[str, Role],
    staff_browser: Callable[[User], Client],
) -> None:
    business_licence = issue_license(
        license_type=make_type("business_license", department, code=f"{make_uscc('11100000MB000001')}001"),
        issuer=department, holder_code=ENTERPRISE_USCC, holder_name="上海测试餐饮有限公司",
        face=business_face(), issued_on=dt.date(2020, 3, 1), valid_to=None,
    )  # fmt: skip
    p = Principal(user=gaj_reviewer)
    fixed = report(citizen, id_card)
    corrections.accept(p, fixed.pk)
    corrections.correct(p, fixed.pk)
    refused = report(citizen, id_card, items=[{"field": "ethnicity", "proposed": "回"}])
    corrections.reject(p, refused.pk, reason="与户籍一致")
    month_ago = timezone.now() - dt.timedelta(days=30)
    report(citizen, id_card, items=[{"field": "ethnicity", "proposed": "满"}], now=month_ago)
    for rule, severity in (("dates", "error"), ("expiring", "info")):
        QualityFinding.objects.create(
            license=business_licence, department=department, license_type=business_licence.license_type,
            rule=rule, severity=severity, detail="测试",
        )  # fmt: skip

    supervisor = make_staff("supervisor", department, [StaffRole.SUPERVISOR])
    stats = staff_browser(supervisor).get("/api/v1/staff/license-stats").json()
    assert stats["all_departments"] is True
    by_type = {row["name"]: row for row in stats["by_type"]}
    card = by_type["居民身份证"]
    assert {k: card[k] for k in ("licences", "submitted", "corrected", "rejected", "open", "overdue")} == {
        "licences": 1, "submitted": 3, "corrected": 1, "rejected": 1, "open": 1, "overdue": 1,
    }  # fmt: skip
    assert card["error_rate"] == 1.0 and card["findings_open"] == 0
    biz = by_type["营业执照"]
    assert [biz[k] for k in ("licences", "submitted", "error_rate", "findings_open", "findings_errors")] == [
        1, 0, 0.0, 2, 1,
    ]  # fmt: skip
    by_dept = {row["key"]: row for row in stats["by_department"]}
    assert by_dept["gaj-test"]["submitted"] == 3 and by_dept["samr-test"]["findings_open"] == 2
    assert stats["totals"]["licences"] == 2 and stats["totals"]["corrected"] == 1

    own = staff_browser(gaj_reviewer).get("/api/v1/staff/license-stats").json()
    assert own["all_departments"] is False and [r["key"] for r in own["by_department"]] == ["gaj-test"]
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert (
        staff_browser(supervisor)
        .get(f"/api/v1/staff/license-stats?since={tomorrow}")
        .json()["totals"]["submitted"]
        == 0
    )


def test_department_settles_quality_findings(
    id_card: License, gaj: Department, gaj_reviewer: User, gaj_clerk: User, samr_reviewer: User
) -> None:
    finding = QualityFinding.objects.create(
        license=id_card, department=gaj, license_type=id_card.license_type, rule="holder_name",
        severity="warning", detail="姓名与身份记录不一致",
    )  # fmt: skip
    with pytest.raises(NotFound):
        finding_actions.settle_finding(Principal(user=samr_reviewer), finding.pk, outcome="resolved")
    with pytest.raises(Forbidden):
        finding_actions.settle_finding(Principal(user=gaj_clerk), finding.pk, outcome="resolved")
    with pytest.raises(DomainError) as why:
        finding_actions.settle_finding(Principal(user=gaj_reviewer), finding.pk, outcome="dismissed")
    assert why.value.code == "finding_note_required"
    done = finding_actions.settle_finding(
        Principal(user=gaj_reviewer), finding.pk, outcome="dismissed", note="曾用名，核实无误"
    )
    assert done.status == FindingStatus.DISMISSED and done.resolved_by == gaj_reviewer


def test_correcting_a_persons_name_corrects_the_holder_name(
    citizen: User, id_card: License, gaj_reviewer: User
) -> None:
    correction = report(citizen, id_card, items=[{"field": "name", "proposed": "张叁"}])
    p = Principal(user=gaj_reviewer)
    corrections.accept(p, correction.pk)
    corrections.correct(p, correction.pk)
    licence = License.objects.get(pk=id_card.pk)
    assert licence.face["name"] == "张叁" and licence.holder_name == "张叁"


def test_escalation_command(citizen: User, id_card: License, gaj_chief: User) -> None:
    from io import StringIO

    from django.core.management import call_command

    report(citizen, id_card, now=timezone.now() - dt.timedelta(days=30))
    out = StringIO()
    call_command("escalate_corrections", stdout=out)
    assert out.getvalue().startswith("1 ")
    call_command("escalate_corrections", "--enqueue", stdout=out)  # immediate backend in tests
    assert Correction.objects.get().overdue_notified_at is not None


def test_every_notification_renders_without_personal_values(citizen: User, id_card: License) -> None:
    from tongban.notifications.messages import render

    params = corrections._params(report(citizen, id_card))
    for status in ("submitted", "accepted", "corrected", "rejected", "overdue"):
        subject, body = render(f"license.correction_{status}", params)
        assert subject and body and ADDRESS not in body and "上海市黄浦区" not in body


def test_an_enterprise_reports_its_name_through_its_representative(
    citizen: User, enterprise: Any, business_licence: License, samr_reviewer: User
) -> None:
    from tongban.accounts.models import Representation

    rep = Representation.objects.get(person=citizen, legal_person=enterprise)
    acting = Principal(user=citizen, acting_for=enterprise, representation=rep)
    items = [{"field": "holder_name", "proposed": "上海测试餐饮管理有限公司"}]
    correction, created = corrections.submit(acting, business_licence.pk, items=items)
    assert created and correction.department.slug == "samr-test"
    with pytest.raises(NotFound):  # as a person, the enterprise's licence is not in their wallet
        corrections.submit(Principal(user=citizen), business_licence.pk, items=items)
    p = Principal(user=samr_reviewer)
    corrections.accept(p, correction.pk)
    corrections.correct(p, correction.pk)
    licence = License.objects.get(pk=business_licence.pk)
    assert licence.holder_name == licence.face["holder_name"] == "上海测试餐饮管理有限公司"
