"""Encryption of personal data at rest and keyed hashes for looking it up.

Values are stored as ``tb1$<cipher>$<key id>$<base64url(nonce | ciphertext | tag)>``. The cipher is
AES-256-GCM by default or SM4-GCM (国密) when ``TONGBAN_FIELD_CIPHER=sm4-gcm``; each value records the
cipher and key it was written with, so ciphers and keys can be rotated without a big-bang migration.
The field name is bound in as associated data, so a ciphertext cannot be moved to another column.

Encrypted values cannot be searched; :func:`lookup_hash` gives a deterministic HMAC (SHA-256, or SM3
with the 国密 cipher) that is indexed instead.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import os
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "tb1"


class DecryptionError(Exception):
    """A stored value could not be decrypted (wrong key, tampered or truncated)."""


@dataclass(frozen=True)
class Keyring:
    cipher: str
    current: str
    keys: dict[str, bytes]


def parse_keys(raw: str) -> tuple[str, dict[str, bytes]]:
    keys: dict[str, bytes] = {}
    current = ""
    for part in [p.strip() for p in raw.split(",") if p.strip()]:
        kid, sep, b64 = part.partition(":")
        if not sep or not kid or "$" in kid:
            raise ImproperlyConfigured("TONGBAN_FIELD_KEYS entries must look like `key_id:base64key`.")
        try:
            key = base64.b64decode(b64, validate=True)
        except binascii.Error as exc:
            raise ImproperlyConfigured(f"TONGBAN_FIELD_KEYS key {kid} is not valid base64.") from exc
        if len(key) != 32:
            raise ImproperlyConfigured(f"TONGBAN_FIELD_KEYS key {kid} must be 32 bytes, not {len(key)}.")
        keys[kid] = key
        current = current or kid
    if not keys:
        raise ImproperlyConfigured("TONGBAN_FIELD_KEYS holds no key.")
    return current, keys


@cache
def _keyring(cipher: str, raw: str) -> Keyring:
    current, keys = parse_keys(raw)
    return Keyring(cipher=cipher, current=current, keys=keys)


def keyring() -> Keyring:
    return _keyring(settings.TONGBAN_FIELD_CIPHER, settings.TONGBAN_FIELD_KEYS)


def _seal(cipher: str, key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    if cipher == "aes-gcm":
        return AESGCM(key).encrypt(nonce, plaintext, aad)
    encryptor = Cipher(algorithms.SM4(key[:16]), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    return encryptor.update(plaintext) + encryptor.finalize() + encryptor.tag


def _open(cipher: str, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
    if cipher == "aes-gcm":
        return AESGCM(key).decrypt(nonce, sealed, aad)
    if cipher != "sm4-gcm":
        raise DecryptionError(f"unknown cipher {cipher}")
    body, tag = sealed[:-16], sealed[-16:]
    decryptor = Cipher(algorithms.SM4(key[:16]), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    return decryptor.update(body) + decryptor.finalize()


def encrypt(plaintext: str, *, context: str, ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    nonce = os.urandom(12)
    sealed = _seal(ring.cipher, ring.keys[ring.current], nonce, plaintext.encode(), context.encode())
    token = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
    return f"{PREFIX}${ring.cipher}${ring.current}${token}"


def decrypt(stored: str, *, context: str, ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    try:
        prefix, cipher, kid, token = stored.split("$", 3)
    except ValueError:
        raise DecryptionError("not an encrypted value") from None
    if prefix != PREFIX:
        raise DecryptionError("unknown format")
    if kid not in ring.keys:
        raise DecryptionError(f"key {kid} is not configured")
    try:
        blob = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        return _open(cipher, ring.keys[kid], blob[:12], blob[12:], context.encode()).decode()
    except (InvalidTag, ValueError, binascii.Error) as exc:
        raise DecryptionError("value cannot be decrypted") from exc


def needs_rotation(stored: str, ring: Keyring | None = None) -> bool:
    ring = ring or keyring()
    parts = stored.split("$", 3)
    return len(parts) != 4 or parts[1] != ring.cipher or parts[2] != ring.current


@cache
def _lookup_key(raw: str) -> bytes:
    try:
        key = base64.b64decode(raw, validate=True)
    except binascii.Error as exc:
        raise ImproperlyConfigured("TONGBAN_LOOKUP_KEY is not valid base64.") from exc
    if len(key) < 32:
        raise ImproperlyConfigured("TONGBAN_LOOKUP_KEY must hold at least 32 bytes.")
    return key


def lookup_hash(value: str, *, context: str) -> str:
    """Deterministic keyed hash of ``value`` for equality look-ups (hex, 64 chars)."""
    key = _lookup_key(settings.TONGBAN_LOOKUP_KEY)
    message = f"{context}\x00{value}".encode()
    if settings.TONGBAN_FIELD_CIPHER == "sm4-gcm":
        mac = crypto_hmac.HMAC(key, hashes.SM3())
        mac.update(message)
        return mac.finalize().hex()
    return hmac.new(key, message, "sha256").hexdigest()


class EncryptedTextField(models.TextField):
    """A text column whose value is encrypted on write and decrypted on read.

    ``context`` defaults to ``app_label.model.field`` and is bound into the ciphertext.
    """

    def __init__(self, *args: Any, context: str | None = None, **kwargs: Any) -> None:
        self.context = context
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.context:
            kwargs["context"] = self.context
        return name, path, args, kwargs

    def _context(self) -> str:
        return self.context or f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value, context=self._context())

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value), context=self._context())


class EncryptedJSONField(EncryptedTextField):
    """A JSON value stored encrypted (compact JSON inside the ciphertext). Not queryable, by design."""

    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return None if value is None else self.get_default()
        return json.loads(decrypt(value, context=self._context()))

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        if self.has_default() and value == self.get_default():
            return ""  # read back as the default; nothing to protect, so nothing to encrypt
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return encrypt(text, context=self._context())

    def to_python(self, value: Any) -> Any:
        return value

    def value_to_string(self, obj: Any) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)
