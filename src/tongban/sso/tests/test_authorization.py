"""The authorization endpoint: PKCE, redirect URIs, allowed scopes, consent, trusted clients, staff."""

from __future__ import annotations

import json
import re

from django.test import Client as HttpClient

import pytest
from oauth2_provider.models import get_grant_model

from tongban.accounts.views import PENDING_BACKEND_KEY, PENDING_USER_KEY
from tongban.audits.models import AuditEvent
from tongban.sso.tests.rp import (
    REDIRECT_URI,
    authorize_url,
    consent_form,
    exchange_code,
    pkce_pair,
    redirect_params,
    sign_in_with,
    userinfo,
    verify_otp_session,
)

pytestmark = pytest.mark.django_db

Grant = get_grant_model()


# --- PKCE --------------------------------------------------------------------------------------------


def test_request_without_pkce_is_refused(client: HttpClient, make_client, citizen) -> None:
    rp = make_client()
    client.force_login(citizen)
    params = redirect_params(client.get(authorize_url(rp.client_id, scope="openid", challenge=None)))
    assert params["error"] == "invalid_request"
    assert "code" not in params
    assert not Grant.objects.exists()


def test_plain_pkce_method_is_refused(client: HttpClient, make_client, citizen) -> None:
    rp = make_client()
    client.force_login(citizen)
    verifier, _challenge = pkce_pair()
    url = authorize_url(
        rp.client_id, scope="openid", challenge=None, code_challenge=verifier, code_challenge_method="plain"
    )
    params = redirect_params(client.get(url))
    assert params["error"] == "invalid_request"
    assert "S256" in params["error_description"]


def test_pkce_method_tampered_in_the_consent_form_is_refused(
    client: HttpClient, make_client, citizen
) -> None:
    rp = make_client()
    client.force_login(citizen)
    verifier, challenge = pkce_pair()
    form = consent_form(
        client.get(authorize_url(rp.client_id, scope="openid", challenge=challenge)).content.decode()
    )
    form.update(allow="1", code_challenge=verifier, code_challenge_method="plain")
    params = redirect_params(client.post("/o/authorize/", form))
    assert params["error"] == "invalid_request"
    assert not Grant.objects.exists()


def test_wrong_code_verifier_gives_invalid_grant(client: HttpClient, make_client, citizen) -> None:
    rp = make_client()
    client.force_login(citizen)
    params, _verifier = sign_in_with(client, rp, scope="openid profile")
    other_verifier, _ = pkce_pair()
    resp = exchange_code(HttpClient(), rp, params["code"], other_verifier)
    assert resp.status_code == 400
    assert resp.json()["error"] == "invalid_grant"


def test_missing_code_verifier_is_refused(client: HttpClient, make_client, citizen) -> None:
    rp = make_client()
    client.force_login(citizen)
    params, _verifier = sign_in_with(client, rp, scope="openid")
    resp = HttpClient().post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": params["code"],
            "redirect_uri": REDIRECT_URI,
            "client_id": rp.client_id,
            "client_secret": rp.secret,
        },
    )
    assert resp.status_code == 400
    assert "access_token" not in resp.json()


def test_wrong_client_secret_is_refused(client: HttpClient, make_client, citizen) -> None:
    rp = make_client()
    client.force_login(citizen)
    params, verifier = sign_in_with(client, rp, scope="openid")
    rp.secret = "not-the-secret"
    resp = exchange_code(HttpClient(), rp, params["code"], verifier)
    assert resp.status_code == 401
    assert resp.json()["error"] == "invalid_client"


# --- Redirect URIs -----------------------------------------------------------------------------------


def test_unregistered_redirect_uri_is_refused_without_redirecting(
    client: HttpClient, make_client, citizen
) -> None:
    rp = make_client()
    client.force_login(citizen)
    _verifier, challenge = pkce_pair()
    url = authorize_url(
        rp.client_id, scope="openid", challenge=challenge, redirect_uri="https://attacker.example/cb"
    )
    resp = client.get(url)
    assert resp.status_code == 400
    assert "Location" not in resp
    assert b'href="https://attacker.example' not in resp.content
    assert b'data-error-code="invalid_request"' in resp.content


def test_unknown_client_is_refused(client: HttpClient, citizen) -> None:
    client.force_login(citizen)
    _verifier, challenge = pkce_pair()
    resp = client.get(authorize_url("no-such-client", scope="openid", challenge=challenge))
    assert resp.status_code == 400
    assert "Location" not in resp


# --- Scopes ------------------------------------------------------------------------------------------


def test_scopes_outside_allowed_scopes_are_dropped(client: HttpClient, make_client, citizen) -> None:
    rp = make_client(allowed_scopes=["openid", "profile"])
    client.force_login(citizen)
    _verifier, challenge = pkce_pair()
    page = client.get(
        authorize_url(rp.client_id, scope="openid profile phone identity staff", challenge=challenge)
    )
    assert page.status_code == 200
    listed = re.findall(r'data-scope="([a-z]+)"', page.content.decode())
    assert listed == ["openid", "profile"]

    # Adding a scope back into the hidden form field does not help either.
    form = consent_form(page.content.decode())
    assert form["scope"] == "openid profile"
    form.update(allow="1", scope="openid profile phone identity")
    params = redirect_params(client.post("/o/authorize/", form))
    grant = Grant.objects.get(code=params["code"])
    assert grant.scope == "openid profile"


def test_scope_dropping_ends_at_the_token(client: HttpClient, make_client, citizen) -> None:
    rp = make_client(allowed_scopes=["openid", "profile"])
    client.force_login(citizen)
    params, verifier = sign_in_with(client, rp, scope="openid profile phone")
    tokens = exchange_code(HttpClient(), rp, params["code"], verifier).json()
    assert tokens["scope"] == "openid profile"
    info = userinfo(HttpClient(), tokens["access_token"]).json()
    assert info["name"] == "张三"
    assert "phone_number" not in info


def test_request_for_only_disallowed_scopes_gets_invalid_scope(
    client: HttpClient, make_client, citizen
) -> None:
    rp = make_client(allowed_scopes=["openid", "profile"])
    client.force_login(citizen)
    _verifier, challenge = pkce_pair()
    params = redirect_params(
        client.get(authorize_url(rp.client_id, scope="phone identity", challenge=challenge))
    )
    assert params["error"] == "invalid_scope"


# --- Consent -----------------------------------------------------------------------------------------


def test_consent_page_shows_client_department_and_scopes_within_csp(
    client: HttpClient, make_client, citizen, department
) -> None:
    rp = make_client(department=department)
    client.force_login(citizen)
    _verifier, challenge = pkce_pair()
    resp = client.get(authorize_url(rp.client_id, scope="openid profile phone", challenge=challenge))
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'data-testid="consent-client">不动产登记系统<' in html
    assert f'data-testid="consent-department">{department.name}<' in html
    assert re.findall(r'data-scope="([a-z]+)"', html) == ["openid", "profile", "phone"]
    assert 'data-testid="consent-allow"' in html and 'data-testid="consent-deny"' in html
    # Content Security Policy: no inline script or style anywhere on the page.
    assert "<style" not in html
    assert re.search(r"\sstyle=", html) is None
    assert re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html) is None
    assert re.search(r"\son[a-z]+=", html) is None
    # Posting the form ends in a redirect to the client, which form-action must allow.
    csp = resp["Content-Security-Policy"]
    form_action = next(d for d in csp.split(";") if d.strip().startswith("form-action"))
    assert "'self'" in form_action and "https://dept.example.gov.cn" in form_action


def test_denying_returns_access_denied_and_issues_nothing(client: HttpClient, make_client, citizen) -> None:
    rp = make_client()
    client.force_login(citizen)
    params, _verifier = sign_in_with(client, rp, scope="openid profile", allow=False)
    assert params["error"] == "access_denied"
    assert "code" not in params
    assert not Grant.objects.exists()
    assert not AuditEvent.objects.filter(event="sso.authorized").exists()


def test_trusted_client_skips_consent(client: HttpClient, make_client, citizen) -> None:
    rp = make_client(is_trusted=True)
    assert rp.app.skip_authorization is True
    client.force_login(citizen)
    verifier, challenge = pkce_pair()
    params = redirect_params(
        client.get(authorize_url(rp.client_id, scope="openid profile", challenge=challenge))
    )
    assert "code" in params
    assert exchange_code(HttpClient(), rp, params["code"], verifier).status_code == 200
    event = AuditEvent.objects.get(event="sso.authorized")
    assert event.summary["consent"] == "trusted"
    assert event.subject_user_id == citizen.pk


def test_untrusted_client_asks_every_time(client: HttpClient, make_client, citizen) -> None:
    rp = make_client()
    client.force_login(citizen)
    sign_in_with(client, rp, scope="openid")
    _verifier, challenge = pkce_pair()
    again = client.get(authorize_url(rp.client_id, scope="openid", challenge=challenge))
    assert again.status_code == 200 and b'id="consent-form"' in again.content


def test_earlier_consent_is_reused_only_when_the_client_asks(
    client: HttpClient, make_client, citizen
) -> None:
    rp = make_client()
    client.force_login(citizen)
    params, verifier = sign_in_with(client, rp, scope="openid profile")
    assert exchange_code(HttpClient(), rp, params["code"], verifier).status_code == 200
    _verifier, challenge = pkce_pair()
    url = authorize_url(rp.client_id, scope="openid profile", challenge=challenge, approval_prompt="auto")
    params = redirect_params(client.get(url))
    assert "code" in params
    consents = [
        e.summary["consent"] for e in AuditEvent.objects.filter(event="sso.authorized").order_by("seq")
    ]
    assert consents == ["granted", "remembered"]
    # A scope not covered by the earlier consent brings the consent screen back.
    url = authorize_url(
        rp.client_id, scope="openid profile phone", challenge=challenge, approval_prompt="auto"
    )
    assert client.get(url).status_code == 200


def test_prompt_none(client: HttpClient, make_client, citizen) -> None:
    untrusted, trusted = make_client(), make_client(name="随申办", is_trusted=True)
    _verifier, challenge = pkce_pair()
    # Not signed in: login_required, back to the client.
    params = redirect_params(
        client.get(authorize_url(untrusted.client_id, scope="openid", challenge=challenge, prompt="none"))
    )
    assert params["error"] == "login_required"
    client.force_login(citizen)
    # Signed in, but the client needs consent: consent_required instead of a page.
    params = redirect_params(
        client.get(authorize_url(untrusted.client_id, scope="openid", challenge=challenge, prompt="none"))
    )
    assert params["error"] == "consent_required"
    # A trusted client signs the person in silently.
    params = redirect_params(
        client.get(authorize_url(trusted.client_id, scope="openid", challenge=challenge, prompt="none"))
    )
    assert "code" in params


def test_anonymous_visitor_is_sent_to_sign_in(client: HttpClient, make_client) -> None:
    rp = make_client()
    _verifier, challenge = pkce_pair()
    resp = client.get(authorize_url(rp.client_id, scope="openid", challenge=challenge))
    assert resp.status_code == 302
    assert resp["Location"].startswith("/accounts/login/?next=/o/authorize/")


# --- Staff and the second factor ---------------------------------------------------------------------


def test_staff_who_only_passed_the_password_step_cannot_authorize(
    client: HttpClient, make_client, staff_user
) -> None:
    rp = make_client(allowed_scopes=["openid", "profile", "staff"])
    # What the sign-in view leaves behind after a correct password, before the TOTP code.
    session = client.session
    session[PENDING_USER_KEY] = staff_user.pk
    session[PENDING_BACKEND_KEY] = "tongban.accounts.backends.PrincipalBackend"
    session.save()

    verifier, challenge = pkce_pair()
    url = authorize_url(rp.client_id, scope="openid profile staff", challenge=challenge)
    resp = client.get(url)
    assert resp.status_code == 302
    assert resp["Location"].startswith("/accounts/login/")

    # Posting a forged consent form does not help: there is no signed-in user.
    forged = {
        "allow": "1",
        "client_id": rp.client_id,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": "openid profile staff",
        "state": "s",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    resp = client.post("/o/authorize/", forged)
    assert resp.status_code == 302
    assert resp["Location"].startswith("/accounts/login/")
    assert not Grant.objects.exists()
    assert not AuditEvent.objects.filter(event="sso.authorized").exists()


def test_staff_session_without_second_factor_is_sent_back_to_sign_in(
    client: HttpClient, make_client, staff_user
) -> None:
    rp = make_client()
    client.force_login(staff_user)  # a session that never passed TOTP
    _verifier, challenge = pkce_pair()
    resp = client.get(authorize_url(rp.client_id, scope="openid", challenge=challenge))
    assert resp.status_code == 302
    assert resp["Location"].startswith("/accounts/login/")
    assert not Grant.objects.exists()


def test_staff_after_second_factor_can_authorize(
    client: HttpClient, make_client, staff_user, staff_totp
) -> None:
    rp = make_client(allowed_scopes=["openid", "profile", "staff"])
    code = staff_totp(staff_user)
    client.force_login(staff_user)
    verify_otp_session(client, code.device)
    params, verifier = sign_in_with(client, rp, scope="openid profile staff")
    tokens = exchange_code(HttpClient(), rp, params["code"], verifier).json()
    info = userinfo(HttpClient(), tokens["access_token"]).json()
    assert info["department"] == staff_user.staff.department.name
    assert info["roles"] == ["window_clerk"]
    event = AuditEvent.objects.get(event="sso.authorized")
    assert event.actor_id == staff_user.pk and event.summary["consent"] == "granted"
    assert json.loads(json.dumps(event.summary))["scopes"] == ["openid", "profile", "staff"]
