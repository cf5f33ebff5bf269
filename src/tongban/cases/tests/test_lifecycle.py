"""The life of a case through the service layer: submit, accept, parallel review, issue; notice and
supplement; not accepted; refusal; withdrawal; idempotent submission; double completion."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.audits.models import AuditEvent
from tongban.cases import numbers
from tongban.cases.constants import CaseStatus, ItemStatus, MaterialSource, MaterialStatus, TaskStatus
from tongban.cases.models import Case, CaseEvent
from tongban.cases.services.flow import NoticeEntry
from tongban.cases.services.submission import Application, MaterialInput, submit
from tongban.cases.services.supplements import supplement
from tongban.cases.tests.conftest import World, as_principal, complete, open_task
from tongban.licenses.constants import LicenseStatus
from tongban.licenses.models import License, LicenseAccess
from tongban.notifications.models import Notification
from tongban.organizations.models import Department
from tongban.utils.errors import Conflict, ValidationFailed


def _accept(case: Case, people: dict[str, User]) -> None:
    complete(people["clerk"], open_task(case, "accept"), "accepted")


def test_submission_numbers_the_case_and_uses_licences_instead_of_uploads(
    submitted: Case, catalogue: World, citizen: User
) -> None:
    case = submitted
    assert numbers.is_valid(case.case_no or "")
    assert case.status == CaseStatus.SUBMITTED
    assert case.items.count() == 4
    materials = {m.kind.code: m for m in case.materials.all()}
    assert materials["business_license"].status == MaterialStatus.EXEMPT
    assert materials["business_license"].source == MaterialSource.E_LICENSE
    assert materials["business_license"].fetched["fields"]["uscc"]
    assert materials["id_card"].source == MaterialSource.E_LICENSE  # the representative's own ID card
    assert materials["premises_proof"].status == MaterialStatus.PROVIDED
    assert materials["site_plan"].status == MaterialStatus.MISSING  # conditional, not given
    assert (case.materials_exempted, case.materials_submitted, case.visits_required) == (2, 1, 0)
    # every fetch is logged for the holder, with the case number
    assert LicenseAccess.objects.filter(case_reference=case.case_no).count() == 2
    # the front desk has exactly one acceptance task for the whole bundle
    assert case.tasks.filter(kind="accept", status="open").count() == 1
    assert Notification.objects.filter(recipient=citizen, template="case.submitted").exists()
    assert AuditEvent.objects.filter(event="case.submitted", object_id=str(case.pk)).exists()


def test_bundle_reviews_run_in_parallel_and_join_for_one_issuance(
    submitted: Case, people: dict[str, User], department: Department, swj: Department, tax: Department
) -> None:
    case = submitted
    _accept(case, people)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW and case.due_on is not None
    reviews = case.tasks.filter(kind="review", status="open")
    assert {t.department_id for t in reviews} == {department.pk, swj.pk, tax.pk}
    assert reviews.count() == 4
    # approving some reviews does not yet open issuance (the join waits for all)
    complete(people["swj_reviewer"], open_task(case, "review", swj), "approve")
    assert not case.tasks.filter(kind="issue").exists()
    for task in list(case.tasks.filter(status="open", kind="review", department=department)):
        complete(people["samr_reviewer"], task, "approve")
    complete(people["tax_reviewer"], open_task(case, "review", tax), "approve")
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
    issue = open_task(case, "issue")
    complete(people["clerk"], issue, "issue")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.elapsed_days is not None and case.rating_invited_at is not None
    results = {ci.item_code: ci.result_license for ci in case.items.all()}
    issued = [lic for lic in results.values() if lic is not None]
    assert len(issued) == 3  # 营业执照 (new version), 食品经营许可证, 排水许可证; tax has no licence
    assert all(lic.status == LicenseStatus.VALID and lic.credential for lic in issued)
    # the enterprise's existing 营业执照 was re-issued as version 2, not duplicated
    business = [lic for lic in issued if lic.license_type.one_per_holder]
    assert business and business[0].version == 2
    assert (
        License.objects.filter(
            holder_hash=business[0].holder_hash, license_type=business[0].license_type
        ).count()
        == 1
    )
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    for expected in ("submitted", "accepted", "decided", "issued", "delivered", "closed"):
        assert expected in kinds


def test_one_time_notice_suspends_until_the_applicant_supplements(
    submitted: Case, people: dict[str, User], applicant: Principal, upload: Callable[..., Any]
) -> None:
    case = submitted
    accept = open_task(case, "accept")
    complete(
        people["clerk"],
        accept,
        "notice",
        notice=[
            NoticeEntry("material:premises_proof", "material_illegible", "租赁合同第2页模糊"),
            NoticeEntry("field:business_address", "form_error", "门牌号缺失"),
        ],
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.NOTICE
    assert case.tasks.filter(kind="supplement", status="open").count() == 1
    notice = case.notices.get()
    assert len(notice.entries) == 2 and all(e["text"] for e in notice.entries)
    with pytest.raises(ValidationFailed) as exc:
        supplement(applicant, case, form={})
    assert {e.code for e in exc.value.errors} == {"supplement_material_required", "supplement_field_required"}
    new_file = upload("租赁合同（清晰版）.pdf")
    supplement(
        applicant,
        case,
        form={"business_address": "上海市黄浦区测试路1号一层101室"},
        materials=[MaterialInput("premises_proof", str(new_file.uid))],
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert case.form["business_address"].endswith("101室")
    assert case.tasks.filter(kind="accept", status="open").count() == 1  # back at the front desk
    _accept(case, people)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW


def test_not_accepted_needs_a_legal_reason_and_ends_the_case(
    submitted: Case, people: dict[str, User]
) -> None:
    accept = open_task(submitted, "accept")
    with pytest.raises(Exception) as exc:
        complete(people["clerk"], accept, "not_accepted")
    assert getattr(exc.value, "code", "") == "reason_required"
    complete(people["clerk"], accept, "not_accepted", reason="not_competent")
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.NOT_ACCEPTED
    assert set(submitted.items.values_list("status", flat=True)) == {ItemStatus.CANCELLED}
    assert not submitted.tasks.filter(status="open").exists()


def test_refusal_is_issued_with_its_reason(
    submitted: Case, people: dict[str, User], department: Department, swj: Department, tax: Department
) -> None:
    _accept(submitted, people)
    complete(
        people["swj_reviewer"], open_task(submitted, "review", swj), "reject", reason="conditions_not_met"
    )
    for task in list(submitted.tasks.filter(status="open", kind="review", department=department)):
        complete(people["samr_reviewer"], task, "approve")
    complete(people["tax_reviewer"], open_task(submitted, "review", tax), "approve")
    complete(people["clerk"], open_task(submitted, "issue"), "issue")
    drainage = submitted.items.get(department=swj)
    assert drainage.status == ItemStatus.REJECTED and drainage.result_license is None
    assert "行政许可法" in drainage.decision_text
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.CLOSED


def test_withdraw_before_decision_only(
    submitted: Case, people: dict[str, User], applicant: Principal, swj: Department
) -> None:
    from tongban.cases.services.flow import withdraw

    _accept(submitted, people)
    complete(people["swj_reviewer"], open_task(submitted, "review", swj), "approve")
    with pytest.raises(Conflict) as exc:
        withdraw(applicant, submitted)
    assert exc.value.code == "case_not_withdrawable"


def test_withdraw_cancels_every_task(submitted: Case, people: dict[str, User], applicant: Principal) -> None:
    from tongban.cases.services.flow import withdraw

    _accept(submitted, people)
    withdraw(applicant, submitted, reason="改期开业")
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.WITHDRAWN
    assert not submitted.tasks.filter(status__in=[TaskStatus.OPEN, TaskStatus.WAITING]).exists()


def test_same_idempotency_key_returns_the_same_case(
    applicant: Principal, people: dict[str, User], restaurant_app: Callable[..., Application]
) -> None:
    app = restaurant_app()
    first = submit(applicant, app, idempotency_key="k-42")
    again = submit(applicant, app, idempotency_key="k-42")
    assert again.pk == first.pk
    assert Case.objects.filter(applicant=applicant.user).count() == 1
    other = restaurant_app(form={**app.form, "shop_area": 80})
    with pytest.raises(Conflict) as exc:
        submit(applicant, other, idempotency_key="k-42")
    assert exc.value.code == "idempotency_key_reused"


def test_second_completion_of_the_same_task_conflicts(submitted: Case, people: dict[str, User]) -> None:
    accept = open_task(submitted, "accept")
    complete(people["clerk"], accept, "accepted")
    with pytest.raises(Conflict) as exc:
        complete(people["clerk"], accept, "accepted")
    assert exc.value.code == "task_already_completed"
    submitted.refresh_from_db()
    assert submitted.tasks.filter(kind="review").count() == 4  # advanced once, not twice


def test_missing_required_material_is_refused_with_every_problem(
    applicant: Principal, people: dict[str, User], restaurant_app: Callable[..., Application]
) -> None:
    app = restaurant_app(materials=[], consents=[], form={"company_name": ""})
    with pytest.raises(ValidationFailed) as exc:
        submit(applicant, app)
    codes = {(e.code, e.field) for e in exc.value.errors}
    assert ("form_field_required", "shop_area") in codes
    assert not Case.objects.exists()


def test_staff_on_behalf_records_who_acted(
    people: dict[str, User], citizen: User, enterprise: Any, business_licence: Any, id_card: Any, upload: Any
) -> None:
    from tongban.accounts.services import find_person_by_id_number
    from tongban.cases.services.submission import walk_in_applicant
    from tongban.conftest import CITIZEN_ID_NUMBER

    clerk = as_principal(people["clerk"])
    person = find_person_by_id_number(CITIZEN_ID_NUMBER)
    assert person is not None
    file = upload(who=clerk)
    from tongban.cases.tests.conftest import RESTAURANT_FORM

    case = submit(
        clerk,
        Application(
            "bundle",
            "open-restaurant",
            form=dict(RESTAURANT_FORM),
            materials=[MaterialInput("premises_proof", str(file.uid))],
            consents=["business_license", "id_card"],
        ),
        walk_in=walk_in_applicant(person, enterprise),
    )
    assert case.channel == "window" and case.registered_by == people["clerk"]
    assert case.applicant == citizen and case.acting_for == enterprise
    assert case.front_desk == people["clerk"].staff.department


def test_items_not_offered_online_are_refused_online_but_a_window_may_register_them(
    applicant: Principal,
    people: dict[str, User],
    restaurant_app: Callable[..., Application],
    catalogue: World,
    enterprise: Any,
    upload: Callable[..., Any],
) -> None:
    from tongban.accounts.services import find_person_by_id_number
    from tongban.cases.services.submission import walk_in_applicant
    from tongban.conftest import CITIZEN_ID_NUMBER

    catalogue.item_tax.online_depth = 2  # II: forms online, application at the window
    catalogue.item_tax.save(update_fields=["online_depth"])
    with pytest.raises(Exception) as exc:
        submit(applicant, restaurant_app())
    assert getattr(exc.value, "code", "") == "target_not_online"
    assert not Case.objects.exists()
    clerk = as_principal(people["clerk"])
    person = find_person_by_id_number(CITIZEN_ID_NUMBER)
    assert person is not None
    app = restaurant_app(materials=[MaterialInput("premises_proof", str(upload(who=clerk).uid))])
    case = submit(clerk, app, walk_in=walk_in_applicant(person, enterprise))
    assert case.channel == "window" and case.status == CaseStatus.SUBMITTED
