"""Recording audit events. Call :func:`record` inside the same transaction as the write it describes."""

from __future__ import annotations

import json
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


def record(
    event: str,
    *,
    principal: Principal | None = None,
    obj: models.Model | None = None,
    subject_user_id: int | None = None,
    summary: dict[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event to the chain. ``summary`` must not hold personal data (ids and codes only)."""
    ctx = context.current()
    user = principal.user if principal else None
    object_type, object_id = _object_ref(obj)
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        fields: dict[str, Any] = {
            "seq": head.seq + 1,
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
            "prev_hash": head.hash,
        }
        fields["hash"] = compute_hash(fields)
        ev = AuditEvent.objects.create(**fields)
        head.seq, head.hash = ev.seq, ev.hash
        head.save(update_fields=["seq", "hash"])
    return ev
