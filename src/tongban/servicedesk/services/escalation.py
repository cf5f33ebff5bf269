"""Scheduled work: escalate overdue tickets, close answered tickets nobody reacted to.

Overdue: a ticket waiting for an answer (``new`` or ``assigned``) past ``due_on`` is escalated once
per deadline: its department's section chiefs (else its parent's) and every service desk agent are
told, and ``servicedesk.ticket_escalated`` is recorded by the system. Transfers, new rounds and
reopening move the deadline and clear ``escalated_at``, so a new deadline can escalate again.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tongban.servicedesk import conf
from tongban.servicedesk.constants import PENDING_STATUSES, EventAction, TicketStatus
from tongban.servicedesk.models import Ticket
from tongban.servicedesk.services.common import agents, event, section_chiefs, tell_requester, tell_staff


def escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Escalate every overdue ticket not escalated yet; returns how many. Safe to run concurrently."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = Ticket.objects.filter(
        status__in=PENDING_STATUSES, due_on__lt=today, escalated_at__isnull=True
    ).values_list("pk", flat=True)
    escalated = 0
    for pk in list(due):
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update(of=("self",))
                .select_related("department__parent", "requester")
                .filter(pk=pk, escalated_at__isnull=True, status__in=PENDING_STATUSES)
                .first()
            )
            if ticket is None or not ticket.is_overdue(today):
                continue
            ticket.escalated_at = now
            ticket.save(update_fields=["escalated_at", "updated_at"])
            recipients = section_chiefs(ticket.department) + agents()
            event(ticket, EventAction.ESCALATED, None, now=now, notified=len({u.pk for u in recipients}))
            tell_staff(recipients, ticket, "servicedesk.overdue", key=f"overdue:{ticket.due_on}")
            escalated += 1
    return escalated


def auto_close(*, now: dt.datetime | None = None) -> int:
    """Close answered tickets the requester left unrated for ``auto_close_days``; returns how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=conf.auto_close_days())
    due = Ticket.objects.filter(status=TicketStatus.ANSWERED, answered_at__lt=cutoff).values_list(
        "pk", flat=True
    )
    closed = 0
    for pk in list(due):
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update(of=("self",))
                .select_related("department", "requester")
                .filter(pk=pk, status=TicketStatus.ANSWERED, answered_at__lt=cutoff)
                .first()
            )
            if ticket is None:
                continue
            ticket.status = TicketStatus.CLOSED
            ticket.closed_at = now
            ticket.save(update_fields=["status", "closed_at", "updated_at"])
            event(ticket, EventAction.CLOSED, None, now=now, by="system")
            tell_requester(ticket, "servicedesk.closed", key=f"closed:{ticket.reopen_count}")
            closed += 1
    return closed
