"""Read side of the service desk, already narrowed to what the principal may see (``policies``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.principal import Principal
from tongban.servicedesk.constants import OPEN_STATUSES, PENDING_STATUSES, PUBLIC_ACTIONS, TicketStatus
from tongban.servicedesk.models import KnowledgeEntry, Ticket, TicketEvent, TicketReply
from tongban.utils import authz
from tongban.utils.errors import NotFound

LIST_LIMIT = 200
# Staff inbox views.
VIEW_UNTRIAGED = "untriaged"  # no department yet (the service desk's triage)
VIEW_MINE = "mine"  # open, routed to the staff member's department
VIEW_OVERDUE = "overdue"
VIEW_ALL = "all"
VIEWS = (VIEW_MINE, VIEW_UNTRIAGED, VIEW_OVERDUE, VIEW_ALL)


def _base() -> QuerySet[Ticket]:
    return Ticket.objects.select_related("department", "item", "case", "requester")


def ticket_for(principal: Principal, number: str) -> Ticket:
    ticket = authz.visible(principal, _base()).filter(number=(number or "").strip().upper()).first()
    if ticket is None:
        raise NotFound("ticket_not_found", _("No such ticket."))
    return ticket


def tickets_for(
    principal: Principal,
    *,
    view: str = "",
    status: str = "",
    kind: str = "",
    today: dt.date | None = None,
) -> QuerySet[Ticket]:
    today = today or timezone.localdate()
    qs = authz.visible(principal, _base())
    if view == VIEW_UNTRIAGED:
        qs = qs.filter(status__in=OPEN_STATUSES, department__isnull=True)
    elif view == VIEW_MINE:
        dept = principal.department_id
        qs = qs.filter(status__in=OPEN_STATUSES, department_id=dept) if dept else qs.none()
    elif view == VIEW_OVERDUE:
        qs = overdue(qs, today)
    if status in TicketStatus.values:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-pk")


def overdue(qs: QuerySet[Ticket], today: dt.date) -> QuerySet[Ticket]:
    return qs.filter(status__in=PENDING_STATUSES, due_on__lt=today)


def inbox_counts(principal: Principal, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    qs = authz.visible(principal, Ticket.objects.all())
    dept = principal.department_id
    return {
        VIEW_MINE: qs.filter(status__in=OPEN_STATUSES, department_id=dept).count() if dept else 0,
        VIEW_UNTRIAGED: qs.filter(status__in=OPEN_STATUSES, department__isnull=True).count(),
        VIEW_OVERDUE: overdue(qs, today).count(),
    }


def thread(ticket: Ticket, *, staff: bool) -> QuerySet[TicketReply]:
    qs = ticket.replies.select_related("author", "department").order_by("created_at", "pk")
    return qs if staff else qs.filter(internal=False)


def timeline(ticket: Ticket, *, staff: bool) -> QuerySet[TicketEvent]:
    qs = ticket.events.select_related("actor", "from_department", "to_department").order_by("at", "pk")
    return qs if staff else qs.filter(action__in=PUBLIC_ACTIONS)


def knowledge_for(
    principal: Principal, *, item: str = "", published: bool | None = None
) -> QuerySet[KnowledgeEntry]:
    qs = authz.visible(principal, KnowledgeEntry.objects.select_related("department", "source_ticket"))
    if item:
        qs = qs.filter(item_code=item.strip())
    if published is not None:
        qs = qs.filter(published=published)
    return qs.order_by("item_code", "-created_at", "-pk")


def case_choices(principal: Principal) -> list[tuple[str, str]]:
    """The requester's own case numbers (with the service), for the "related case" field."""
    from tongban.cases.models import Case

    rows: list[Any] = list(
        authz.visible(principal, Case.objects.exclude(case_no__isnull=True))
        .order_by("-submitted_at")
        .values_list("case_no", "target_name")[:50]
    )
    return [(no, f"{no} {name}") for no, name in rows]
