"""Server-rendered pages: structure, accessibility hooks and CSP-safe markup, without a browser."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

import pytest

from tongban.accounts.models import User
from tongban.accounts.views import PENDING_BACKEND_KEY, PENDING_NEXT_KEY, PENDING_USER_KEY
from tongban.conftest import CITIZEN_ID_NUMBER, PERSONA_PASSWORD

pytestmark = pytest.mark.django_db

INLINE_STYLE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
RESOURCE_URL = re.compile(
    r"<(?:script|link|img|iframe|source)\b[^>]*\s(?:src|href)=\"([^\"]*)\"", re.IGNORECASE
)
OWN_ORIGINS = ("http://testserver", "http://localhost", "http://127.0.0.1")


def assert_accessible_page(html: str) -> None:
    """The shared rules every HTML page meets (see docs/ui.md)."""
    assert html.count("<h1") == 1, "exactly one h1 per page"
    assert 'class="skip-link" href="#main"' in html
    assert 'id="main"' in html
    assert "<main" in html and "<header" in html
    assert not INLINE_STYLE.search(html), "inline style= would be blocked by the CSP"
    assert not INLINE_HANDLER.search(html), "inline event handlers would be blocked by the CSP"
    for attrs in SCRIPT_TAG.findall(html):
        assert "src=" in attrs, "inline <script> would be blocked by the CSP"
    # Every asset is vendored: no src/href may leave the site (checked on URLs, not on arbitrary text,
    # where a random CSRF token can spell "cdn").
    for url in RESOURCE_URL.findall(html):
        assert not url.startswith(("http://", "https://", "//")) or url.startswith(OWN_ORIGINS), url
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), f"duplicate ids: {sorted({i for i in ids if ids.count(i) > 1})}"
    for label_for in re.findall(r'<label[^>]*\sfor="([^"]*)"', html):
        assert label_for and label_for in ids, f"label for={label_for!r} points nowhere"


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user, backend="tongban.accounts.backends.PrincipalBackend")
    return client


def test_home_zh(client: Client, department) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-CN"' in html
    assert_accessible_page(html)
    assert "上海市一网通办" in html
    assert "登录" in html and "大字版" in html and "跳到主要内容" in html
    assert department.name in html
    assert 'aria-current="page"' in html
    assert 'name="htmx-config"' in html and '"includeIndicatorStyles": false' in html
    assert "Content-Security-Policy" in response.headers


def test_home_en_shows_english_department_names(client: Client, department) -> None:
    client.cookies["tb_lang"] = "en"
    html = client.get("/").content.decode()
    assert '<html lang="en"' in html
    assert "Sign in" in html and "Large text" in html
    assert department.name_en in html


def test_large_text_cookie_sets_html_class(client: Client) -> None:
    response = client.post(reverse("portal:large_text"), {"next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert 'class="large-text"' in html
    assert "标准字号" in html


def test_login_page_fields_are_labelled(client: Client) -> None:
    html = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert_accessible_page(html)
    assert 'for="id_username"' in html and 'for="id_password"' in html
    assert 'autocomplete="current-password"' in html


def test_login_error_is_announced_and_fields_described(client: Client, citizen: User) -> None:
    response = client.post(reverse("accounts:login"), {"username": "citizen", "password": "wrong-password"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in html and 'data-error-code="invalid_credentials"' in html
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    html = response.content.decode()
    assert_accessible_page(html)
    assert 'aria-describedby="id_username_error"' in html
    assert 'id="id_username_error"' in html
    assert 'aria-invalid="true"' in html


def test_me_page(client: Client, citizen: User) -> None:
    html = signed_in(client, citizen).get(reverse("portal:me")).content.decode()
    assert_accessible_page(html)
    masked = re.search(r'data-testid="id-masked">([^<]+)<', html).group(1)
    assert masked == CITIZEN_ID_NUMBER[:4] + "*" * 10 + CITIZEN_ID_NUMBER[-4:]
    assert "<details" in html  # the full number sits behind a disclosure
    assert 'data-testid="nav-me" aria-current="page"' in html


def test_tokens_page_offers_copy_hook(client: Client, citizen: User) -> None:
    client = signed_in(client, citizen)
    url = reverse("portal:tokens")
    assert_accessible_page(client.get(url).content.decode())
    response = client.post(url, {"name": "script", "days": 30, "scopes": ["profile:read"]})
    html = response.content.decode()
    assert_accessible_page(html)
    assert 'data-testid="new-token"' in html and "data-copy" in html
    assert "<fieldset" in html and "<legend" in html  # the scope checkboxes are a labelled group


def test_access_log_page(client: Client, citizen: User) -> None:
    html = signed_in(client, citizen).get(reverse("portal:data_access")).content.decode()
    assert_accessible_page(html)
    assert 'data-testid="access-log"' in html


def test_otp_page(client: Client, staff_user: User, staff_totp: Callable) -> None:
    staff_totp(staff_user)
    session = client.session
    session[PENDING_USER_KEY] = staff_user.pk
    session[PENDING_BACKEND_KEY] = "tongban.accounts.backends.PrincipalBackend"
    session[PENDING_NEXT_KEY] = reverse("workbench:home")
    session.save()
    html = client.get(reverse("accounts:otp")).content.decode()
    assert_accessible_page(html)
    assert 'autocomplete="one-time-code"' in html


def test_otp_enrolment_page_shows_qr(client: Client, staff_user: User) -> None:
    client.post(reverse("accounts:login"), {"username": "staff", "password": PERSONA_PASSWORD})
    html = client.get(reverse("accounts:otp")).content.decode()
    assert_accessible_page(html)
    assert 'src="data:image/svg+xml' in html and 'data-testid="otp-secret"' in html


def test_workbench_page(client: Client, staff_user: User, staff_totp: Callable) -> None:
    code = staff_totp(staff_user)
    client.post(reverse("accounts:login"), {"username": "staff", "password": PERSONA_PASSWORD})
    response = client.post(reverse("accounts:otp"), {"token": code()})
    assert response.status_code == 302
    html = client.get(reverse("workbench:home")).content.decode()
    assert_accessible_page(html)
    assert 'class="layout-workbench"' in html
    assert 'data-testid="staff-department">上海市市场监督管理局<' in html
    assert "窗口受理" in html


def test_error_page(client: Client) -> None:
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert_accessible_page(html)
    assert 'data-testid="error-code">not_found<' in html
