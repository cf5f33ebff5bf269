"""Shared pieces of the ticket services: numbers, locks, the timeline, audit and notifications.

Every change of a ticket runs in one transaction under the ticket's row lock, writes a
:class:`TicketEvent`, records an audit event (codes only, no personal data) and queues its
notifications after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.constants import StaffRole
from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.accounts.query import section_chiefs as section_chiefs
from tongban.accounts.query import staff_users
from tongban.audits import services as audit
from tongban.notifications.constants import Channel
from tongban.notifications.services import notify
from tongban.organizations.models import Department
from tongban.servicedesk import policies
from tongban.servicedesk.constants import NUMBER_PREFIX, AuthorRole, ContactBy
from tongban.servicedesk.models import Ticket, TicketEvent
from tongban.utils import authz
from tongban.utils.errors import Conflict, Forbidden, NotFound

SYSTEM_ACTOR = "servicedesk"


def next_number(kind: str, day: dt.date) -> str:
    """``TS20260105-00012``: the kind's prefix, the day and the day's serial of that kind."""
    prefix = f"{NUMBER_PREFIX[kind]}{day:%Y%m%d}-"  # type: ignore[index]
    last = (
        Ticket.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{serial:05d}"


def lock(principal: Principal, ticket_id: int) -> Ticket:
    """The ticket, locked, if the principal may see it (404 otherwise)."""
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("department", "requester", "item")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None or not authz.can_see(principal, ticket):
        raise NotFound("ticket_not_found", _("No such ticket."))
    return ticket


def author_role(principal: Principal) -> str:
    if not principal.is_staff_member:
        return AuthorRole.REQUESTER
    return AuthorRole.SERVICE_DESK if policies.is_agent(principal) else AuthorRole.DEPARTMENT


def event(
    ticket: Ticket,
    action: str,
    principal: Principal | None,
    *,
    note: str = "",
    from_department: Department | None = None,
    to_department: Department | None = None,
    now: dt.datetime | None = None,
    **summary: Any,
) -> TicketEvent:
    """The timeline entry and its audit event ``servicedesk.ticket_<action>``."""
    row = TicketEvent.objects.create(
        ticket=ticket,
        action=action,
        actor=principal.user if principal is not None else None,
        from_department=from_department,
        to_department=to_department,
        note=note,
        due_on=ticket.due_on,
        at=now or timezone.now(),
    )
    person = principal is not None and principal.user is not None
    audit.record(
        f"servicedesk.ticket_{action}",
        principal=principal if person else None,
        obj=ticket,
        actor_label=None if person else SYSTEM_ACTOR,
        summary={
            "number": ticket.number,
            "kind": ticket.kind,
            "status": ticket.status,
            "department": ticket.department.slug if ticket.department else None,
            "due_on": ticket.due_on.isoformat() if ticket.due_on else None,
            **summary,
        },
    )
    return row


def params(ticket: Ticket) -> dict[str, Any]:
    """Notification parameters: the number, department and due date; never the text or contact."""
    return {
        "number": ticket.number,
        "department": ticket.department.name if ticket.department else "",
        "due_on": ticket.due_on.isoformat() if ticket.due_on else "",
    }


def tell_requester(ticket: Ticket, template: str, *, key: str) -> None:
    """After commit, the requester's notification (message centre, plus SMS when asked for)."""
    requester = ticket.requester
    if requester is None:
        return  # a caller without an account is called back by the department
    channels = (Channel.INBOX, Channel.SMS) if ticket.contact_by == ContactBy.SMS else (Channel.INBOX,)
    _queue([requester], template, ticket, key=key, channels=channels)


def tell_staff(users: Iterable[User], ticket: Ticket, template: str, *, key: str) -> None:
    _queue(users, template, ticket, key=key, channels=(Channel.INBOX,))


def _queue(
    users: Iterable[User], template: str, ticket: Ticket, *, key: str, channels: tuple[str, ...]
) -> None:
    values = params(ticket)
    for user in {u.pk: u for u in users}.values():
        notify_key = f"servicedesk:{ticket.pk}:{key}:{user.pk}"

        def send(user: User = user, notify_key: str = notify_key) -> None:
            notify(recipient=user, template=template, params=values, key=notify_key, channels=channels)

        transaction.on_commit(send)


def agents() -> list[User]:
    """Every active service desk agent."""
    return list(staff_users(StaffRole.SERVICE_DESK))


def department_recipients(ticket: Ticket) -> list[User]:
    """Who hears of a ticket's arrival in a department: its section chiefs, else the service desk."""
    return section_chiefs(ticket.department) or agents()


def require(principal: Principal, action: str, ticket: Ticket) -> None:
    """Forbidden (``ticket_action_forbidden``) unless the principal may ``action`` the ticket they see."""
    policy = authz.policy_for(Ticket)
    scope = policy.scope_for(principal, action, ticket)
    if scope:
        principal.require_scope(scope)
    if not policy.allows(principal, action, ticket):
        raise Forbidden("ticket_action_forbidden", _("You may not do this with this ticket."), action=action)


def not_open(ticket: Ticket) -> Conflict:
    return Conflict(
        "ticket_not_open",
        _("This ticket is %(status)s.") % {"status": ticket.get_status_display()},
        status=ticket.status,
    )
