import datetime as dt
import io
import json

from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

import pytest
import time_machine

from tongban.accounts import services
from tongban.accounts.constants import RepresentationRole
from tongban.accounts.models import AccessToken, Representation
from tongban.accounts.tests.factories import (
    LegalPersonFactory,
    NaturalPersonFactory,
    RepresentationFactory,
    StaffProfileFactory,
)
from tongban.audits.models import AuditEvent
from tongban.utils.errors import DomainError

pytestmark = pytest.mark.django_db


def bearer(text):
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def test_issue_token_command_prints_the_token_once_and_stores_only_a_digest():
    person = NaturalPersonFactory()
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "issue_token", person.user.username, "--scope", "profile:read", "--days", "7", stdout=out, stderr=err
    )
    text = out.getvalue().strip()
    assert text.startswith("tbp_") and len(text) > 40
    row = AccessToken.objects.get(user=person.user)
    assert text not in (row.digest, row.prefix) and text.startswith(row.prefix)
    assert row.scopes == ["profile:read"]
    assert "not shown again" in err.getvalue()
    assert AuditEvent.objects.filter(event="token.issued", channel="cli").exists()


def test_issue_token_command_rejects_unknown_user_and_bad_lifetime():
    with pytest.raises(CommandError, match="No active user"):
        call_command("issue_token", "ghost")
    person = NaturalPersonFactory()
    with pytest.raises(CommandError, match="token_lifetime"):
        call_command("issue_token", person.user.username, "--days", "0")


def test_token_authenticates_and_scopes_are_enforced(client):
    person = NaturalPersonFactory(mobile="13912345678")
    _row, text = services.issue_token(user=person.user, name="t", scopes=["profile:read"])
    resp = client.get("/api/v1/me", **bearer(text))
    assert resp.status_code == 200
    body = resp.json()
    assert body["id_number_masked"] == person.masked_id_number
    assert body["id_number"] == person.id_number  # owner sees the full number
    assert body["mobile_masked"] == "139****5678"
    # Writing needs profile:write, which this token lacks.
    resp = client.patch(
        "/api/v1/me", data={"mobile": "13700000000"}, content_type="application/json", **bearer(text)
    )
    assert resp.status_code == 403 and resp.json()["code"] == "token_scope_missing"
    # Tokens cannot manage tokens.
    assert client.get("/api/v1/me/tokens", **bearer(text)).json()["code"] == "session_required"


def test_expired_and_revoked_tokens_are_refused(client):
    person = NaturalPersonFactory()
    row, text = services.issue_token(user=person.user, name="t", scopes=["profile:read"], days=1)
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        assert client.get("/api/v1/me", **bearer(text)).status_code == 401
    assert client.get("/api/v1/me", **bearer(text)).status_code == 200
    services.revoke_token(principal=None, token=row)  # type: ignore[arg-type]
    resp = client.get("/api/v1/me", **bearer(text))
    assert resp.status_code == 401 and resp.json()["code"] == "unauthenticated"


def test_unknown_scopes_are_rejected():
    person = NaturalPersonFactory()
    with pytest.raises(DomainError) as exc:
        services.issue_token(user=person.user, name="t", scopes=["everything"])
    assert exc.value.code == "token_scope_unknown"
    with pytest.raises(DomainError):
        services.issue_token(user=person.user, name="t", scopes=["workbench"])  # staff-only scope


def test_api_patch_validates_with_error_code(client):
    person = NaturalPersonFactory()
    _row, text = services.issue_token(user=person.user, name="t", scopes=["profile:read", "profile:write"])
    resp = client.patch(
        "/api/v1/me", data={"mobile": "12345"}, content_type="application/json", **bearer(text)
    )
    assert resp.status_code == 400
    assert (
        resp.json()
        == {
            "code": "mobile_format",
            "message": "A mainland mobile number has 11 digits starting with 1.",
            "field": "mobile",
        }
        or resp.json()["code"] == "mobile_format"
    )
    resp = client.patch("/api/v1/me", data={"wrong": 1}, content_type="application/json", **bearer(text))
    assert resp.status_code == 422 and resp.json()["code"] == "validation_failed"
    ok = client.patch(
        "/api/v1/me", data={"mobile": "13700000000"}, content_type="application/json", **bearer(text)
    )
    assert ok.status_code == 200 and ok.json()["mobile_masked"] == "137****0000"
    ev = AuditEvent.objects.get(event="profile.mobile_changed")
    # The trail says what changed, never the numbers themselves.
    assert ev.summary == {"changes": {"mobile": {"before": "[changed]", "after": "[changed]"}}}
    assert ev.channel == "api" and ev.actor_id == person.user_id


def test_session_writes_need_csrf():
    person = NaturalPersonFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(person.user)
    resp = client.patch("/api/v1/me", data={"mobile": "13700000000"}, content_type="application/json")
    assert resp.status_code == 403
    client.get("/")  # sets the CSRF cookie
    token = client.cookies["tb_csrf"].value
    resp = client.patch(
        "/api/v1/me", data={"mobile": "13700000000"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert resp.status_code == 200


def test_acting_for_header_and_agent_management(client):
    boss = NaturalPersonFactory()
    company = LegalPersonFactory()
    RepresentationFactory(person=boss.user, legal_person=company)
    newcomer = NaturalPersonFactory(real_name="李演示")
    _row, text = services.issue_token(
        user=boss.user, name="t", scopes=["profile:read", "representations:read", "representations:write"]
    )
    me = client.get("/api/v1/me", HTTP_X_ACTING_FOR=company.uscc, **bearer(text)).json()
    assert me["acting_for"]["uscc"] == company.uscc and "manage_agents" in me["acting_for"]["scopes"]
    payload = {
        "id_number": newcomer.id_number,
        "real_name": "李演示",
        "scopes": ["apply"],
        "expires_at": (timezone.now() + dt.timedelta(days=30)).isoformat(),
    }
    resp = client.post(
        f"/api/v1/legal-persons/{company.uscc}/agents",
        data=payload,
        content_type="application/json",
        **bearer(text),
    )
    assert resp.status_code == 201, resp.content
    rep_id = resp.json()["id"]
    ev = AuditEvent.objects.get(event="representation.granted", subject_user_id=newcomer.user_id)
    assert ev.actor_id == boss.user_id and ev.acting_for_id == company.pk  # both parties recorded
    # Same answer for unknown person and wrong name: nothing to enumerate.
    wrong = dict(payload, real_name="王样例")
    resp = client.post(
        f"/api/v1/legal-persons/{company.uscc}/agents",
        data=wrong,
        content_type="application/json",
        **bearer(text),
    )
    assert resp.json()["code"] == "agent_not_found"
    # Duplicate grant is a conflict, not a second row.
    resp = client.post(
        f"/api/v1/legal-persons/{company.uscc}/agents",
        data=payload,
        content_type="application/json",
        **bearer(text),
    )
    assert resp.status_code == 409 and resp.json()["code"] == "representation_exists"
    # Revoke, twice: idempotent.
    for _ in range(2):
        resp = client.delete(f"/api/v1/representations/{rep_id}", **bearer(text))
        assert resp.status_code == 200 and resp.json()["active"] is False
    assert AuditEvent.objects.filter(event="representation.revoked").count() == 1


def test_acting_for_a_stranger_company_is_refused(client):
    person = NaturalPersonFactory()
    company = LegalPersonFactory()
    _row, text = services.issue_token(user=person.user, name="t", scopes=["profile:read"])
    resp = client.get("/api/v1/me", HTTP_X_ACTING_FOR=company.uscc, **bearer(text))
    assert resp.status_code == 403 and resp.json()["code"] == "not_authorised_for_legal_person"
    # Another company's page is hidden (404), not forbidden.
    resp = client.get(f"/api/v1/legal-persons/{company.uscc}", **bearer(text))
    assert resp.status_code == 404


def test_agent_grant_needs_expiry_and_scopes():
    boss = NaturalPersonFactory()
    other = NaturalPersonFactory()
    company = LegalPersonFactory()
    with pytest.raises(DomainError) as exc:
        services.grant_representation(
            principal=None,
            person=other.user,
            legal_person=company,
            role=RepresentationRole.AGENT,
            scopes=["apply"],
        )
    assert exc.value.code == "representation_expiry_required"
    with pytest.raises(DomainError) as exc:
        services.grant_representation(
            principal=None,
            person=other.user,
            legal_person=company,
            role=RepresentationRole.AGENT,
            scopes=["fly"],
            expires_at=timezone.now() + dt.timedelta(days=1),
        )
    assert exc.value.code == "representation_scope_unknown"
    assert not Representation.objects.exists()
    assert boss


def test_staff_person_lookup_is_logged_and_visible_to_the_owner(client):
    clerk = StaffProfileFactory(roles=["window_clerk"])
    person = NaturalPersonFactory()
    _row, text = services.issue_token(user=clerk.user, name="t", scopes=["workbench"])
    resp = client.post(
        "/api/v1/staff/person-lookup",
        data={"id_number": person.id_number, "purpose": "窗口受理核验"},
        content_type="application/json",
        **bearer(text),
    )
    assert resp.status_code == 200
    assert resp.json()["id_number_masked"] == person.masked_id_number
    assert person.id_number not in json.dumps(resp.json())
    # The owner sees who looked.
    _r, own = services.issue_token(user=person.user, name="t", scopes=["audit:read"])
    log = client.get("/api/v1/audit/my-data-access", **bearer(own)).json()
    assert log["count"] == 1 and log["items"][0]["actor_label"] == clerk.user.username
    assert log["items"][0]["summary"] == {"purpose": "窗口受理核验"}


def test_staff_without_front_desk_role_cannot_look_people_up(client):
    staff = StaffProfileFactory(roles=[])
    person = NaturalPersonFactory()
    _row, text = services.issue_token(user=staff.user, name="t", scopes=["workbench"])
    resp = client.post(
        "/api/v1/staff/person-lookup",
        data={"id_number": person.id_number, "purpose": "好奇"},
        content_type="application/json",
        **bearer(text),
    )
    assert resp.status_code == 404 and resp.json()["code"] == "person_not_found"
    assert not AuditEvent.objects.filter(event="personal_data.viewed").exists()


def test_citizen_cannot_use_staff_endpoints(client):
    person = NaturalPersonFactory()
    _row, text = services.issue_token(user=person.user, name="t", scopes=["profile:read"])
    resp = client.get("/api/v1/staff/me", **bearer(text))
    assert resp.status_code == 403 and resp.json()["code"] == "staff_only"


def test_public_directory_needs_no_sign_in(client):
    assert client.get("/api/v1/organizations/departments").status_code == 200
    assert client.get("/api/v1/organizations/districts").status_code == 200


def test_anonymous_api_calls_are_throttled_per_address(client, settings):
    limit = int(settings.TONGBAN_API_RATE_ANON.split("/")[0])
    statuses = [client.get("/api/v1/organizations/districts").status_code for _ in range(limit + 1)]
    assert statuses[:limit] == [200] * limit
    resp = client.get("/api/v1/organizations/districts")
    assert resp.status_code == 429 and resp.json()["code"] == "rate_limited"
