"""Compact JWS with Ed25519 and SM2: round trips, tampering, error codes, DER <-> raw conversion."""

from __future__ import annotations

import json
import secrets

import gmssl_pyx
import pytest
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from tongban.licenses.credentials import jws
from tongban.licenses.credentials.encoding import (
    b64url_decode,
    b64url_encode,
    canonical_json,
    parse_json_object,
)
from tongban.licenses.credentials.errors import CredentialError
from tongban.licenses.credentials.keys import KeyStore, SigningKey

DEPT = "11310000MB00000009"
ALGS = ["EdDSA", "SM2"]


@pytest.fixture(params=ALGS)
def key(request: pytest.FixtureRequest, tmp_path) -> SigningKey:
    store = KeyStore(tmp_path / "keys")
    store.generate(DEPT, request.param)
    return store.signing_key(DEPT)


def _resolver(key: SigningKey) -> dict:
    return {key.kid: key.record}


def _code(token: str, resolve, **kwargs) -> str:
    with pytest.raises(CredentialError) as info:
        jws.verify(token, resolve, **kwargs)
    return info.value.code


def _replace_part(token: str, index: int, value: str) -> str:
    parts = token.split(".")
    parts[index] = value
    return ".".join(parts)


# -- round trips ------------------------------------------------------------------------------------------


def test_round_trip_and_canonical_encoding(key: SigningKey) -> None:
    payload = {"名称": "食品经营许可证", "b": 1, "a": [True, None]}
    token = jws.sign(payload, key, typ="tb-test")
    header, got = jws.verify(token, _resolver(key), typ="tb-test")
    assert got == payload
    assert header == {"alg": key.alg, "kid": key.kid, "typ": "tb-test"}
    head_b64, body_b64, sig_b64 = token.split(".")
    assert "=" not in token
    assert b64url_decode(body_b64) == '{"a":[true,null],"b":1,"名称":"食品经营许可证"}'.encode()
    assert b64url_decode(head_b64) == canonical_json(header)
    assert len(b64url_decode(sig_b64)) == 64


def test_resolver_may_be_a_function(key: SigningKey) -> None:
    token = jws.sign({"x": 1}, key, typ="t")
    assert jws.verify(token, lambda kid: key.record if kid == key.kid else None)[1] == {"x": 1}
    assert _code(token, lambda kid: None) == "unknown_key"
    assert _code(token, {}.__getitem__) == "unknown_key"  # KeyError counts as unknown


def test_eddsa_signatures_are_deterministic_sm2_are_not(key: SigningKey) -> None:
    a, b = jws.sign({"x": 1}, key, typ="t"), jws.sign({"x": 1}, key, typ="t")
    assert (a == b) is (key.alg == "EdDSA")  # SM2 draws a fresh nonce every time


# -- tampering --------------------------------------------------------------------------------------------


def test_tampered_payload_is_bad_signature(key: SigningKey) -> None:
    token = jws.sign({"amount": 1}, key, typ="t")
    forged = _replace_part(token, 1, b64url_encode(canonical_json({"amount": 1000})))
    assert _code(forged, _resolver(key)) == "bad_signature"
    garbage = _replace_part(token, 1, "AAAA")
    assert _code(garbage, _resolver(key)) == "bad_signature"  # signature checked before parsing


def test_tampered_header_is_bad_signature(key: SigningKey) -> None:
    token = jws.sign({"x": 1}, key, typ="t")
    header = {"alg": key.alg, "kid": key.kid, "typ": "other"}
    assert _code(_replace_part(token, 0, b64url_encode(canonical_json(header))), _resolver(key)) == (
        "bad_signature"
    )


def test_tampered_signature_is_bad_signature(key: SigningKey) -> None:
    token = jws.sign({"x": 1}, key, typ="t")
    sig = bytearray(b64url_decode(token.split(".")[2]))
    sig[10] ^= 1
    assert _code(_replace_part(token, 2, b64url_encode(bytes(sig))), _resolver(key)) == "bad_signature"
    assert _code(_replace_part(token, 2, b64url_encode(bytes(sig[:63]))), _resolver(key)) == "bad_signature"
    zeros = b64url_encode(bytes(64))  # SM2: r = s = 0 is out of range, never handed to GmSSL
    assert _code(_replace_part(token, 2, zeros), _resolver(key)) == "bad_signature"


def test_signature_of_another_key_is_bad_signature(key: SigningKey, tmp_path) -> None:
    other = KeyStore(tmp_path / "other")
    other.generate(DEPT, key.alg)
    foreign = jws.sign({"x": 1}, other.signing_key(DEPT), typ="t")
    # a forger rewrites the kid to the trusted key: the signature does not match it
    header = {"alg": key.alg, "kid": key.kid, "typ": "t"}
    assert _code(_replace_part(foreign, 0, b64url_encode(canonical_json(header))), _resolver(key)) == (
        "bad_signature"
    )


def test_unknown_kid(key: SigningKey) -> None:
    token = jws.sign({"x": 1}, key, typ="t")
    assert _code(token, {}) == "unknown_key"


@pytest.mark.parametrize("alg", ["none", "HS256", "ES256", None, 1])
def test_unsupported_alg(key: SigningKey, alg: object) -> None:
    token = jws.sign({"x": 1}, key, typ="t")
    header = {"alg": alg, "kid": key.kid, "typ": "t"}
    assert _code(_replace_part(token, 0, b64url_encode(canonical_json(header))), _resolver(key)) == (
        "unsupported_alg"
    )


def test_algorithm_of_key_must_match_header(key: SigningKey) -> None:
    token = jws.sign({"x": 1}, key, typ="t")
    other_alg = "SM2" if key.alg == "EdDSA" else "EdDSA"
    header = {"alg": other_alg, "kid": key.kid, "typ": "t"}
    assert _code(_replace_part(token, 0, b64url_encode(canonical_json(header))), _resolver(key)) == (
        "bad_signature"
    )


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t + ".x",
        lambda t: t.rsplit(".", 1)[0],
        lambda t: "",
        lambda t: t.replace(".", ". ", 1),
        lambda t: "é" + t,
        lambda t: t + "=",
        lambda t: _replace_part(t, 0, b64url_encode(b"[1]")),
        lambda t: _replace_part(t, 0, b64url_encode(b'{"alg":"EdDSA","alg":"SM2","kid":"k"}')),
        lambda t: _replace_part(t, 0, b64url_encode(b'{"alg":"EdDSA"}')),
    ],
)
def test_malformed(key: SigningKey, mangle) -> None:
    token = jws.sign({"x": 1}, key, typ="t")
    assert _code(mangle(token), _resolver(key)) == "malformed"
    assert _code(_replace_part(token, 0, "e30"), _resolver(key)) == "unsupported_alg"  # {}: no alg at all


def test_unexpected_header_parameters_are_malformed(key: SigningKey) -> None:
    token = jws.sign({"x": 1}, key, typ="t")
    header = {"alg": key.alg, "kid": key.kid, "typ": "t", "crit": ["exp"]}
    assert (
        _code(_replace_part(token, 0, b64url_encode(canonical_json(header))), _resolver(key)) == "malformed"
    )


def test_typ_must_match_when_asked(key: SigningKey) -> None:
    token = jws.sign({"x": 1}, key, typ="tb-sl")
    assert _code(token, _resolver(key), typ="tb-cred") == "malformed"


def test_signed_payload_that_is_not_an_object_is_malformed(key: SigningKey) -> None:
    header = b64url_encode(canonical_json({"alg": key.alg, "kid": key.kid, "typ": "t"}))
    body = b64url_encode(b"[1,2]")
    signing_input = f"{header}.{body}"
    token = f"{signing_input}.{b64url_encode(jws.sign_bytes(key, signing_input.encode()))}"
    assert _code(token, _resolver(key)) == "malformed"


# -- SM2 interop with gmssl-pyx ---------------------------------------------------------------------------


def test_sm2_jws_signature_verifies_with_gmssl_pyx_after_conversion(tmp_path) -> None:
    store = KeyStore(tmp_path)
    store.generate(DEPT, "SM2")
    key = store.signing_key(DEPT)
    token = jws.sign({"证照": "营业执照"}, key, typ="t")
    signing_input, _, sig = token.rpartition(".")
    der = jws.raw_to_der(b64url_decode(sig))
    assert gmssl_pyx.sm2_verify(key.record.public_key, signing_input.encode(), der)
    assert not gmssl_pyx.sm2_verify(key.record.public_key, signing_input.encode() + b"x", der)


def test_gmssl_pyx_der_signatures_survive_the_round_trip() -> None:
    public, private = gmssl_pyx.sm2_key_generate()
    for i in range(64):  # DER length varies with leading zeros and high bits of r and s
        der = gmssl_pyx.sm2_sign(private, public, b"message %d" % i)
        raw = jws.der_to_raw(der)
        assert len(raw) == 64
        assert jws.raw_to_der(raw) == der
        assert (int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")) == decode_dss_signature(der)


# -- DER <-> raw ------------------------------------------------------------------------------------------

EDGE_VALUES = [
    1,
    0x7F,
    0x80,
    0xFF,
    1 << 247,  # 31 significant bytes: a leading zero byte in raw form
    (1 << 248) - 1,
    1 << 255,  # high bit set: DER needs a 0x00 pad
    (1 << 256) - 1,
    jws.SM2_ORDER - 1,
]


@pytest.mark.parametrize("r", EDGE_VALUES)
@pytest.mark.parametrize("s", [1, 1 << 255, 0x1234])
def test_der_matches_cryptography_encoder(r: int, s: int) -> None:
    raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    der = jws.raw_to_der(raw)
    assert der == encode_dss_signature(r, s)
    assert jws.der_to_raw(der) == raw


def test_leading_zero_bytes_are_restored() -> None:
    raw = bytes(31) + b"\x05" + b"\x00\x00\x80" + secrets.token_bytes(29)
    der = jws.raw_to_der(raw)
    assert der[:5] == bytes([0x30, len(der) - 2, 0x02, 0x01, 0x05])
    assert jws.der_to_raw(der) == raw


def test_random_values_round_trip() -> None:
    for _ in range(200):
        raw = secrets.token_bytes(64)
        assert jws.der_to_raw(jws.raw_to_der(raw)) == raw


@pytest.mark.parametrize(
    "der",
    [
        b"",
        b"\x31\x06\x02\x01\x01\x02\x01\x01",  # SET, not SEQUENCE
        b"\x30\x06\x02\x01\x01\x02\x01\x01\x00",  # trailing byte
        b"\x30\x07\x02\x01\x01\x02\x01\x01\x00",  # trailing byte inside the sequence
        b"\x30\x07\x02\x02\x00\x01\x02\x01\x01",  # non-minimal integer
        b"\x30\x06\x02\x01\x81\x02\x01\x01",  # negative integer
        b"\x30\x05\x02\x00\x02\x01\x01",  # empty integer
        b"\x30\x81\x06\x02\x01\x01\x02\x01\x01",  # long-form length where short form fits
        b"\x30\x08\x02\x01\x01\x02\x01\x01",  # truncated
        b"\x30\x03\x02\x01\x01",  # one integer only
        b"\x30\x25\x02\x21\x01" + bytes(32) + b"\x02\x01\x01",  # 33-byte r: too large for 32
    ],
)
def test_der_parser_is_strict(der: bytes) -> None:
    with pytest.raises(ValueError):
        jws.der_to_raw(der)


def test_raw_to_der_rejects_odd_or_empty() -> None:
    for raw in (b"", b"\x01\x02\x03"):
        with pytest.raises(ValueError):
            jws.raw_to_der(raw)


# -- encoding helpers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["a", "ab=", "a+b/", "a b", "AB", "QR"])
def test_b64url_decode_is_strict(text: str) -> None:
    # "AB"/"QR": unused low bits set, another spelling of the bytes "A"/"Q" would be "AA"/"QQ"
    with pytest.raises(ValueError):
        b64url_decode(text)


def test_strict_json() -> None:
    assert parse_json_object(b'{"a":1}') == {"a": 1}
    for bad in (b'{"a":1,"a":2}', b'{"a":NaN}', b"[]", b"\xff", b"[" * 100_000):
        with pytest.raises(ValueError):
            parse_json_object(bad)
    assert json.loads(canonical_json({"b": "是", "a": 1})) == {"a": 1, "b": "是"}
