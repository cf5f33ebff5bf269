"""Status lists: allocating each licence version's slot, flipping its bits, publishing signed lists.

Every ``StatusListRecord`` publishes two documents, ``<list_id>-rev`` (revocation; superseded versions
are revoked too) and ``<list_id>-sus`` (suspension), that share one index space.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.licenses.credentials.presentation import StatusRef
from tongban.licenses.credentials.statuslist import (
    DEFAULT_SIZE,
    REVOCATION,
    SUSPENSION,
    StatusList,
    permuted_index,
    sign_status_list,
)
from tongban.licenses.models import StatusListRecord
from tongban.licenses.signing import platform_signing_key
from tongban.utils.errors import NotFound

SUFFIX = {REVOCATION: "rev", SUSPENSION: "sus"}
PURPOSE_FOR_SUFFIX = {v: k for k, v in SUFFIX.items()}


def published_id(record: StatusListRecord | str, purpose: str) -> str:
    list_id = record if isinstance(record, str) else record.list_id
    return f"{list_id}-{SUFFIX[purpose]}"


def status_refs(record: StatusListRecord, index: int) -> list[StatusRef]:
    """The credential's ``st`` entries for a slot: revocation first, then suspension."""
    return [
        StatusRef(published_id(record, REVOCATION), index),
        StatusRef(published_id(record, SUSPENSION), index),
    ]


def _new_list(size: int) -> None:
    """Start the next list. Two processes may race to create the same id: the loser's insert fails and
    it simply uses the winner's list."""
    number = StatusListRecord.objects.count() + 1
    try:
        with transaction.atomic():
            StatusListRecord.objects.create(
                list_id=f"L{number:05d}",
                size=size,
                permutation_key=secrets.token_bytes(32),
                revocation_bits=bytes(size // 8),
                suspension_bits=bytes(size // 8),
            )
    except IntegrityError:
        pass


def allocate(count: int = 1, *, size: int = DEFAULT_SIZE) -> list[tuple[StatusListRecord, int]]:
    """Reserve ``count`` fresh slots (list, index). Call inside the transaction that stores them."""
    slots: list[tuple[StatusListRecord, int]] = []
    with transaction.atomic():
        while len(slots) < count:
            record = (
                StatusListRecord.objects.select_for_update()
                .filter(allocated__lt=F("size"))
                .order_by("id")
                .last()
            )
            if record is None:
                _new_list(size)
                continue
            key = bytes(record.permutation_key)
            take = min(count - len(slots), record.size - record.allocated)
            start = record.allocated
            slots += [(record, permuted_index(key, n, record.size)) for n in range(start, start + take)]
            record.allocated = start + take
            StatusListRecord.objects.filter(pk=record.pk).update(allocated=record.allocated)
    return slots


def document(record: StatusListRecord, purpose: str, *, list_id: str | None = None) -> StatusList:
    """One of the record's two bitstrings as a :class:`StatusList`."""
    bits = record.revocation_bits if purpose == REVOCATION else record.suspension_bits
    return StatusList(record.size, purpose=purpose, list_id=list_id, bits=bytes(bits))


def set_status(
    record_id: int, index: int, *, revoked: bool | None = None, suspended: bool | None = None
) -> None:
    """Flip a slot's bits (``None`` leaves a bit as it is). Runs in the caller's transaction."""
    with transaction.atomic():
        record = StatusListRecord.objects.select_for_update().get(pk=record_id)
        rev, sus = document(record, REVOCATION), document(record, SUSPENSION)
        if revoked is not None:
            rev.set(index, revoked)
        if suspended is not None:
            sus.set(index, suspended)
        StatusListRecord.objects.filter(pk=record_id).update(
            revocation_bits=rev.to_bytes(),
            suspension_bits=sus.to_bytes(),
            revision=record.revision + 1,
            updated_at=timezone.now(),
        )


def bit(record: StatusListRecord, index: int, purpose: str) -> bool:
    return document(record, purpose).get(index)


def _split_ref(list_ref: str) -> tuple[str, str] | None:
    """(list id, purpose) of a published id ``<list_id>-rev|sus``; None when it is not one."""
    list_id, _sep, suffix = list_ref.rpartition("-")
    if suffix not in PURPOSE_FOR_SUFFIX or not list_id:
        return None
    return list_id, PURPOSE_FOR_SUFFIX[suffix]


def current_lists(list_refs: Iterable[str], *, limit: int = 8) -> dict[str, StatusList]:
    """The current state of the published lists ``list_refs``, straight from the database."""
    wanted: dict[str, dict[str, str]] = {}
    for list_ref in list_refs:
        parsed = _split_ref(list_ref)
        if parsed:
            wanted.setdefault(parsed[0], {})[list_ref] = parsed[1]
    return {
        list_ref: document(record, purpose, list_id=list_ref)
        for record in StatusListRecord.objects.filter(list_id__in=list(wanted)[:limit])
        for list_ref, purpose in wanted[record.list_id].items()
    }


def _parse_published(list_ref: str) -> tuple[str, str]:
    parsed = _split_ref(list_ref)
    if parsed is None:
        raise NotFound("status_list_not_found", _("No such status list."))
    return parsed


def signed_status_list(list_ref: str, *, now: dt.datetime | None = None) -> str:
    """The signed document of ``<list_id>-rev`` or ``<list_id>-sus``, re-signed when the bits change or
    a quarter of its TTL has passed (so a cached copy stays usable for most of the TTL)."""
    list_id, purpose = _parse_published(list_ref)
    record = StatusListRecord.objects.filter(list_id=list_id).first()
    if record is None:
        raise NotFound("status_list_not_found", _("No such status list."))
    now = now or timezone.now()
    ttl = settings.TONGBAN_STATUS_LIST_TTL
    cache_key = f"tb:statuslist:{list_ref}:{record.revision}"
    cached = cache.get(cache_key)
    if cached and now.timestamp() - cached[0] < ttl / 4:
        return str(cached[1])
    token = sign_status_list(
        document(record, purpose), list_id=list_ref, key=platform_signing_key(now=now), now=now, ttl=ttl
    )
    cache.set(cache_key, (now.timestamp(), token), ttl)
    return token


def status_list_ids() -> list[str]:
    return [
        published_id(list_id, purpose)
        for list_id in StatusListRecord.objects.values_list("list_id", flat=True)
        for purpose in (REVOCATION, SUSPENSION)
    ]
