"""The relying party's side of the OpenID Connect flow, as a department system would run it."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.test import Client as HttpClient

from tongban.sso.models import Client

REDIRECT_URI = "https://dept.example.gov.cn/oidc/callback"


@dataclass
class RegisteredClient:
    """A registered client and the plaintext secret its operators were shown (the model hashes it)."""

    app: Client
    secret: str

    @property
    def client_id(self) -> str:
        return self.app.client_id


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge) as RFC 7636 describes them."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def authorize_url(client_id: str, *, scope: str, challenge: str | None, **extra: str) -> str:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": "st-" + secrets.token_hex(4),
        "nonce": "n-" + secrets.token_hex(8),
    }
    if challenge is not None:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    params.update(extra)
    return "/o/authorize/?" + urlencode(params)


class _FormInputs(HTMLParser):
    """Collects the inputs of ``<form id=...>`` as a browser would submit them."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and attributes.get("id") == self.form_id:
            self.inside = True
        elif tag == "input" and self.inside and attributes.get("name"):
            self.fields[str(attributes["name"])] = attributes.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def consent_form(html: str) -> dict[str, str]:
    parser = _FormInputs("consent-form")
    parser.feed(html)
    assert parser.fields, "the consent page has no consent form"
    return parser.fields


def redirect_params(response: Any) -> dict[str, str]:
    """The query parameters of a redirect back to the relying party."""
    assert response.status_code == 302, response.content[:500]
    location = response["Location"]
    assert location.startswith(REDIRECT_URI), location
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def sign_in_with(
    browser: HttpClient, registered: RegisteredClient, *, scope: str, allow: bool = True
) -> tuple[dict[str, str], str]:
    """Run the browser side up to the redirect: authorize, consent. Returns (redirect params, verifier)."""
    verifier, challenge = pkce_pair()
    page = browser.get(authorize_url(registered.client_id, scope=scope, challenge=challenge))
    assert page.status_code == 200, page.content[:500]
    data = consent_form(page.content.decode())
    if allow:
        data["allow"] = "1"
    return redirect_params(browser.post("/o/authorize/", data)), verifier


def exchange_code(
    http: HttpClient, registered: RegisteredClient, code: str, verifier: str, **extra: str
) -> Any:
    return http.post(
        "/o/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": registered.client_id,
            "client_secret": registered.secret,
            "code_verifier": verifier,
            **extra,
        },
    )


def userinfo(http: HttpClient, access_token: str) -> Any:
    return http.get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {access_token}")


def verify_otp_session(browser: HttpClient, device: Any) -> None:
    """Mark a signed-in staff session as having passed the second factor (what django-otp's login does)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
