"""The offline verifier: checks a presentation with cached keys and cached status lists only.

No network, no database, no clock of its own (``now`` is an argument). Steps, in order; the first
failure decides the result code:

1. split the token (``malformed``);
2. envelope signature by a key of the platform department (``unknown_key``, ``bad_signature``,
   ``unsupported_alg``, ``malformed``);
3. ``sd_hash`` binds the credential and the disclosures to the envelope (``tampered_disclosure``);
4. audience, when the verifier expects one (``wrong_audience``);
5. freshness: ``iat``/``exp``, lifetime and age at most ``max_age`` (``expired_presentation``);
6. credential signature by a key of the department named in ``iss`` (same codes as 2);
7. every disclosure's digest is in the credential's ``_sd`` (``tampered_disclosure``);
8. licence validity dates in China Standard Time (``license_not_yet_valid``, ``license_expired``);
9. every status entry against the cached lists (``revoked``, ``suspended``, ``status_unavailable``
   when a list is missing, stale or too short).

The result carries metadata only once the credential signature holds, and the disclosed fields only
when everything holds. Fields that were not disclosed are never in the token, let alone the result.

Speed (docs/licenses-scale.md): the two signature checks are the cost; around them each part is decoded
once with the fast strict helpers of :mod:`.jws`, and SHA-256 digests come from ``hashlib`` (the same
bytes as ``encoding.digest``; SM3 still goes through it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from tongban.licenses.credentials import jws
from tongban.licenses.credentials.encoding import HASH_FOR_ALG, SHA256, b64url_encode, digest, epoch
from tongban.licenses.credentials.errors import MALFORMED, UNKNOWN_KEY, CredentialError
from tongban.licenses.credentials.keys import KeyRecord
from tongban.licenses.credentials.presentation import (
    CREDENTIAL_TYP,
    PRESENTATION_TYP,
    RESERVED_NAMES,
    parse_credential_claims,
    parse_presentation,
)
from tongban.licenses.credentials.statuslist import REVOCATION, StatusList

VALID = "valid"
EXPIRED_PRESENTATION = "expired_presentation"
LICENSE_EXPIRED = "license_expired"
LICENSE_NOT_YET_VALID = "license_not_yet_valid"
REVOKED = "revoked"
SUSPENDED = "suspended"
STATUS_UNAVAILABLE = "status_unavailable"
TAMPERED_DISCLOSURE = "tampered_disclosure"
WRONG_AUDIENCE = "wrong_audience"
# and the jws codes: malformed, unknown_key, bad_signature, unsupported_alg

CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "CST")  # no daylight saving since 1991


class Check(NamedTuple):  # immutable like a frozen dataclass, and cheaper to make (eight per verification)
    name: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class VerificationResult:
    valid: bool
    code: str
    disclosed_fields: dict[str, Any] = field(default_factory=dict)
    license_identifier: str | None = None
    issuer: str | None = None
    type_code: str | None = None
    holder_kind: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    nonce: str | None = None  # of the presentation: for replay detection or comparing with a challenge
    checks: list[Check] = field(default_factory=list)


def _digest(hash_name: str, text: str) -> str:
    """``b64url(H(ascii(text)))``: ``presentation.sd_hash`` and ``Disclosure.digest``."""
    data = text.encode("ascii")
    return b64url_encode(hashlib.sha256(data).digest() if hash_name == SHA256 else digest(hash_name, data))


def _disclosure(encoded: str) -> tuple[str, Any]:
    """(name, value): ``Disclosure.parse`` (the same checks) with the fast strict decoding of :mod:`.jws`."""
    value = jws.strict_json(jws.b64decode(encoded))
    if not (
        isinstance(value, list)
        and len(value) == 3
        and isinstance(value[0], str)
        and isinstance(value[1], str)
    ):
        raise ValueError("a disclosure is [salt, name, value]")
    salt, name, field_value = value
    if len(salt) < 22 or not name or name in RESERVED_NAMES:
        raise ValueError("disclosure salt too short or name invalid")
    return name, field_value


class _Failed(Exception):
    def __init__(self, code: str, check: str, detail: str = "") -> None:
        super().__init__(code)
        self.code, self.check, self.detail = code, check, detail


def _verify_jws(
    token: str, keys: Mapping[str, KeyRecord], typ: str, check: str
) -> tuple[dict[str, Any], KeyRecord]:
    try:
        _, payload, key = jws.verify_with_key(token, keys, typ=typ)
    except CredentialError as exc:
        raise _Failed(exc.code, check, exc.detail) from None
    return payload, key


def _envelope_times(payload: Mapping[str, Any]) -> tuple[int, int]:
    iat, exp = payload.get("iat"), payload.get("exp")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (iat, exp)):
        raise _Failed(MALFORMED, "presentation_claims", "iat and exp must be integers")
    if not all(isinstance(payload.get(k), str) for k in ("sd_hash", "aud", "nonce")):
        raise _Failed(MALFORMED, "presentation_claims", "sd_hash, aud and nonce must be strings")
    return iat, exp  # type: ignore[return-value]  # checked just above


def verify_presentation(
    token: str,
    *,
    keys: Mapping[str, KeyRecord],
    status_lists: Mapping[str, StatusList],
    now: dt.datetime,
    platform_department: str,
    audience: str | None = None,
    max_age: dt.timedelta = dt.timedelta(minutes=5),
    leeway: dt.timedelta = dt.timedelta(seconds=30),
    tz: dt.tzinfo = CHINA_TZ,
    enforce_status_ttl: bool = True,
    require_revocation_status: bool = True,
) -> VerificationResult:
    """Verify a presentation offline. Never raises for bad input: the result says what is wrong.

    ``keys``: ``{kid: KeyRecord}``, e.g. :func:`~.keys.keys_from_jwks` of the cached JWKS (retired keys
    included). ``status_lists``: ``{list_id: StatusList}`` from :func:`~.statuslist.verify_status_list`.
    ``platform_department``: USCC of the platform operator, whose keys alone may sign presentations.
    ``enforce_status_ttl``: a cached list older than its ``ttl`` gives ``status_unavailable``.
    ``require_revocation_status``: a credential without an entry in a revocation list gives
    ``status_unavailable`` (a licence that cannot be revoked is not accepted).
    """
    checks: list[Check] = []
    meta: dict[str, Any] = {}
    try:
        now_s = epoch(now)
        try:
            parts = parse_presentation(token)
        except CredentialError as exc:
            raise _Failed(exc.code, "presentation_format", exc.detail) from None
        checks.append(Check("presentation_format", True, f"{len(parts.disclosures)} disclosures"))

        envelope, platform_key = _verify_jws(parts.envelope, keys, PRESENTATION_TYP, "presentation_signature")
        if platform_key.department_code != platform_department:
            raise _Failed(UNKNOWN_KEY, "presentation_signature", f"{platform_key.kid} is not a platform key")
        checks.append(Check("presentation_signature", True, platform_key.kid))

        iat, exp = _envelope_times(envelope)
        meta["nonce"] = envelope["nonce"]
        if envelope["sd_hash"] != _digest(HASH_FOR_ALG[platform_key.alg], parts.bound):
            raise _Failed(TAMPERED_DISCLOSURE, "presentation_binding", "sd_hash does not match")
        checks.append(Check("presentation_binding", True))

        if audience is not None:
            if envelope["aud"] != audience:
                raise _Failed(WRONG_AUDIENCE, "audience", f"for {envelope['aud']!r}")
            checks.append(Check("audience", True, audience))

        skew, age = int(leeway.total_seconds()), int(max_age.total_seconds())
        if iat > now_s + skew:
            raise _Failed(EXPIRED_PRESENTATION, "presentation_fresh", "issued in the future (clock skew?)")
        if now_s >= exp + skew or now_s - iat > age + skew:
            raise _Failed(EXPIRED_PRESENTATION, "presentation_fresh", f"expired {now_s - exp}s ago")
        if exp - iat > age or exp <= iat:
            raise _Failed(EXPIRED_PRESENTATION, "presentation_fresh", f"lifetime {exp - iat}s exceeds {age}s")
        checks.append(Check("presentation_fresh", True, f"age {now_s - iat}s"))

        payload, issuer_key = _verify_jws(parts.credential, keys, CREDENTIAL_TYP, "credential_signature")
        try:
            claims = parse_credential_claims(payload)
        except CredentialError as exc:
            raise _Failed(exc.code, "credential_signature", exc.detail) from None
        if claims.issuer != issuer_key.department_code:
            raise _Failed(
                UNKNOWN_KEY, "credential_signature", f"{issuer_key.kid} is not a key of {claims.issuer}"
            )
        if claims.hash_name != HASH_FOR_ALG[issuer_key.alg]:
            raise _Failed(
                MALFORMED, "credential_signature", f"_sd_alg {claims.hash_name} with {issuer_key.alg}"
            )
        checks.append(Check("credential_signature", True, issuer_key.kid))
        meta |= {
            "license_identifier": claims.license_identifier,
            "issuer": claims.issuer,
            "type_code": claims.type_code,
            "holder_kind": claims.holder_kind,
            "valid_from": claims.valid_from,
            "valid_to": claims.valid_to,
        }

        disclosed: dict[str, Any] = {}
        for encoded in parts.disclosures:
            try:
                name, value = _disclosure(encoded)
            except ValueError as exc:
                raise _Failed(TAMPERED_DISCLOSURE, "disclosures", f"unreadable disclosure: {exc}") from None
            if _digest(claims.hash_name, encoded) not in claims.digests:
                raise _Failed(TAMPERED_DISCLOSURE, "disclosures", f"{name} is not in the credential")
            if name in disclosed:
                raise _Failed(TAMPERED_DISCLOSURE, "disclosures", f"{name} disclosed twice")
            disclosed[name] = value
        checks.append(Check("disclosures", True, ", ".join(disclosed)))

        today = now.astimezone(tz).date()
        if today < claims.valid_from:
            raise _Failed(LICENSE_NOT_YET_VALID, "license_validity", f"valid from {claims.valid_from}")
        if claims.valid_to is not None and today > claims.valid_to:
            raise _Failed(LICENSE_EXPIRED, "license_validity", f"valid to {claims.valid_to}")
        checks.append(Check("license_validity", True, f"until {claims.valid_to or '长期'}"))

        hits: list[str] = []
        purposes = set()
        for ref in claims.status:
            status_list = status_lists.get(ref.list_id)
            if (
                status_list is None
                or status_list.list_id not in (None, ref.list_id)
                or ref.index >= status_list.size
            ):
                raise _Failed(
                    STATUS_UNAVAILABLE, "status", f"no cached status list {ref.list_id} covering {ref.index}"
                )
            expires = status_list.expires_at()
            if enforce_status_ttl and expires is not None and now >= expires:
                raise _Failed(
                    STATUS_UNAVAILABLE, "status", f"cached list {ref.list_id} stale since {expires}"
                )
            purposes.add(status_list.purpose)
            if status_list.get(ref.index):
                hits.append(REVOKED if status_list.purpose == REVOCATION else SUSPENDED)
        if hits:
            code = REVOKED if REVOKED in hits else SUSPENDED
            raise _Failed(code, "status", f"{len(claims.status)} status entries checked")
        if require_revocation_status and REVOCATION not in purposes:
            raise _Failed(STATUS_UNAVAILABLE, "status", "the credential has no revocation status entry")
        checks.append(Check("status", True, f"{len(claims.status)} status entries checked"))
    except _Failed as failure:
        checks.append(Check(failure.check, False, failure.detail))
        return VerificationResult(valid=False, code=failure.code, checks=checks, **meta)
    return VerificationResult(valid=True, code=VALID, disclosed_fields=disclosed, checks=checks, **meta)
