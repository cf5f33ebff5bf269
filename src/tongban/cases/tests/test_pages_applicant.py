"""The applicant's case pages through the Django test client and the real services: apply once (bundle
situations, merged form, consent, uploads, drafts, idempotent submission), 我的办件, one case with its
timeline, supplement (补正) and withdrawal.

Page texts are English msgids translated to Chinese later; assertions on texts compare with ``gettext``
under zh-hans, so they hold before and after the translations land.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

import pytest

from tongban.accounts.models import LegalPerson, User
from tongban.accounts.request import ACTING_FOR_SESSION_KEY
from tongban.bundles.models import BundleItem, Situation
from tongban.cases.clocks import Light
from tongban.cases.constants import CaseStatus, MaterialSource, MaterialStatus
from tongban.cases.models import Case, CaseEvent, Upload
from tongban.cases.services.flow import NoticeEntry
from tongban.cases.tests.conftest import PDF, RESTAURANT_FORM, World, complete, open_task
from tongban.items.constants import MaterialSource as ItemMaterialSource
from tongban.items.constants import Requirement
from tongban.items.models import Material, MaterialKind
from tongban.licenses.models import License
from tongban.organizations.models import Department
from tongban.portal.tests.test_pages import assert_accessible_page, signed_in

pytestmark = pytest.mark.django_db

APPLY_URL = "/cases/apply/bundle/open-restaurant/"
KEY_IN_PAGE = re.compile(r'name="idempotency_key" value="([0-9a-f]+)"')
KEPT_UPLOAD = re.compile(r'name="u_premises_proof" value="([0-9a-f-]+)"')


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def enterprise_client(
    citizen: User,
    enterprise: LegalPerson,
    business_licence: License,
    id_card: License,
    people: dict[str, User],
) -> Client:
    """``citizen`` signed in and acting for ``enterprise`` (its legal representative), as after the switch
    on the account page."""
    client = signed_in(Client(), citizen)
    session = client.session
    session[ACTING_FOR_SESSION_KEY] = enterprise.pk
    session.save()
    return client


def pdf(name: str = "租赁合同.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def answers(**overrides: Any) -> dict[str, Any]:
    """The restaurant form as the page posts it (every answer a string), plus consents and delivery."""
    data: dict[str, Any] = {f"f_{key}": str(value) for key, value in RESTAURANT_FORM.items()}
    data |= {"consent": ["business_license", "id_card"], "delivery_method": "electronic", "action": "submit"}
    data.update(overrides)
    return data


def page_key(client: Client, url: str = APPLY_URL) -> str:
    match = KEY_IN_PAGE.search(client.get(url).content.decode())
    assert match, "the form carries an idempotency key"
    return match.group(1)


# --- the form -----------------------------------------------------------------------------------------
def test_apply_page_asks_each_merged_field_once_with_prefill_and_consent(enterprise_client: Client) -> None:
    response = enterprise_client.get(APPLY_URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert_accessible_page(html)
    assert "no-store" in response.headers["Cache-Control"]
    # company_name is asked by all four items and business_address by two: each appears once
    for key in RESTAURANT_FORM:
        assert html.count(f'name="f_{key}"') == 1, key
    assert '<select id="f-main_business_type" name="f_main_business_type"' in html
    assert '<option value="餐饮服务经营者">' in html
    assert '<textarea id="f-business_scope"' in html
    # prefilled from the enterprise register, and says so
    assert 'name="f_company_name" value="上海测试餐饮有限公司"' in html
    assert zh("From the enterprise register") in html
    # each material once; exempt e-licences with a consent ticked by default, naming the licence type
    assert html.count('data-kind="business_license"') == 1
    consent = zh("We will fetch your %(name)s from the electronic licence library (no upload needed).")
    assert consent % {"name": "营业执照"} in html and consent % {"name": "居民身份证"} in html
    assert 'name="consent" value="business_license" checked' in html
    assert 'name="m_premises_proof" accept=".pdf,.jpg,.jpeg,.png,.ofd"' in html
    needed_by = re.search(r'data-kind="business_license".*?data-testid="needed-by">(.*?)</p>', html, re.S)
    assert needed_by and all(n in needed_by.group(1) for n in ("食品经营许可", "城镇污水排入排水管网许可"))
    assert 'name="delivery_method" value="electronic" checked' in html
    assert KEY_IN_PAGE.search(html)


def test_bundle_situations_come_first(enterprise_client: Client, catalogue: World) -> None:
    situation = Situation.objects.create(
        bundle=catalogue.bundle, code="drains", question="经营中有污水排放吗？"
    )
    BundleItem.objects.filter(bundle=catalogue.bundle, item_code=catalogue.item_drainage.code).update(
        situation=situation
    )
    html = enterprise_client.get(APPLY_URL).content.decode()
    assert 'data-testid="situations-form"' in html and "经营中有污水排放吗？" in html
    assert 'name="f_company_name"' not in html
    without = enterprise_client.get(f"{APPLY_URL}?chosen=1").content.decode()
    assert 'name="f_company_name"' in without and 'name="f_drainage_volume"' not in without
    with_it = enterprise_client.get(f"{APPLY_URL}?s=drains").content.decode()
    assert (
        'name="f_drainage_volume"' in with_it and '<input type="hidden" name="s" value="drains">' in with_it
    )
    unknown = enterprise_client.get(f"{APPLY_URL}?s=nope")
    assert unknown.status_code == 400 and "situation_unknown" in unknown.content.decode()


def test_guides_link_to_the_apply_page(enterprise_client: Client, catalogue: World) -> None:
    item = catalogue.item_food
    html = enterprise_client.get(f"/services/{item.code}/").content.decode()
    assert f'href="/cases/apply/item/{item.code}/"' in html
    html = enterprise_client.get("/bundles/open-restaurant/").content.decode()
    assert f'href="{APPLY_URL}"' in html
    assert 'href="/cases/" data-testid="nav-cases"' in html


def test_sign_in_and_real_name_verification_are_required(
    client: Client, other_citizen: User, catalogue: World
) -> None:
    response = client.get(APPLY_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = signed_in(Client(), other_citizen).get(APPLY_URL)
    html = response.content.decode()
    assert response.status_code == 403
    assert_accessible_page(html)
    assert 'data-code="not_verified"' in html and 'name="f_company_name"' not in html


# --- submitting ---------------------------------------------------------------------------------------
def test_submitting_with_a_pdf_creates_the_case_and_shows_its_number(enterprise_client: Client) -> None:
    key = page_key(enterprise_client)
    response = enterprise_client.post(APPLY_URL, answers(idempotency_key=key, m_premises_proof=pdf()))
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.case_no}/"
    assert case.status == CaseStatus.SUBMITTED and case.idempotency_key == key
    assert case.form["shop_area"] == 120 and case.acting_for is not None
    materials = {m.kind.code: m for m in case.materials.select_related("upload")}
    assert materials["premises_proof"].status == MaterialStatus.PROVIDED
    assert materials["premises_proof"].upload.original_name == "租赁合同.pdf"
    assert materials["business_license"].source == MaterialSource.E_LICENSE
    html = enterprise_client.get(response["Location"]).content.decode()
    assert_accessible_page(html)
    success = zh("Your application was submitted. Case number: %(case_no)s") % {"case_no": case.case_no}
    assert success in html


def test_missing_upload_is_reported_and_the_answers_are_kept(enterprise_client: Client) -> None:
    response = enterprise_client.post(
        APPLY_URL, answers(f_business_address="上海市黄浦区新地址8号", idempotency_key="k1")
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert_accessible_page(html)
    assert 'data-error-for="premises_proof"' in html and 'data-code="material_required"' in html
    assert 'href="#m-premises_proof"' in html  # the summary links to the file input
    assert 'value="上海市黄浦区新地址8号"' in html and '<option value="餐饮服务经营者" selected>' in html
    assert 'name="idempotency_key" value="k1"' in html
    assert not Case.objects.exists()


def test_an_uploaded_file_is_kept_when_another_answer_is_wrong(enterprise_client: Client) -> None:
    response = enterprise_client.post(
        APPLY_URL, answers(f_shop_area="一百", idempotency_key="k2", m_premises_proof=pdf())
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'data-error-for="shop_area"' in html and "form_field_not_a_number" in html
    kept = KEPT_UPLOAD.search(html)
    assert kept and "租赁合同.pdf" in html
    assert not Case.objects.exists()
    response = enterprise_client.post(
        APPLY_URL, answers(f_shop_area="１２０", idempotency_key="k2", u_premises_proof=kept.group(1))
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.form["shop_area"] == 120  # full-width digits folded by the service
    assert str(case.materials.get(kind__code="premises_proof").upload.uid) == kept.group(1)
    assert Upload.objects.count() == 1


def test_a_refused_file_is_reported_on_its_material(enterprise_client: Client) -> None:
    fake = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = enterprise_client.post(APPLY_URL, answers(idempotency_key="k3", m_premises_proof=fake))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-error-for="premises_proof"' in html and "upload_executable" in html
    assert not Case.objects.exists() and not Upload.objects.exists()


def test_double_submit_with_the_same_key_makes_one_case(enterprise_client: Client) -> None:
    key = page_key(enterprise_client)
    first = enterprise_client.post(APPLY_URL, answers(idempotency_key=key, m_premises_proof=pdf()))
    # the browser sends the file again with the repeated request
    second = enterprise_client.post(APPLY_URL, answers(idempotency_key=key, m_premises_proof=pdf()))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1 and Upload.objects.count() == 1
    # a fresh form has a fresh key: a deliberate second application is a second case
    third = enterprise_client.post(
        APPLY_URL, answers(idempotency_key=page_key(enterprise_client), m_premises_proof=pdf())
    )
    assert third.status_code == 302 and third["Location"] != first["Location"]
    assert Case.objects.count() == 2


# --- drafts -------------------------------------------------------------------------------------------
def test_draft_is_saved_resumed_and_submitted(enterprise_client: Client) -> None:
    partial = {"f_company_name": "上海测试餐饮有限公司", "f_shop_area": "", "action": "draft"}
    response = enterprise_client.post(APPLY_URL, {**partial, "m_premises_proof": pdf()})
    assert response.status_code == 302
    draft = Case.objects.get(status=CaseStatus.DRAFT)
    assert response["Location"] == f"/cases/drafts/{draft.uid}/"
    assert draft.form == {"company_name": "上海测试餐饮有限公司"} and draft.case_no is None

    listing = enterprise_client.get("/cases/").content.decode()
    assert f'href="/cases/drafts/{draft.uid}/"' in listing
    resumed = enterprise_client.get(response["Location"])
    html = resumed.content.decode()
    assert resumed.status_code == 200
    assert_accessible_page(html)
    assert (
        'data-testid="draft-badge"' in html and 'name="f_company_name" value="上海测试餐饮有限公司"' in html
    )
    kept = KEPT_UPLOAD.search(html)
    assert kept, "the file uploaded with the draft is still attached"
    # ... also in a new session (another device): the draft itself keeps its files
    assert draft.draft_materials["uploads"]["premises_proof"] == kept.group(1)
    key = KEY_IN_PAGE.search(html)
    assert key

    submitted = enterprise_client.post(
        response["Location"], answers(idempotency_key=key.group(1), u_premises_proof=kept.group(1))
    )
    assert submitted.status_code == 302
    case = Case.objects.get()
    assert case.uid == draft.uid and case.status == CaseStatus.SUBMITTED and case.case_no
    assert submitted["Location"] == f"/cases/{case.case_no}/"
    assert f"/cases/drafts/{draft.uid}/" not in enterprise_client.get("/cases/").content.decode()
    # the old draft address now leads to the case
    again = enterprise_client.get(f"/cases/drafts/{draft.uid}/")
    assert again.status_code == 302 and again["Location"] == f"/cases/{case.case_no}/"


def test_draft_can_be_deleted_only_by_its_author(enterprise_client: Client, other_citizen: User) -> None:
    enterprise_client.post(APPLY_URL, {"f_company_name": "某公司", "action": "draft"})
    draft = Case.objects.get()
    other = signed_in(Client(), other_citizen)
    assert other.post(f"/cases/drafts/{draft.uid}/delete/").status_code == 404
    assert other.get(f"/cases/drafts/{draft.uid}/").status_code == 403  # not verified: may not apply
    response = enterprise_client.post(f"/cases/drafts/{draft.uid}/delete/")
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert not Case.objects.exists()


# --- 我的办件 and one case ------------------------------------------------------------------------------
def test_my_cases_lists_only_the_principal_s_own_cases(
    submitted: Case, enterprise_client: Client, citizen: User, other_citizen: User
) -> None:
    response = enterprise_client.get("/cases/")
    html = response.content.decode()
    assert response.status_code == 200
    assert_accessible_page(html)
    assert f'data-case-no="{submitted.case_no}"' in html and "开办餐饮店一件事" in html
    light = re.search(
        r'data-light="(\w+)"><span class="case-light-dot" aria-hidden="true"></span>([^<]+)<', html
    )
    assert light and light.group(2) == zh(str(Light(light.group(1)).label))  # words, not colour only
    assert zh(str(CaseStatus.SUBMITTED.label)) in html
    assert submitted.case_no in enterprise_client.get("/cases/?status=submitted").content.decode()
    assert submitted.case_no not in enterprise_client.get("/cases/?status=closed").content.decode()

    # the same person acting for themself, and someone else, see nothing of it
    own = signed_in(Client(), citizen)
    assert submitted.case_no not in own.get("/cases/").content.decode()
    assert own.get(f"/cases/{submitted.case_no}/").status_code == 404
    other = signed_in(Client(), other_citizen)
    listing = other.get("/cases/").content.decode()
    assert 'data-testid="cases-empty"' in listing and submitted.case_no not in listing
    assert other.get(f"/cases/{submitted.case_no}/").status_code == 404
    assert other.get(f"/cases/{submitted.case_no}/withdraw/").status_code == 404


def test_case_page_shows_items_timeline_and_figures(submitted: Case, enterprise_client: Client) -> None:
    response = enterprise_client.get(f"/cases/{submitted.case_no}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert_accessible_page(html)
    assert html.count('data-testid="item"') == 4
    assert 'data-testid="timeline-entry" data-kind="submitted"' in html
    assert zh("Applicant") in html
    assert '<dd data-testid="figure-visits">0</dd>' in html
    assert '<dd data-testid="figure-submitted">1</dd>' in html
    assert '<dd data-testid="figure-exempted">2</dd>' in html
    assert 'data-testid="withdraw-link"' in html and 'data-testid="notice"' not in html


@pytest.mark.parametrize("names", [True, False])
def test_the_city_chooses_whether_applicants_see_staff_names(
    names: bool, submitted: Case, enterprise_client: Client, people: dict[str, User], settings: Any
) -> None:
    settings.TONGBAN_CASE_TIMELINE_STAFF_NAMES = names
    complete(people["clerk"], open_task(submitted, "accept"), "accepted")
    html = enterprise_client.get(f"/cases/{submitted.case_no}/").content.decode()
    assert ("测试clerk" in html) is names
    assert submitted.front_desk.name in html  # the department always
    assert zh("Applicant") in html  # the applicant's own steps keep their label


def test_supplement_through_the_case_page(
    submitted: Case, enterprise_client: Client, people: dict[str, User]
) -> None:
    complete(
        people["clerk"],
        open_task(submitted, "accept"),
        "notice",
        notice=[
            NoticeEntry("material:premises_proof", "material_illegible", "租赁合同第2页模糊"),
            NoticeEntry("field:business_address", "form_error", "门牌号缺失"),
        ],
    )
    url = f"/cases/{submitted.case_no}/"
    html = enterprise_client.get(url).content.decode()
    assert 'data-testid="notice"' in html and "租赁合同第2页模糊" in html and "门牌号缺失" in html
    assert 'data-target="material:premises_proof" data-reason="material_illegible"' in html
    assert 'name="f_business_address" value="上海市黄浦区测试路1号一层"' in html
    assert 'data-testid="supplement-form"' in html

    corrected = "上海市黄浦区测试路1号一层101室"
    refused = enterprise_client.post(f"{url}supplement/", {"f_business_address": corrected})
    page = refused.content.decode()
    assert refused.status_code == 422
    assert 'data-error-for="premises_proof"' in page and "supplement_material_required" in page
    assert f'value="{corrected}"' in page

    done = enterprise_client.post(
        f"{url}supplement/",
        {"f_business_address": corrected, "m_premises_proof": pdf("租赁合同（清晰版）.pdf")},
    )
    assert done.status_code == 302 and done["Location"] == url
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.SUBMITTED
    assert submitted.form["business_address"] == corrected
    material = submitted.materials.select_related("upload").get(kind__code="premises_proof")
    assert material.upload.original_name == "租赁合同（清晰版）.pdf"
    html = enterprise_client.get(url).content.decode()
    assert 'data-testid="notice"' not in html and 'data-kind="supplemented"' in html


def test_withdraw_through_the_case_page(submitted: Case, enterprise_client: Client) -> None:
    url = f"/cases/{submitted.case_no}/"
    confirm = enterprise_client.get(f"{url}withdraw/")
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert_accessible_page(html)
    assert 'data-testid="withdraw-form"' in html and submitted.case_no in html
    assert Case.objects.get().status == CaseStatus.SUBMITTED  # the confirm step changes nothing

    response = enterprise_client.post(f"{url}withdraw/", {"reason": "改去线下办理"})
    assert response.status_code == 302 and response["Location"] == url
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.WITHDRAWN
    assert CaseEvent.objects.filter(case=submitted, kind="withdrawn", message="改去线下办理").exists()
    html = enterprise_client.get(url).content.decode()
    assert 'data-testid="withdraw-link"' not in html and 'data-kind="withdrawn"' in html
    # once withdrawn, the confirm page sends the reader back with the reason
    again = enterprise_client.get(f"{url}withdraw/")
    assert again.status_code == 302 and again["Location"] == url


def test_applying_as_oneself_for_a_business_service_warns(enterprise_client: Client) -> None:
    session = enterprise_client.session
    session.pop(ACTING_FOR_SESSION_KEY)
    session.save()
    html = enterprise_client.get(APPLY_URL).content.decode()
    assert 'data-testid="audience-warning"' in html and 'href="/me/"' in html
    response = enterprise_client.post(APPLY_URL, answers(idempotency_key="k9", m_premises_proof=pdf()))
    assert response.status_code == 400 and "target_not_for_individuals" in response.content.decode()
    assert not Case.objects.exists()


def test_closed_case_shows_decisions_and_links_results_to_the_wallet(
    submitted: Case,
    enterprise_client: Client,
    people: dict[str, User],
    department: Department,
    swj: Department,
    tax: Department,
) -> None:
    complete(people["clerk"], open_task(submitted, "accept"), "accepted")
    complete(
        people["swj_reviewer"], open_task(submitted, "review", swj), "reject", reason="conditions_not_met"
    )
    for task in list(submitted.tasks.filter(status="open", kind="review", department=department)):
        complete(people["samr_reviewer"], task, "approve")
    complete(people["tax_reviewer"], open_task(submitted, "review", tax), "approve")
    complete(people["clerk"], open_task(submitted, "issue"), "issue")

    url = f"/cases/{submitted.case_no}/"
    html = enterprise_client.get(url).content.decode()
    assert_accessible_page(html)
    refused = submitted.items.get(department=swj)
    assert f'data-code="{refused.item_code}" data-status="rejected"' in html
    assert refused.decision_text and refused.decision_text in html and "conditions_not_met" in html
    issued = [ci.result_license for ci in submitted.items.all() if ci.result_license is not None]
    assert issued
    for licence in issued:
        assert f'href="/licenses/wallet/{licence.pk}/"' in html
        assert enterprise_client.get(f"/licenses/wallet/{licence.pk}/").status_code == 200
    assert 'data-testid="withdraw-link"' not in html
    assert enterprise_client.get(f"{url}withdraw/").status_code == 302
    assert 'data-testid="timeline-entry" data-kind="closed"' in html


def test_material_the_city_issued_itself_is_not_asked_for(
    enterprise_client: Client, catalogue: World, department: Department
) -> None:
    kind = MaterialKind.objects.create(
        code="food_safety_record",
        name="食品安全管理制度备案回执",
        source=ItemMaterialSource.CITY_ISSUED,
        issuing_department=department,
    )
    Material.objects.create(item=catalogue.item_food, kind=kind, order=9, requirement=Requirement.REQUIRED)
    html = enterprise_client.get(APPLY_URL).content.decode()
    row = re.search(r'data-kind="food_safety_record" data-mode="exempt">(.*?)</li>', html, re.S)
    assert row and 'data-testid="exemption-note"' in row.group(1) and department.name in row.group(1)
    assert 'name="m_food_safety_record"' not in html and 'value="food_safety_record"' not in html
