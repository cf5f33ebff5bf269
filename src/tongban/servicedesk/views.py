"""The requester's pages under “My requests” (我的咨询投诉), mounted at ``/servicedesk/``.

Sending a consultation is FAQ-first: the first POST shows the FAQ answers that match the question;
“This answered my question” records it as self-served, “Send my question” sends it. The services
decide everything; these views read the form, call one service and redirect with a message.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from tongban.accounts.principal import Principal
from tongban.accounts.request import principal_for
from tongban.servicedesk import conf, presenters, query
from tongban.servicedesk.constants import Category, ContactBy, TicketKind, TicketStatus
from tongban.servicedesk.models import Ticket
from tongban.servicedesk.services import knowledge, replies, tickets
from tongban.servicedesk.services.tickets import TicketInput
from tongban.utils.errors import DomainError, Forbidden

PER_PAGE = 20
FORM_FIELDS = ("kind", "category", "item", "case_no", "subject", "body", "contact_by", "contact_phone")


def _requester(request: HttpRequest) -> Principal:
    p = principal_for(request)
    if p.is_staff_member:
        raise Forbidden("requesters_only", _("Staff log requests in the workbench."))
    return p


def _error(exc: DomainError) -> str:
    return f"{exc.message} [{exc.code}]"


@login_required
@never_cache
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    p = _requester(request)
    page = Paginator(query.tickets_for(p), PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [presenters.ticket_summary(t, today) for t in page]
    return render(request, "servicedesk/mine.html", {"page": page, "rows": rows})


def _form_context(p: Principal, values: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "values": values,
        "kinds": TicketKind.choices,
        "categories": Category.choices,
        "contact_options": ContactBy.choices,
        "cases": query.case_choices(p),
        "key": values.get("key") or uuid.uuid4().hex,
        "consultation_days": conf.working_days(TicketKind.CONSULTATION),
        "complaint_days": conf.working_days(TicketKind.COMPLAINT),
        **extra,
    }


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    p = _requester(request)
    if request.method == "GET":
        values = {
            "kind": request.GET.get("kind", TicketKind.CONSULTATION),
            "item": request.GET.get("item", ""),
        }
        values["case_no"] = request.GET.get("case_no", "")
        return render(request, "servicedesk/new.html", _form_context(p, values))
    values = {name: request.POST.get(name, "").strip() for name in (*FORM_FIELDS, "key")}
    resolved_by = request.POST.get("resolved_by", "")
    confirmed = request.POST.get("confirm") == "1" or bool(resolved_by)
    if values["kind"] == TicketKind.CONSULTATION and not confirmed and values["subject"]:
        try:
            answers = knowledge.suggest(f"{values['subject']} {values['body']}", item=values["item"])
        except DomainError:
            answers = []
        if answers:
            context = _form_context(p, values, answers=[presenters.answer_out(a) for a in answers])
            return render(request, "servicedesk/faq_first.html", context)
    data = TicketInput(**{name: values[name] for name in FORM_FIELDS}, resolved_by=resolved_by)
    try:
        ticket, _created = tickets.submit(p, data, idempotency_key=values["key"])
    except DomainError as exc:
        context = _form_context(p, values, error=_error(exc), error_field=exc.field or "")
        return render(request, "servicedesk/new.html", context, status=400)
    if ticket.status == TicketStatus.SELF_SERVED:
        messages.success(request, _("Glad the answer helped. We noted that your question is settled."))
    else:
        messages.success(request, _("Your request %(number)s was sent.") % {"number": ticket.number})
    return redirect("servicedesk:detail", ticket.number)


def _detail_context(p: Principal, ticket: Ticket) -> dict[str, Any]:
    detail = presenters.ticket_detail(
        ticket,
        staff=False,
        replies=query.thread(ticket, staff=False),
        events=query.timeline(ticket, staff=False),
    )
    return {
        "ticket": detail,
        "may_reply": ticket.is_open,
        "may_close": ticket.is_open,
        "may_rate": ticket.answered_at is not None
        and not ticket.satisfaction
        and ticket.status in (TicketStatus.ANSWERED, TicketStatus.CLOSED),
        "may_reopen": replies.may_reopen(ticket),
        "reopen_days": conf.reopen_days(),
    }


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, number: str) -> HttpResponse:
    p = _requester(request)
    ticket = query.ticket_for(p, number)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "reply":
                replies.reply(p, ticket.pk, body=request.POST.get("body", ""))
                messages.success(request, _("Your message was added."))
            elif action == "close":
                replies.close(p, ticket.pk)
                messages.success(request, _("The request was closed."))
            elif action == "rate":
                satisfied = request.POST.get("satisfaction") == "satisfied"
                replies.rate(p, ticket.pk, satisfied=satisfied, comment=request.POST.get("comment", ""))
                messages.success(request, _("Thank you for rating the answer."))
            elif action == "reopen":
                replies.reopen(p, ticket.pk, reason=request.POST.get("reason", ""))
                messages.success(request, _("The request was reopened."))
            else:
                raise DomainError("action_unknown", _("Unknown action."))
        except DomainError as exc:
            messages.error(request, _error(exc))
        return redirect("servicedesk:detail", ticket.number)
    return render(request, "servicedesk/detail.html", _detail_context(p, ticket))
