"""Selectively disclosable credentials and short-lived presentations (SD-JWT style, simplified).

**Credential** (issued once per licence, signed by the issuing department's key, ``typ`` ``tb-cred``).
Its payload carries no face field (照面信息) in clear, only salted digests of them plus metadata::

    {"iss": "<issuer USCC>", "iat": 1767225600, "lic": "<电子证照标识>", "lt": "<证照类型代码>",
     "hk": "natural_person", "vf": "2026-01-01", "vt": "2030-12-31" | null,
     "st": [{"l": "<status list id>", "i": 81723}],
     "_sd": ["<digest>", ...], "_sd_alg": "sha-256" | "sm3"}

A **disclosure** is ``b64url(JSON [salt, name, value])`` with a 128-bit random salt; its digest is
``b64url(H(ascii(disclosure)))`` with H = SHA-256 for Ed25519 issuers and SM3 for SM2 issuers (RFC 9901
§4.2). The holder side (the platform, for the signed-in holder) keeps the disclosures.

**Presentation** (what goes into the QR code)::

    <credential JWS> "~" <disclosure> "~" ... "~" <envelope JWS>

The envelope (``typ`` ``tb-vp``) is signed by the *platform* key and binds everything before it:
``{"aud", "iat", "exp", "nonce", "sd_hash"}`` with ``sd_hash = b64url(H(ascii("<credential>~<d1>~...~")))``
(H by the platform key's algorithm). Nobody without the platform key can mint or alter a presentation,
and it lives five minutes by default. It is a bearer token: see the docs on holder binding.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tongban.licenses.credentials import jws
from tongban.licenses.credentials.encoding import (
    HASH_FOR_ALG,
    b64url_decode,
    b64url_encode,
    canonical_json,
    digest,
    epoch,
    parse_json,
)
from tongban.licenses.credentials.errors import MALFORMED, CredentialError
from tongban.licenses.credentials.keys import SigningKey

CREDENTIAL_TYP = "tb-cred"
PRESENTATION_TYP = "tb-vp"
SALT_BYTES = 16
DEFAULT_LIFETIME = dt.timedelta(minutes=5)
MAX_LIFETIME = dt.timedelta(minutes=30)
MAX_PRESENTATION_LENGTH = 16 * 1024
RESERVED_NAMES = frozenset({"_sd", "_sd_alg", "..."})
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class StatusRef:
    """Position of a credential in a status list."""

    list_id: str
    index: int


@dataclass(frozen=True)
class Disclosure:
    """One face field with its salt. ``encoded`` is the exact string that is hashed and presented."""

    encoded: str
    salt: str
    name: str
    value: Any

    @classmethod
    def create(cls, name: str, value: Any, *, salt: str | None = None) -> Disclosure:
        if not isinstance(name, str) or not name or name in RESERVED_NAMES:
            raise ValueError(f"invalid field name {name!r}")
        salt = salt or b64url_encode(secrets.token_bytes(SALT_BYTES))
        return cls(b64url_encode(canonical_json([salt, name, value])), salt, name, value)

    @classmethod
    def parse(cls, encoded: str) -> Disclosure:
        """Strict parse; raises ``ValueError``. The digest is always taken over ``encoded`` as received."""
        value = parse_json(b64url_decode(encoded))
        if not (isinstance(value, list) and len(value) == 3 and all(isinstance(v, str) for v in value[:2])):
            raise ValueError("a disclosure is [salt, name, value]")
        salt, name, field_value = value
        if len(salt) < 22 or not name or name in RESERVED_NAMES:
            raise ValueError("disclosure salt too short or name invalid")
        return cls(encoded, salt, name, field_value)

    def digest(self, hash_name: str) -> str:
        return b64url_encode(digest(hash_name, self.encoded.encode("ascii")))


@dataclass(frozen=True)
class IssuedCredential:
    """What the licence library stores for the holder: the credential and all its disclosures."""

    token: str
    disclosures: tuple[str, ...]

    def disclosures_by_name(self) -> dict[str, str]:
        return {Disclosure.parse(d).name: d for d in self.disclosures}


@dataclass(frozen=True)
class CredentialClaims:
    """The non-secret metadata of a verified credential payload."""

    issuer: str
    issued_at: int
    license_identifier: str
    type_code: str
    holder_kind: str
    valid_from: dt.date
    valid_to: dt.date | None
    status: tuple[StatusRef, ...]
    digests: frozenset[str]
    hash_name: str


def issue_credential(
    *,
    key: SigningKey,
    license_identifier: str,
    type_code: str,
    holder_kind: str,
    fields: Mapping[str, Any],
    valid_from: dt.date,
    valid_to: dt.date | None,
    status: Sequence[StatusRef] = (),
    now: dt.datetime,
) -> IssuedCredential:
    """Sign a credential for one licence with the issuing department's ``key``.

    ``fields`` are the face fields (JSON values: strings, numbers, booleans, null, lists, objects);
    each becomes one disclosure. ``valid_to`` ``None`` means 长期有效.
    """
    disclosures = [Disclosure.create(name, value) for name, value in fields.items()]
    hash_name = HASH_FOR_ALG[key.alg]
    payload = {
        "iss": key.department_code,
        "iat": epoch(now),
        "lic": license_identifier,
        "lt": type_code,
        "hk": holder_kind,
        "vf": valid_from.isoformat(),
        "vt": valid_to.isoformat() if valid_to else None,
        "st": [{"l": ref.list_id, "i": ref.index} for ref in status],
        "_sd": sorted(d.digest(hash_name) for d in disclosures),  # sorted: order reveals no field names
        "_sd_alg": hash_name,
    }
    try:  # never sign what a verifier would reject
        parse_credential_claims(payload)
    except CredentialError as exc:
        raise ValueError(exc.detail) from None
    token = jws.sign(payload, key, typ=CREDENTIAL_TYP)
    return IssuedCredential(token=token, disclosures=tuple(d.encoded for d in disclosures))


def _date(value: Any) -> dt.date:
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise ValueError(f"not a date: {value!r}")
    return dt.date.fromisoformat(value)


def _str(payload: Mapping[str, Any], name: str) -> str:
    value = payload[name]
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string")
    return value


def _int(payload: Mapping[str, Any], name: str) -> int:
    value = payload[name]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer")
    return value


def parse_credential_claims(payload: Mapping[str, Any]) -> CredentialClaims:
    """Validate a (verified) credential payload. Raises :class:`CredentialError` ``malformed``."""
    try:
        status = tuple(StatusRef(_str(ref, "l"), _int(ref, "i")) for ref in payload["st"])
        digests = payload["_sd"]
        if not isinstance(digests, list) or not all(isinstance(d, str) for d in digests):
            raise ValueError("_sd must be a list of strings")
        if len(set(digests)) != len(digests):
            raise ValueError("duplicate digests")
        hash_name = payload["_sd_alg"]
        if hash_name not in HASH_FOR_ALG.values():
            raise ValueError(f"unsupported _sd_alg {hash_name!r}")
        return CredentialClaims(
            issuer=_str(payload, "iss"),
            issued_at=_int(payload, "iat"),
            license_identifier=_str(payload, "lic"),
            type_code=_str(payload, "lt"),
            holder_kind=_str(payload, "hk"),
            valid_from=_date(payload["vf"]),
            valid_to=None if payload["vt"] is None else _date(payload["vt"]),
            status=status,
            digests=frozenset(digests),
            hash_name=hash_name,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CredentialError(MALFORMED, f"credential: {exc}") from exc


def sd_hash(hash_name: str, bound: str) -> str:
    return b64url_encode(digest(hash_name, bound.encode("ascii")))


def create_presentation(
    credential: IssuedCredential,
    *,
    disclose: Iterable[str],
    key: SigningKey,
    audience: str,
    now: dt.datetime,
    lifetime: dt.timedelta = DEFAULT_LIFETIME,
    nonce: str | None = None,
) -> str:
    """A presentation revealing only the fields named in ``disclose``, signed with the platform ``key``.

    Call it only for the signed-in holder of ``credential``. ``nonce`` is the verifier's challenge when
    there is one (online check); otherwise a random one is drawn, so that two presentations differ.
    """
    if not dt.timedelta(0) < lifetime <= MAX_LIFETIME:
        raise ValueError(f"lifetime must be positive and at most {MAX_LIFETIME}")
    available = credential.disclosures_by_name()
    wanted = list(dict.fromkeys(disclose))
    unknown = [name for name in wanted if name not in available]
    if unknown:
        raise ValueError(f"credential has no fields {unknown}")
    bound = "".join(f"{part}~" for part in [credential.token, *(available[name] for name in wanted)])
    iat = epoch(now)
    envelope = {
        "aud": audience,
        "iat": iat,
        "exp": iat + int(lifetime.total_seconds()),
        "nonce": nonce or b64url_encode(secrets.token_bytes(12)),
        "sd_hash": sd_hash(HASH_FOR_ALG[key.alg], bound),
    }
    return bound + jws.sign(envelope, key, typ=PRESENTATION_TYP)


@dataclass(frozen=True)
class ParsedPresentation:
    credential: str
    disclosures: tuple[str, ...]
    envelope: str
    bound: str  # "<credential>~<d1>~...~<dn>~": what sd_hash covers


def parse_presentation(token: str) -> ParsedPresentation:
    """Split a presentation into its parts (nothing verified); ``malformed`` if it cannot be split."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_PRESENTATION_LENGTH or not token.isascii():
        raise CredentialError(MALFORMED, "not a presentation")
    parts = token.split("~")
    if len(parts) < 2 or not all(parts):
        raise CredentialError(MALFORMED, "a presentation is credential~disclosures~envelope")
    return ParsedPresentation(
        credential=parts[0],
        disclosures=tuple(parts[1:-1]),
        envelope=parts[-1],
        bound=token[: len(token) - len(parts[-1])],
    )
