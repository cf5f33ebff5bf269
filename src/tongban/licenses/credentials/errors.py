"""Typed errors with stable codes (safe to show to API clients and to log)."""

from __future__ import annotations

# CredentialError codes raised by jws / statuslist / presentation parsing.
MALFORMED = "malformed"
UNKNOWN_KEY = "unknown_key"
BAD_SIGNATURE = "bad_signature"
UNSUPPORTED_ALG = "unsupported_alg"

CREDENTIAL_ERROR_CODES = frozenset({MALFORMED, UNKNOWN_KEY, BAD_SIGNATURE, UNSUPPORTED_ALG})


class CredentialError(Exception):
    """A token could not be parsed or verified. ``code`` is one of :data:`CREDENTIAL_ERROR_CODES`."""

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in CREDENTIAL_ERROR_CODES:
            raise ValueError(f"unknown credential error code {code!r}")
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


class KeyStoreError(Exception):
    """A key store operation failed. ``code`` is stable, e.g. ``no_active_key``, ``insecure_permissions``."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail
