"""Who may see and do what with service desk tickets and knowledge entries.

- The requester sees their own tickets (anyone else's are 404) and may add information, close, rate
  the reply and reopen. Tokens need ``tickets:read`` to read and ``tickets:write`` to write.
- Service desk agents (role ``service_desk``) see every ticket, triage (route) those without a
  department, transfer, answer, close and promote answers to the FAQ.
- Staff of a department see the tickets currently routed to it and handle them (answer, note,
  transfer, close, promote); the tickets it transferred away stay visible to it, read-only.
- Supervisors (电子监察), administrators and superusers see everything and change nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from tongban.accounts.constants import StaffRole
from tongban.accounts.principal import Principal
from tongban.cases.policies import is_oversight
from tongban.servicedesk.models import KnowledgeEntry, Ticket, TicketEvent
from tongban.utils import authz

REQUESTER_ACTIONS = frozenset({"reply", "close", "rate", "reopen"})
HANDLER_ACTIONS = frozenset({"reply", "note", "transfer", "close", "promote", "reveal_contact"})


def is_agent(principal: Principal) -> bool:
    """A service desk agent (客服)."""
    return principal.is_staff_member and StaffRole.SERVICE_DESK in principal.roles


def sees_all(principal: Principal) -> bool:
    return is_agent(principal) or is_oversight(principal)


def is_requester(principal: Principal, ticket: Ticket) -> bool:
    return (
        not principal.is_staff_member
        and principal.user is not None
        and ticket.requester_id is not None
        and ticket.requester_id == principal.user.pk
    )


def handles(principal: Principal, ticket: Ticket) -> bool:
    """May work on the ticket now: an agent, or staff of the department it is routed to."""
    if not principal.is_staff_member:
        return False
    if is_agent(principal):
        return True
    if is_oversight(principal):
        return False
    dept = principal.department_id
    return dept is not None and ticket.department_id == dept


@authz.register
class TicketPolicy(authz.Policy):
    model = Ticket
    scopes = {
        "view": "tickets:read",
        "reply": "tickets:write",
        "close": "tickets:write",
        "rate": "tickets:write",
        "reopen": "tickets:write",
    }

    def scope_for(self, principal: Principal, action: str, obj: Any) -> str | None:
        return "workbench" if principal.is_staff_member else self.scopes.get(action, "tickets:write")

    def visible(self, principal: Principal, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if principal.is_staff_member:
            if sees_all(principal):
                return queryset
            dept = principal.department_id
            if dept is None:
                return queryset.none()
            handed_on = TicketEvent.objects.filter(from_department_id=dept).values("ticket_id")
            return queryset.filter(Q(department_id=dept) | Q(pk__in=handed_on))
        assert principal.user is not None
        return queryset.filter(requester_id=principal.user.pk)

    def allows(self, principal: Principal, action: str, obj: Any) -> bool:
        if action == "view":
            return True
        if principal.is_staff_member:
            if action == "route":
                return is_agent(principal)
            return action in HANDLER_ACTIONS and handles(principal, obj)
        return action in REQUESTER_ACTIONS and is_requester(principal, obj)


@authz.register
class KnowledgeEntryPolicy(authz.Policy):
    """Published entries are public through the FAQ endpoint, not through this policy."""

    model = KnowledgeEntry
    scopes = {"view": "workbench", "edit": "workbench"}

    def visible(self, principal: Principal, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if not principal.is_staff_member:
            return queryset.none()
        if sees_all(principal):
            return queryset
        dept = principal.department_id
        return queryset.filter(department_id=dept) if dept is not None else queryset.none()

    def allows(self, principal: Principal, action: str, obj: Any) -> bool:
        if action == "view":
            return True
        if action != "edit":
            return False
        return is_agent(principal) or (
            not is_oversight(principal)
            and obj.department_id is not None
            and obj.department_id == principal.department_id
        )
