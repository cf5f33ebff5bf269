"""Worker tasks: deliver queued SMS through the active adapter, with bounded, idempotent retries."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

import structlog
from django_tasks import default_task_backend, task

from tongban.notifications.adapters.base import AdapterError
from tongban.notifications.adapters.registry import active_sms_adapter
from tongban.notifications.constants import MAX_ATTEMPTS, Status
from tongban.notifications.messages import render
from tongban.notifications.models import Notification

log = structlog.get_logger(__name__)


@task()
def deliver_sms(notification_id: int) -> str:
    with transaction.atomic():
        note = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient__person")
            .get(pk=notification_id)
        )
        if note.status != Status.QUEUED:
            return note.status  # already handled by an earlier run: never send twice
        note.attempts += 1
        _subject, body = render(note.template, note.params)
        try:
            result = active_sms_adapter().send(mobile=note.recipient.person.mobile, text=body)
        except AdapterError as exc:
            note.last_error = str(exc)[:300]
            retry = not exc.permanent and note.attempts < MAX_ATTEMPTS
            note.status = Status.QUEUED if retry else Status.FAILED
            note.save(update_fields=["attempts", "last_error", "status"])
            log.warning("sms_failed", notification=note.pk, attempt=note.attempts, permanent=exc.permanent)
            if retry and default_task_backend.supports_defer:
                delay = timedelta(seconds=30 * 2 ** (note.attempts - 1))
                transaction.on_commit(
                    lambda: deliver_sms.using(run_after=timezone.now() + delay).enqueue(notification_id)
                )
            return note.status
        note.status, note.sent_at, note.provider_ref = Status.SENT, timezone.now(), result.provider_ref
        note.save(update_fields=["attempts", "status", "sent_at", "provider_ref"])
        return note.status
