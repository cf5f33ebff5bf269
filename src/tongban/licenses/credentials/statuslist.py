"""Bitstring status lists (W3C *Bitstring Status List v1.0* style) for revocation and suspension.

A list is a bitstring; bit ``i`` (index 0 = most significant bit of the first byte, as in the W3C
spec) is set when the credential holding index ``i`` is revoked (or suspended, for a suspension list).
Encoded as the spec does: GZIP, then base64url without padding, behind the multibase prefix ``u``.
The default size, 131,072 bits (16 KiB), is the spec's minimum: a list must be large enough that the
index of one credential is lost in the crowd (group privacy).

Published as a JWS (``typ`` ``tb-sl``) whose payload is
``{"list_id", "purpose", "encoded", "issued_at", "ttl"}`` (``issued_at``: Unix seconds; ``ttl``:
seconds a cached copy may be relied on).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import random
import secrets
import zlib
from collections.abc import Collection, Mapping

from tongban.licenses.credentials import jws
from tongban.licenses.credentials.encoding import b64url_decode, b64url_encode, epoch
from tongban.licenses.credentials.errors import MALFORMED, UNKNOWN_KEY, CredentialError
from tongban.licenses.credentials.keys import KeyRecord, SigningKey

REVOCATION = "revocation"
SUSPENSION = "suspension"
PURPOSES = (REVOCATION, SUSPENSION)
DEFAULT_SIZE = 131_072
MAX_SIZE = 8 * 1024 * 1024  # bits; a decoded list never inflates beyond 1 MiB
DEFAULT_TTL = 24 * 3600
TYP = "tb-sl"


class StatusList:
    """A mutable bitstring of ``size`` statuses, plus the metadata of the document it came from."""

    def __init__(
        self,
        size: int = DEFAULT_SIZE,
        *,
        purpose: str = REVOCATION,
        list_id: str | None = None,
        issued_at: dt.datetime | None = None,
        ttl: int | None = None,
        bits: bytes | None = None,
    ) -> None:
        if size <= 0 or size % 8 or size > MAX_SIZE:
            raise ValueError("size must be a positive multiple of 8, at most MAX_SIZE")
        if purpose not in PURPOSES:
            raise ValueError(f"purpose must be one of {PURPOSES}")
        if bits is not None and len(bits) * 8 != size:
            raise ValueError("bits do not match size")
        self._bits = bytearray(bits) if bits is not None else bytearray(size // 8)
        self.purpose = purpose
        self.list_id = list_id
        self.issued_at = issued_at
        self.ttl = ttl

    @property
    def size(self) -> int:
        return len(self._bits) * 8

    def _check(self, index: int) -> None:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < self.size:
            raise IndexError(f"status index {index!r} outside 0..{self.size - 1}")

    def set(self, index: int, revoked: bool) -> None:
        """Set (``True``: revoked / suspended) or clear the status bit ``index``."""
        self._check(index)
        mask = 0x80 >> (index % 8)
        if revoked:
            self._bits[index // 8] |= mask
        else:
            self._bits[index // 8] &= ~mask & 0xFF

    def get(self, index: int) -> bool:
        self._check(index)
        return bool(self._bits[index // 8] & (0x80 >> (index % 8)))

    def to_bytes(self) -> bytes:
        """The raw bitstring (what the library stores)."""
        return bytes(self._bits)

    def count(self) -> int:
        """How many bits are set."""
        return sum(b.bit_count() for b in self._bits)

    def encode(self) -> str:
        """``"u" + base64url(gzip(bits))``; deterministic (gzip mtime 0)."""
        return "u" + b64url_encode(gzip.compress(bytes(self._bits), compresslevel=9, mtime=0))

    @classmethod
    def decode(cls, encoded: str, *, purpose: str = REVOCATION, max_size: int = MAX_SIZE) -> StatusList:
        """Inverse of :meth:`encode`; refuses anything that inflates beyond ``max_size`` bits."""
        if not isinstance(encoded, str) or not encoded.startswith("u"):
            raise ValueError("encoded list must start with the multibase prefix 'u'")
        data = b64url_decode(encoded[1:])
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip container
        try:
            bits = inflater.decompress(data, max_size // 8 + 1)
        except zlib.error as exc:
            raise ValueError(f"not gzip: {exc}") from exc
        if len(bits) > max_size // 8 or inflater.unconsumed_tail:
            raise ValueError("status list too large")
        if not inflater.eof or inflater.unused_data:
            raise ValueError("truncated gzip or trailing data")
        return cls(len(bits) * 8, purpose=purpose, bits=bits)

    def expires_at(self) -> dt.datetime | None:
        """When a cached copy stops being reliable (``issued_at + ttl``), if both are known."""
        if self.issued_at is None or self.ttl is None:
            return None
        return self.issued_at + dt.timedelta(seconds=self.ttl)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StatusList) and self._bits == other._bits and self.purpose == other.purpose

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"<StatusList {self.list_id or '?'} {self.purpose} size={self.size} set={self.count()}>"


def allocate_index(size: int, used: Collection[int], *, rng: random.Random | None = None) -> int:
    """A random index in ``0..size-1`` not in ``used`` (indices are never reused, even after revocation).

    Random rather than sequential, so that an index says nothing about when a licence was issued or
    which licences were issued together. Raises ``ValueError`` when the list is full.
    """
    rng = rng or secrets.SystemRandom()
    for _ in range(64):  # almost always succeeds at once while the list is below ~90% full
        index = rng.randrange(size)
        if index not in used:
            return index
    free = [i for i in range(size) if i not in used]
    if not free:
        raise ValueError("status list is full; start a new list")
    return rng.choice(free)


def permuted_index(key: bytes, counter: int, size: int) -> int:
    """The ``counter``-th index of a keyed pseudo-random permutation of ``0..size-1``.

    A balanced four-round Feistel network over the smallest even-bit power of two >= ``size``
    (round function: keyed BLAKE2b), with cycle walking back into range. Distinct counters give
    distinct indices, so a list hands out indices with one counter and no look-up of used ones, and
    without the key an index reveals nothing about issue order.
    """
    if not 0 <= counter < size:
        raise ValueError("counter out of range: the list is full")
    if not 16 <= len(key) <= 64:
        raise ValueError("key must be 16 to 64 bytes")
    half = max(1, ((size - 1).bit_length() + 1) // 2)
    mask = (1 << half) - 1
    value = counter
    while True:
        left, right = value >> half, value & mask
        for round_no in range(4):
            mac = hashlib.blake2b(
                round_no.to_bytes(1, "big") + right.to_bytes(8, "big"), key=key, digest_size=8
            ).digest()
            left, right = right, left ^ (int.from_bytes(mac, "big") & mask)
        value = (left << half) | right
        if value < size:
            return value


def sign_status_list(
    status_list: StatusList,
    *,
    list_id: str,
    key: SigningKey,
    now: dt.datetime,
    ttl: int = DEFAULT_TTL,
) -> str:
    """The signed status list document (compact JWS, ``typ`` ``tb-sl``)."""
    payload = {
        "list_id": list_id,
        "purpose": status_list.purpose,
        "encoded": status_list.encode(),
        "issued_at": epoch(now),
        "ttl": int(ttl),
    }
    return jws.sign(payload, key, typ=TYP)


def verify_status_list(
    token: str,
    resolve_key: jws.KeyResolver | Mapping[str, KeyRecord],
    *,
    signer_department: str | None = None,
    max_size: int = MAX_SIZE,
) -> StatusList:
    """Verify a status list document and decode it (with ``list_id``, ``purpose``, ``issued_at``, ``ttl``).

    With ``signer_department``, the signing key must belong to that department (``unknown_key``
    otherwise). Raises :class:`CredentialError`.
    """
    _, payload, key = jws.verify_with_key(token, resolve_key, typ=TYP)
    if signer_department is not None and key.department_code != signer_department:
        raise CredentialError(UNKNOWN_KEY, f"{key.kid} is not a key of {signer_department}")
    try:
        list_id, purpose, issued_at, ttl = (payload[k] for k in ("list_id", "purpose", "issued_at", "ttl"))
        if not isinstance(list_id, str) or not list_id or purpose not in PURPOSES:
            raise ValueError("list_id or purpose")
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (issued_at, ttl)):
            raise ValueError("issued_at and ttl must be non-negative integers")
        result = StatusList.decode(payload["encoded"], purpose=purpose, max_size=max_size)
        result.issued_at = dt.datetime.fromtimestamp(issued_at, dt.UTC)
    except (KeyError, ValueError, OverflowError, OSError) as exc:
        raise CredentialError(MALFORMED, f"status list: {exc}") from exc
    result.list_id = list_id
    result.ttl = ttl
    return result
