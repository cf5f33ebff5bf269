"""The workbench pages of cases through the Django test client: inbox, task actions, issuance, material
viewer and the front desk (帮办代办), signed in as staff who passed the second factor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from tongban.accounts import services as accounts
from tongban.accounts.constants import StaffRole
from tongban.accounts.models import LegalPerson, User
from tongban.audits.models import AuditEvent
from tongban.cases.constants import CaseStatus, ItemStatus, TaskStatus
from tongban.cases.models import Case, Task
from tongban.cases.services import issuance
from tongban.cases.services.submission import Application, submit
from tongban.cases.tests.conftest import PDF, RESTAURANT_FORM, World, complete, open_task
from tongban.conftest import CITIZEN_ID_NUMBER, PERSONA_PASSWORD
from tongban.licenses.models import License
from tongban.organizations.models import Department
from tongban.portal.tests.test_pages import assert_accessible_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(staff_browser: Callable[[User], Client]) -> Callable[[User], Client]:
    """A test client signed in as ``user`` with the second factor passed (the root conftest's)."""
    return staff_browser


def task_url(task: Task) -> str:
    return reverse("cases_workbench:task", args=[task.pk])


def _accept(case: Case, people: dict[str, User]) -> None:
    complete(people["clerk"], open_task(case, "accept"), "accepted")


def _decide_all(
    case: Case, people: dict[str, User], department: Department, swj: Department, tax: Department
) -> None:
    for task in list(case.tasks.filter(status="open", kind="review", department=department)):
        complete(people["samr_reviewer"], task, "approve")
    complete(people["swj_reviewer"], open_task(case, "review", swj), "approve")
    complete(people["tax_reviewer"], open_task(case, "review", tax), "approve")


# --- access and the inbox -------------------------------------------------------------------------
def test_pages_need_the_second_factor(submitted: Case, people: dict[str, User]) -> None:
    client = Client()
    client.force_login(people["clerk"])
    response = client.get(reverse("cases_workbench:inbox"))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_inbox_lists_only_the_departments_tasks(
    submitted: Case,
    people: dict[str, User],
    browser: Callable[[User], Client],
    department: Department,
    swj: Department,
) -> None:
    clerk = browser(people["clerk"])
    html = clerk.get(reverse("cases_workbench:inbox")).content.decode()
    assert_accessible_page(html)
    accept = open_task(submitted, "accept")
    assert f'data-task="{accept.pk}"' in html and str(submitted.case_no) in html
    assert 'data-testid="light-counts"' in html and 'data-testid="count-green"' in html
    _accept(submitted, people)

    swj_task = open_task(submitted, "review", swj)
    Task.objects.filter(pk=swj_task.pk).update(escalated_at=timezone.now())
    swj_page = browser(people["swj_reviewer"]).get(reverse("cases_workbench:inbox")).content.decode()
    assert 'data-testid="escalated"' in swj_page
    samr_tasks = list(submitted.tasks.filter(kind="review", department=department))
    assert f'data-task="{swj_task.pk}"' in swj_page
    assert all(f'data-task="{t.pk}"' not in swj_page for t in samr_tasks)
    # filters: another kind hides it, a search by case number finds it
    url = reverse("cases_workbench:inbox")
    reviewer = browser(people["swj_reviewer"])
    assert f'data-task="{swj_task.pk}"' not in reviewer.get(url, {"kind": "accept"}).content.decode()
    assert f'data-task="{swj_task.pk}"' in reviewer.get(url, {"q": str(submitted.case_no)}).content.decode()
    assert f'data-task="{swj_task.pk}"' not in reviewer.get(url, {"light": "red"}).content.decode()
    # another department's task is not found, not forbidden
    assert reviewer.get(task_url(samr_tasks[0])).status_code == 404

    supervisor = browser(people["supervisor"])
    everything = supervisor.get(url).content.decode()
    assert all(f'data-task="{t.pk}"' in everything for t in [swj_task, *samr_tasks])
    page = supervisor.get(task_url(swj_task)).content.decode()
    assert 'data-testid="read-only"' in page and 'data-testid="actions"' not in page
    response = supervisor.post(task_url(swj_task), {"action": "approve"})
    assert response.status_code == 403 and "task_not_yours" in response.content.decode()
    assert Task.objects.get(pk=swj_task.pk).status == TaskStatus.OPEN


# --- acceptance -----------------------------------------------------------------------------------
def test_accept_via_the_page(
    submitted: Case, people: dict[str, User], browser: Callable[[User], Client]
) -> None:
    clerk = browser(people["clerk"])
    accept = open_task(submitted, "accept")
    html = clerk.get(task_url(accept)).content.decode()
    assert_accessible_page(html)
    assert 'data-testid="accept"' in html and 'data-testid="notice-builder"' in html
    assert 'data-testid="approve"' not in html  # review decisions belong to review tasks
    assert RESTAURANT_FORM["company_name"] in html
    response = clerk.post(task_url(accept), {"action": "accepted", "comment": "材料齐全"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.IN_REVIEW
    after = clerk.get(response["Location"]).content.decode()
    assert 'data-testid="read-only"' in after and "材料齐全" in after


def test_one_time_notice_via_the_builder(
    submitted: Case, people: dict[str, User], browser: Callable[[User], Client]
) -> None:
    clerk = browser(people["clerk"])
    accept = open_task(submitted, "accept")
    # a ticked row without a reason is refused and nothing is sent
    response = clerk.post(
        task_url(accept), {"action": "notice", "notice_target": ["material:premises_proof"]}
    )
    assert response.status_code == 400
    assert 'data-code="reason_unknown"' in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.SUBMITTED and not submitted.notices.exists()

    response = clerk.post(
        task_url(accept),
        {
            "action": "notice",
            "notice_target": ["material:premises_proof", "field:business_address"],
            "reason__material:premises_proof": "material_illegible",
            "text__material:premises_proof": "租赁合同第2页模糊",
            "reason__field:business_address": "form_error",
            "text__field:business_address": "",
            "reason__field:shop_area": "form_error",  # not ticked: left out
        },
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.NOTICE
    entries = submitted.notices.get().entries
    assert [e["target"] for e in entries] == ["material:premises_proof", "field:business_address"]
    assert "租赁合同第2页模糊" in entries[0]["text"]


def test_not_accepted_needs_a_reason(
    submitted: Case, people: dict[str, User], browser: Callable[[User], Client]
) -> None:
    clerk = browser(people["clerk"])
    accept = open_task(submitted, "accept")
    response = clerk.post(task_url(accept), {"action": "not_accepted", "reason": ""})
    assert response.status_code == 400 and 'data-code="reason_required"' in response.content.decode()
    response = clerk.post(task_url(accept), {"action": "not_accepted", "reason": "not_competent"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.NOT_ACCEPTED


# --- review ---------------------------------------------------------------------------------------
def test_approve_and_refuse_via_the_page(
    submitted: Case,
    people: dict[str, User],
    browser: Callable[[User], Client],
    department: Department,
    swj: Department,
) -> None:
    _accept(submitted, people)
    swj_task = open_task(submitted, "review", swj)
    swj_client = browser(people["swj_reviewer"])
    html = swj_client.get(task_url(swj_task)).content.decode()
    assert_accessible_page(html)
    assert 'data-testid="approve"' in html and 'data-testid="reject"' in html
    assert 'data-testid="supplement"' in html
    assert "conditions_not_met" in html  # the refusal reasons to choose from
    response = swj_client.post(task_url(swj_task), {"action": "reject", "reason": ""})
    assert response.status_code == 400 and 'data-code="reason_required"' in response.content.decode()
    response = swj_client.post(
        task_url(swj_task), {"action": "reject", "reason": "conditions_not_met", "reason_text": "排水量超标"}
    )
    assert response.status_code == 302
    drainage = submitted.items.get(department=swj)
    assert drainage.status == ItemStatus.REJECTED and "排水量超标" in drainage.decision_text

    samr_task = submitted.tasks.filter(kind="review", department=department, status="open").first()
    assert samr_task is not None
    samr_client = browser(people["samr_reviewer"])
    response = samr_client.post(task_url(samr_task), {"action": "approve", "comment": "符合条件"})
    assert response.status_code == 302
    assert samr_task.case_item is not None
    samr_task.case_item.refresh_from_db()
    assert samr_task.case_item.status == ItemStatus.APPROVED


def test_supplement_request_and_comment_from_a_review(
    submitted: Case, people: dict[str, User], browser: Callable[[User], Client], swj: Department
) -> None:
    _accept(submitted, people)
    task = open_task(submitted, "review", swj)
    client = browser(people["swj_reviewer"])
    response = client.post(task_url(task), {"action": "comment", "comment": "待现场核查"})
    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).status == TaskStatus.OPEN
    assert submitted.events.filter(kind="comment", public=False, message="待现场核查").exists()
    html = client.get(task_url(task)).content.decode()
    # the builder names what this item needs: its form field, not another item's
    assert "field:drainage_volume" in html and "field:business_scope" not in html
    response = client.post(
        task_url(task),
        {
            "action": "supplement",
            "notice_target": ["field:drainage_volume"],
            "reason__field:drainage_volume": "form_error",
            "text__field:drainage_volume": "请提供排水量测算依据",
        },
    )
    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).status == TaskStatus.WAITING
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.NOTICE
    assert 'data-light="suspended"' in client.get(reverse("cases_workbench:inbox")).content.decode()


# --- conflict -------------------------------------------------------------------------------------
def test_second_completion_shows_the_conflict_and_changes_nothing(
    submitted: Case,
    people: dict[str, User],
    browser: Callable[[User], Client],
    front_desk: Department,
) -> None:
    other = accounts.create_staff(
        username="clerk2",
        password=PERSONA_PASSWORD,
        real_name="测试clerk2",
        employee_no="T-clerk2",
        department_id=front_desk.pk,
        roles=[StaffRole.WINDOW_CLERK],
    )
    accept = open_task(submitted, "accept")
    first, second = browser(people["clerk"]), browser(other)
    assert 'data-testid="accept"' in second.get(task_url(accept)).content.decode()  # both see it open
    assert first.post(task_url(accept), {"action": "accepted"}).status_code == 302
    response = second.post(task_url(accept), {"action": "not_accepted", "reason": "not_competent"})
    html = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="conflict"' in html and "已由他人办理" in html
    assert 'data-code="task_already_completed"' in html
    assert 'data-testid="actions"' not in html  # the page shows the task as it is now
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.IN_REVIEW
    assert submitted.tasks.filter(kind="review").count() == 4
    assert Task.objects.get(pk=accept.pk).completed_by == people["clerk"]


# --- issuance -------------------------------------------------------------------------------------
def _face_post(case: Case, **overrides: str) -> dict[str, str]:
    data = {"action": "issue"}
    for code, face in issuance.draft_faces(case).items():
        for name, value in face.items():
            data[f"face__{code}__{name}"] = str(value)
    return data | overrides


def test_issuance_page_shows_drafted_faces_and_issues(
    submitted: Case,
    people: dict[str, User],
    browser: Callable[[User], Client],
    department: Department,
    swj: Department,
    tax: Department,
    catalogue: World,
) -> None:
    _accept(submitted, people)
    _decide_all(submitted, people, department, swj, tax)
    issue = open_task(submitted, "issue")
    clerk = browser(people["clerk"])
    html = clerk.get(task_url(issue)).content.decode()
    assert_accessible_page(html)
    drainage = catalogue.item_drainage.code
    for code in (catalogue.item_company.code, catalogue.item_food.code, drainage):
        assert f'data-testid="face-{code}"' in html
    assert f'data-testid="face-{catalogue.item_tax.code}"' not in html  # no licence as its result
    assert f'name="face__{drainage}__daily_volume_m3" value="8"' in html  # drafted from the form

    # a value the licence library refuses: shown, nothing issued
    bad = _face_post(submitted, **{f"face__{drainage}__issue_date": "2026-13-45"})
    response = clerk.post(task_url(issue), bad)
    assert response.status_code == 422
    assert "face_field_invalid" in response.content.decode() and "cw-missing" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.DECIDED and not License.objects.filter(case_items__case=submitted)

    response = clerk.post(
        task_url(issue), _face_post(submitted, **{f"face__{drainage}__daily_volume_m3": "9.5"})
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.CLOSED
    licence = submitted.items.get(item_code=drainage).result_license
    assert licence is not None and licence.face["daily_volume_m3"] == 9.5


def test_pickup_results_are_handed_over_at_the_window(
    applicant: Any,
    people: dict[str, User],
    restaurant_app: Callable[..., Application],
    browser: Callable[[User], Client],
    department: Department,
    swj: Department,
    tax: Department,
) -> None:
    case = submit(applicant, restaurant_app(delivery_method="pickup"), idempotency_key="pickup-1")
    _accept(case, people)
    _decide_all(case, people, department, swj, tax)
    issue = open_task(case, "issue")
    complete(people["clerk"], issue, "issue")
    case.refresh_from_db()
    assert case.status == CaseStatus.ISSUED
    clerk = browser(people["clerk"])
    inbox = clerk.get(reverse("cases_workbench:inbox")).content.decode()
    assert 'data-testid="pickups"' in inbox and str(case.case_no) in inbox
    reviewer_page = browser(people["samr_reviewer"]).get(
        task_url(case.tasks.filter(department=department).first())  # type: ignore[arg-type]
    )
    assert 'data-testid="deliver"' not in reviewer_page.content.decode()
    assert 'data-testid="deliver"' in clerk.get(task_url(issue)).content.decode()
    assert clerk.post(task_url(issue), {"action": "deliver"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.delivered_at is not None


def test_section_chief_extends_the_deadline(
    submitted: Case, people: dict[str, User], browser: Callable[[User], Client], department: Department
) -> None:
    _accept(submitted, people)
    submitted.refresh_from_db()
    due = submitted.due_on
    task = submitted.tasks.filter(kind="review", department=department, status="open").first()
    assert task is not None
    chief = browser(people["samr_chief"])
    assert 'data-testid="extend"' in chief.get(task_url(task)).content.decode()
    assert (
        'data-testid="extend"'
        not in browser(people["clerk"]).get(task_url(submitted.tasks.get(kind="accept"))).content.decode()
    )
    response = chief.post(task_url(task), {"action": "extend", "days": "x", "reason": "现场核查"})
    assert response.status_code == 400 and 'data-code="extension_days_invalid"' in response.content.decode()
    response = chief.post(task_url(task), {"action": "extend", "days": "2", "reason": "需现场核查"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.extended_days == 2 and submitted.due_on != due


# --- the material viewer --------------------------------------------------------------------------
def test_material_viewer_streams_for_the_department_and_refuses_others(
    submitted: Case,
    people: dict[str, User],
    browser: Callable[[User], Client],
    department: Department,
    gaj: Department,
) -> None:
    _accept(submitted, people)
    task = submitted.tasks.filter(kind="review", department=department).first()
    assert task is not None
    material = submitted.materials.get(kind__code="premises_proof")
    url = reverse("cases_workbench:material_file", args=[task.pk, material.pk])
    samr = browser(people["samr_reviewer"])

    page = samr.get(task_url(task), {"view": material.pk}).content.decode()
    assert_accessible_page(page)
    assert f'<iframe class="cw-viewer-frame" src="{url}"' in page
    fetched = submitted.materials.get(kind__code="business_license")
    assert f'data-testid="fetched-{fetched.kind.code}"' in page
    assert not AuditEvent.objects.filter(event="case.material_viewed").exists()  # the page is not the file

    response = samr.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    event = AuditEvent.objects.get(event="case.material_viewed")
    assert event.actor_id == people["samr_reviewer"].pk and event.subject_user_id == submitted.applicant_id
    assert event.summary["material"] == "premises_proof"

    # a department with nothing to do with the case, and one using another department's task
    outsider = accounts.create_staff(
        username="gaj_reviewer",
        password=PERSONA_PASSWORD,
        real_name="测试gaj",
        employee_no="T-gaj",
        department_id=gaj.pk,
        roles=[StaffRole.REVIEWER],
    )
    assert browser(outsider).get(url).status_code == 404
    assert browser(people["swj_reviewer"]).get(url).status_code == 404
    other_material = reverse("cases_workbench:material_file", args=[task.pk, material.pk + 1000])
    assert samr.get(other_material).status_code == 404
    assert AuditEvent.objects.filter(event="case.material_viewed").count() == 1


# --- front desk -----------------------------------------------------------------------------------
def test_walk_in_registration_creates_a_case_registered_by_the_clerk(
    people: dict[str, User],
    browser: Callable[[User], Client],
    citizen: User,
    enterprise: LegalPerson,
    business_licence: License,
    id_card: License,
) -> None:
    url = reverse("cases_workbench:walk_in")
    assert browser(people["samr_reviewer"]).get(url).status_code == 403
    clerk = browser(people["clerk"])
    assert_accessible_page(clerk.get(url).content.decode())
    find = {
        "step": "find",
        "id_number": CITIZEN_ID_NUMBER,
        "uscc": enterprise.uscc,
        "target_kind": "bundle",
        "bundle_code": "open-restaurant",
    }
    missing = clerk.post(url, find | {"id_number": ""})
    assert missing.status_code == 400 and 'data-code="id_number_required"' in missing.content.decode()
    response = clerk.post(url, find)
    html = response.content.decode()
    assert response.status_code == 200
    assert_accessible_page(html)
    assert 'data-testid="walk-in-form"' in html and 'name="form__shop_area"' in html
    assert (
        'data-testid="consent-business_license"' in html and 'name="presentation__business_license"' in html
    )
    assert CITIZEN_ID_NUMBER not in html  # masked, and kept in the session rather than the page
    assert AuditEvent.objects.filter(event="personal_data.viewed", subject_user_id=citizen.pk).exists()

    submit_data: dict[str, Any] = {
        "step": "submit",
        "target_kind": "bundle",
        "target_code": "open-restaurant",
        "idempotency_key": "walk-in-1",
        "delivery_method": "pickup",
        "consent": ["business_license", "id_card"],
        **{f"form__{k}": str(v) for k, v in RESTAURANT_FORM.items() if k != "shop_area"},
    }
    # a missing answer: refused with the field named, the file already stored is kept for the retry
    response = clerk.post(
        url,
        submit_data | {"file__premises_proof": SimpleUploadedFile("租赁合同.pdf", PDF, "application/pdf")},
    )
    html = response.content.decode()
    assert response.status_code == 422 and "form_field_required" in html
    assert 'data-testid="kept-premises_proof"' in html
    assert not Case.objects.exists()
    kept = html.split('name="upload__premises_proof" value="', 1)[1].split('"', 1)[0]

    response = clerk.post(url, submit_data | {"form__shop_area": "120", "upload__premises_proof": kept})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.registered_by == people["clerk"] and case.channel == "window"
    assert case.applicant == citizen and case.acting_for == enterprise
    assert case.delivery_method == "pickup"
    accept = open_task(case, "accept")
    assert response["Location"] == task_url(accept)
    inbox = clerk.get(reverse("cases_workbench:inbox")).content.decode()
    assert f'data-task="{accept.pk}"' in inbox
    assert "tb_cases_walk_in" not in clerk.session


def test_walk_in_refuses_a_person_not_authorised_for_the_business(
    people: dict[str, User],
    browser: Callable[[User], Client],
    other_citizen: User,
    enterprise: LegalPerson,
    catalogue: World,
) -> None:
    from tongban.conftest import OTHER_CITIZEN_ID_NUMBER

    clerk = browser(people["clerk"])
    response = clerk.post(
        reverse("cases_workbench:walk_in"),
        {
            "step": "find",
            "id_number": OTHER_CITIZEN_ID_NUMBER,
            "uscc": enterprise.uscc,
            "target_kind": "item",
            "item_code": catalogue.item_food.code,
        },
    )
    assert response.status_code == 403
    assert 'data-code="not_authorised_for_legal_person"' in response.content.decode()
    # without the session of a found applicant, a posted form starts again
    response = clerk.post(
        reverse("cases_workbench:walk_in"),
        {"step": "submit", "target_kind": "item", "target_code": catalogue.item_food.code},
    )
    assert response.status_code == 400 and 'data-code="walk_in_restart"' in response.content.decode()


def test_walk_in_takes_the_licence_qr_code_instead_of_a_copy(
    people: dict[str, User],
    browser: Callable[[User], Client],
    citizen: User,
    enterprise: LegalPerson,
    business_licence: License,
    catalogue: World,
) -> None:
    from tongban.cases.tests.conftest import as_principal
    from tongban.licenses.services.presentations import present

    shown = present(as_principal(citizen, enterprise), business_licence.pk, ["uscc", "holder_name"])
    url = reverse("cases_workbench:walk_in")
    clerk = browser(people["clerk"])
    find = {"step": "find", "id_number": CITIZEN_ID_NUMBER, "uscc": enterprise.uscc, "target_kind": "item"}
    response = clerk.post(url, find | {"item_code": catalogue.item_food.code})
    assert (
        response.status_code == 200 and 'name="presentation__business_license"' in response.content.decode()
    )
    keys = ("company_name", "business_address", "main_business_type", "business_items", "shop_area")
    response = clerk.post(
        url,
        {
            "step": "submit",
            "target_kind": "item",
            "target_code": catalogue.item_food.code,
            "idempotency_key": "walk-in-qr",
            "delivery_method": "electronic",
            "presentation__business_license": f"  {shown.token}\n",
            "file__premises_proof": SimpleUploadedFile("租赁合同.pdf", PDF, "application/pdf"),
            **{f"form__{k}": str(RESTAURANT_FORM[k]) for k in keys},
        },
    )
    assert response.status_code == 302, response.content.decode()
    case = Case.objects.get()
    material = case.materials.get(kind__code="business_license")
    assert material.source == "license_qr" and material.upload is None
    assert material.fetched["uscc"] == enterprise.uscc
    page = clerk.get(response["Location"]).content.decode()
    assert 'data-testid="fetched-business_license"' in page and enterprise.uscc in page
