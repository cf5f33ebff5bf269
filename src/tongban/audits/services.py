"""Recording audit events. Call :func:`record` inside the same transaction as the write it describes."""

from __future__ import annotations

import contextlib
import contextvars
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from tongban.audits.chain import compute_hash
from tongban.audits.models import AuditChainHead, AuditEvent
from tongban.utils import context

if TYPE_CHECKING:
    from tongban.accounts.principal import Principal


REDACTED = "[changed]"


def changes(
    before: dict[str, Any], after: dict[str, Any], *, personal: set[str] | frozenset[str] = frozenset()
) -> dict[str, Any]:
    """``{"field": {"before": b, "after": a}}`` for fields that differ; personal fields show only that
    they changed, never their values."""
    out: dict[str, Any] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        out[name] = (
            {"before": REDACTED, "after": REDACTED} if name in personal else {"before": old, "after": new}
        )
    return out


def _object_ref(obj: models.Model | None) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


_pending: contextvars.ContextVar[list[dict[str, Any]] | None] = contextvars.ContextVar(
    "tb_audit_pending", default=None
)


@contextlib.contextmanager
def batched() -> Iterator[None]:
    """Append the events recorded inside the block to the chain together, when the block ends.

    For a service that records several events in one transaction (a case submission records five):
    the chain's tip is locked and moved once instead of once per event. The events, their order and
    their hashes are exactly those of recording them one by one. Use it inside the transaction.
    """
    outer = _pending.get()
    if outer is not None:  # already batching: the outer block appends
        yield
        return
    token = _pending.set([])
    try:
        yield
        pending = _pending.get() or []
    finally:
        _pending.reset(token)
    if pending:
        _append(pending)


def _append(rows: list[dict[str, Any]]) -> list[AuditEvent]:
    # No savepoint: the events are part of the caller's transaction, and an error here marks that whole
    # transaction for rollback (a savepoint per event cost two statements each).
    with transaction.atomic(savepoint=False):
        tip = AuditChainHead.objects.select_for_update().filter(id=1).values_list("seq", "hash").first()
        if tip is None:
            head, _created = AuditChainHead.objects.select_for_update().get_or_create(id=1)
            tip = (head.seq, head.hash)
        seq, prev_hash = tip
        events = []
        for fields in rows:
            seq += 1
            fields = {**fields, "seq": seq, "prev_hash": prev_hash}
            fields["hash"] = compute_hash(fields)
            prev_hash = fields["hash"]
            events.append(AuditEvent(**fields))
        AuditEvent.objects.bulk_create(events)  # plain INSERTs: new events, never updates
        AuditChainHead.objects.filter(id=1).update(seq=seq, hash=prev_hash)
    return events


def record(
    event: str,
    *,
    principal: Principal | None = None,
    obj: models.Model | None = None,
    subject_user_id: int | None = None,
    summary: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEvent | None:
    """Append one event to the chain. ``summary`` must not hold personal data (ids and codes only).

    Returns the stored event; inside :func:`batched` the event is stored when the block ends, and
    ``None`` is returned.
    """
    ctx = context.current()
    user = principal.user if principal else None
    object_type, object_id = _object_ref(obj)
    fields: dict[str, Any] = {
        "occurred_at": timezone.now(),
        "event": event,
        "actor_id": user.pk if user else None,
        "actor_label": actor_label if actor_label is not None else (user.get_username() if user else ""),
        "actor_kind": user.kind if user else "system",
        "actor_roles": principal.audit_roles if principal else "",
        "acting_for_id": principal.acting_for.pk if principal and principal.acting_for else None,
        "acting_for_label": principal.acting_for.uscc if principal and principal.acting_for else "",
        "channel": principal.channel if principal else ctx.channel,
        "request_id": ctx.request_id,
        "object_type": object_type,
        "object_id": object_id,
        "subject_user_id": subject_user_id,
        # Through JSON once, so the hash covers exactly what the database hands back later.
        "summary": json.loads(json.dumps(summary or {}, default=str)),
    }
    pending = _pending.get()
    if pending is not None:
        pending.append(fields)
        return None
    return _append([fields])[0]
