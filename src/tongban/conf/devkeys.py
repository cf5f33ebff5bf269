"""Well-known development secrets. They are public, so production refuses every one of them."""

from __future__ import annotations

from pathlib import Path

DEV_SECRET_KEY = "dev-insecure-tongban-secret-key-do-not-use-in-production-0123456789"
# 32 bytes each, base64; public on purpose.
DEV_FIELD_KEYS = "dev1:ZGV2LW9ubHktZmllbGQta2V5LXRvbmdiYW4tMzJiISE="
DEV_LOOKUP_KEY = "ZGV2LW9ubHktbG9va3VwLWtleS10b25nYmFuLTMyYiE="
DEV_VALUES = {DEV_SECRET_KEY, DEV_FIELD_KEYS, DEV_LOOKUP_KEY}

_DEV_KEY_PATH = Path(__file__).resolve().parents[3] / "var" / "dev-oidc-key.pem"
_cached: str | None = None


def dev_oidc_key() -> str:
    """A local RSA key for signing ID tokens in development, created once under ``var/``."""
    global _cached
    if _cached:
        return _cached
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    if _DEV_KEY_PATH.exists():
        _cached = _DEV_KEY_PATH.read_text()
        return _cached
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    _DEV_KEY_PATH.parent.mkdir(parents=True, exist_ok=True)
    _DEV_KEY_PATH.write_text(pem)
    _DEV_KEY_PATH.chmod(0o600)
    _cached = pem
    return pem
