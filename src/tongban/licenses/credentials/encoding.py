"""Byte-level helpers shared by the credential modules: base64url, canonical JSON, digests."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from cryptography.hazmat.primitives import hashes

EDDSA = "EdDSA"  # Ed25519 (RFC 8037)
SM2 = "SM2"  # SM2 signature with SM3 (GB/T 32918.2, Z_A with the default signer id)
ALGORITHMS = (EDDSA, SM2)

SHA256 = "sha-256"  # names from the IANA "Named Information Hash Algorithm" registry (as SD-JWT)
SM3 = "sm3"
HASH_FOR_ALG = {EDDSA: SHA256, SM2: SM3}

_B64URL_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def b64url_encode(data: bytes) -> str:
    """base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict inverse of :func:`b64url_encode`: no padding, no other characters, canonical trailing bits.

    Raises ``ValueError``.
    """
    if not isinstance(text, str) or not set(text) <= _B64URL_ALPHABET or len(text) % 4 == 1:
        raise ValueError("not base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc
    if b64url_encode(data) != text:  # non-zero unused bits: another spelling of the same bytes
        raise ValueError("non-canonical base64url")
    return data


def canonical_json(value: Any) -> bytes:
    """Deterministic UTF-8 JSON: sorted keys, compact separators, no ASCII escaping, no NaN."""
    return json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate JSON key {key!r}")
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"JSON constant {name} not allowed")


def parse_json(data: bytes) -> Any:
    """Strict JSON: UTF-8, no duplicate keys, no NaN/Infinity. Raises ``ValueError``."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError("JSON is not UTF-8") from exc
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except RecursionError as exc:  # absurdly deep nesting
        raise ValueError("JSON nested too deeply") from exc


def parse_json_object(data: bytes) -> dict[str, Any]:
    value = parse_json(data)
    if not isinstance(value, dict):
        raise ValueError("JSON value is not an object")
    return value


def digest(hash_name: str, data: bytes) -> bytes:
    """SHA-256 or SM3 of ``data`` (``hash_name`` is ``"sha-256"`` or ``"sm3"``)."""
    if hash_name == SHA256:
        h = hashes.Hash(hashes.SHA256())
    elif hash_name == SM3:
        h = hashes.Hash(hashes.SM3())
    else:
        raise ValueError(f"unsupported hash {hash_name!r}")
    h.update(data)
    return h.finalize()


def epoch(moment: dt.datetime) -> int:
    """Unix seconds (JWT NumericDate) of an aware datetime; naive datetimes are a programming error."""
    if moment.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return int(moment.timestamp())
