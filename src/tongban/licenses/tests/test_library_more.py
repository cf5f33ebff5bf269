"""The licence library end to end: both signature algorithms, tampering, expiry, status changes, key
rotation, selective disclosure, consent-bound reuse, and who may open or show a licence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.test import Client
from django.utils import timezone

import pytest

from tongban.accounts import services as accounts
from tongban.accounts.models import LegalPerson, Role, User
from tongban.accounts.principal import Principal
from tongban.accounts.request import ACTING_FOR_SESSION_KEY
from tongban.conftest import CITIZEN_ID_NUMBER, PERSONA_PASSWORD
from tongban.licenses.constants import AccessKind, LicenseStatus
from tongban.licenses.credentials import jws
from tongban.licenses.credentials.encoding import SM2, b64url_decode
from tongban.licenses.credentials.errors import CredentialError
from tongban.licenses.credentials.keys import keys_from_jwks
from tongban.licenses.credentials.statuslist import verify_status_list
from tongban.licenses.identifiers import is_valid_identifier, parse_identifier
from tongban.licenses.models import License, LicenseAccess, LicenseType, StatusListRecord
from tongban.licenses.services import presentations, status, statuslists
from tongban.licenses.services.issuing import issue_license, new_version
from tongban.licenses.signing import generate_department_key, rotate_department_key
from tongban.licenses.tests.conftest import ENTERPRISE_USCC, id_card_face
from tongban.organizations.models import Department
from tongban.utils.errors import Conflict
from tongban.utils.identifiers import make_resident_id

pytestmark = pytest.mark.django_db

OTHER_ID = make_resident_id("310104", dt.date(1988, 3, 8), 135)
CASE = "SH2026-ZX-000123"


@pytest.fixture(autouse=True)
def _own_keys(settings: Any, tmp_path: Path) -> None:
    """Fresh signing keys per test: these tests generate, rotate and pick algorithms."""
    settings.TONGBAN_LICENSE_KEY_DIR = tmp_path / "keys"


@pytest.fixture
def other_holder(db: None) -> User:
    """A real-name verified citizen who holds none of the fixtures' licences."""
    return accounts.register_natural_person(
        username="citizen3",
        password=PERSONA_PASSWORD,
        real_name="王示例",
        id_number=OTHER_ID,
        mobile="13800138099",
        verified=True,
    )


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _staff_client(
    user_department: Department, staff_roles: dict[str, Role], username: str = "clerk"
) -> tuple[Client, User]:
    """A staff member of ``user_department`` calling the API with a ``workbench`` token."""
    user = accounts.create_staff(
        username=username,
        password=PERSONA_PASSWORD,
        real_name="刘受理",
        employee_no=f"E-{username}",
        department_id=user_department.pk,
        roles=["window_clerk"],
    )
    _row, text = accounts.issue_token(user=user, name="test", scopes=["workbench"])
    return Client(HTTP_AUTHORIZATION=f"Bearer {text}"), user


def _present(client: Client, license_id: int, fields: list[str], **headers: str) -> Any:
    return client.post(
        f"/api/v1/licenses/{license_id}/presentations",
        {"fields": fields},
        content_type="application/json",
        headers=headers,
    )


def _verify(token: str) -> dict[str, Any]:
    resp = Client().post("/api/v1/verify", {"token": token}, content_type="application/json")
    assert resp.status_code == 200, resp.content
    return dict(resp.json())


def _flip(text: str, index: int) -> str:
    return text[:index] + ("B" if text[index] != "B" else "C") + text[index + 1 :]


def _decoded(token: str) -> bytes:
    """Every base64url segment of a presentation, decoded: what a QR reader can see."""
    return b"".join(b64url_decode(seg) for part in token.split("~") for seg in part.split(".") if seg)


# --- signatures -----------------------------------------------------------------------------------------
def test_sm2_issuer_round_trip(
    citizen: User, id_card_type: LicenseType, gaj: Department, platform: Any
) -> None:
    record = generate_department_key(gaj, SM2, actor_label="cli")
    licence = issue_license(
        license_type=id_card_type,
        issuer=gaj,
        holder_code=CITIZEN_ID_NUMBER,
        holder_name="张三",
        face=id_card_face(),
        issued_on=dt.date(2020, 5, 1),
        valid_to=dt.date(2040, 5, 1),
    )
    header, payload = jws.peek(licence.credential)
    assert header["alg"] == SM2 and licence.signing_kid == record.kid and payload["_sd_alg"] == "sm3"
    resp = _present(_client(citizen), licence.pk, ["name", "valid_to"])
    assert resp.status_code == 201, resp.content
    result = _verify(resp.json()["token"])
    assert result["valid"] and result["issuer"] == gaj.uscc and result["issuer_name"] == "上海市公安局"
    assert {c["name"]: c["detail"] for c in result["checks"]}["credential_signature"] == record.kid


def test_ed25519_issuer_round_trip(citizen: User, business_licence: License, enterprise: LegalPerson) -> None:
    assert jws.peek(business_licence.credential)[0]["alg"] == "EdDSA"
    resp = _present(
        _client(citizen), business_licence.pk, ["holder_name"], **{"X-Acting-For": ENTERPRISE_USCC}
    )
    assert resp.status_code == 201, resp.content
    result = _verify(resp.json()["token"])
    assert result["valid"] and result["disclosed"] == [
        {"name": "holder_name", "title": "名称", "value": "上海测试餐饮有限公司"}
    ]


def test_tampered_presentations_are_refused(citizen: User, id_card: License) -> None:
    token = presentations.present(Principal(user=citizen), id_card.pk, ["name"]).token
    credential, disclosure, envelope = token.split("~")
    changed_disclosure = "~".join([credential, _flip(disclosure, len(disclosure) // 2), envelope])
    assert _verify(changed_disclosure)["code"] in ("tampered_disclosure", "bad_signature")
    body, signature = envelope.rsplit(".", 1)
    forged_envelope = "~".join([credential, disclosure, f"{body}.{_flip(signature, 10)}"])
    result = _verify(forged_envelope)
    assert result["code"] == "bad_signature" and not result["valid"] and result["disclosed"] == []
    assert _verify(token)["valid"]  # the untouched token still holds


def test_presentation_expires(citizen: User, id_card: License) -> None:
    token = presentations.present(Principal(user=citizen), id_card.pk, ["name"]).token
    later = presentations.verify_online(token, now=timezone.now() + dt.timedelta(minutes=10))
    assert later.result.code == "expired_presentation" and later.fields == []


# --- status -----------------------------------------------------------------------------------------------
def test_revoked_licence(citizen: User, id_card: License) -> None:
    client = _client(citizen)
    token = _present(client, id_card.pk, ["name"]).json()["token"]
    status.revoke(id_card, reason="证件被依法注销")
    result = _verify(token)
    assert result["code"] == "revoked" and result["license_identifier"] == id_card.identifier
    resp = _present(client, id_card.pk, ["name"])
    assert resp.status_code == 409 and resp.json()["code"] == "license_not_presentable"
    with pytest.raises(Conflict):
        status.reinstate(id_card, reason="撤销不可恢复")


def test_suspended_then_reinstated(citizen: User, id_card: License) -> None:
    token = presentations.present(Principal(user=citizen), id_card.pk, ["name"]).token
    status.suspend(id_card, reason="挂失")
    assert presentations.verify_online(token).result.code == "suspended"
    with pytest.raises(Conflict):
        presentations.present(Principal(user=citizen), id_card.pk, ["name"])
    status.reinstate(id_card, reason="找回")
    assert presentations.verify_online(token).result.valid
    assert License.objects.get(pk=id_card.pk).status == LicenseStatus.VALID


def test_new_version_of_a_suspended_licence_stays_suspended(id_card: License) -> None:
    status.suspend(id_card, reason="挂失")
    updated = new_version(id_card, changes={"address": "上海市徐汇区测试路3号"}, reason="住址更正")
    assert updated.status == LicenseStatus.SUSPENDED
    assert updated.status_list is not None and updated.status_index is not None
    record = StatusListRecord.objects.get(pk=updated.status_list.pk)
    assert statuslists.bit(record, updated.status_index, "suspension")
    assert not statuslists.bit(record, updated.status_index, "revocation")


def test_new_holder_name_is_printed_on_the_face(business_licence: License) -> None:
    updated = new_version(
        business_licence, changes={"holder_name": "上海新测试餐饮有限公司"}, reason="名称变更"
    )
    assert updated.holder_name == updated.face["holder_name"] == "上海新测试餐饮有限公司"


def test_status_list_endpoint_is_signed_by_the_platform(
    citizen: User, id_card: License, platform: Any
) -> None:
    status.revoke(id_card, reason="证件被依法注销")
    client = Client()
    lists = client.get("/api/v1/trust/status").json()["lists"]
    assert id_card.status_list is not None and id_card.status_index is not None
    rev, sus = f"{id_card.status_list.list_id}-rev", f"{id_card.status_list.list_id}-sus"
    assert {rev, sus} <= set(lists)
    keys = keys_from_jwks(client.get("/api/v1/trust/keys").json())
    revocation = verify_status_list(
        client.get(f"/api/v1/trust/status/{rev}").json()["token"], keys, signer_department=platform.uscc
    )
    suspension = verify_status_list(
        client.get(f"/api/v1/trust/status/{sus}").json()["token"], keys, signer_department=platform.uscc
    )
    assert revocation.list_id == rev and revocation.get(id_card.status_index)
    assert not suspension.get(id_card.status_index)
    with pytest.raises(CredentialError) as info:  # an issuing department's key does not sign status lists
        verify_status_list(
            client.get(f"/api/v1/trust/status/{rev}").json()["token"],
            keys,
            signer_department=id_card.issuer.uscc,
        )
    assert info.value.code == "unknown_key"
    assert client.get("/api/v1/trust/status/L99999-rev").status_code == 404


# --- keys -----------------------------------------------------------------------------------------------
def test_key_rotation_keeps_old_licences_valid(
    citizen: User, other_holder: User, id_card: License, id_card_type: LicenseType, gaj: Department
) -> None:
    old_kid = id_card.signing_kid
    new = rotate_department_key(gaj, SM2, actor_label="cli")
    second = issue_license(
        license_type=id_card_type,
        issuer=gaj,
        holder_code=OTHER_ID,
        holder_name="王示例",
        face=id_card_face("王示例") | {"id_number": OTHER_ID, "sex": "男", "birth_date": "1988-03-08"},
        issued_on=dt.date(2018, 3, 9),
        valid_to=dt.date(2038, 3, 9),
    )
    assert second.signing_kid == new.kid != old_kid
    for user, licence in ((citizen, id_card), (other_holder, second)):
        token = presentations.present(Principal(user=user), licence.pk, ["name"]).token
        assert presentations.verify_online(token).result.valid
    published = {k["kid"]: k for k in Client().get("/api/v1/trust/keys").json()["keys"]}
    assert published[old_kid]["status"] == "retired" and published[old_kid]["alg"] == "EdDSA"
    assert published[new.kid]["status"] == "active" and published[new.kid]["crv"] == "SM2"
    assert published[new.kid]["dept"] == gaj.uscc


# --- disclosure -----------------------------------------------------------------------------------------
def test_selective_disclosure_hides_the_rest(citizen: User, id_card: License) -> None:
    token = _present(_client(citizen), id_card.pk, ["name"]).json()["token"]
    seen = _decoded(token)
    assert "张三".encode() in seen
    for hidden in (CITIZEN_ID_NUMBER, "上海市黄浦区测试路2号", "address", "id_number", "birth_date"):
        assert hidden.encode() not in seen, hidden
    result = _verify(token)
    assert [d["name"] for d in result["disclosed"]] == ["name"]


# --- consent and reuse ----------------------------------------------------------------------------------
def test_reuse_needs_consent_for_the_case_and_is_logged(
    citizen: User, id_card: License, id_card_type: LicenseType, department: Department, staff_roles: Any
) -> None:
    staff, _user = _staff_client(department, staff_roles)
    holder = _client(citizen)
    ask = {
        "holder_code": CITIZEN_ID_NUMBER,
        "license_types": [id_card_type.code],
        "case_reference": CASE,
        "purpose": "食品经营许可申请核验经营者身份",
    }

    def fetch(**changes: str) -> Any:
        return staff.post("/api/v1/staff/license-reuse", ask | changes, content_type="application/json")

    refused = fetch()
    assert refused.status_code == 403 and refused.json()["code"] == "consent_required"
    granted = holder.post(
        "/api/v1/me/license-consents",
        {"case_reference": CASE, "license_types": [id_card_type.code], "purpose": "食品经营许可申请"},
        content_type="application/json",
    )
    assert granted.status_code == 201, granted.content
    fetched = fetch()
    assert fetched.status_code == 200, fetched.content
    [item] = fetched.json()
    assert item["identifier"] == id_card.identifier and item["fields"]["id_number"] == CITIZEN_ID_NUMBER
    log = holder.get("/api/v1/me/license-access-log").json()["items"]
    assert [(e["kind"], e["case_reference"], e["department"]) for e in log] == [
        (AccessKind.REUSE, CASE, department.name)
    ]
    assert "id_number" in log[0]["fields"] and CITIZEN_ID_NUMBER not in str(log)
    assert fetch(case_reference="SH2026-ZX-000999").json()["code"] == "consent_required"  # another case
    withdrawn = holder.post(f"/api/v1/me/license-consents/{granted.json()['id']}/withdraw")
    assert withdrawn.status_code == 200 and withdrawn.json()["active"] is False
    assert fetch().status_code == 403
    assert LicenseAccess.objects.filter(kind=AccessKind.REUSE).count() == 1


def test_reuse_refuses_a_holder_code_with_a_wrong_check_digit(
    department: Department, staff_roles: Any, id_card_type: LicenseType
) -> None:
    staff, _user = _staff_client(department, staff_roles)
    # The standard's own example 11010519491231002X (GB 11643), with its check digit changed.
    resp = staff.post(
        "/api/v1/staff/license-reuse",
        {"holder_code": "110105194912310021", "license_types": [id_card_type.code], "case_reference": CASE,
         "purpose": "核验"},
        content_type="application/json",
    )  # fmt: skip
    assert resp.status_code == 400 and resp.json()["code"] == "holder_code_invalid"


def test_issued_identifiers_carry_a_valid_check_character(id_card: License) -> None:
    """MOD 37,36 itself is tested with the standard's examples in test_identifiers.py."""
    updated = new_version(id_card, changes={"address": "上海市徐汇区测试路3号"}, reason="住址更正")
    for identifier in (id_card.identifier, updated.identifier):
        assert is_valid_identifier(identifier)
        assert not is_valid_identifier(identifier[:-1] + ("1" if identifier[-1] != "1" else "2"))
    assert parse_identifier(updated.identifier).version == 2


# --- who may see a licence ------------------------------------------------------------------------------
def test_another_citizen_cannot_read_or_show_my_licence(other_holder: User, id_card: License) -> None:
    other = _client(other_holder)
    assert other.get(f"/api/v1/licenses/{id_card.pk}").status_code == 404
    assert _present(other, id_card.pk, ["name"]).status_code == 404
    assert other.get("/api/v1/me/licenses").json()["items"] == []


def test_representative_sees_enterprise_licences_only_while_acting(
    citizen: User, id_card: License, business_licence: License, enterprise: LegalPerson
) -> None:
    client = _client(citizen)
    acting = {"X-Acting-For": ENTERPRISE_USCC}

    def wallet(**headers: str) -> list[int]:
        return [i["id"] for i in client.get("/api/v1/me/licenses", headers=headers).json()["items"]]

    assert wallet() == [id_card.pk]
    assert wallet(**acting) == [business_licence.pk]
    assert client.get(f"/api/v1/licenses/{business_licence.pk}").status_code == 404
    assert client.get(f"/api/v1/licenses/{business_licence.pk}", headers=acting).status_code == 200
    assert client.get(f"/api/v1/licenses/{id_card.pk}", headers=acting).status_code == 404
    session = client.session  # acting for the enterprise in the web session instead of the header
    session[ACTING_FOR_SESSION_KEY] = enterprise.pk
    session.save()
    assert wallet() == [business_licence.pk]
    session[ACTING_FOR_SESSION_KEY] = None
    session.save()
    assert wallet() == [id_card.pk]


def test_agent_without_the_licence_scope_sees_nothing(
    other_holder: User, business_licence: License, enterprise: LegalPerson
) -> None:
    accounts.grant_representation(
        principal=None,
        person=other_holder,
        legal_person=enterprise,
        role="agent",
        scopes=["apply"],
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    resp = _client(other_holder).get("/api/v1/me/licenses", headers={"X-Acting-For": ENTERPRISE_USCC})
    assert resp.status_code == 403 and resp.json()["code"] == "representation_scope_missing"


def test_issuing_department_staff_open_masked_and_logged(
    citizen: User, id_card: License, gaj: Department, department: Department, staff_roles: Any
) -> None:
    police, police_user = _staff_client(gaj, staff_roles, "police")
    detail = police.get(f"/api/v1/licenses/{id_card.pk}?unmask=true")
    assert detail.status_code == 200, detail.content
    body = detail.json()
    assert "*" in body["holder_code"] and CITIZEN_ID_NUMBER not in detail.content.decode()
    fields = {f["name"]: f["value"] for f in body["fields"]}
    assert fields["name"] != "张三" and fields["name"].startswith("张")
    access = LicenseAccess.objects.get()
    assert (access.kind, access.staff_id, access.department_id) == (
        AccessKind.STAFF_VIEW,
        police_user.pk,
        gaj.pk,
    )
    log = _client(citizen).get("/api/v1/me/license-access-log").json()["items"]
    assert [(e["kind"], e["department"]) for e in log] == [(AccessKind.STAFF_VIEW, "上海市公安局")]
    market, _user = _staff_client(department, staff_roles, "market")
    assert market.get(f"/api/v1/licenses/{id_card.pk}").status_code == 404
    assert LicenseAccess.objects.count() == 1
