"""Bitstring status lists: bits, encoding, signed documents, index allocation."""

from __future__ import annotations

import datetime as dt
import gzip
import random

import pytest

from tongban.licenses.credentials import jws, statuslist
from tongban.licenses.credentials.encoding import b64url_encode
from tongban.licenses.credentials.errors import CredentialError
from tongban.licenses.credentials.keys import KeyStore, SigningKey
from tongban.licenses.credentials.statuslist import StatusList

PLATFORM = "12310101425000006P"
NOW = dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC)


@pytest.fixture(params=["EdDSA", "SM2"])
def key(request: pytest.FixtureRequest, tmp_path) -> SigningKey:
    store = KeyStore(tmp_path)
    store.generate(PLATFORM, request.param)
    return store.signing_key(PLATFORM)


def test_set_get_and_bit_order() -> None:
    sl = StatusList(size=16)
    assert not any(sl.get(i) for i in range(16))
    sl.set(0, True)
    sl.set(9, True)
    sl.set(15, True)
    assert [i for i in range(16) if sl.get(i)] == [0, 9, 15]
    assert bytes(sl._bits) == bytes([0b1000_0000, 0b0100_0001])  # index 0 = leftmost bit (W3C)
    sl.set(9, False)
    sl.set(9, False)
    assert [i for i in range(16) if sl.get(i)] == [0, 15]
    assert sl.count() == 2


@pytest.mark.parametrize("index", [-1, 16, True, 1.0])
def test_index_out_of_range(index) -> None:
    with pytest.raises(IndexError):
        StatusList(size=16).get(index)


@pytest.mark.parametrize("size", [0, 7, 12, statuslist.MAX_SIZE + 8])
def test_bad_sizes(size: int) -> None:
    with pytest.raises(ValueError):
        StatusList(size=size)


def test_default_size_and_encode_decode_round_trip() -> None:
    sl = StatusList()
    assert sl.size == 131_072
    rng = random.Random(7)
    revoked = set(rng.sample(range(sl.size), 500))
    for index in revoked:
        sl.set(index, True)
    encoded = sl.encode()
    assert encoded.startswith("u") and "=" not in encoded
    assert len(encoded) < 6000  # sparse lists compress well
    back = StatusList.decode(encoded)
    assert back == sl and back.size == sl.size
    assert {i for i in revoked if back.get(i)} == revoked
    assert back.count() == 500
    assert sl.encode() == encoded  # deterministic (gzip mtime 0)


def test_empty_default_list_is_tiny() -> None:
    assert len(StatusList().encode()) < 80


@pytest.mark.parametrize(
    "encoded",
    [
        b64url_encode(gzip.compress(bytes(16))),  # no multibase prefix
        "u" + b64url_encode(b"not gzip"),
        "u" + b64url_encode(gzip.compress(bytes(16)))[:-4],  # truncated
        "u" + b64url_encode(gzip.compress(bytes(16)) + b"junk"),  # trailing data
        "u" + b64url_encode(gzip.compress(b"")),  # empty list
        "u" + b64url_encode(gzip.compress(bytes(16))) + "=",  # padding
    ],
)
def test_decode_is_strict(encoded: str) -> None:
    with pytest.raises(ValueError):
        StatusList.decode(encoded)


def test_decode_accepts_other_producers_gzip() -> None:
    assert StatusList.decode("u" + b64url_encode(gzip.compress(bytes(3), compresslevel=1))).size == 24


def test_decode_refuses_a_gzip_bomb() -> None:
    bomb = "u" + b64url_encode(gzip.compress(bytes(4 * 1024 * 1024)))  # 32 Mbit of zeros, ~4 KB packed
    assert len(bomb) < 10_000
    with pytest.raises(ValueError, match="too large"):
        StatusList.decode(bomb)
    largest = "u" + b64url_encode(gzip.compress(bytes(statuslist.MAX_SIZE // 8)))
    assert StatusList.decode(largest).size == statuslist.MAX_SIZE
    with pytest.raises(ValueError, match="too large"):
        StatusList.decode(largest, max_size=statuslist.MAX_SIZE - 8)


def test_allocate_index_is_random_and_unused() -> None:
    rng = random.Random(1)
    used: set[int] = set()
    for _ in range(200):
        index = statuslist.allocate_index(1024, used, rng=rng)
        assert 0 <= index < 1024 and index not in used
        used.add(index)
    first = [statuslist.allocate_index(131_072, set()) for _ in range(20)]
    assert first != sorted(first)  # not sequential: positions leak nothing about issue order


def test_allocate_index_fills_the_last_slots_and_then_refuses() -> None:
    used = set(range(64)) - {17}
    assert statuslist.allocate_index(64, used, rng=random.Random(3)) == 17
    with pytest.raises(ValueError, match="full"):
        statuslist.allocate_index(64, set(range(64)))


def test_signed_document_round_trip(key: SigningKey) -> None:
    sl = StatusList(purpose="suspension")
    sl.set(4242, True)
    token = statuslist.sign_status_list(sl, list_id="shsc-2026-01", key=key, now=NOW, ttl=3600)
    header, payload = jws.verify(token, {key.kid: key.record}, typ="tb-sl")
    assert header["typ"] == "tb-sl"
    assert set(payload) == {"list_id", "purpose", "encoded", "issued_at", "ttl"}
    assert payload["issued_at"] == int(NOW.timestamp()) and payload["ttl"] == 3600

    got = statuslist.verify_status_list(token, {key.kid: key.record}, signer_department=PLATFORM)
    assert got.get(4242) and not got.get(4241)
    assert (got.list_id, got.purpose, got.issued_at, got.ttl) == ("shsc-2026-01", "suspension", NOW, 3600)
    assert got.expires_at() == NOW + dt.timedelta(hours=1)


def test_signed_document_checks(key: SigningKey) -> None:
    token = statuslist.sign_status_list(StatusList(size=64), list_id="l1", key=key, now=NOW)
    with pytest.raises(CredentialError) as info:
        statuslist.verify_status_list(token, {key.kid: key.record}, signer_department="91310115123456788X")
    assert info.value.code == "unknown_key"
    with pytest.raises(CredentialError) as info:
        statuslist.verify_status_list(token, {})
    assert info.value.code == "unknown_key"
    cred_typed = jws.sign({"list_id": "l1"}, key, typ="tb-cred")
    with pytest.raises(CredentialError) as info:
        statuslist.verify_status_list(cred_typed, {key.kid: key.record})
    assert info.value.code == "malformed"
    bad = jws.sign(
        {"list_id": "l1", "purpose": "other", "encoded": "u", "issued_at": 1, "ttl": 1}, key, typ="tb-sl"
    )
    with pytest.raises(CredentialError) as info:
        statuslist.verify_status_list(bad, {key.kid: key.record})
    assert info.value.code == "malformed"
