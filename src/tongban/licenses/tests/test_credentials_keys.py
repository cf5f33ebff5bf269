"""Key store: files and permissions, key ids, rotation, JWKS."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tongban.licenses.credentials import jws, keys
from tongban.licenses.credentials.encoding import b64url_decode, b64url_encode
from tongban.licenses.credentials.errors import CredentialError, KeyStoreError
from tongban.licenses.credentials.keys import KeyStore

DEPT = "11310000MB00000009"
OTHER = "12310101425000006P"
NOW = dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("alg", ["EdDSA", "SM2"])
def test_generate_writes_private_key_0600_and_public_metadata(tmp_path, alg: str) -> None:
    store = KeyStore(tmp_path / "keys")
    record = store.generate(DEPT, alg, now=NOW)
    assert (record.alg, record.department_code, record.status, record.created) == (alg, DEPT, "active", NOW)
    assert _mode(tmp_path / "keys") == 0o700
    stem = record.kid.replace(":", "_")
    private = tmp_path / "keys" / (f"{stem}.key.pem" if alg == "EdDSA" else f"{stem}.key.json")
    assert _mode(private) == 0o600
    meta = json.loads((tmp_path / "keys" / f"{stem}.meta.json").read_text())
    assert meta["kid"] == record.kid and meta["dept"] == DEPT and meta["status"] == "active"
    assert b64url_decode(meta["public_key"]) == record.public_key
    if alg == "EdDSA":
        sk = serialization.load_pem_private_key(private.read_bytes(), password=None)
        assert isinstance(sk, Ed25519PrivateKey)
        assert private.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")  # PKCS#8
    else:
        doc = json.loads(private.read_text())
        assert doc["alg"] == "SM2"
        assert len(b64url_decode(doc["private_key"])) == 32
        assert b64url_decode(doc["public_key"]) == record.public_key
    assert store.public_keys() == [record]
    assert store.get(record.kid) == record


def test_kid_is_prefixed_truncated_hash_of_the_public_key(tmp_path) -> None:
    store = KeyStore(tmp_path)
    ed = store.generate(DEPT, "EdDSA")
    sm = store.generate(OTHER, "SM2")
    h = hashes.Hash(hashes.SHA256())
    h.update(ed.public_key)
    assert ed.kid == "ed25519:" + b64url_encode(h.finalize()[:16])
    h = hashes.Hash(hashes.SM3())
    h.update(sm.public_key)
    assert sm.kid == "sm2:" + b64url_encode(h.finalize()[:16])
    assert len(ed.public_key) == 32 and len(sm.public_key) == 64


def test_one_active_key_per_department(tmp_path) -> None:
    store = KeyStore(tmp_path)
    store.generate(DEPT)
    with pytest.raises(KeyStoreError) as info:
        store.generate(DEPT)
    assert info.value.code == "active_key_exists"
    store.generate(OTHER, "SM2")  # another department is independent
    with pytest.raises(KeyStoreError) as info:
        store.active_key("91310115123456788X")
    assert info.value.code == "no_active_key"
    with pytest.raises(KeyStoreError) as info:
        store.generate("not-a-uscc")
    assert info.value.code == "invalid_department_code"


@pytest.mark.parametrize("alg", ["EdDSA", "SM2"])
def test_rotation_keeps_old_signatures_valid(tmp_path, alg: str) -> None:
    store = KeyStore(tmp_path)
    old = store.generate(DEPT, alg, now=NOW)
    before = jws.sign({"n": 1}, store.signing_key(DEPT), typ="t")
    new = store.rotate(DEPT, now=NOW + dt.timedelta(days=365))
    after = jws.sign({"n": 2}, store.signing_key(DEPT), typ="t")

    assert new.kid != old.kid and new.alg == alg
    assert store.active_key(DEPT) == new
    assert store.get(old.kid).status == "retired"
    assert jws.peek(after)[0]["kid"] == new.kid
    assert jws.peek(before)[0]["kid"] == old.kid

    published = keys.keys_from_jwks(keys.jwks(store.public_keys()))  # what offline verifiers cache
    assert {k: r.status for k, r in published.items()} == {old.kid: "retired", new.kid: "active"}
    assert jws.verify(before, published)[1] == {"n": 1}
    assert jws.verify(after, published)[1] == {"n": 2}


def test_rotation_can_change_algorithm(tmp_path) -> None:
    store = KeyStore(tmp_path)
    store.generate(DEPT, "EdDSA", now=NOW)
    new = store.rotate(DEPT, "SM2", now=NOW + dt.timedelta(seconds=1))
    assert new.alg == "SM2" and new.kid.startswith("sm2:")
    assert store.signing_key(DEPT).alg == "SM2"


def test_rotate_without_active_key(tmp_path) -> None:
    with pytest.raises(KeyStoreError) as info:
        KeyStore(tmp_path).rotate(DEPT)
    assert info.value.code == "no_active_key"


def test_interrupted_rotation_picks_the_newest_active_key(tmp_path) -> None:
    store = KeyStore(tmp_path)
    first = store.generate(DEPT, now=NOW)
    second = store._create(DEPT, "EdDSA", now=NOW + dt.timedelta(hours=1), not_after=None)
    assert {r.kid for r in store.public_keys(DEPT) if r.status == "active"} == {first.kid, second.kid}
    assert store.active_key(DEPT) == second


def test_expired_key_does_not_sign(tmp_path) -> None:
    store = KeyStore(tmp_path)
    store.generate(DEPT, now=NOW, not_after=NOW + dt.timedelta(days=1))
    store.signing_key(DEPT, now=NOW)
    with pytest.raises(KeyStoreError) as info:
        store.signing_key(DEPT, now=NOW + dt.timedelta(days=1))
    assert info.value.code == "key_expired"


def test_private_key_readable_by_others_is_refused(tmp_path) -> None:
    store = KeyStore(tmp_path)
    record = store.generate(DEPT, "SM2")
    private = tmp_path / (record.kid.replace(":", "_") + ".key.json")
    private.chmod(0o644)
    with pytest.raises(KeyStoreError) as info:
        store.signing_key(DEPT)
    assert info.value.code == "insecure_permissions"
    private.unlink()
    with pytest.raises(KeyStoreError) as info:
        store.signing_key(DEPT)
    assert info.value.code == "missing_private_key"


def test_private_key_of_another_pair_is_detected(tmp_path) -> None:
    store = KeyStore(tmp_path)
    record = store.generate(DEPT, "SM2")
    private, public = keys.generate_key_pair("SM2")
    path = tmp_path / (record.kid.replace(":", "_") + ".key.json")
    doc = {
        "alg": "SM2",
        "private_key": b64url_encode(private),
        "public_key": b64url_encode(record.public_key),
    }
    path.write_text(json.dumps(doc))
    with pytest.raises(KeyStoreError) as info:
        store.signing_key(DEPT)
    assert info.value.code == "key_mismatch"


def test_corrupt_metadata_is_reported(tmp_path) -> None:
    store = KeyStore(tmp_path)
    record = store.generate(DEPT)
    meta = tmp_path / (record.kid.replace(":", "_") + ".meta.json")
    doc = json.loads(meta.read_text())
    doc["public_key"] = b64url_encode(keys.generate_key_pair("EdDSA")[1])  # kid no longer matches
    meta.write_text(json.dumps(doc))
    with pytest.raises(KeyStoreError) as info:
        store.public_keys()
    assert info.value.code == "corrupt_key_file"


def test_signing_key_repr_hides_the_private_key(tmp_path) -> None:
    store = KeyStore(tmp_path)
    store.generate(DEPT, "SM2")
    key = store.signing_key(DEPT)
    assert key.private_key.hex() not in repr(key)


def test_naive_datetimes_are_refused(tmp_path) -> None:
    with pytest.raises(ValueError):
        KeyStore(tmp_path).generate(DEPT, now=dt.datetime(2026, 1, 1))


# -- JWKS -------------------------------------------------------------------------------------------------


def test_jwks_shape(tmp_path) -> None:
    store = KeyStore(tmp_path)
    ed = store.generate(DEPT, "EdDSA", now=NOW)
    store.rotate(DEPT, now=NOW + dt.timedelta(days=1))
    sm = store.generate(OTHER, "SM2", now=NOW)
    doc = keys.jwks(store.public_keys())
    assert json.loads(json.dumps(doc)) == doc
    by_kid = {k["kid"]: k for k in doc["keys"]}
    assert len(by_kid) == 3
    assert by_kid[ed.kid] == {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url_encode(ed.public_key),
        "kid": ed.kid,
        "alg": "EdDSA",
        "use": "sig",
        "dept": DEPT,
        "status": "retired",
    }
    assert by_kid[sm.kid] == {
        "kty": "EC",
        "crv": "SM2",
        "x": b64url_encode(sm.public_key[:32]),
        "y": b64url_encode(sm.public_key[32:]),
        "kid": sm.kid,
        "alg": "SM2",
        "use": "sig",
        "dept": OTHER,
        "status": "active",
    }
    assert all("d" not in k for k in doc["keys"])  # no private material


def test_keys_from_jwks_round_trip(tmp_path) -> None:
    store = KeyStore(tmp_path)
    store.generate(DEPT, "EdDSA", now=NOW)
    store.generate(OTHER, "SM2", now=NOW)
    parsed = keys.keys_from_jwks(keys.jwks(store.public_keys()))
    for record in store.public_keys():
        got = parsed[record.kid]
        assert (got.alg, got.department_code, got.public_key, got.status) == (
            record.alg,
            record.department_code,
            record.public_key,
            record.status,
        )


@pytest.mark.parametrize(
    "mutate",
    [
        lambda k: k.update(kid="ed25519:AAAAAAAAAAAAAAAAAAAAAA"),
        lambda k: k.update(alg="SM2"),
        lambda k: k.update(crv="X25519"),
        lambda k: k.update(x=k["x"][:-2]),
        lambda k: k.update(status="compromised"),
        lambda k: k.pop("dept"),
        lambda k: k.update(use="enc"),
    ],
)
def test_keys_from_jwks_rejects_bad_entries(tmp_path, mutate) -> None:
    store = KeyStore(tmp_path)
    store.generate(DEPT, "EdDSA")
    doc = keys.jwks(store.public_keys())
    mutate(doc["keys"][0])
    with pytest.raises(CredentialError) as info:
        keys.keys_from_jwks(doc)
    assert info.value.code == "malformed"


def test_keys_from_jwks_rejects_sm2_point_off_the_curve(tmp_path) -> None:
    store = KeyStore(tmp_path)
    store.generate(DEPT, "SM2")
    doc = keys.jwks(store.public_keys())
    y = bytearray(b64url_decode(doc["keys"][0]["y"]))
    y[-1] ^= 1
    doc["keys"][0]["y"] = b64url_encode(bytes(y))
    with pytest.raises(CredentialError):
        keys.keys_from_jwks(doc)
