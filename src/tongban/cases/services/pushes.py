"""Outbox to department systems. Acceptance never waits for them: the case is stored and numbered
first, pushes are made by the worker afterwards and retried with back-off while a system is down."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

import structlog

from tongban.cases.constants import ItemStatus
from tongban.cases.models import CaseItem, SystemPush
from tongban.cases.systems.base import PushFailed
from tongban.cases.systems.registry import active

log = structlog.get_logger(__name__)
MAX_ATTEMPTS = 12


def _payload(ci: CaseItem) -> dict[str, object]:
    case = ci.case
    return {
        "case_no": case.case_no,
        "item_code": ci.item_code,
        "item_version": ci.item.version,
        "department": ci.department.slug,
        "applicant_kind": case.holder_kind,
        "accepted_on": case.accepted_on.isoformat() if case.accepted_on else None,
        "due_on": ci.due_on.isoformat() if ci.due_on else None,
    }


def push_pending(*, case_id: int | None = None, now: dt.datetime | None = None) -> int:
    """Push every accepted item not yet sent (of one case, or all due retries). Returns pushes made."""
    now = now or timezone.now()
    system = active()
    items = CaseItem.objects.select_related("case", "item", "department").filter(
        case__accepted_at__isnull=False,
        status__in=[ItemStatus.IN_REVIEW, ItemStatus.APPROVED, ItemStatus.REJECTED],
    )
    if case_id is not None:
        items = items.filter(case_id=case_id)
    items = items.filter(Q(push__isnull=True) | Q(push__status="pending", push__next_attempt_at__lte=now))
    sent = 0
    for ci in items[:500]:
        with transaction.atomic():
            push, _created = SystemPush.objects.select_for_update().get_or_create(
                case_item=ci, defaults={"system": system.identifier}
            )
            if push.status != "pending":
                continue
            push.attempts += 1
            try:
                result = system.push(_payload(ci))
            except PushFailed as exc:
                push.last_error = str(exc)[:300]
                if exc.permanent or push.attempts >= MAX_ATTEMPTS:
                    push.status = "failed"
                else:
                    push.next_attempt_at = now + dt.timedelta(minutes=2 ** min(push.attempts, 8))
                push.save()
                log.warning("department_push_failed", case=ci.case.case_no, attempt=push.attempts)
                continue
            push.status, push.external_ref, push.sent_at, push.last_error = (
                "sent",
                result.external_ref,
                now,
                "",
            )
            push.save()
            sent += 1
    return sent
