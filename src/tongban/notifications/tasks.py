"""Worker tasks: deliver queued SMS and e-mail through the active adapters, with bounded, idempotent
retries. Delivery is at least once: the status is checked under a row lock, so a message that was sent
is never sent again, whichever run gets there first."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

import structlog
from django_tasks import default_task_backend, task

from tongban.notifications.adapters.base import AdapterError, SendResult
from tongban.notifications.adapters.registry import active_email_adapter, active_sms_adapter
from tongban.notifications.constants import MAX_ATTEMPTS, Channel, Status
from tongban.notifications.messages import render
from tongban.notifications.models import Notification

log = structlog.get_logger(__name__)


@task()
def deliver(notification_id: int) -> str:
    """Send one queued SMS or e-mail notification; returns its status afterwards."""
    return _deliver(notification_id)


@task()
def deliver_all(notification_ids: list[int]) -> list[str]:
    """Send the queued notifications of one event (SMS and e-mail of a message) in one worker task;
    each is sent (and retried) on its own, exactly as ``deliver`` does."""
    return [_deliver(pk) for pk in notification_ids]


@task()
def deliver_sms(notification_id: int) -> str:
    """The former SMS-only task. Kept because rows already in the database queue name it."""
    return _deliver(notification_id)


def _deliver(notification_id: int) -> str:
    with transaction.atomic():
        note = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient__person")
            .get(pk=notification_id)
        )
        if note.status != Status.QUEUED:
            return note.status  # already handled by an earlier run: never send twice
        note.attempts += 1
        try:
            result = _send(note)
        except AdapterError as exc:
            note.last_error = str(exc)[:300]
            retry = not exc.permanent and note.attempts < MAX_ATTEMPTS
            note.status = Status.QUEUED if retry else Status.FAILED
            note.save(update_fields=["attempts", "last_error", "status"])
            log.warning(
                "notification_failed",
                channel=note.channel,
                notification=note.pk,
                attempt=note.attempts,
                permanent=exc.permanent,
            )
            if retry and default_task_backend.supports_defer:
                delay = timedelta(seconds=30 * 2 ** (note.attempts - 1))
                transaction.on_commit(
                    lambda: deliver.using(run_after=timezone.now() + delay).enqueue(notification_id)
                )
            return note.status
        note.status, note.sent_at, note.provider_ref = Status.SENT, timezone.now(), result.provider_ref
        note.save(update_fields=["attempts", "status", "sent_at", "provider_ref"])
        return note.status


def _send(note: Notification) -> SendResult:
    """Hand the rendered message to the channel's adapter; AdapterError on failure."""
    person = getattr(note.recipient, "person", None)
    subject, body = render(note.template, note.params)
    if note.channel == Channel.SMS:
        if not (person and person.mobile):
            # The number was removed after the message was queued: nothing to retry.
            raise AdapterError("recipient has no mobile number", permanent=True)
        return active_sms_adapter().send(mobile=person.mobile, text=body)
    if note.channel == Channel.EMAIL:
        if not (person and person.email):
            raise AdapterError("recipient has no e-mail address", permanent=True)
        return active_email_adapter().send(to=person.email, subject=subject, body=body)
    raise AdapterError(f"channel {note.channel} has no delivery adapter", permanent=True)
