"""Hashing and verification of the audit chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "event",
    "actor_id",
    "actor_label",
    "actor_kind",
    "actor_roles",
    "acting_for_id",
    "acting_for_label",
    "channel",
    "request_id",
    "object_type",
    "object_id",
    "subject_user_id",
    "summary",
    "prev_hash",
)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _normalise(value: Any) -> Any:
    if isinstance(value, datetime):
        # Whole microseconds since the epoch: exact, and identical after SQLite or PostgreSQL round trips.
        return (value - _EPOCH) // timedelta(microseconds=1)
    return value


def compute_hash(fields: dict[str, Any]) -> str:
    payload = {name: _normalise(fields[name]) for name in HASHED_FIELDS}
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


def find_first_break(events: Iterable[Any], *, head_seq: int | None = None) -> Break | None:
    """Walk events in ``seq`` order; return the first inconsistency, or None if the chain holds."""
    expected_seq = 1
    prev = GENESIS
    for ev in events:
        if ev.seq != expected_seq:
            return Break(expected_seq, f"event #{expected_seq} is missing (next present is #{ev.seq})")
        if ev.prev_hash != prev:
            return Break(ev.seq, "previous-hash link does not match the event before it")
        fields = {name: getattr(ev, name) for name in HASHED_FIELDS}
        if compute_hash(fields) != ev.hash:
            return Break(ev.seq, "content was altered after it was recorded")
        prev = ev.hash
        expected_seq += 1
    if head_seq is not None and head_seq >= expected_seq:
        return Break(expected_seq, f"events #{expected_seq}..#{head_seq} were deleted from the end")
    return None
