"""The whole authorization code flow with PKCE, as a department system runs it against the platform."""

from __future__ import annotations

import json

from django.conf import settings
from django.test import Client as HttpClient

import pytest
from jwcrypto import jwk, jwt

from tongban.accounts.services import register_natural_person
from tongban.audits.models import AuditEvent
from tongban.sso.claims import subject_for
from tongban.sso.tests.rp import (
    REDIRECT_URI,
    authorize_url,
    consent_form,
    pkce_pair,
    redirect_params,
)

pytestmark = pytest.mark.django_db

ISSUER = settings.TONGBAN_SITE_URL.rstrip("/") + "/o"


def test_discovery_document_points_at_our_endpoints(client: HttpClient) -> None:
    resp = client.get("/o/.well-known/openid-configuration")
    assert resp.status_code == 200
    doc = resp.json()
    assert doc["issuer"] == ISSUER == settings.OAUTH2_PROVIDER["OIDC_ISS_ENDPOINT"]
    assert doc["authorization_endpoint"] == f"{ISSUER}/authorize/"
    assert doc["token_endpoint"] == f"{ISSUER}/token/"
    assert doc["userinfo_endpoint"] == f"{ISSUER}/userinfo/"
    assert doc["jwks_uri"] == f"{ISSUER}/.well-known/jwks.json"
    assert doc["response_types_supported"] == ["code"]
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert resp["Access-Control-Allow-Origin"] == "*"
    assert set(doc["scopes_supported"]) == {"openid", "profile", "phone", "identity", "staff"}
    assert {"sub", "name", "phone_number", "id_number", "department", "roles"} <= set(doc["claims_supported"])


def test_full_authorization_code_flow_with_pkce(client: HttpClient, make_client) -> None:
    user = register_natural_person(
        username="zhangshili",
        password="Correct-Horse-2026",
        real_name="张示例",
        id_number="310101199001011234",
        mobile="13800138000",
    )
    rp = make_client(allowed_scopes=["openid", "profile", "phone", "identity"])
    client.force_login(user)

    # 1. The department system sends the browser to the authorization endpoint.
    verifier, challenge = pkce_pair()
    url = authorize_url(
        rp.client_id,
        scope="openid profile phone",
        challenge=challenge,
        state="xyz-state",
        nonce="n-0S6_WzA2Mj",
    )
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "不动产登记系统" in html
    assert 'data-scope="phone"' in html and 'data-scope="identity"' not in html

    # 2. The person allows it; the browser comes back to the system with a code.
    form = consent_form(html)
    assert form["code_challenge"] == challenge and form["code_challenge_method"] == "S256"
    params = redirect_params(client.post("/o/authorize/", {**form, "allow": "1"}))
    assert params["state"] == "xyz-state"
    assert params["iss"] == ISSUER  # RFC 9207 mix-up defence
    code = params["code"]

    # 3. The system's back end swaps the code for tokens, proving it holds the PKCE verifier.
    backend = HttpClient()
    resp = backend.post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": rp.client_id,
            "client_secret": rp.secret,
            "code_verifier": verifier,
        },
    )
    assert resp.status_code == 200, resp.content
    tokens = resp.json()
    assert tokens["token_type"] == "Bearer"
    assert set(tokens["scope"].split()) == {"openid", "profile", "phone"}

    # 4. It verifies the ID token with the published keys.
    jwks = jwk.JWKSet.from_json(backend.get("/o/.well-known/jwks.json").content)
    token = jwt.JWT(
        jwt=tokens["id_token"],
        key=jwks,
        algs=["RS256"],
        check_claims={"iss": ISSUER, "aud": rp.client_id, "exp": None},
    )
    assert json.loads(token.header)["alg"] == "RS256"
    claims = json.loads(token.claims)
    assert claims["nonce"] == "n-0S6_WzA2Mj"
    assert claims["sub"] == subject_for(user)
    assert claims["sub"] != str(user.pk) and len(claims["sub"]) == 64
    assert claims["name"] == "张示例"
    assert claims["preferred_username"] == "zhangshili"
    assert claims["phone_number"] == "13800138000"
    assert "id_number" not in claims and "id_number_masked" not in claims and "roles" not in claims

    # 5. It asks the userinfo endpoint with the access token: same limits.
    info = backend.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert info.status_code == 200, info.content
    data = info.json()
    assert data["sub"] == claims["sub"]
    assert data["phone_number"] == "13800138000"
    assert "id_number" not in data and "principal_kind" not in data

    # The consent and each release of the phone number are on the record, without the number itself.
    authorized = AuditEvent.objects.get(event="sso.authorized", subject_user_id=user.pk)
    assert authorized.actor_id == user.pk
    assert authorized.summary["client"] == "不动产登记系统"
    assert authorized.summary["scopes"] == ["openid", "profile", "phone"]
    assert authorized.summary["consent"] == "granted"
    shared = list(AuditEvent.objects.filter(event="personal_data.shared", subject_user_id=user.pk))
    assert [e.summary["via"] for e in shared] == ["id_token", "userinfo"]
    for event in shared:
        assert event.summary["client"] == "不动产登记系统"
        assert "phone_number" in event.summary["claims"]
        assert "13800138000" not in json.dumps(event.summary)
        assert event.actor_id is None and event.actor_label == "不动产登记系统"

    # The code is single-use.
    again = backend.post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": rp.client_id,
            "client_secret": rp.secret,
            "code_verifier": verifier,
        },
    )
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_refresh_keeps_the_granted_scopes(client: HttpClient, make_client, citizen) -> None:
    from tongban.sso.tests.rp import exchange_code, sign_in_with

    rp = make_client()
    client.force_login(citizen)
    params, verifier = sign_in_with(client, rp, scope="openid profile")
    tokens = exchange_code(HttpClient(), rp, params["code"], verifier).json()
    refreshed = HttpClient().post(
        "/o/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": rp.client_id,
            "client_secret": rp.secret,
            "scope": "openid profile phone",  # asking for more than was granted
        },
    )
    assert refreshed.status_code == 400 and refreshed.json()["error"] == "invalid_scope"
    refreshed = HttpClient().post(
        "/o/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": rp.client_id,
            "client_secret": rp.secret,
        },
    )
    assert refreshed.status_code == 200, refreshed.content
    assert set(refreshed.json()["scope"].split()) == {"openid", "profile"}
