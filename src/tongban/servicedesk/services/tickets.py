"""Submitting tickets (portal, API, a logged phone call or window visit), routing and transfers.

A consultation is answered from the FAQ first: when the requester says an FAQ answer settled it
(``resolved_by``), the ticket is recorded as ``self_served`` and goes nowhere. Otherwise the ticket is
routed to the department of its item (or of its case, or the one the agent chose) and is due in
``conf.working_days(kind)`` working days counted from submission; without a department it waits for the
service desk (``new``), on the same clock. Routing keeps the deadline; a transfer keeps it and adds
``conf.transfer_extension_days()`` working days (counted from today when it had already passed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.constants import StaffRole
from tongban.accounts.principal import Principal
from tongban.calendars.query import add_working_days
from tongban.cases import query as case_query
from tongban.cases.models import Case
from tongban.items.models import FAQ, ServiceItem
from tongban.organizations.models import Department
from tongban.servicedesk import conf, validators
from tongban.servicedesk.constants import (
    STAFF_CHANNELS,
    Channel,
    ContactBy,
    EventAction,
    TicketKind,
    TicketStatus,
)
from tongban.servicedesk.models import KnowledgeEntry, Ticket
from tongban.servicedesk.services.common import (
    agents,
    department_recipients,
    event,
    lock,
    next_number,
    not_open,
    require,
    tell_requester,
    tell_staff,
)
from tongban.utils.errors import Conflict, DomainError, Forbidden, NotFound

# Staff who may enter a ticket for someone: agents (phone), window clerks (a visitor at the counter).
LOGGING_ROLES = frozenset({StaffRole.SERVICE_DESK, StaffRole.WINDOW_CLERK})
MAX_KEY = 100


@dataclass
class TicketInput:
    kind: str
    subject: str
    body: str
    category: str = ""
    item: str = ""  # implementation code (实施编码)
    case_no: str = ""
    department: str = ""  # slug; staff only
    contact_by: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    channel: str = ""  # staff only: phone or window
    resolved_by: str = ""  # "faq:<id>" or "kb:<id>": the FAQ answer settled the consultation


def published_item(code: str) -> ServiceItem:
    item = (
        ServiceItem.objects.published().select_related("department").filter(code=(code or "").strip()).first()
    )
    if item is None:
        raise DomainError("ticket_item_unknown", _("No published service has this code."), field="item")
    return item


def department_by_slug(slug: str) -> Department:
    dept = Department.objects.filter(slug=(slug or "").strip(), is_active=True).first()
    if dept is None:
        raise DomainError("ticket_department_unknown", _("No such department."), field="department")
    return dept


def _case(principal: Principal, case_no: str) -> Case:
    if principal.is_staff_member:
        # The hotline agent links the caller's case by its number; the number is the caller's proof.
        case = Case.objects.select_related("lead_department").filter(case_no=case_no.strip().upper()).first()
        if case is not None:
            return case
    else:
        try:
            return case_query.case_for(principal, case_no)
        except NotFound:
            pass
    raise DomainError("ticket_case_unknown", _("You have no case with this number."), field="case_no")


def _case_department(case: Case, item: ServiceItem | None) -> Department | None:
    if item is not None:
        row = case.items.select_related("department").filter(item_code=item.code).first()
        if row is not None:
            return row.department
    return case.lead_department


def _check_resolved_by(data: TicketInput, item: ServiceItem | None) -> tuple[str, int] | None:
    resolved = validators.parse_resolved_by(data.resolved_by)
    if resolved is None:
        return None
    if data.kind != TicketKind.CONSULTATION:
        raise DomainError(
            "resolved_by_consultation_only",
            _("Only a consultation is answered by the FAQ."),
            field="resolved_by",
        )
    source, pk = resolved
    if source == "faq":
        found = FAQ.objects.filter(pk=pk, item__state="published").exists()
    else:
        found = KnowledgeEntry.objects.filter(pk=pk, published=True).exists()
    if not found:
        raise DomainError("resolved_by_invalid", _("Unknown FAQ answer."), field="resolved_by")
    return resolved


def _staff_may_log(principal: Principal) -> None:
    principal.require_scope("workbench")
    if not principal.roles & LOGGING_ROLES:
        raise Forbidden("ticket_logging_forbidden", _("Only the service desk and window clerks log tickets."))


def submit(
    principal: Principal,
    data: TicketInput,
    *,
    idempotency_key: str = "",
    now: dt.datetime | None = None,
) -> tuple[Ticket, bool]:
    """Make a ticket; returns it and whether it was made just now (False: a repeat of ``idempotency_key``)."""
    now = now or timezone.now()
    if not principal.is_authenticated or principal.user is None:
        raise Forbidden("ticket_sign_in_required", _("Sign in to send a request."))
    user = principal.user
    staff = principal.is_staff_member
    if staff:
        _staff_may_log(principal)
    else:
        principal.require_scope("tickets:write")
        if not principal.is_natural_person:
            raise Forbidden("ticket_sign_in_required", _("Sign in to send a request."))
    key = (idempotency_key or "").strip()
    if len(key) > MAX_KEY:
        raise DomainError("idempotency_key_too_long", _("An Idempotency-Key has at most 100 characters."))
    kind = validators.clean_kind(data.kind)
    subject = validators.clean_subject(data.subject)
    if key:
        first = Ticket.objects.filter(created_by=user, idempotency_key=key).first()
        if first is not None:
            if first.kind != kind or first.subject != subject:
                raise Conflict(
                    "idempotency_key_reused", _("This Idempotency-Key was used for another request.")
                )
            return first, False
    body = validators.clean_body(data.body)
    category = validators.clean_category(data.category)
    contact_by = validators.clean_contact_by(data.contact_by)
    item = published_item(data.item) if (data.item or "").strip() else None
    case = _case(principal, data.case_no) if (data.case_no or "").strip() else None
    if data.department.strip() and not staff:
        raise Forbidden(
            "ticket_department_staff_only", _("The department follows from the service or the case.")
        )
    department = department_by_slug(data.department) if data.department.strip() else None
    if department is None and item is not None:
        department = item.department
    if department is None and case is not None:
        department = _case_department(case, item)
    resolved = _check_resolved_by(data, item)
    if staff:
        channel = data.channel or Channel.PHONE
        if channel not in STAFF_CHANNELS:
            raise DomainError(
                "ticket_channel_invalid", _("Staff log calls or window visits."), field="channel"
            )
        name = validators.clean_text(
            data.contact_name,
            field="contact_name",
            limit=50,
            required_code="contact_name_required",
            required=False,
        )
        phone = validators.clean_phone(data.contact_phone, required=contact_by == ContactBy.PHONE)
        requester = None
    else:
        channel = Channel.API if principal.channel == "api" else Channel.PORTAL
        person = getattr(user, "person", None)
        name = person.real_name if person is not None else ""
        phone = (
            validators.clean_phone(data.contact_phone) or (person.mobile if person is not None else "") or ""
        )
        if contact_by == ContactBy.PHONE and not phone:
            validators.clean_phone("", required=True)
        requester = user
    today = timezone.localdate(now)
    if resolved is not None:
        status, due_on, routed_at, closed_at = TicketStatus.SELF_SERVED, None, None, now
    else:
        status = TicketStatus.ASSIGNED if department is not None else TicketStatus.NEW
        due_on = add_working_days(today, conf.working_days(kind))
        routed_at, closed_at = (now if department is not None else None), None
    for attempt in range(5):
        try:
            with transaction.atomic():
                ticket = Ticket.objects.create(
                    number=next_number(kind, today),
                    kind=kind,
                    category=category,
                    channel=channel,
                    status=status,
                    subject=subject,
                    body=body,
                    requester=requester,
                    acting_for=principal.acting_for if requester is not None else None,
                    contact_name=name,
                    contact_phone=phone,
                    contact_by=contact_by,
                    case=case,
                    item=item,
                    item_code=item.code if item else "",
                    item_name=item.name if item else "",
                    department=department,
                    due_on=due_on,
                    resolved_by=data.resolved_by.strip() if resolved else "",
                    created_by=user,
                    created_at=now,
                    routed_at=routed_at,
                    closed_at=closed_at,
                    idempotency_key=key,
                )
                _record_submission(principal, ticket, resolved, now=now)
            return ticket, True
        except IntegrityError:
            first = Ticket.objects.filter(created_by=user, idempotency_key=key).first() if key else None
            if first is not None:  # the same request twice at once
                return first, False
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _record_submission(
    principal: Principal, ticket: Ticket, resolved: tuple[str, int] | None, *, now: dt.datetime
) -> None:
    summary: dict[str, Any] = {
        "channel": ticket.channel,
        "category": ticket.category,
        "item": ticket.item_code or None,
        "case": ticket.case.case_no if ticket.case else None,
    }
    if resolved is not None:
        source, pk = resolved
        if source == "kb":
            KnowledgeEntry.objects.filter(pk=pk).update(self_served_count=F("self_served_count") + 1)
        event(ticket, EventAction.SELF_SERVED, principal, now=now, resolved_by=ticket.resolved_by, **summary)
        return
    event(ticket, EventAction.CREATED, principal, now=now, **summary)
    tell_requester(ticket, "servicedesk.received", key="received")
    if ticket.department is not None:
        event(ticket, EventAction.ROUTED, principal, to_department=ticket.department, now=now)
        tell_staff(department_recipients(ticket), ticket, "servicedesk.assigned", key="assigned:0")
    else:
        tell_staff(agents(), ticket, "servicedesk.untriaged", key="untriaged")


def route(principal: Principal, ticket_id: int, *, department: str, now: dt.datetime | None = None) -> Ticket:
    """The service desk sends a ticket without a department to one (``new`` → ``assigned``). The
    deadline, counted from submission, stays."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = lock(principal, ticket_id)
        require(principal, "route", ticket)
        if not ticket.is_open:
            raise not_open(ticket)
        if ticket.department_id is not None:
            raise Conflict("ticket_already_routed", _("This ticket has a department: transfer it instead."))
        target = department_by_slug(department)
        ticket.department = target
        ticket.routed_at = now
        if ticket.status == TicketStatus.NEW:
            ticket.status = TicketStatus.ASSIGNED
        ticket.save(update_fields=["department", "routed_at", "status", "updated_at"])
        event(ticket, EventAction.ROUTED, principal, to_department=target, now=now)
        tell_staff(department_recipients(ticket), ticket, "servicedesk.assigned", key=f"assigned:{target.pk}")
    return ticket


def transfer(
    principal: Principal,
    ticket_id: int,
    *,
    department: str,
    reason: str,
    now: dt.datetime | None = None,
) -> Ticket:
    """Hand an open ticket to another department, with the reason the requester is shown.

    The clock keeps running: the deadline moves ``transfer_extension_days`` working days later (from
    today if it had passed), and the overdue escalation may run again for the new deadline."""
    now = now or timezone.now()
    reason = validators.clean_reason(reason, code="transfer_reason_required")
    with transaction.atomic():
        ticket = lock(principal, ticket_id)
        require(principal, "transfer", ticket)
        if not ticket.is_open:
            raise not_open(ticket)
        if ticket.department is None:
            raise Conflict("ticket_not_routed", _("Route the ticket to a department first."))
        target = department_by_slug(department)
        if target.pk == ticket.department_id:
            raise DomainError(
                "transfer_same_department",
                _("The ticket is already with this department."),
                field="department",
            )
        source = ticket.department
        today = timezone.localdate(now)
        start = max(ticket.due_on or today, today)
        ticket.due_on = add_working_days(start, conf.transfer_extension_days())
        ticket.department = target
        ticket.status = TicketStatus.ASSIGNED
        ticket.escalated_at = None
        ticket.routed_at = now
        ticket.save(
            update_fields=["due_on", "department", "status", "escalated_at", "routed_at", "updated_at"]
        )
        count = ticket.events.filter(action=EventAction.TRANSFERRED).count()
        event(
            ticket,
            EventAction.TRANSFERRED,
            principal,
            note=reason,
            from_department=source,
            to_department=target,
            now=now,
            from_department_slug=source.slug,
            staff_of=principal.department_id,
        )
        tell_requester(ticket, "servicedesk.transferred", key=f"transferred:{count}")
        tell_staff(department_recipients(ticket), ticket, "servicedesk.assigned", key=f"transfer:{count}")
    return ticket
