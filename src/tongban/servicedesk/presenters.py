"""Tickets, replies, events and FAQ answers as plain dicts: the API's output and the pages' context.

Staff see the requester's name and phone masked; :func:`contact` gives the full values only when the
caller passes ``reveal=True``, which the views do after recording the look-up (audited).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tongban.servicedesk.constants import (
    AuthorRole,
    Category,
    Channel,
    ContactBy,
    EventAction,
    Satisfaction,
    TicketKind,
    TicketStatus,
)
from tongban.servicedesk.models import Ticket, TicketEvent, TicketReply
from tongban.servicedesk.services.knowledge import Answer
from tongban.utils.masking import mask_mobile, mask_name


def _label(choices: Any, value: str) -> str:
    return str(dict(choices).get(value, value)) if value else ""


def light(ticket: Ticket, today: dt.date | None = None) -> str:
    """The deadline light: ``red`` overdue, ``yellow`` due today, ``green``, ``done`` (not waiting)."""
    today = today or timezone.localdate()
    if not ticket.is_pending or ticket.due_on is None:
        return "done"
    if ticket.due_on < today:
        return "red"
    return "yellow" if ticket.due_on == today else "green"


def contact(ticket: Ticket, *, reveal: bool = False) -> dict[str, str]:
    name, phone = ticket.contact_name or "", ticket.contact_phone or ""
    return {
        "name": name if reveal else mask_name(name),
        "phone": phone if reveal else mask_mobile(phone),
        "by": ticket.contact_by,
        "by_label": _label(ContactBy.choices, ticket.contact_by),
        "revealed": "1" if reveal else "",
    }


def ticket_summary(ticket: Ticket, today: dt.date | None = None) -> dict[str, Any]:
    return {
        "number": ticket.number,
        "kind": ticket.kind,
        "kind_label": _label(TicketKind.choices, ticket.kind),
        "category": ticket.category,
        "category_label": _label(Category.choices, ticket.category),
        "channel": ticket.channel,
        "channel_label": _label(Channel.choices, ticket.channel),
        "status": ticket.status,
        "status_label": _label(TicketStatus.choices, ticket.status),
        "subject": ticket.subject,
        "item": ticket.item_code or None,
        "item_name": ticket.item_name,
        "case_no": ticket.case.case_no if ticket.case else None,
        "department": ticket.department.slug if ticket.department else None,
        "department_name": ticket.department.name if ticket.department else "",
        "due_on": ticket.due_on,
        "overdue": ticket.is_overdue(today),
        "light": light(ticket, today),
        "created_at": ticket.created_at,
        "answered_at": ticket.answered_at,
        "closed_at": ticket.closed_at,
        "satisfaction": ticket.satisfaction or None,
        "satisfaction_label": _label(Satisfaction.choices, ticket.satisfaction),
        "reopen_count": ticket.reopen_count,
    }


def reply_out(reply: TicketReply, *, staff: bool) -> dict[str, Any]:
    if reply.author_role == AuthorRole.REQUESTER:
        author = ""
    elif staff and reply.author is not None:
        author = reply.author.display_name or reply.author.get_username()
    else:  # the requester sees who answered as the department, not as a person
        author = reply.department.name if reply.department else ""
    return {
        "id": reply.pk,
        "author_role": reply.author_role,
        "author_role_label": _label(AuthorRole.choices, reply.author_role),
        "author": author,
        "body": reply.body,
        "internal": reply.internal,
        "created_at": reply.created_at,
    }


def event_out(row: TicketEvent, *, staff: bool) -> dict[str, Any]:
    actor = ""
    if staff and row.actor is not None:
        actor = row.actor.display_name or row.actor.get_username()
    return {
        "action": row.action,
        "label": _label(EventAction.choices, row.action),
        "actor": actor,
        "from_department": row.from_department.name if row.from_department else "",
        "to_department": row.to_department.name if row.to_department else "",
        "note": row.note,
        "due_on": row.due_on,
        "at": row.at,
    }


def ticket_detail(
    ticket: Ticket,
    *,
    staff: bool,
    replies: Any,
    events: Any,
    today: dt.date | None = None,
    reveal: bool = False,
) -> dict[str, Any]:
    out = ticket_summary(ticket, today)
    out.update(
        {
            "body": ticket.body,
            "rating_comment": ticket.rating_comment,
            "resolved_by": ticket.resolved_by or None,
            "replies": [reply_out(r, staff=staff) for r in replies],
            "events": [event_out(e, staff=staff) for e in events],
            "contact": contact(ticket, reveal=reveal and staff) if staff else contact(ticket, reveal=True),
        }
    )
    return out


def answer_out(answer: Answer) -> dict[str, Any]:
    return {
        "ref": answer.ref,
        "source": answer.source,
        "id": answer.id,
        "question": answer.question,
        "answer": answer.answer,
        "item": answer.item_code or None,
        "item_name": answer.item_name,
    }
