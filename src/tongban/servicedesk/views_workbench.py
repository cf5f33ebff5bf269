"""Staff pages of the service desk (mounted at ``/workbench/servicedesk/``): the inbox (untriaged,
my department's, overdue), one ticket with answer / note / route / transfer / close / add to FAQ, a
phone call or window visit logged for a requester, and the knowledge base.

The requester's name and phone are masked; staff who handle the ticket may reveal them to call back,
which is audited as a look-up of personal data.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tongban.accounts.principal import Principal
from tongban.accounts.request import principal_for
from tongban.audits import services as audit
from tongban.organizations.models import Department
from tongban.servicedesk import policies, presenters, query, validators
from tongban.servicedesk.constants import (
    STAFF_CHANNELS,
    Category,
    Channel,
    ContactBy,
    TicketKind,
    TicketStatus,
)
from tongban.servicedesk.models import Ticket
from tongban.servicedesk.services import knowledge, replies, tickets
from tongban.servicedesk.services.tickets import LOGGING_ROLES, TicketInput
from tongban.utils import authz
from tongban.utils.errors import DomainError, Forbidden
from tongban.workbench.access import staff_required

PER_PAGE = 30


def _fail(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, f"{exc.message} [{exc.code}]")


@staff_required
@never_cache
def inbox(request: HttpRequest) -> HttpResponse:
    p = principal_for(request)
    agent = policies.is_agent(p)
    view = request.GET.get("view") or (query.VIEW_UNTRIAGED if agent else query.VIEW_MINE)
    if view not in query.VIEWS:
        view = query.VIEW_ALL
    status, kind = request.GET.get("status", ""), request.GET.get("kind", "")
    today = timezone.localdate()
    qs = query.tickets_for(p, view=view, status=status, kind=kind, today=today)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [presenters.ticket_summary(t, today) for t in page],
        "view": view,
        "status": status,
        "kind": kind,
        "statuses": TicketStatus.choices,
        "kinds": TicketKind.choices,
        "counts": query.inbox_counts(p, today),
        "agent": agent,
        "may_log": bool(p.roles & LOGGING_ROLES),
    }
    return render(request, "servicedesk/workbench/inbox.html", context)


def _ticket_context(p: Principal, ticket: Ticket, *, reveal: bool = False) -> dict[str, Any]:
    detail = presenters.ticket_detail(
        ticket,
        staff=True,
        replies=query.thread(ticket, staff=True),
        events=query.timeline(ticket, staff=True),
        reveal=reveal,
    )
    handles = authz.can(p, "reply", ticket)
    return {
        "ticket": detail,
        "obj": ticket,
        "handles": handles,
        "may_route": authz.can(p, "route", ticket) and ticket.is_open and ticket.department_id is None,
        "may_transfer": handles and ticket.is_open and ticket.department_id is not None,
        "may_close": handles and ticket.is_open,
        "may_promote": handles and ticket.kind == TicketKind.CONSULTATION and ticket.answered_at is not None,
        "departments": Department.objects.filter(is_active=True)
        .exclude(pk=ticket.department_id or 0)
        .order_by("name"),
        "may_reveal": handles and bool(ticket.contact_phone or ticket.contact_name) and not reveal,
    }


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def ticket_page(request: HttpRequest, number: str) -> HttpResponse:
    p = principal_for(request)
    ticket = query.ticket_for(p, number)
    if request.method == "GET":
        return render(request, "servicedesk/workbench/ticket.html", _ticket_context(p, ticket))
    action = request.POST.get("action", "")
    if action == "reveal":
        if not authz.can(p, "reveal_contact", ticket):
            raise Forbidden("ticket_action_forbidden", _("You may not do this with this ticket."))
        audit.record(
            "servicedesk.contact_revealed",
            principal=p,
            obj=ticket,
            subject_user_id=ticket.requester_id,
            summary={"number": ticket.number, "purpose": "call_back"},
        )
        return render(request, "servicedesk/workbench/ticket.html", _ticket_context(p, ticket, reveal=True))
    try:
        _act(request, p, ticket, action)
    except DomainError as exc:
        _fail(request, exc)
    return redirect("servicedesk_workbench:ticket", ticket.number)


def _act(request: HttpRequest, p: Principal, ticket: Ticket, action: str) -> None:
    post = request.POST
    if action in {"reply", "note"}:
        replies.reply(p, ticket.pk, body=post.get("body", ""), internal=action == "note")
        messages.success(request, _("The note was saved.") if action == "note" else _("The answer was sent."))
    elif action == "route":
        tickets.route(p, ticket.pk, department=post.get("department", ""))
        messages.success(request, _("The ticket was routed."))
    elif action == "transfer":
        tickets.transfer(p, ticket.pk, department=post.get("department", ""), reason=post.get("reason", ""))
        messages.success(request, _("The ticket was transferred."))
    elif action == "close":
        replies.close(p, ticket.pk, note=post.get("note", ""))
        messages.success(request, _("The ticket was closed."))
    elif action == "promote":
        knowledge.promote(
            p,
            ticket.pk,
            question=post.get("question", ""),
            answer=post.get("answer", ""),
            publish=post.get("publish") == "1",
        )
        messages.success(request, _("The answer was added to the FAQ."))
    else:
        raise DomainError("action_unknown", _("Unknown action."))


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def log_call(request: HttpRequest) -> HttpResponse:
    """A phone call (service desk) or a window visit (window clerks) entered for the requester."""
    p = principal_for(request)
    if not p.roles & LOGGING_ROLES:
        raise Forbidden("ticket_logging_forbidden", _("Only the service desk and window clerks log tickets."))
    fields = ("kind", "category", "item", "case_no", "department", "subject", "body", "contact_by")
    values = {
        name: request.POST.get(name, "").strip()
        for name in (*fields, "contact_name", "contact_phone", "channel", "answer", "key")
    }
    error, status = "", 200
    if request.method == "POST":
        data = TicketInput(
            **{name: values[name] for name in fields},
            contact_name=values["contact_name"],
            contact_phone=values["contact_phone"],
            channel=values["channel"],
        )
        try:
            if values["answer"]:
                validators.clean_reply(values["answer"])
            ticket, _created = tickets.submit(p, data, idempotency_key=values["key"])
            if values["answer"]:  # answered during the call (一次办结): the answer is the reply
                replies.reply(p, ticket.pk, body=values["answer"])
                replies.close(p, ticket.pk, note=_("Answered during the call."))
        except DomainError as exc:
            error, status = f"{exc.message} [{exc.code}]", 400
        else:
            messages.success(request, _("Ticket %(number)s was logged.") % {"number": ticket.number})
            return redirect("servicedesk_workbench:ticket", ticket.number)
    context = {
        "values": values,
        "key": values["key"] or uuid.uuid4().hex,
        "kinds": TicketKind.choices,
        "categories": Category.choices,
        "contact_options": ContactBy.choices,
        "channels": [(c, label) for c, label in Channel.choices if c in STAFF_CHANNELS],
        "departments": Department.objects.filter(is_active=True).order_by("name"),
        "agent": policies.is_agent(p),
        "error": error,
    }
    return render(request, "servicedesk/workbench/call.html", context, status=status)


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def knowledge_page(request: HttpRequest) -> HttpResponse:
    p = principal_for(request)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "create":
                knowledge.create_entry(
                    p,
                    item=request.POST.get("item", ""),
                    question=request.POST.get("question", ""),
                    answer=request.POST.get("answer", ""),
                    publish=request.POST.get("publish") == "1",
                )
                messages.success(request, _("The FAQ answer was saved."))
            else:
                raw = request.POST.get("entry", "")
                published = request.POST.get("action") == "publish"
                knowledge.set_published(p, int(raw) if raw.isdigit() else 0, published=published)
                messages.success(request, _("The FAQ answer was updated."))
        except DomainError as exc:
            _fail(request, exc)
        return redirect("servicedesk_workbench:knowledge")
    item = request.GET.get("item", "").strip()
    page = Paginator(query.knowledge_for(p, item=item), PER_PAGE).get_page(request.GET.get("page"))
    rows = [{"entry": e, "editable": authz.can(p, "edit", e)} for e in page]
    context = {
        "page": page,
        "rows": rows,
        "item": item,
        "agent": policies.is_agent(p),
        "may_log": bool(p.roles & LOGGING_ROLES),
    }
    return render(request, "servicedesk/workbench/knowledge.html", context)
