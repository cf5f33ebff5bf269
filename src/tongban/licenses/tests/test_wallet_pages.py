"""The wallet pages (我的证照, 电子亮证, 谁用了我的证照) and the public verifier page, without a browser.

Page texts are English msgids translated to Chinese in the catalogue; assertions on verdicts compare
with ``gettext`` under zh-hans, so they hold before and after the translations land.
"""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

import pytest

from tongban.accounts import services as accounts
from tongban.accounts.models import LegalPerson, User
from tongban.accounts.principal import Principal
from tongban.accounts.request import ACTING_FOR_SESSION_KEY
from tongban.conftest import CITIZEN_ID_NUMBER, PERSONA_PASSWORD
from tongban.licenses.constants import AccessKind
from tongban.licenses.models import License, LicenseAccess, LicenseType, Presentation
from tongban.licenses.services import presentations, reuse, status
from tongban.licenses.services.issuing import issue_license
from tongban.licenses.tests.conftest import ENTERPRISE_USCC, business_face, id_card_face
from tongban.licenses.views import wallet as wallet_views
from tongban.licenses.views.verifier import clean_token
from tongban.organizations.models import Department
from tongban.portal.tests.test_pages import assert_accessible_page, signed_in
from tongban.utils.identifiers import make_resident_id

pytestmark = pytest.mark.django_db

THIRD_ID_NUMBER = make_resident_id("310105", dt.date(1978, 3, 9), 789)
TOKEN_IN_PAGE = re.compile(r'data-testid="presentation-token"[^>]*>([^<]+)<')


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


@pytest.fixture
def third_citizen(db: None) -> User:
    """A real-name verified citizen who holds none of the fixture licences."""
    return accounts.register_natural_person(
        username="citizen3",
        password=PERSONA_PASSWORD,
        real_name="王六",
        id_number=THIRD_ID_NUMBER,
        verified=True,
    )


def holder_client(user: User) -> Client:
    return signed_in(Client(), user)


def present(client: Client, license: License, fields: list[str]) -> str:
    response = client.post(f"/licenses/wallet/{license.pk}/present/", {"fields": fields})
    assert response.status_code == 200, response.content.decode()[:500]
    match = TOKEN_IN_PAGE.search(response.content.decode())
    assert match, "the page shows the token for copying"
    return match.group(1).strip()


def verify_page(token: str) -> tuple[int, str]:
    response = Client().post("/licenses/verify/", {"token": token})
    return response.status_code, response.content.decode()


# --- wallet -------------------------------------------------------------------------------------------
def test_wallet_shows_cards(citizen: User, id_card: License) -> None:
    response = holder_client(citizen).get("/licenses/wallet/")
    html = response.content.decode()
    assert response.status_code == 200
    assert_accessible_page(html)
    assert "居民身份证" in html and id_card.number in html and "上海市公安局" in html
    assert 'data-testid="status-badge"' in html and "2040-05-01" in html
    assert 'data-testid="nav-wallet"' in html and 'aria-current="page"' in html
    assert "no-store" in response.headers["Cache-Control"]
    assert CITIZEN_ID_NUMBER not in html


def test_wallet_status_filter_and_expiring_badge(
    citizen: User, id_card_type: LicenseType, gaj: Department, platform: Department
) -> None:
    today = timezone.localdate()
    issued = today.replace(year=today.year - 10) + dt.timedelta(days=30)
    soon = issue_license(
        license_type=id_card_type,
        issuer=gaj,
        holder_code=CITIZEN_ID_NUMBER,
        holder_name="张三",
        face=id_card_face(),
        issued_on=issued,
        valid_to=issued.replace(year=issued.year + 10),
    )
    client = holder_client(citizen)
    html = client.get("/licenses/wallet/").content.decode()
    assert 'data-testid="expiring-badge"' in html and 'data-testid="wallet-expiring"' in html
    status.revoke(soon, reason="证件遗失")
    html = client.get("/licenses/wallet/?status=valid").content.decode()
    assert 'data-testid="wallet-empty"' in html and soon.number not in html
    html = client.get("/licenses/wallet/?status=revoked").content.decode()
    assert soon.number in html and "badge-bad" in html
    detail = client.get(f"/licenses/wallet/{soon.pk}/").content.decode()
    assert "证件遗失" in detail and 'data-testid="not-presentable"' in detail
    assert 'data-testid="present-form"' not in detail


def test_unverified_citizen_gets_a_helpful_page(other_citizen: User, id_card: License) -> None:
    client = holder_client(other_citizen)
    response = client.get("/licenses/wallet/")
    html = response.content.decode()
    assert response.status_code == 200
    assert_accessible_page(html)
    assert 'data-code="not_verified"' in html and id_card.number not in html
    detail = client.get(f"/licenses/wallet/{id_card.pk}/")
    assert detail.status_code == 403 and 'data-code="not_verified"' in detail.content.decode()


def test_wallet_requires_sign_in() -> None:
    response = Client().get("/licenses/wallet/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_has_no_wallet(staff_user: User) -> None:
    html = holder_client(staff_user).get("/licenses/wallet/").content.decode()
    assert 'data-code="holder_only"' in html


def test_enterprise_wallet_for_its_representative(citizen: User, business_licence: License) -> None:
    client = holder_client(citizen)
    session = client.session
    session[ACTING_FOR_SESSION_KEY] = LegalPerson.objects.get().pk
    session.save()
    html = client.get("/licenses/wallet/").content.decode()
    assert "营业执照" in html and business_licence.number in html and "上海测试餐饮有限公司" in html
    token = present(client, business_licence, ["holder_name", "term_to"])
    _code, result = verify_page(token)
    assert 'data-code="valid"' in result and "上海测试餐饮有限公司" in result
    assert "餐饮服务" not in result  # business scope was not chosen


# --- one licence ----------------------------------------------------------------------------------------
def test_licence_page_masks_personal_fields(citizen: User, id_card: License) -> None:
    client = holder_client(citizen)
    response = client.get(f"/licenses/wallet/{id_card.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert_accessible_page(html)
    assert CITIZEN_ID_NUMBER not in html and "测试路2号" not in html
    assert 'data-testid="holder-name">张三<' not in html
    assert "公民身份号码" in html and "上海市公安局黄浦分局" in html
    assert "no-store" in response.headers["Cache-Control"]
    # Personal fields are offered unticked, the others ticked.
    assert re.search(r'value="id_number"(?![^>]*checked)', html)
    assert re.search(r'value="valid_to" checked', html)
    assert f'href="/licenses/wallet/{id_card.pk}/print/"' in html
    assert 'data-testid="report-error-link"' in html
    unmasked = client.get(f"/licenses/wallet/{id_card.pk}/?unmask=1").content.decode()
    assert CITIZEN_ID_NUMBER in unmasked and "测试路2号" in unmasked
    assert 'data-testid="holder-name">张三<' in unmasked


def test_version_history(citizen: User, id_card: License) -> None:
    from tongban.licenses.services.issuing import new_version

    updated = new_version(id_card, changes={"address": "上海市徐汇区测试路3号"}, reason="住址更正")
    html = holder_client(citizen).get(f"/licenses/wallet/{updated.pk}/").content.decode()
    assert 'data-testid="versions"' in html and "住址更正" in html


def test_another_citizen_cannot_read_or_present_my_licence(
    citizen: User, third_citizen: User, id_card: License
) -> None:
    other = holder_client(third_citizen)
    for url in (f"/licenses/wallet/{id_card.pk}/", f"/licenses/wallet/{id_card.pk}/print/"):
        response = other.get(url)
        assert response.status_code == 404, url
        assert id_card.number not in response.content.decode()
    response = other.post(f"/licenses/wallet/{id_card.pk}/present/", {"fields": ["name"]})
    assert response.status_code == 404
    assert "张三" not in response.content.decode()
    assert not Presentation.objects.exists()
    assert other.get("/licenses/wallet/").content.decode().count('data-testid="wallet-card"') == 0


def test_present_shows_qr_link_and_countdown(citizen: User, id_card: License) -> None:
    client = holder_client(citizen)
    response = client.post(f"/licenses/wallet/{id_card.pk}/present/", {"fields": ["name", "valid_to"]})
    html = response.content.decode()
    assert response.status_code == 200
    assert_accessible_page(html)
    assert '<svg xmlns="http://www.w3.org/2000/svg" viewBox=' in html
    assert 'data-qr-kind="link"' in html  # fits: a camera app opens the verifier
    assert 'data-testid="expires-at"' in html and "data-seconds=" in html
    assert "姓名" in html and "有效期限截止日期" in html and "公民身份号码" not in html
    assert "no-store" in response.headers["Cache-Control"]
    presentation = Presentation.objects.get()
    assert presentation.fields == ["name", "valid_to"] and presentation.license == id_card


def test_present_without_fields_reshows_the_form(citizen: User, id_card: License) -> None:
    response = holder_client(citizen).post(f"/licenses/wallet/{id_card.pk}/present/", {})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="present-error"' in html and 'data-testid="present-form"' in html
    assert not Presentation.objects.exists()


def test_present_by_get_goes_back_to_the_licence(citizen: User, id_card: License) -> None:
    """The large-text and language switches send the reader back to the current URL with a GET."""
    response = holder_client(citizen).get(f"/licenses/wallet/{id_card.pk}/present/")
    assert response.status_code == 302 and response["Location"] == f"/licenses/wallet/{id_card.pk}/"
    assert not Presentation.objects.exists()


def test_qr_falls_back_to_the_bare_token_then_to_none() -> None:
    svg, kind = wallet_views.presentation_qr("a" * 100)
    assert kind == "link" and "viewBox" in svg
    svg, kind = wallet_views.presentation_qr("a" * 2930)  # the link would not fit, the token does
    assert kind == "token" and svg
    assert wallet_views.presentation_qr("a" * 3000) == ("", "")


def test_too_many_fields_for_a_qr_code(
    citizen: User,
    enterprise: LegalPerson,
    business_type: LicenseType,
    department: Department,
    platform: Department,
) -> None:
    """A long 经营范围 makes a token no QR code holds: the page says so and still offers the code."""
    face = business_face() | {"business_scope": "许可项目：餐饮服务；食品销售；" * 40}
    licence = issue_license(
        license_type=business_type,
        issuer=department,
        holder_code=ENTERPRISE_USCC,
        holder_name=enterprise.name,
        face=face,
        valid_to=None,
    )
    client = holder_client(citizen)
    session = client.session
    session[ACTING_FOR_SESSION_KEY] = enterprise.pk
    session.save()
    response = client.post(f"/licenses/wallet/{licence.pk}/present/", {"fields": list(licence.face)})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="qr-too-long"' in html and 'data-testid="presentation-qr"' not in html
    token = TOKEN_IN_PAGE.search(html)
    assert token and len(token.group(1).strip()) > 2953
    _code, result = verify_page(token.group(1).strip())
    assert 'data-code="valid"' in result and "食品销售" in result


def test_print_page(citizen: User, id_card: License) -> None:
    client = holder_client(citizen)
    html = client.get(f"/licenses/wallet/{id_card.pk}/print/").content.decode()
    assert_accessible_page(html)
    sheet = html[html.index('data-testid="print-sheet"') : html.index("</article>")]
    assert id_card.identifier in sheet and "上海市公安局黄浦分局" in sheet and "2040-05-01" in sheet
    assert "张三" not in sheet and CITIZEN_ID_NUMBER not in html and "测试路2号" not in html
    assert 'data-testid="print-add-qr"' in html and 'data-testid="print-qr"' not in html
    html = client.post(f"/licenses/wallet/{id_card.pk}/print/").content.decode()
    assert 'data-testid="print-qr"' in html and 'data-testid="print-qr-note"' in html
    assert Presentation.objects.get().fields == ["issuing_authority", "valid_from", "valid_to"]


# --- verifier ---------------------------------------------------------------------------------------------
def test_verifier_form_is_public(db: None) -> None:
    response = Client().get("/licenses/verify/")
    html = response.content.decode()
    assert response.status_code == 200
    assert_accessible_page(html)
    assert 'name="token"' in html and "data-scan" in html and "hidden" in html
    assert 'data-testid="footer-verify"' in html


def test_selective_disclosure_hides_undisclosed_fields(citizen: User, id_card: License) -> None:
    token = present(holder_client(citizen), id_card, ["name", "valid_to"])
    code, html = verify_page(token)
    assert code == 200
    assert_accessible_page(html)
    assert 'data-code="valid"' in html
    assert f'data-testid="verdict-title">{zh("Valid")}<' in html
    assert "张三" in html and "2040-05-01" in html and "居民身份证" in html and "上海市公安局" in html
    for hidden in (
        CITIZEN_ID_NUMBER,
        "测试路2号",
        "1990-01-01",
        "上海市公安局黄浦分局",
        "公民身份号码",
        "住址",
    ):
        assert hidden not in html, hidden
    assert 'data-check="status"' in html


def test_revoked_licence_shows_the_revoked_verdict(citizen: User, id_card: License) -> None:
    token = present(holder_client(citizen), id_card, ["name"])
    status.revoke(id_card, reason="被吊销")
    _code, html = verify_page(token)
    assert 'data-code="revoked"' in html
    assert f'data-testid="verdict-title">{zh("Not valid")}<' in html
    assert "张三" not in html  # no fields on a failed check
    assert "居民身份证" in html  # the signed metadata still says what it was


def test_expired_and_malformed_codes(citizen: User, id_card: License) -> None:
    created = presentations.present(
        Principal(user=citizen), id_card.pk, ["name"], now=timezone.now() - dt.timedelta(hours=1)
    )
    _code, html = verify_page(created.token)
    assert 'data-code="expired_presentation"' in html and "张三" not in html
    _code, html = verify_page("not-a-licence-code")
    assert 'data-code="malformed"' in html
    response = Client().post("/licenses/verify/", {"token": "   "})
    assert response.status_code == 400 and 'aria-invalid="true"' in response.content.decode()


def test_verifier_link_from_the_qr_code(citizen: User, id_card: License) -> None:
    token = present(holder_client(citizen), id_card, ["name"])
    link = wallet_views.verify_link(token)
    assert link.startswith("http") and "/licenses/verify/?t=" in link
    assert clean_token(link) == token and clean_token(f" {token[:40]}\n{token[40:]} ") == token
    response = Client().get(f"/licenses/verify/?t={token}")
    html = response.content.decode()
    assert 'data-code="valid"' in html and "张三" in html
    assert response.headers["Referrer-Policy"] == "no-referrer"
    # A second look at the same code says so (a replay hint for the verifier).
    _code, again = verify_page(link)
    assert 'data-code="valid"' in again and 'data-testid="verified-before"' in again


def test_access_log_shows_the_verification(citizen: User, id_card: License) -> None:
    client = holder_client(citizen)
    token = present(client, id_card, ["name", "valid_to"])
    verify_page(token)
    access = LicenseAccess.objects.get()
    assert access.kind == AccessKind.VERIFICATION and access.system == "verifier"
    response = client.get("/licenses/wallet/access-log/")
    html = response.content.decode()
    assert response.status_code == 200
    assert_accessible_page(html)
    assert 'data-kind="verification"' in html and "姓名、有效期限截止日期" in html and "居民身份证" in html
    assert (
        'data-kind="verification"'
        not in client.get("/licenses/wallet/access-log/?kind=reuse").content.decode()
    )


def test_consents_list_and_withdraw(citizen: User, id_card: License, id_card_type: LicenseType) -> None:
    consent = reuse.grant_consent(
        Principal(user=citizen),
        case_reference="SH2026-0001",
        license_types=[id_card_type],
        purpose="户籍迁入",
    )
    client = holder_client(citizen)
    html = client.get("/licenses/wallet/consents/").content.decode()
    assert_accessible_page(html)
    assert "SH2026-0001" in html and "户籍迁入" in html and 'data-testid="consent-withdraw"' in html
    response = client.post(f"/licenses/wallet/consents/{consent.pk}/withdraw/")
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert 'data-testid="consent-withdraw"' not in client.get("/licenses/wallet/consents/").content.decode()


def test_cannot_withdraw_someone_elses_consent(
    citizen: User, third_citizen: User, id_card: License, id_card_type: LicenseType
) -> None:
    consent = reuse.grant_consent(
        Principal(user=citizen), case_reference="SH2026-0002", license_types=[id_card_type], purpose="核验"
    )
    response = holder_client(third_citizen).post(f"/licenses/wallet/consents/{consent.pk}/withdraw/")
    assert response.status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
