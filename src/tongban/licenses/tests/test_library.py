"""Issuing, signing, showing and verifying licences through the services and the API."""

from __future__ import annotations

import datetime as dt

from django.test import Client

import pytest

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.licenses.constants import LicenseStatus
from tongban.licenses.identifiers import parse_identifier
from tongban.licenses.models import License, LicenseVersion
from tongban.licenses.services import presentations, status
from tongban.licenses.services.issuing import new_version

pytestmark = pytest.mark.django_db


def test_issued_licence_is_signed_and_identified(id_card: License) -> None:
    parts = parse_identifier(id_card.identifier)
    assert parts.version == 1 and parts.issuer_code == id_card.issuer.uscc
    assert id_card.credential.count(".") == 2 and id_card.signing_kid.startswith("ed25519:")
    assert id_card.face["valid_to"] == "2040-05-01" and id_card.face["valid_from"] == "2020-05-01"
    stored = License.objects.get(pk=id_card.pk)
    assert stored.face["id_number"] == id_card.face["id_number"]  # decrypts
    assert "3101" in stored.masked_holder_code and "*" in stored.masked_holder_code


def test_present_and_verify_roundtrip(citizen: User, id_card: License) -> None:
    p = Principal(user=citizen)
    created = presentations.present(p, id_card.pk, ["name", "valid_to"])
    assert created.qr_svg.startswith("<svg")
    checked = presentations.verify_online(created.token)
    assert checked.result.valid, checked.result.checks
    assert {f.name: f.value for f in checked.fields} == {"name": "张三", "valid_to": "2040-05-01"}
    assert "id_number" not in created.token  # not even the name of an undisclosed field


def test_revoked_then_fails(citizen: User, id_card: License) -> None:
    token = presentations.present(Principal(user=citizen), id_card.pk, ["name"]).token
    status.revoke(id_card, reason="被吊销")
    assert presentations.verify_online(token).result.code == "revoked"


def test_new_version_supersedes(citizen: User, id_card: License) -> None:
    token = presentations.present(Principal(user=citizen), id_card.pk, ["name"]).token
    updated = new_version(id_card, changes={"address": "上海市徐汇区测试路3号"}, reason="住址更正")
    assert updated.version == 2 and parse_identifier(updated.identifier).version == 2
    assert LicenseVersion.objects.get(license=updated).identifier == id_card.identifier
    assert presentations.verify_online(token).result.code == "revoked"
    fresh = presentations.present(Principal(user=citizen), updated.pk, ["address"]).token
    assert presentations.verify_online(fresh).result.valid


def test_api_wallet_and_other_citizen(citizen: User, other_citizen: User, id_card: License) -> None:
    client = Client()
    client.force_login(citizen)
    body = client.get("/api/v1/me/licenses").json()
    assert [item["id"] for item in body["items"]] == [id_card.pk]
    detail = client.get(f"/api/v1/licenses/{id_card.pk}").json()
    assert "*" in detail["holder_code"]
    resp = client.post(
        f"/api/v1/licenses/{id_card.pk}/presentations", {"fields": ["name"]}, content_type="application/json"
    )
    assert resp.status_code == 201, resp.content
    token = resp.json()["token"]
    verified = Client().post("/api/v1/verify", {"token": token}, content_type="application/json").json()
    assert verified["valid"] and verified["disclosed"][0]["value"] == "张三"
    other = Client()
    other.force_login(other_citizen)
    assert other.get(f"/api/v1/licenses/{id_card.pk}").status_code in (403, 404)
    assert Client().get("/api/v1/trust/keys").json()["keys"]
    assert id_card.status == LicenseStatus.VALID and dt.date.today() < id_card.valid_to
