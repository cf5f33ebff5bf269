"""Compact JWS (RFC 7515) signed with Ed25519 (``EdDSA``) or SM2 with SM3 (``SM2``).

Token: ``b64url(header) "." b64url(payload) "." b64url(signature)``; the header is exactly
``{"alg", "kid", "typ"}`` and both JSON parts are canonical (sorted keys, compact, UTF-8,
``ensure_ascii=False``), so the same input always gives the same bytes.

Signatures: Ed25519 as RFC 8032 (64 bytes). SM2 (GB/T 32918.2, Z_A with the default signer id
``1234567812345678``, SM3) as raw ``r || s``, 32 bytes each, big-endian, like ES256 in RFC 7518 §3.4;
gmssl-pyx speaks DER, so :func:`der_to_raw` / :func:`raw_to_der` convert. Signing nonces for SM2 come from
GmSSL's own CSPRNG (never Python's ``random``, unlike the pure-Python ``gmssl`` package).

:func:`verify` raises :class:`~.errors.CredentialError` with ``malformed``, ``unsupported_alg``,
``unknown_key`` or ``bad_signature``. The signature is checked before the payload is decoded, so any
change to the payload reads as ``bad_signature``.

Verification is on the hot path of the verifier (every presentation holds two JWS), so the work around
the signature check is kept small without relaxing any check: base64url is validated with one regular
expression and a look at the last character's unused bits (:func:`b64decode`, as strict as
``encoding.b64url_decode``), each segment is decoded once, and parsed public keys and parsed headers are
cached (a handful of distinct values; the strict JSON parse runs once per distinct header).
"""

from __future__ import annotations

import binascii
import json
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import gmssl_pyx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tongban.licenses.credentials.encoding import (
    ALGORITHMS,
    EDDSA,
    SM2,
    b64url_encode,
    canonical_json,
)
from tongban.licenses.credentials.errors import (
    BAD_SIGNATURE,
    MALFORMED,
    UNKNOWN_KEY,
    UNSUPPORTED_ALG,
    CredentialError,
)
from tongban.licenses.credentials.keys import KeyRecord, SigningKey

MAX_TOKEN_LENGTH = 256 * 1024  # a status list of 2^20 random bits stays well below this
SM2_ORDER = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
_HEADER_KEYS = frozenset({"alg", "kid", "typ"})

KeyResolver = Callable[[str], KeyRecord | None]

_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
_B64URL_VALUE = {
    ch: n for n, ch in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
}


def b64decode(text: str) -> bytes:
    """``encoding.b64url_decode`` with the same strictness, faster: only the base64url alphabet, no
    padding, no length of 1 modulo 4, and the unused bits of the last character zero (the canonical
    spelling). Raises ``ValueError``."""
    if not isinstance(text, str) or not _B64URL.fullmatch(text):
        raise ValueError("not base64url")
    rest = len(text) % 4
    if rest == 1:
        raise ValueError("not base64url")
    if rest and _B64URL_VALUE[text[-1]] & (0x0F if rest == 2 else 0x03):
        raise ValueError("non-canonical base64url")
    return binascii.a2b_base64((text + "=" * (-len(text) % 4)).encode("ascii").translate(_TO_STANDARD))


@lru_cache(maxsize=1024)
def _ed25519_key(public_key: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(public_key)


@lru_cache(maxsize=1024)
def _sm2_key(public_key: bytes) -> bytes:
    return bytes(gmssl_pyx.normalize_sm2_public_key(public_key))


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        duplicate = next(key for key, _value in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise ValueError(f"duplicate JSON key {duplicate!r}")
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"JSON constant {name} not allowed")


# ``encoding.parse_json``'s strictness (no duplicate keys, no NaN/Infinity) in one decoder built once.
_STRICT_JSON = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_no_constant)


def strict_json(data: bytes) -> Any:
    """``encoding.parse_json``: strict JSON from UTF-8 bytes. Raises ``ValueError``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError("JSON is not UTF-8") from exc
    try:
        return _STRICT_JSON.decode(text)
    except RecursionError as exc:  # absurdly deep nesting
        raise ValueError("JSON nested too deeply") from exc


def _json_object(data: bytes) -> dict[str, Any]:
    value = strict_json(data)
    if not isinstance(value, dict):
        raise ValueError("JSON value is not an object")
    return value


@lru_cache(maxsize=256)
def _parsed_header(segment: str) -> dict[str, Any]:
    """The strictly parsed header of a segment (callers get a copy: the cached dict is never exposed)."""
    return _json_object(b64decode(segment))


# -- DER <-> raw r||s ---------------------------------------------------------------------------------------


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    if n < 0x100:
        return bytes([0x81, n])
    raise ValueError("DER length too large")


def _der_integer(value: bytes) -> bytes:
    v = value.lstrip(b"\x00") or b"\x00"
    if v[0] & 0x80:  # keep it positive
        v = b"\x00" + v
    return b"\x02" + _der_length(len(v)) + v


def raw_to_der(raw: bytes) -> bytes:
    """``r || s`` (equal halves, big-endian) to a DER ``SEQUENCE { INTEGER r, INTEGER s }``."""
    if not raw or len(raw) % 2:
        raise ValueError("raw signature must be two equal halves")
    half = len(raw) // 2
    body = _der_integer(raw[:half]) + _der_integer(raw[half:])
    return b"\x30" + _der_length(len(body)) + body


def _read_tlv(data: bytes, pos: int, tag: int) -> tuple[bytes, int]:
    """One strict DER TLV at ``pos``: the tag must match and the length be minimal."""
    if pos + 2 > len(data) or data[pos] != tag:
        raise ValueError(f"expected DER tag {tag:#x}")
    length, pos = data[pos + 1], pos + 2
    if length == 0x81:
        if pos >= len(data) or data[pos] < 0x80:
            raise ValueError("non-minimal DER length")
        length, pos = data[pos], pos + 1
    elif length & 0x80:
        raise ValueError("unsupported DER length")
    if pos + length > len(data):
        raise ValueError("truncated DER")
    return data[pos : pos + length], pos + length


def der_to_raw(der: bytes, size: int = 32) -> bytes:
    """A DER ECDSA/SM2 signature to ``r || s``, each left-padded to ``size`` bytes. Strict DER only."""
    body, end = _read_tlv(der, 0, 0x30)
    if end != len(der):
        raise ValueError("trailing bytes after DER signature")
    parts = []
    pos = 0
    for _ in range(2):
        value, pos = _read_tlv(body, pos, 0x02)
        if not value or value[0] & 0x80:
            raise ValueError("DER integer empty or negative")
        if len(value) > 1 and value[0] == 0 and not value[1] & 0x80:
            raise ValueError("non-minimal DER integer")
        value = value.lstrip(b"\x00")
        if len(value) > size:
            raise ValueError("DER integer too large")
        parts.append(value.rjust(size, b"\x00"))
    if pos != len(body):
        raise ValueError("trailing bytes inside DER sequence")
    return parts[0] + parts[1]


# -- raw signatures -----------------------------------------------------------------------------------------


def sign_bytes(key: SigningKey, data: bytes) -> bytes:
    """The JWS signature of ``data``: Ed25519 (64 bytes) or SM2 ``r || s`` (64 bytes)."""
    if key.alg == EDDSA:
        return Ed25519PrivateKey.from_private_bytes(key.private_key).sign(data)
    if key.alg == SM2:
        return der_to_raw(gmssl_pyx.sm2_sign(key.private_key, key.record.public_key, data))
    raise CredentialError(UNSUPPORTED_ALG, key.alg)


def verify_bytes(key: KeyRecord, data: bytes, signature: bytes) -> None:
    """Raise ``bad_signature`` unless ``signature`` (JWS form) is ``key``'s signature of ``data``."""
    try:
        if key.alg == EDDSA:
            public = _ed25519_key(key.public_key)
        elif key.alg == SM2:
            public_sm2 = _sm2_key(key.public_key)
        else:
            raise CredentialError(UNSUPPORTED_ALG, key.alg)
    except (ValueError, gmssl_pyx.InvalidValueError):
        raise CredentialError(UNKNOWN_KEY, f"{key.kid}: unusable public key") from None
    if len(signature) != 64:
        raise CredentialError(BAD_SIGNATURE, "signature must be 64 bytes")
    if key.alg == EDDSA:
        try:
            public.verify(signature, data)
        except InvalidSignature:
            raise CredentialError(BAD_SIGNATURE) from None
        return
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    if not (0 < r < SM2_ORDER and 0 < s < SM2_ORDER):
        raise CredentialError(BAD_SIGNATURE, "r or s out of range")
    try:
        ok = gmssl_pyx.sm2_verify(public_sm2, data, raw_to_der(signature))
    except (gmssl_pyx.InvalidValueError, gmssl_pyx.GmsslInnerError):
        ok = False
    if not ok:
        raise CredentialError(BAD_SIGNATURE)


# -- compact JWS --------------------------------------------------------------------------------------------


def sign(payload: Mapping[str, Any], key: SigningKey, *, typ: str) -> str:
    """A compact JWS of ``payload`` (a JSON object) signed by ``key``."""
    header = {"alg": key.alg, "kid": key.kid, "typ": typ}
    signing_input = f"{b64url_encode(canonical_json(header))}.{b64url_encode(canonical_json(dict(payload)))}"
    return f"{signing_input}.{b64url_encode(sign_bytes(key, signing_input.encode('ascii')))}"


def _split(token: str) -> tuple[dict[str, Any], bytes, bytes, bytes]:
    """Header, payload bytes, signing input and signature of a token; nothing verified yet."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH or not token.isascii():
        raise CredentialError(MALFORMED, "not a token")
    parts = token.split(".")
    if len(parts) != 3:
        raise CredentialError(MALFORMED, "a compact JWS has three parts")
    try:
        header = dict(_parsed_header(parts[0]))
        payload = b64decode(
            parts[1]
        )  # well-formed base64url; the JSON inside is read once the signature holds
        signature = b64decode(parts[2])
    except ValueError as exc:
        raise CredentialError(MALFORMED, str(exc)) from exc
    if not set(header) <= _HEADER_KEYS:
        raise CredentialError(MALFORMED, f"unexpected header parameters {sorted(set(header) - _HEADER_KEYS)}")
    if header.get("alg") not in ALGORITHMS:
        raise CredentialError(UNSUPPORTED_ALG, repr(header.get("alg")))
    if (
        not isinstance(header.get("kid"), str)
        or not header["kid"]
        or not isinstance(header.get("typ", ""), str)
    ):
        raise CredentialError(MALFORMED, "kid missing")
    return header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), signature


def peek(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload WITHOUT verifying anything (for logs and diagnostics only)."""
    header, payload, _, _ = _split(token)
    try:
        return header, _json_object(payload)
    except ValueError as exc:
        raise CredentialError(MALFORMED, str(exc)) from exc


def verify(
    token: str, resolve_key: KeyResolver | Mapping[str, KeyRecord], *, typ: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Verify a compact JWS; return ``(header, payload)``.

    ``resolve_key`` maps a kid to its :class:`KeyRecord` (a function returning ``None`` or raising
    ``LookupError`` for unknown kids, or a mapping). The key's algorithm must equal the header's. With
    ``typ``, the header's ``typ`` must equal it (a status list is never accepted as a credential).
    """
    header, payload, _ = verify_with_key(token, resolve_key, typ=typ)
    return header, payload


def verify_with_key(
    token: str, resolve_key: KeyResolver | Mapping[str, KeyRecord], *, typ: str | None = None
) -> tuple[dict[str, Any], dict[str, Any], KeyRecord]:
    """As :func:`verify`, and also the key that signed (callers check its department)."""
    header, payload, signing_input, signature = _split(token)
    if typ is not None and header.get("typ") != typ:
        raise CredentialError(MALFORMED, f"typ {header.get('typ')!r}, expected {typ!r}")
    try:
        key = (
            resolve_key.get(header["kid"]) if isinstance(resolve_key, Mapping) else resolve_key(header["kid"])
        )
    except LookupError:
        key = None
    if key is None:
        raise CredentialError(UNKNOWN_KEY, header["kid"])
    if key.alg != header["alg"] or key.kid != header["kid"]:
        raise CredentialError(BAD_SIGNATURE, f"key {key.kid} is {key.alg}, header says {header['alg']}")
    verify_bytes(key, signing_input, signature)
    try:
        return header, _json_object(payload), key
    except ValueError as exc:  # signed garbage: the signer is broken, not the transport
        raise CredentialError(MALFORMED, str(exc)) from exc
