"""Selective disclosure: credential format, disclosures, digests (SHA-256 and SM3), presentations, sizes.

``make_world`` is shared with ``test_credentials_verify.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes

from tongban.licenses.credentials import jws, keys, presentation, statuslist
from tongban.licenses.credentials.encoding import b64url_decode, b64url_encode, canonical_json
from tongban.licenses.credentials.keys import KeyRecord, KeyStore, SigningKey
from tongban.licenses.credentials.presentation import Disclosure, IssuedCredential, StatusRef
from tongban.licenses.credentials.statuslist import StatusList
from tongban.licenses.credentials.verify import VerificationResult, verify_presentation

PLATFORM = "12310101425000006P"  # platform operator (synthetic 事业单位 code)
ISSUER = "11310000MB00000009"  # issuing department (synthetic 机关 code)
NOW = dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
LICENSE_ID = "1.2.156.3005.2.11100000000013338W011.11310000MB00000009.2025000001.001.0"
TYPE_CODE = "11100000000013338W011"
FIELDS: dict[str, Any] = {
    "经营者名称": "上海某某餐饮管理有限公司",
    "社会信用代码": "913101151234567880",
    "法定代表人": "张三",
    "住所": "上海市浦东新区世纪大道100号",
    "经营场所": "上海市浦东新区世纪大道100号1层",
    "主体业态": "餐饮服务经营者",
    "经营项目": "热食类食品制售",
    "许可证编号": "JY13101150000001",
}
DISCLOSE = ["经营者名称", "许可证编号", "经营项目"]


@dataclass
class World:
    store: KeyStore
    platform: SigningKey
    issuer: SigningKey
    revocation: StatusList
    suspension: StatusList
    credential: IssuedCredential

    def keys(self) -> dict[str, KeyRecord]:
        """What an offline verifier caches: the published JWKS, parsed back."""
        return keys.keys_from_jwks(keys.jwks(self.store.public_keys()))

    def status_lists(self, *, now: dt.datetime = NOW, ttl: int = 86400) -> dict[str, StatusList]:
        result = {}
        for list_id, sl in (("rev-1", self.revocation), ("sus-1", self.suspension)):
            token = statuslist.sign_status_list(sl, list_id=list_id, key=self.platform, now=now, ttl=ttl)
            result[list_id] = statuslist.verify_status_list(token, self.keys(), signer_department=PLATFORM)
        return result

    def issue(self, **overrides: Any) -> IssuedCredential:
        args: dict[str, Any] = {
            "key": self.issuer,
            "license_identifier": LICENSE_ID,
            "type_code": TYPE_CODE,
            "holder_kind": "legal_person",
            "fields": FIELDS,
            "valid_from": dt.date(2025, 1, 1),
            "valid_to": dt.date(2030, 12, 31),
            "status": [StatusRef("rev-1", 81723), StatusRef("sus-1", 81723)],
            "now": NOW - dt.timedelta(days=30),
        }
        return presentation.issue_credential(**{**args, **overrides})

    def present(self, disclose: list[str] = DISCLOSE, **kwargs: Any) -> str:
        kwargs.setdefault("credential", self.credential)
        kwargs.setdefault("key", self.platform)
        kwargs.setdefault("audience", "tongban")
        kwargs.setdefault("now", NOW)
        return presentation.create_presentation(disclose=disclose, **kwargs)

    def verify(self, token: str, **kwargs: Any) -> VerificationResult:
        kwargs.setdefault("keys", self.keys())
        kwargs.setdefault("status_lists", self.status_lists())
        kwargs.setdefault("now", NOW + dt.timedelta(minutes=1))
        kwargs.setdefault("platform_department", PLATFORM)
        return verify_presentation(token, **kwargs)


def make_world(tmp_path, issuer_alg: str = "EdDSA", platform_alg: str = "EdDSA") -> World:
    store = KeyStore(tmp_path / "keys")
    store.generate(PLATFORM, platform_alg, now=NOW - dt.timedelta(days=400))
    store.generate(ISSUER, issuer_alg, now=NOW - dt.timedelta(days=400))
    world = World(
        store=store,
        platform=store.signing_key(PLATFORM, now=NOW),
        issuer=store.signing_key(ISSUER, now=NOW),
        revocation=StatusList(),
        suspension=StatusList(purpose="suspension"),
        credential=None,  # type: ignore[arg-type]
    )
    world.credential = world.issue()
    return world


@pytest.fixture(params=["EdDSA", "SM2"])
def world(request: pytest.FixtureRequest, tmp_path) -> World:
    return make_world(tmp_path, request.param, request.param)


# -- disclosures ------------------------------------------------------------------------------------------


def test_disclosure_round_trip() -> None:
    d = Disclosure.create("持证人", "张三")
    assert len(d.salt) == 22  # 128 random bits
    assert b64url_decode(d.encoded) == canonical_json([d.salt, "持证人", "张三"])
    assert Disclosure.parse(d.encoded) == d
    assert Disclosure.create("持证人", "张三").salt != d.salt


@pytest.mark.parametrize("name", ["", "_sd", "...", 3])
def test_disclosure_names(name: Any) -> None:
    with pytest.raises(ValueError):
        Disclosure.create(name, "x")


@pytest.mark.parametrize(
    "content",
    [
        [],
        ["a" * 22, "n"],
        ["a" * 22, "n", "v", "extra"],
        ["short", "n", "v"],
        ["a" * 22, 1, "v"],
        {"salt": "a" * 22},
    ],
)
def test_disclosure_parse_is_strict(content: Any) -> None:
    with pytest.raises(ValueError):
        Disclosure.parse(b64url_encode(canonical_json(content)))


def test_sha256_digest_for_eddsa_issuers(tmp_path) -> None:
    w = make_world(tmp_path, "EdDSA")
    _, payload = jws.verify(w.credential.token, w.keys(), typ="tb-cred")
    assert payload["_sd_alg"] == "sha-256"
    for encoded in w.credential.disclosures:
        h = hashes.Hash(hashes.SHA256())
        h.update(encoded.encode("ascii"))
        assert b64url_encode(h.finalize()) in payload["_sd"]


def test_sm3_digest_for_sm2_issuers(tmp_path) -> None:
    w = make_world(tmp_path, "SM2")
    header, payload = jws.verify(w.credential.token, w.keys(), typ="tb-cred")
    assert header["alg"] == "SM2"
    assert payload["_sd_alg"] == "sm3"
    for encoded in w.credential.disclosures:
        h = hashes.Hash(hashes.SM3())
        h.update(encoded.encode("ascii"))
        assert b64url_encode(h.finalize()) in payload["_sd"]
        h = hashes.Hash(hashes.SHA256())
        h.update(encoded.encode("ascii"))
        assert b64url_encode(h.finalize()) not in payload["_sd"]


# -- credential -------------------------------------------------------------------------------------------


def test_credential_payload_holds_no_face_fields(world: World) -> None:
    _, payload = jws.verify(world.credential.token, world.keys(), typ="tb-cred")
    assert set(payload) == {"iss", "iat", "lic", "lt", "hk", "vf", "vt", "st", "_sd", "_sd_alg"}
    assert payload["iss"] == ISSUER and payload["lic"] == LICENSE_ID and payload["lt"] == TYPE_CODE
    assert payload["vf"] == "2025-01-01" and payload["vt"] == "2030-12-31"
    assert payload["st"] == [{"l": "rev-1", "i": 81723}, {"l": "sus-1", "i": 81723}]
    assert len(payload["_sd"]) == len(FIELDS) and payload["_sd"] == sorted(payload["_sd"])
    text = canonical_json(payload).decode()
    for name, value in FIELDS.items():
        assert name not in text and str(value) not in text
    assert len(world.credential.disclosures) == len(FIELDS)
    assert set(world.credential.disclosures_by_name()) == set(FIELDS)


def test_issue_refuses_what_a_verifier_would_reject(world: World) -> None:
    with pytest.raises(ValueError):
        world.issue(license_identifier="")
    with pytest.raises(ValueError):
        world.issue(status=[StatusRef("rev-1", -1)])
    with pytest.raises(ValueError):
        world.issue(now=dt.datetime(2026, 1, 1))  # naive


def test_long_term_licence_has_null_valid_to(world: World) -> None:
    credential = world.issue(valid_to=None)
    assert jws.peek(credential.token)[1]["vt"] is None


# -- presentation -----------------------------------------------------------------------------------------


def test_presentation_structure(world: World) -> None:
    token = world.present(nonce="verifier-challenge-1")
    parts = presentation.parse_presentation(token)
    assert parts.credential == world.credential.token
    assert [Disclosure.parse(d).name for d in parts.disclosures] == DISCLOSE
    assert parts.bound + parts.envelope == token
    header, envelope = jws.verify(parts.envelope, world.keys(), typ="tb-vp")
    assert header["kid"] == world.platform.kid
    assert set(envelope) == {"aud", "iat", "exp", "nonce", "sd_hash"}
    assert envelope["exp"] - envelope["iat"] == 300
    assert envelope["nonce"] == "verifier-challenge-1" and envelope["aud"] == "tongban"


def test_presentation_carries_only_chosen_fields(world: World) -> None:
    token = world.present(["许可证编号"])
    decoded = b"".join(
        b64url_decode(seg) for part in token.split("~") for seg in part.split(".") if len(seg) % 4 != 1
    )
    assert b"JY13101150000001" in decoded
    for name in set(FIELDS) - {"许可证编号"}:
        assert str(FIELDS[name]).encode() not in decoded
        assert name.encode() not in decoded


def test_presentation_arguments(world: World) -> None:
    with pytest.raises(ValueError, match="no fields"):
        world.present(["血型"])
    with pytest.raises(ValueError):
        world.present(lifetime=dt.timedelta(hours=1))
    with pytest.raises(ValueError):
        world.present(lifetime=dt.timedelta(0))
    token = world.present(["许可证编号", "许可证编号"])
    assert len(presentation.parse_presentation(token).disclosures) == 1
    assert world.present() != world.present()  # random nonce


@pytest.mark.parametrize("token", ["", "abc", "~", "a~~b", "x" * 20_000, "é~x"])
def test_parse_presentation_rejects(token: str) -> None:
    with pytest.raises(presentation.CredentialError):
        presentation.parse_presentation(token)


def test_typical_sizes(tmp_path) -> None:
    """Documented in docs/licenses-credentials.md: ~1.6-1.7 KB for 8 fields with 3 disclosed."""
    for alg in ("EdDSA", "SM2"):
        w = make_world(tmp_path / alg, alg, alg)
        token = w.present()
        assert 1400 < len(token) < 1800, len(token)
        assert len(w.credential.token) < 1100
        assert w.verify(token).valid
