"""Signing keys of issuing departments: key files, ids, rotation and the public JWKS document.

Each department (identified by its 统一社会信用代码) has at most one *active* key, which signs new
credentials. :meth:`KeyStore.rotate` makes a new active key and *retires* the old one: a retired key
never signs again but stays published, so everything it signed still verifies.

Layout of a key directory (created with mode 0700)::

    ed25519_<id>.meta.json   public metadata (kid, alg, dept, public key, status, dates), mode 0644
    ed25519_<id>.key.pem     Ed25519 private key, PKCS#8 PEM, unencrypted, mode 0600
    sm2_<id>.meta.json
    sm2_<id>.key.json        {"alg": "SM2", "private_key": b64url(32 bytes), "public_key": b64url(x||y)}, 0600

Private key files are created exclusively (never overwritten) and refused when group or others can
read them. The key id (kid) is ``ed25519:`` + base64url(SHA-256(raw public key)[:16]) or ``sm2:`` +
base64url(SM3(x||y)[:16]), so anyone can recompute it from the public key.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import gmssl_pyx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tongban.licenses.credentials.encoding import (
    ALGORITHMS,
    EDDSA,
    HASH_FOR_ALG,
    SM2,
    b64url_decode,
    b64url_encode,
    digest,
)
from tongban.licenses.credentials.errors import MALFORMED, CredentialError, KeyStoreError

ACTIVE = "active"
RETIRED = "retired"
STATUSES = (ACTIVE, RETIRED)

KID_PREFIX = {EDDSA: "ed25519", SM2: "sm2"}
PUBLIC_KEY_SIZE = {EDDSA: 32, SM2: 64}
_DEPT_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")  # USCC shape only
_SELF_TEST = b"tongban key self-test"
_When = dt.datetime | None


@dataclass(frozen=True)
class KeyRecord:
    """Public facts about one signing key."""

    kid: str
    alg: str  # "EdDSA" or "SM2"
    department_code: str  # USCC of the issuing department (or of the platform operator)
    public_key: bytes  # Ed25519: 32 raw bytes; SM2: 64 bytes x||y (no 04 prefix)
    status: str = ACTIVE
    created: dt.datetime | None = None
    not_after: dt.datetime | None = None  # no signing at or after this instant (verification unaffected)


@dataclass(frozen=True)
class SigningKey:
    """A key able to sign: the record plus the 32-byte private key (never printed)."""

    record: KeyRecord
    private_key: bytes = field(repr=False)

    @property
    def kid(self) -> str:
        return self.record.kid

    @property
    def alg(self) -> str:
        return self.record.alg

    @property
    def department_code(self) -> str:
        return self.record.department_code


def make_kid(alg: str, public_key: bytes) -> str:
    return f"{KID_PREFIX[alg]}:{b64url_encode(digest(HASH_FOR_ALG[alg], public_key)[:16])}"


def check_public_key(alg: str, public_key: bytes) -> None:
    """Raise ``ValueError`` unless ``public_key`` is a valid key for ``alg`` (SM2: a point on the curve)."""
    if alg not in ALGORITHMS:
        raise ValueError(f"unsupported algorithm {alg!r}")
    if not isinstance(public_key, bytes) or len(public_key) != PUBLIC_KEY_SIZE[alg]:
        raise ValueError("public key has the wrong length")
    try:
        if alg == EDDSA:
            Ed25519PublicKey.from_public_bytes(public_key)
        else:
            gmssl_pyx.normalize_sm2_public_key(public_key)
    except (ValueError, gmssl_pyx.InvalidValueError) as exc:
        raise ValueError("invalid public key") from exc


def generate_key_pair(alg: str) -> tuple[bytes, bytes]:
    """A fresh ``(private_key, public_key)``; both algorithms draw from the OS / GmSSL CSPRNG."""
    if alg == EDDSA:
        sk = Ed25519PrivateKey.generate()
        return sk.private_bytes_raw(), sk.public_key().public_bytes_raw()
    if alg == SM2:
        public, private = gmssl_pyx.sm2_key_generate()
        return bytes(private), bytes(public)
    raise ValueError(f"unsupported algorithm {alg!r}")


def check_key_pair(alg: str, private_key: bytes, public_key: bytes) -> None:
    """Raise :class:`KeyStoreError` ``key_mismatch`` unless the private key belongs to the public key."""
    try:
        if alg == EDDSA:
            ok = (
                Ed25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes_raw()
                == public_key
            )
        else:  # gmssl-pyx cannot derive the public key: sign and verify a fixed message instead
            ok = gmssl_pyx.sm2_verify(
                public_key, _SELF_TEST, gmssl_pyx.sm2_sign(private_key, public_key, _SELF_TEST)
            )
    except (ValueError, InvalidSignature, gmssl_pyx.InvalidValueError, gmssl_pyx.GmsslInnerError):
        ok = False
    if not ok:
        raise KeyStoreError("key_mismatch", "private key does not match the public key")


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return None if value is None else value.astimezone(dt.UTC)


def _parse_iso(value: Any) -> dt.datetime | None:
    return None if value is None else _utc(dt.datetime.fromisoformat(value))


def _write_exclusive(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    _write_exclusive(tmp, data, mode)
    os.replace(tmp, path)


class KeyStore:
    """Signing keys in a directory. The path comes from configuration (e.g. a setting) via the caller."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    # -- reading ------------------------------------------------------------------------------------------

    def public_keys(self, department_code: str | None = None) -> list[KeyRecord]:
        """All keys (active and retired), oldest first; optionally of one department."""
        records = (
            [self._read_meta(p) for p in sorted(self.path.glob("*.meta.json"))] if self.path.is_dir() else []
        )
        if department_code is not None:
            records = [r for r in records if r.department_code == department_code]
        epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
        return sorted(records, key=lambda r: (r.created or epoch, r.kid))

    def get(self, kid: str) -> KeyRecord:
        for record in self.public_keys():
            if record.kid == kid:
                return record
        raise KeyStoreError("unknown_key", kid)

    def active_key(self, department_code: str) -> KeyRecord:
        """The department's active key (the newest, should an interrupted rotation have left two)."""
        active = [r for r in self.public_keys(department_code) if r.status == ACTIVE]
        if not active:
            raise KeyStoreError("no_active_key", department_code)
        return active[-1]

    def signing_key(self, department_code: str, *, now: dt.datetime | None = None) -> SigningKey:
        """The active key with its private half, checked for file permissions and consistency."""
        record = self.active_key(department_code)
        now = _utc(now) or dt.datetime.now(dt.UTC)
        if record.not_after is not None and now >= record.not_after:
            raise KeyStoreError(
                "key_expired", f"{record.kid} may not sign after {record.not_after.isoformat()}"
            )
        path = self._private_path(record)
        try:
            mode = path.stat().st_mode
            if mode & 0o077:
                raise KeyStoreError(
                    "insecure_permissions", f"{path.name} has mode {oct(mode & 0o777)}; use 0600"
                )
            private = self._load_private(record, path.read_bytes())
        except FileNotFoundError:
            raise KeyStoreError("missing_private_key", path.name) from None
        except (ValueError, KeyError, TypeError) as exc:
            raise KeyStoreError("corrupt_key_file", f"{path.name}: {exc}") from exc
        check_key_pair(record.alg, private, record.public_key)
        return SigningKey(record=record, private_key=private)

    @staticmethod
    def _load_private(record: KeyRecord, raw: bytes) -> bytes:
        if record.alg == EDDSA:
            sk = serialization.load_pem_private_key(raw, password=None)
            if not isinstance(sk, Ed25519PrivateKey):
                raise ValueError("not an Ed25519 key")
            return sk.private_bytes_raw()
        doc = json.loads(raw)
        if doc["alg"] != SM2 or b64url_decode(doc["public_key"]) != record.public_key:
            raise ValueError("holds another key")
        return b64url_decode(doc["private_key"])

    # -- writing ------------------------------------------------------------------------------------------

    def generate(
        self, department_code: str, alg: str = EDDSA, *, now: _When = None, not_after: _When = None
    ) -> KeyRecord:
        """A first active key for a department. Use :meth:`rotate` when it already has one."""
        with self._locked():
            if any(r.status == ACTIVE for r in self.public_keys(department_code)):
                raise KeyStoreError("active_key_exists", f"{department_code}: use rotate()")
            return self._create(department_code, alg, now=now, not_after=not_after)

    def rotate(
        self, department_code: str, alg: str | None = None, *, now: _When = None, not_after: _When = None
    ) -> KeyRecord:
        """A new active key (same algorithm unless ``alg`` says otherwise); earlier keys become retired."""
        with self._locked():
            old = [r for r in self.public_keys(department_code) if r.status == ACTIVE]
            if not old:
                raise KeyStoreError("no_active_key", department_code)
            new = self._create(department_code, alg or old[-1].alg, now=now, not_after=not_after)
            for record in old:  # new key first: a crash here leaves two active keys, and the newest wins
                self._write_meta(replace(record, status=RETIRED), exclusive=False)
            return new

    def _create(self, department_code: str, alg: str, *, now: _When, not_after: _When) -> KeyRecord:
        if not _DEPT_RE.match(department_code):
            raise KeyStoreError("invalid_department_code", department_code)
        if alg not in ALGORITHMS:
            raise KeyStoreError("unsupported_alg", alg)
        private, public = generate_key_pair(alg)
        record = KeyRecord(
            kid=make_kid(alg, public),
            alg=alg,
            department_code=department_code,
            public_key=public,
            status=ACTIVE,
            created=_utc(now) or dt.datetime.now(dt.UTC),
            not_after=_utc(not_after),
        )
        if alg == EDDSA:
            data = Ed25519PrivateKey.from_private_bytes(private).private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        else:
            doc = {"alg": SM2, "private_key": b64url_encode(private), "public_key": b64url_encode(public)}
            data = json.dumps(doc, indent=1).encode("ascii") + b"\n"
        _write_exclusive(self._private_path(record), data, 0o600)
        self._write_meta(record, exclusive=True)
        return record

    # -- files ---------------------------------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path / ".lock", os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _stem(self, kid: str) -> str:
        return kid.replace(":", "_")

    def _private_path(self, record: KeyRecord) -> Path:
        suffix = ".key.pem" if record.alg == EDDSA else ".key.json"
        return self.path / f"{self._stem(record.kid)}{suffix}"

    def _write_meta(self, record: KeyRecord, *, exclusive: bool) -> None:
        doc = {
            "kid": record.kid,
            "alg": record.alg,
            "dept": record.department_code,
            "public_key": b64url_encode(record.public_key),
            "status": record.status,
            "created": record.created.isoformat() if record.created else None,
            "not_after": record.not_after.isoformat() if record.not_after else None,
        }
        data = json.dumps(doc, indent=1).encode("ascii") + b"\n"
        path = self.path / f"{self._stem(record.kid)}.meta.json"
        (_write_exclusive if exclusive else _write_atomic)(path, data, 0o644)

    def _read_meta(self, path: Path) -> KeyRecord:
        try:
            doc = json.loads(path.read_bytes())
            record = KeyRecord(
                kid=doc["kid"],
                alg=doc["alg"],
                department_code=doc["dept"],
                public_key=b64url_decode(doc["public_key"]),
                status=doc["status"],
                created=_parse_iso(doc.get("created")),
                not_after=_parse_iso(doc.get("not_after")),
            )
            check_public_key(record.alg, record.public_key)
        except (ValueError, KeyError, TypeError) as exc:
            raise KeyStoreError("corrupt_key_file", f"{path.name}: {exc}") from exc
        if (
            record.kid != make_kid(record.alg, record.public_key)
            or path.name != f"{self._stem(record.kid)}.meta.json"
        ):
            raise KeyStoreError("corrupt_key_file", f"{path.name}: kid does not match the public key")
        if record.status not in STATUSES:
            raise KeyStoreError("corrupt_key_file", f"{path.name}: status {record.status!r}")
        return record


# -- JWKS -------------------------------------------------------------------------------------------------


def jwks(records: Iterable[KeyRecord]) -> dict[str, Any]:
    """A JWKS document (RFC 7517) of public keys, for ``/api/v1/trust/keys`` and offline caches.

    Ed25519 keys are RFC 8037 ``OKP`` keys. SM2 keys are ``{"kty": "EC", "crv": "SM2", "x", "y"}``: the EC
    form of RFC 7518 §6.2 with a curve name IANA has not registered (non-standard, but the obvious
    convention; consumers must know it). ``dept`` and ``status`` are tongban extensions.
    """
    keys = []
    for r in records:
        if r.alg == EDDSA:
            jwk: dict[str, Any] = {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(r.public_key)}
        else:
            jwk = {"kty": "EC", "crv": "SM2", "x": b64url_encode(r.public_key[:32])}
            jwk["y"] = b64url_encode(r.public_key[32:])
        jwk.update({"kid": r.kid, "alg": r.alg, "use": "sig", "dept": r.department_code, "status": r.status})
        keys.append(jwk)
    return {"keys": keys}


def keys_from_jwks(document: Mapping[str, Any]) -> dict[str, KeyRecord]:
    """Parse a (cached) JWKS document back into ``{kid: KeyRecord}``; every kid is recomputed and checked.

    Raises :class:`CredentialError` ``malformed`` on any bad entry (a partly broken cache is not trusted).
    """
    result: dict[str, KeyRecord] = {}
    try:
        entries = document["keys"]
        if not isinstance(entries, list):
            raise ValueError("keys is not a list")
        for jwk in entries:
            kty, crv = jwk["kty"], jwk["crv"]
            if (kty, crv) == ("OKP", "Ed25519"):
                alg, public = EDDSA, b64url_decode(jwk["x"])
            elif (kty, crv) == ("EC", "SM2"):
                x, y = b64url_decode(jwk["x"]), b64url_decode(jwk["y"])
                if len(x) != 32 or len(y) != 32:
                    raise ValueError("SM2 coordinates must be 32 bytes")
                alg, public = SM2, x + y
            else:
                raise ValueError(f"unsupported key type {kty}/{crv}")
            check_public_key(alg, public)
            kid = make_kid(alg, public)
            if jwk["kid"] != kid or jwk.get("alg", alg) != alg or jwk.get("use", "sig") != "sig":
                raise ValueError(f"key {jwk['kid']!r}: kid, alg or use does not match the key")
            status = jwk.get("status", ACTIVE)
            if status not in STATUSES or not isinstance(jwk["dept"], str) or kid in result:
                raise ValueError(f"key {kid!r}: bad status, dept or duplicate")
            result[kid] = KeyRecord(
                kid=kid, alg=alg, department_code=jwk["dept"], public_key=public, status=status
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise CredentialError(MALFORMED, f"JWKS: {exc}") from exc
    return result
