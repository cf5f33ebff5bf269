"""The platform's side of the key store: which key signs for a department, and what is published.

The pure key store lives in :mod:`tongban.licenses.credentials.keys`; this module binds it to settings
(``TONGBAN_LICENSE_KEY_DIR``, ``TONGBAN_PLATFORM_DEPARTMENT``) and to departments.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tongban.accounts.principal import Principal
from tongban.audits import services as audit
from tongban.licenses.credentials.encoding import EDDSA
from tongban.licenses.credentials.errors import KeyStoreError
from tongban.licenses.credentials.keys import ACTIVE, KeyRecord, KeyStore, SigningKey, jwks
from tongban.organizations.models import Department
from tongban.utils.errors import DomainError, NotFound


def key_store() -> KeyStore:
    return KeyStore(settings.TONGBAN_LICENSE_KEY_DIR)


@cache
def _platform_code(slug: str) -> str:
    department = Department.objects.filter(slug=slug).only("uscc").first()
    if department is None or not department.uscc:
        raise NotFound(
            "platform_department_missing",
            _("The platform operator department “%(slug)s” does not exist or has no credit code.")
            % {"slug": slug},
        )
    return department.uscc


def platform_department_code() -> str:
    """USCC of the platform operator, whose keys sign presentations and status lists."""
    return _platform_code(settings.TONGBAN_PLATFORM_DEPARTMENT)


def forget_cached_codes() -> None:
    _platform_code.cache_clear()


def signing_key(department_code: str, *, now: dt.datetime | None = None, alg: str = EDDSA) -> SigningKey:
    """The active signing key of a department (by USCC).

    Without a key, development settings create one (``TONGBAN_LICENSE_KEYS_AUTOCREATE``); production
    fails with ``no_signing_key`` until an operator runs ``manage.py license_keys generate``.
    """
    store = key_store()
    try:
        return store.signing_key(department_code, now=now)
    except KeyStoreError as exc:
        if exc.code == "no_active_key" and settings.TONGBAN_LICENSE_KEYS_AUTOCREATE:
            try:
                store.generate(department_code, alg)
            except KeyStoreError as again:
                if again.code != "active_key_exists":  # another process won the race: use its key
                    raise
            return store.signing_key(department_code, now=now)
        raise DomainError(
            "no_signing_key" if exc.code == "no_active_key" else f"signing_key_{exc.code}",
            _("The department %(code)s cannot sign licences now (%(problem)s).")
            % {"code": department_code, "problem": exc.code},
        ) from exc


def platform_signing_key(*, now: dt.datetime | None = None) -> SigningKey:
    return signing_key(platform_department_code(), now=now)


def published_keys() -> dict[str, Any]:
    """The JWKS of every key, active and retired, plus who the platform is (for offline verifiers)."""
    if settings.TONGBAN_LICENSE_KEYS_AUTOCREATE:
        platform_signing_key()  # development: publish the platform key before its first signature
    document = jwks(key_store().public_keys())
    document["platform"] = platform_department_code()
    return document


_records_cache: dict[str, tuple[tuple[int, int], dict[str, KeyRecord]]] = {}


def key_records() -> dict[str, KeyRecord]:
    """``{kid: KeyRecord}`` of every key; re-read only when the key directory changed.

    The directory's mtime has the kernel's coarse clock (a few milliseconds): two keys created within
    one tick leave it unchanged, so the number of key files is part of the stamp as well.
    """
    store = key_store()
    try:
        stamp = (store.path.stat().st_mtime_ns, sum(1 for _ in store.path.glob("*.meta.json")))
    except FileNotFoundError:
        return {}
    cached = _records_cache.get(str(store.path))
    if cached and cached[0] == stamp:
        return cached[1]
    records = {record.kid: record for record in store.public_keys()}
    _records_cache[str(store.path)] = (stamp, records)
    return records


# --- Managing department keys (``manage.py license_keys``, demo data) --------------------------------------
def _department_code(department: Department) -> str:
    if not department.uscc:
        raise DomainError(
            "issuer_without_code",
            _("The department %(name)s has no credit code.") % {"name": department.name},
        )
    return department.uscc


def _audit_key(
    event: str,
    department: Department,
    record: KeyRecord,
    principal: Principal | None,
    actor_label: str | None,
) -> None:
    audit.record(
        event,
        principal=principal,
        obj=department,
        actor_label=actor_label,
        summary={"kid": record.kid, "alg": record.alg, "department": department.slug},
    )


def generate_department_key(
    department: Department,
    alg: str = EDDSA,
    *,
    principal: Principal | None = None,
    actor_label: str | None = None,
) -> KeyRecord:
    """A department's first signing key (audited). Raises ``KeyStoreError`` ``active_key_exists``."""
    record = key_store().generate(_department_code(department), alg)
    _audit_key("license.key_generated", department, record, principal, actor_label)
    return record


def rotate_department_key(
    department: Department,
    alg: str | None = None,
    *,
    principal: Principal | None = None,
    actor_label: str | None = None,
) -> KeyRecord:
    """A new active key for a department; its earlier keys are retired (they keep verifying).

    Raises ``KeyStoreError`` ``no_active_key`` when the department has no key yet.
    """
    record = key_store().rotate(_department_code(department), alg)
    _audit_key("license.key_rotated", department, record, principal, actor_label)
    return record


def ensure_department_key(
    department: Department, alg: str = EDDSA, *, actor_label: str | None = None
) -> tuple[KeyRecord, bool]:
    """The department's active key, generated with ``alg`` when it has none; ``True`` when generated.

    An existing key is kept whatever its algorithm (switch algorithms with a rotation).
    """
    code = _department_code(department)
    active = [r for r in key_store().public_keys(code) if r.status == ACTIVE]
    if active:
        return active[-1], False
    try:
        return generate_department_key(department, alg, actor_label=actor_label), True
    except KeyStoreError as exc:
        if exc.code != "active_key_exists":  # another process won the race: use its key
            raise
        return key_store().active_key(code), False
