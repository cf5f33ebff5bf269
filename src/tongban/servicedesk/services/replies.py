"""The thread and the ticket's life after routing: replies and notes, closing, rating, reopening.

- A staff member's public reply answers the ticket (``assigned``/``new`` → ``answered``); an internal
  note changes nothing and the requester never sees it.
- The requester may add information while the ticket is open; on an answered ticket that starts a new
  round (back to ``assigned``, due ``working_days`` from today).
- Closing: staff close an answered ticket (an answer is required first); the requester may close their
  own open ticket; an answered ticket closes when the requester rates it, or by itself after
  ``auto_close_days`` (``services.escalation``).
- The requester rates the answer once per round (satisfied / not); within ``reopen_days`` of closing
  they may reopen it (at most ``max_reopens`` times): it returns to the same department, due
  ``working_days`` from today.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.principal import Principal
from tongban.audits import services as audit
from tongban.calendars.query import add_working_days
from tongban.servicedesk import conf, validators
from tongban.servicedesk.constants import AuthorRole, EventAction, Satisfaction, TicketStatus
from tongban.servicedesk.models import Ticket, TicketReply
from tongban.servicedesk.services.common import (
    author_role,
    department_recipients,
    event,
    lock,
    not_open,
    require,
    tell_requester,
    tell_staff,
)
from tongban.utils.errors import Conflict, DomainError


def _staff_answered(ticket: Ticket) -> bool:
    return ticket.replies.filter(internal=False).exclude(author_role=AuthorRole.REQUESTER).exists()


def _new_round(ticket: Ticket, now: dt.datetime) -> None:
    ticket.status = TicketStatus.ASSIGNED if ticket.department_id is not None else TicketStatus.NEW
    ticket.due_on = add_working_days(timezone.localdate(now), conf.working_days(ticket.kind))
    ticket.escalated_at = None


def reply(
    principal: Principal,
    ticket_id: int,
    *,
    body: str,
    internal: bool = False,
    now: dt.datetime | None = None,
) -> TicketReply:
    """Add to the thread: an answer or an internal note (staff), or more information (the requester)."""
    now = now or timezone.now()
    text = validators.clean_reply(body)
    with transaction.atomic():
        ticket = lock(principal, ticket_id)
        require(principal, "note" if internal else "reply", ticket)
        if not internal and not ticket.is_open:
            raise not_open(ticket)
        role = author_role(principal)
        message = TicketReply.objects.create(
            ticket=ticket,
            author=principal.user,
            author_role=role,
            department=principal.staff.department if principal.staff is not None else None,
            body=text,
            internal=internal,
            created_at=now,
        )
        if internal:
            # Audit only: a note is not part of the requester's timeline.
            audit.record(
                "servicedesk.ticket_noted",
                principal=principal,
                obj=ticket,
                summary={"number": ticket.number, "reply": message.pk},
            )
            return message
        if role == AuthorRole.REQUESTER:
            round_again = ticket.status == TicketStatus.ANSWERED
            if round_again:
                _new_round(ticket, now)
                ticket.save(update_fields=["status", "due_on", "escalated_at", "updated_at"])
            event(
                ticket, EventAction.FOLLOWED_UP, principal, now=now, reply=message.pk, new_round=round_again
            )
            tell_staff(
                department_recipients(ticket), ticket, "servicedesk.followed_up", key=f"reply:{message.pk}"
            )
            return message
        if ticket.status != TicketStatus.ANSWERED:
            ticket.status = TicketStatus.ANSWERED
            ticket.answered_at = now
            ticket.save(update_fields=["status", "answered_at", "updated_at"])
        event(ticket, EventAction.ANSWERED, principal, now=now, reply=message.pk, author_role=role)
        tell_requester(ticket, "servicedesk.answered", key=f"reply:{message.pk}")
    return message


def close(principal: Principal, ticket_id: int, *, note: str = "", now: dt.datetime | None = None) -> Ticket:
    """Close an open ticket. Staff must have answered it first (``reply_required``)."""
    now = now or timezone.now()
    note = validators.clean_text(note, field="note", limit=500, required_code="note_required", required=False)
    with transaction.atomic():
        ticket = lock(principal, ticket_id)
        require(principal, "close", ticket)
        if not ticket.is_open:
            raise not_open(ticket)
        if principal.is_staff_member and not _staff_answered(ticket):
            raise DomainError("reply_required", _("Answer the requester before closing the ticket."))
        ticket.status = TicketStatus.CLOSED
        ticket.closed_at = now
        ticket.save(update_fields=["status", "closed_at", "updated_at"])
        event(ticket, EventAction.CLOSED, principal, note=note, now=now, by=author_role(principal))
        if principal.is_staff_member:
            tell_requester(ticket, "servicedesk.closed", key=f"closed:{ticket.reopen_count}")
    return ticket


def rate(
    principal: Principal,
    ticket_id: int,
    *,
    satisfied: bool,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Ticket:
    """The requester rates the answer (once per round); rating an answered ticket closes it."""
    now = now or timezone.now()
    comment = validators.clean_text(
        comment, field="comment", limit=500, required_code="comment_required", required=False
    )
    with transaction.atomic():
        ticket = lock(principal, ticket_id)
        require(principal, "rate", ticket)
        if ticket.status not in (TicketStatus.ANSWERED, TicketStatus.CLOSED) or ticket.answered_at is None:
            raise Conflict("ticket_not_answered", _("Only an answer can be rated."))
        if ticket.satisfaction:
            raise Conflict("ticket_already_rated", _("You rated this answer already."))
        ticket.satisfaction = Satisfaction.SATISFIED if satisfied else Satisfaction.UNSATISFIED
        ticket.rating_comment = comment
        ticket.rated_at = now
        fields = ["satisfaction", "rating_comment", "rated_at", "updated_at"]
        closing = ticket.status == TicketStatus.ANSWERED
        if closing:
            ticket.status = TicketStatus.CLOSED
            ticket.closed_at = now
            fields += ["status", "closed_at"]
        ticket.save(update_fields=fields)
        event(ticket, EventAction.RATED, principal, note=comment, now=now, satisfaction=ticket.satisfaction)
        if closing:
            event(ticket, EventAction.CLOSED, principal, now=now, by=AuthorRole.REQUESTER)
        if not satisfied:
            tell_staff(
                department_recipients(ticket),
                ticket,
                "servicedesk.unsatisfied",
                key=f"rated:{ticket.reopen_count}",
            )
    return ticket


def reopen(principal: Principal, ticket_id: int, *, reason: str, now: dt.datetime | None = None) -> Ticket:
    """The requester reopens a closed ticket within ``reopen_days``: back to the same department."""
    now = now or timezone.now()
    reason = validators.clean_reason(reason, code="reopen_reason_required")
    with transaction.atomic():
        ticket = lock(principal, ticket_id)
        require(principal, "reopen", ticket)
        if ticket.status == TicketStatus.SELF_SERVED:
            raise Conflict("ticket_not_reopenable", _("Send a new question instead."))
        if ticket.status != TicketStatus.CLOSED or ticket.closed_at is None:
            raise Conflict("ticket_not_closed", _("Only a closed ticket can be reopened."))
        if now > ticket.closed_at + dt.timedelta(days=conf.reopen_days()):
            raise Conflict(
                "ticket_reopen_expired",
                _("A ticket can be reopened within %(days)s days of closing.") % {"days": conf.reopen_days()},
                days=conf.reopen_days(),
            )
        if ticket.reopen_count >= conf.max_reopens():
            raise Conflict("ticket_reopen_limit", _("This ticket cannot be reopened again; send a new one."))
        _new_round(ticket, now)
        ticket.reopen_count += 1
        ticket.closed_at = None
        ticket.answered_at = None
        ticket.satisfaction = ""
        ticket.rating_comment = ""
        ticket.rated_at = None
        ticket.save()
        TicketReply.objects.create(
            ticket=ticket,
            author=principal.user,
            author_role=AuthorRole.REQUESTER,
            body=reason,
            created_at=now,
        )
        event(ticket, EventAction.REOPENED, principal, note=reason, now=now, reopen_count=ticket.reopen_count)
        recipients = department_recipients(ticket)
        tell_staff(recipients, ticket, "servicedesk.reopened", key=f"reopened:{ticket.reopen_count}")
    return ticket


def may_reopen(ticket: Ticket, now: dt.datetime | None = None) -> bool:
    """For pages: whether the reopen button applies (the service decides)."""
    now = now or timezone.now()
    return (
        ticket.status == TicketStatus.CLOSED
        and ticket.closed_at is not None
        and now <= ticket.closed_at + dt.timedelta(days=conf.reopen_days())
        and ticket.reopen_count < conf.max_reopens()
    )
