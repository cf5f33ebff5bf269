"""Queue notifications; delivery happens in the worker after the surrounding transaction commits."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import User
from tongban.notifications.constants import Channel, Status
from tongban.notifications.messages import TEMPLATES
from tongban.notifications.models import Notification


def notify(
    *,
    recipient: User,
    template: str,
    params: dict[str, Any],
    key: str,
    channels: tuple[str, ...] = (Channel.INBOX, Channel.SMS),
) -> list[Notification]:
    """Queue ``template`` for ``recipient`` on each channel. ``key`` makes the call idempotent.

    SMS and e-mail are skipped for a recipient without a mobile number or e-mail address. E-mail is
    opt-in: pass it in ``channels``.
    """
    if template not in TEMPLATES:
        raise ValueError(f"unknown notification template {template}")
    unknown = set(channels) - set(Channel.values)
    if unknown:
        raise ValueError(f"unknown notification channel {sorted(unknown)}")
    wanted = [c for c in dict.fromkeys(channels) if c == Channel.INBOX or _has_address(recipient, c)]
    keys = {f"{key}:{channel}"[:120]: channel for channel in wanted}
    # Same key twice means the same message: a retried request does not queue it again. The unique key
    # also settles two concurrent attempts (the loser's rows are ignored), without a savepoint each.
    existing = set(
        Notification.objects.filter(idempotency_key__in=list(keys)).values_list("idempotency_key", flat=True)
    )
    now = timezone.now()
    fresh = [
        Notification(
            recipient=recipient,
            channel=channel,
            template=template,
            params=params,
            idempotency_key=idem,
            # The message centre needs no provider: it is delivered by being stored.
            status=Status.SENT if channel == Channel.INBOX else Status.QUEUED,
            sent_at=now if channel == Channel.INBOX else None,
        )
        for idem, channel in keys.items()
        if idem not in existing
    ]
    if not fresh:
        return []
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    # By key alone (its unique index); the recipient and time are checked here, as naming them lets
    # SQLite walk the recipient's whole message history instead.
    created = [
        n
        for n in Notification.objects.filter(idempotency_key__in=[n.idempotency_key for n in fresh]).order_by(
            "pk"
        )
        if n.recipient_id == recipient.pk and n.created_at >= now
    ]
    from tongban.notifications.tasks import deliver_all

    outgoing = [note.pk for note in created if note.channel != Channel.INBOX]
    if outgoing:  # one worker task for the message's channels: one queue row, not one per channel
        transaction.on_commit(partial(deliver_all.enqueue, outgoing))
    return created


def _has_address(user: User, channel: str) -> bool:
    """Whether ``user`` can be reached on ``channel`` (SMS needs a mobile number, e-mail an address)."""
    person = getattr(user, "person", None)
    if person is None:
        return False
    if channel == Channel.SMS:
        return bool(person.mobile)
    if channel == Channel.EMAIL:
        return bool(person.email)
    return False


def mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
