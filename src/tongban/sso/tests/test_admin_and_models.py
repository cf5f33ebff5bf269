"""Registering clients in the admin, the client model's rules, and the migration order."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client as HttpClient

import pytest

from tongban.accounts.models import User
from tongban.sso.admin import ClientAdmin
from tongban.sso.models import Client
from tongban.sso.tests.rp import REDIRECT_URI, verify_otp_session


def test_migration_creates_the_client_table_before_oauth_toolkit_needs_it() -> None:
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    plan = graph.forwards_plan(("oauth2_provider", "0001_initial"))
    assert ("sso", "0001_initial") in plan
    assert plan.index(("sso", "0001_initial")) < plan.index(("oauth2_provider", "0001_initial"))


@pytest.mark.django_db
def test_oauth_toolkit_tables_point_at_the_client_table() -> None:
    with connection.cursor() as cursor:
        relations = connection.introspection.get_relations(cursor, "oauth2_provider_grant")
    assert relations["application_id"][1] == "sso_client"


@pytest.mark.django_db
def test_client_rejects_unknown_scopes(make_client) -> None:
    registered = make_client()
    registered.app.allowed_scopes = ["openid", "everything"]
    with pytest.raises(ValidationError) as exc:
        registered.app.full_clean()
    assert "allowed_scopes" in exc.value.message_dict


@pytest.mark.django_db
def test_trusted_flag_drives_skip_authorization(make_client) -> None:
    registered = make_client()
    assert registered.app.skip_authorization is False
    registered.app.is_trusted = True
    registered.app.save(update_fields=["is_trusted"])
    registered.app.refresh_from_db()
    assert registered.app.skip_authorization is True


def test_admin_uses_our_client_admin() -> None:
    assert isinstance(admin.site._registry[Client], ClientAdmin)


@pytest.fixture
def admin_browser(department, staff_totp) -> HttpClient:
    superuser = User.objects.create_superuser("root", "Correct-Horse-2026", display_name="管理员")
    code = staff_totp(superuser)
    browser = HttpClient()
    browser.force_login(superuser)
    verify_otp_session(browser, code.device)
    return browser


@pytest.mark.django_db
def test_admin_lists_clients(admin_browser: HttpClient, make_client, department) -> None:
    make_client(name="不动产登记系统", department=department, is_trusted=True)
    resp = admin_browser.get("/admin/sso/client/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "不动产登记系统" in html and department.name in html
    assert "openid profile phone" in html


@pytest.mark.django_db
def test_admin_registers_a_client(admin_browser: HttpClient, department) -> None:
    assert admin_browser.get("/admin/sso/client/add/").status_code == 200
    secret = "a-long-client-secret-shown-once-0123456789"
    resp = admin_browser.post(
        "/admin/sso/client/add/",
        {
            "name": "社保经办系统",
            "department": department.pk,
            "allowed_scopes": ["profile", "identity"],
            "client_id": "shebao-system",
            "client_type": Client.CLIENT_CONFIDENTIAL,
            "client_secret": secret,
            "redirect_uris": REDIRECT_URI,
            "post_logout_redirect_uris": "",
            "allowed_origins": "",
            "authorization_grant_type": Client.GRANT_AUTHORIZATION_CODE,
            "algorithm": Client.RS256_ALGORITHM,
            "user": "",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    created = Client.objects.get(client_id="shebao-system")
    assert created.allowed_scopes == ["openid", "profile", "identity"]  # openid is always allowed
    assert created.department == department
    assert created.is_trusted is False and created.skip_authorization is False
    assert check_password(secret, created.client_secret)  # stored hashed
