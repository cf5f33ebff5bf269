"""Queue notifications; delivery happens in the worker after the surrounding transaction commits."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
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
    created = []
    for channel in channels:
        if channel != Channel.INBOX and not _has_address(recipient, channel):
            continue  # nowhere to send it on this channel
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    recipient=recipient,
                    channel=channel,
                    template=template,
                    params=params,
                    idempotency_key=f"{key}:{channel}"[:120],
                    # The message centre needs no provider: it is delivered by being stored.
                    status=Status.SENT if channel == Channel.INBOX else Status.QUEUED,
                    sent_at=timezone.now() if channel == Channel.INBOX else None,
                )
        except IntegrityError:
            continue  # already queued by an earlier attempt of the same request
        created.append(note)
        if channel != Channel.INBOX:
            from tongban.notifications.tasks import deliver

            transaction.on_commit(partial(deliver.enqueue, note.pk))
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
