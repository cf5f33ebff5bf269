"""Signed webhook messages: HMAC-SHA256 over a timestamp, a nonce and the body, in three headers.

Chinese payment providers and couriers sign their notifications this way (WeChat Pay v3 signs
``timestamp\\nnonce\\nbody\\n``; many couriers leave out the final newline). The demo adapters sign and
check with one ``HmacScheme`` each, so the checks (constant-time comparison, well-formed headers, the signing
time) are the same everywhere. Replay windows and nonce reuse stay with the callers, which know their logs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
SIGNATURE = re.compile(r"^[0-9a-f]{64}$")


class SignatureError(Exception):
    """The message is not signed (``missing``: headers absent or malformed) or wrongly (``invalid``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Signed:
    timestamp: int  # Unix seconds, as signed
    nonce: str

    @property
    def signed_at(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.timestamp, tz=dt.UTC)


@dataclass(frozen=True)
class HmacScheme:
    timestamp_header: str
    nonce_header: str
    signature_header: str
    trailing_newline: bool = False  # WeChat Pay v3 layout ends the signed text with "\n"

    def digest(self, secret: bytes, timestamp: str, nonce: str, body: bytes) -> str:
        message = timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body
        if self.trailing_newline:
            message += b"\n"
        return hmac.new(secret, message, hashlib.sha256).hexdigest()

    def sign(
        self, secret: bytes, body: bytes, *, at: dt.datetime, nonce: str | None = None
    ) -> dict[str, str]:
        """The headers to send with ``body`` (the header names as configured)."""
        timestamp = str(int(at.timestamp()))
        nonce = nonce or secrets.token_hex(16)
        return {
            self.timestamp_header: timestamp,
            self.nonce_header: nonce,
            self.signature_header: self.digest(secret, timestamp, nonce, body),
        }

    def verify(self, secret: bytes, headers: Mapping[str, str], body: bytes) -> Signed:
        """Check the signature of ``body``; header names are matched without regard to case."""
        lower = {k.lower(): v for k, v in headers.items()}
        timestamp = lower.get(self.timestamp_header.lower(), "").strip()
        nonce = lower.get(self.nonce_header.lower(), "").strip()
        given = lower.get(self.signature_header.lower(), "").strip().lower()
        if not (timestamp.isdigit() and NONCE.match(nonce) and SIGNATURE.match(given)):
            raise SignatureError("missing")
        if not hmac.compare_digest(self.digest(secret, timestamp, nonce, body), given):
            raise SignatureError("invalid")
        return Signed(timestamp=int(timestamp), nonce=nonce)


def within_window(signed_at: dt.datetime, now: dt.datetime, seconds: int) -> bool:
    """Whether a message signed at ``signed_at`` may still be accepted at ``now`` (either direction)."""
    return abs((now - signed_at).total_seconds()) <= seconds
