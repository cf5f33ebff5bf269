"""Demo licences: every demo citizen and business holds some, all verify, and loading twice adds none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.test import Client

import pytest

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.demo import data
from tongban.demo.licenses import MISSPELT_ADDRESS, SM2_DEPARTMENTS, demo_licences, id_card_term
from tongban.demo.loader import citizen_id_number, legal_person_uscc, load_demo
from tongban.licenses.constants import HolderCodeType, LicenseSource, LicenseStatus
from tongban.licenses.faces import validate_face
from tongban.licenses.holders import holder_hash
from tongban.licenses.models import License, LicenseVersion
from tongban.licenses.services import presentations, reuse
from tongban.licenses.signing import key_store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_keys(settings: Any, tmp_path: Path) -> None:
    """A key directory of this test only: which algorithm a department signs with is decided by the
    first key it gets, and other tests of this process may have given the demo departments one."""
    settings.TONGBAN_LICENSE_KEY_DIR = tmp_path / "keys"


@pytest.fixture
def loaded() -> None:
    load_demo()


def _held(code_type: str, code: str) -> list[License]:
    return list(License.objects.filter(holder_hash=holder_hash(code_type, code)))


def test_every_demo_citizen_and_business_holds_licences(loaded: None) -> None:
    for citizen in data.CITIZENS:
        held = _held(HolderCodeType.RESIDENT_ID, citizen_id_number(citizen))
        names = {lic.license_type.name for lic in held}
        assert "居民身份证" in names, citizen.username  # the unverified citizen_d too
        assert all(lic.holder_name == citizen.real_name for lic in held)
    for lp in data.LEGAL_PERSONS:
        names = {lic.license_type.name for lic in _held(HolderCodeType.USCC, legal_person_uscc(lp))}
        assert {"营业执照", "食品经营许可证"} <= names, lp.name
    restaurant = _held(HolderCodeType.USCC, legal_person_uscc(data.RESTAURANT))
    assert {lic.license_type.name for lic in restaurant} >= {
        "酒类商品零售许可证",
        "城镇污水排入排水管网许可证",
    }
    assert License.objects.count() == len(demo_licences())
    assert set(License.objects.values_list("source", flat=True)) == {LicenseSource.DEMO}


def test_demo_licences_verify_and_match_their_schemas(loaded: None) -> None:
    today = dt.date.today()
    for lic in License.objects.select_related("license_type", "issuer"):
        assert presentations.verify_stored_credential(lic), lic
        assert reuse.verified_face(lic) == lic.face
        assert validate_face(lic.license_type, lic.face, today=today) == [], lic
        assert lic.issuer_id == lic.license_type.issuing_department_id or (
            lic.issuer.parent_id == lic.license_type.issuing_department_id
        )
    for version in LicenseVersion.objects.all():
        assert presentations.verify_stored_credential(version)


def test_public_security_and_market_regulation_sign_with_sm2(loaded: None) -> None:
    for lic in License.objects.select_related("issuer"):
        expected = "sm2:" if lic.issuer.slug in SM2_DEPARTMENTS else "ed25519:"
        assert lic.signing_kid.startswith(expected), (lic.issuer.slug, lic.signing_kid)
    issuers = set(License.objects.values_list("issuer__slug", flat=True))
    assert {"gaj", "huangpu-samr", "pudong-samr"} <= issuers
    assert {"rsj", "mzj", "sww", "swj", "cjrlh"} <= issuers
    assert len(key_store().public_keys()) >= len(issuers) + 1  # plus the platform's key


def test_demonstration_states(loaded: None) -> None:
    statuses = list(License.objects.values_list("license_type__name", "holder_name", "status"))
    assert ("机动车驾驶证", "陈示范", LicenseStatus.SUSPENDED) in statuses
    assert ("机动车驾驶证", "王样例", LicenseStatus.EXPIRED) in statuses
    assert sum(1 for s in statuses if s[2] != LicenseStatus.VALID) == 2
    corrected = License.objects.get(license_type__name="食品经营许可证", holder_name=data.RESTAURANT.name)
    assert corrected.version == 2 and corrected.face["premises"] == data.RESTAURANT.registered_address
    old = corrected.versions.get()
    assert old.version == 1 and old.face["premises"] == "上海市黄浦区示例路1号"
    id_card = License.objects.get(license_type__name="居民身份证", holder_name="张示例")
    assert id_card.face["address"] == MISSPELT_ADDRESS and "黄埔区" in MISSPELT_ADDRESS


def test_id_cards_follow_the_age_rule(loaded: None) -> None:
    assert id_card_term(dt.date(2010, 1, 1), dt.date(2025, 12, 31)) == 5
    assert id_card_term(dt.date(2003, 9, 9), dt.date(2019, 10, 8)) == 10
    assert id_card_term(dt.date(1990, 5, 12), dt.date(2016, 6, 20)) == 20
    assert id_card_term(dt.date(1956, 2, 20), dt.date(2006, 3, 10)) is None
    cards = {lic.holder_name: lic for lic in License.objects.filter(license_type__name="居民身份证")}
    assert cards["王样例"].valid_to is None and cards["王样例"].face["valid_to"] == "长期"
    assert cards["赵测试"].valid_to == dt.date(2029, 10, 8)


def test_loading_again_adds_no_licence(loaded: None) -> None:
    counts = (License.objects.count(), LicenseVersion.objects.count())
    report = load_demo()
    assert (License.objects.count(), LicenseVersion.objects.count()) == counts
    assert report.counts["licences"]["created"] == 0
    assert report.counts["licences"]["found"] == counts[0]
    assert report.counts["licence signing keys"]["created"] == 0


def test_a_demo_licence_can_be_shown_and_verified(loaded: None) -> None:
    owner = User.objects.get(username="biz_owner")
    lic = License.objects.get(license_type__name="机动车驾驶证", holder_name="周演示")
    created = presentations.present(Principal(user=owner), lic.pk, ["name", "vehicle_classes"])
    checked = presentations.verify_online(created.token)
    assert checked.result.valid, checked.result.checks
    assert {f.name: f.value for f in checked.fields} == {"name": "周演示", "vehicle_classes": "C1"}


def test_demo_wallets(loaded: None) -> None:
    def wallet(username: str, **headers: str) -> tuple[int, Any]:
        client = Client()
        client.force_login(User.objects.get(username=username))
        resp = client.get("/api/v1/me/licenses?limit=50", headers=headers)
        return resp.status_code, resp.json()

    restaurant = {"X-Acting-For": legal_person_uscc(data.RESTAURANT)}
    code, body = wallet("biz_owner", **restaurant)
    assert code == 200 and {i["type"]["name"] for i in body["items"]} == {
        "营业执照",
        "食品经营许可证",
        "酒类商品零售许可证",
        "城镇污水排入排水管网许可证",
    }
    code, body = wallet("citizen_a", **restaurant)  # an agent without the 查看证照 scope
    assert code == 403 and body["code"] == "representation_scope_missing"
    code, body = wallet("citizen_d")  # not real-name verified
    assert code == 403 and body["code"] == "not_verified"
    code, body = wallet("citizen_c")
    assert {(i["type"]["name"], i["status"]) for i in body["items"]} >= {
        ("居民身份证", "valid"),
        ("机动车驾驶证", "expired"),
    }
