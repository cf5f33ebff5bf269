"""Claims follow the granted scopes; releasing personal data is on the data subject's record."""

from __future__ import annotations

import json

from django.test import Client as HttpClient

import pytest
from jwcrypto import jwk, jwt

from tongban.accounts.principal import Principal
from tongban.audits import query as audit_query
from tongban.audits.models import AuditEvent
from tongban.conftest import CITIZEN_ID_NUMBER
from tongban.sso.claims import CLAIM_VALUES, subject_for
from tongban.sso.scopes import CLAIM_SCOPE, SCOPE_CLAIMS, SCOPES
from tongban.sso.tests.rp import exchange_code, sign_in_with, userinfo, verify_otp_session

pytestmark = pytest.mark.django_db


def _id_token_claims(http: HttpClient, raw: str) -> dict:
    keys = jwk.JWKSet.from_json(http.get("/o/.well-known/jwks.json").content)
    return json.loads(jwt.JWT(jwt=raw, key=keys, algs=["RS256"]).claims)


def _tokens(browser: HttpClient, rp, scope: str) -> dict:
    params, verifier = sign_in_with(browser, rp, scope=scope)
    resp = exchange_code(HttpClient(), rp, params["code"], verifier)
    assert resp.status_code == 200, resp.content
    return resp.json()


def test_every_scope_has_a_description_and_every_claim_a_value() -> None:
    assert set(SCOPE_CLAIMS) == set(SCOPES)
    assert set(CLAIM_VALUES) == set(CLAIM_SCOPE)


def test_identity_scope_releases_the_id_number_and_is_recorded(
    client: HttpClient, make_client, citizen
) -> None:
    rp = make_client(name="公积金管理系统", allowed_scopes=["openid", "identity"])
    client.force_login(citizen)
    tokens = _tokens(client, rp, "openid identity")
    claims = _id_token_claims(client, tokens["id_token"])
    assert claims["id_number"] == CITIZEN_ID_NUMBER
    assert claims["id_number_masked"] == citizen.person.masked_id_number
    assert claims["id_number_masked"] != CITIZEN_ID_NUMBER
    assert claims["principal_kind"] == "natural_person"
    assert "name" not in claims and "phone_number" not in claims

    info = userinfo(HttpClient(), tokens["access_token"]).json()
    assert info["id_number"] == CITIZEN_ID_NUMBER

    events = list(AuditEvent.objects.filter(event="personal_data.shared").order_by("seq"))
    assert [e.summary["via"] for e in events] == ["id_token", "userinfo"]
    for event in events:
        assert event.subject_user_id == citizen.pk
        assert event.summary["client"] == "公积金管理系统"
        assert event.summary["claims"] == ["id_number", "id_number_masked", "principal_kind"]
        assert CITIZEN_ID_NUMBER not in json.dumps(event.summary)
        assert event.channel == "sso"

    # The owner sees both on the "who accessed my data" page.
    mine = list(audit_query.access_to_my_data(Principal(user=citizen)))
    assert [e.event for e in mine].count("personal_data.shared") == 2
    page = client.get("/me/data-access/")
    assert page.status_code == 200
    assert "公积金管理系统" in page.content.decode()


def test_profile_only_records_no_personal_data_release(client: HttpClient, make_client, citizen) -> None:
    rp = make_client()
    client.force_login(citizen)
    tokens = _tokens(client, rp, "openid profile")
    assert userinfo(HttpClient(), tokens["access_token"]).status_code == 200
    assert not AuditEvent.objects.filter(event="personal_data.shared").exists()


def test_staff_claims_only_for_staff(
    client: HttpClient, make_client, citizen, staff_user, staff_totp
) -> None:
    rp = make_client(allowed_scopes=["openid", "profile", "staff", "identity", "phone"])

    client.force_login(citizen)
    citizen_claims = _id_token_claims(client, _tokens(client, rp, "openid profile staff")["id_token"])
    assert citizen_claims["name"] == "张三"
    assert "department" not in citizen_claims and "roles" not in citizen_claims

    staff_browser = HttpClient()
    code = staff_totp(staff_user)
    staff_browser.force_login(staff_user)
    verify_otp_session(staff_browser, code.device)
    tokens = _tokens(staff_browser, rp, "openid profile staff identity phone")
    staff_claims = _id_token_claims(staff_browser, tokens["id_token"])
    assert staff_claims["name"] == "王五"
    assert staff_claims["department"] == staff_user.staff.department.name
    assert staff_claims["roles"] == ["window_clerk"]
    assert staff_claims["principal_kind"] == "staff"
    # Staff accounts hold no resident ID or mobile here: those claims are simply absent.
    assert "id_number" not in staff_claims and "phone_number" not in staff_claims


def test_staff_scope_is_not_released_without_being_granted(
    client: HttpClient, make_client, staff_user, staff_totp
) -> None:
    rp = make_client(allowed_scopes=["openid", "profile"])
    code = staff_totp(staff_user)
    client.force_login(staff_user)
    verify_otp_session(client, code.device)
    tokens = _tokens(client, rp, "openid profile staff")
    claims = _id_token_claims(client, tokens["id_token"])
    assert "department" not in claims and "roles" not in claims


def test_sub_is_stable_per_person_and_not_the_database_id(
    client: HttpClient, make_client, citizen, other_citizen
) -> None:
    first, second = make_client(name="系统甲"), make_client(name="系统乙")
    client.force_login(citizen)
    sub_a = _id_token_claims(client, _tokens(client, first, "openid")["id_token"])["sub"]
    sub_b = _id_token_claims(client, _tokens(client, second, "openid")["id_token"])["sub"]
    again = _id_token_claims(client, _tokens(client, first, "openid")["id_token"])["sub"]
    assert sub_a == sub_b == again == subject_for(citizen)
    assert sub_a != str(citizen.pk) and len(sub_a) == 64 and int(sub_a, 16) >= 0
    other = HttpClient()
    other.force_login(other_citizen)
    assert _id_token_claims(other, _tokens(other, first, "openid")["id_token"])["sub"] != sub_a


def test_narrowing_a_clients_scopes_stops_releases_on_existing_tokens(
    client: HttpClient, make_client, citizen
) -> None:
    rp = make_client(allowed_scopes=["openid", "profile", "phone"])
    client.force_login(citizen)
    tokens = _tokens(client, rp, "openid profile phone")
    assert "phone_number" in userinfo(HttpClient(), tokens["access_token"]).json()
    rp.app.allowed_scopes = ["openid", "profile"]
    rp.app.save()
    info = userinfo(HttpClient(), tokens["access_token"]).json()
    assert "phone_number" not in info and info["name"] == "张三"


def test_userinfo_needs_a_valid_token(client: HttpClient) -> None:
    assert userinfo(client, "not-a-token").status_code == 401
    assert client.get("/o/userinfo/").status_code == 401
