"""The servicedesk API (mounted at ``/api/v1/``): tickets for requesters and staff, and the public FAQ.

Requesters: ``POST /tickets`` (with ``Idempotency-Key``), ``GET /tickets``, ``GET /tickets/{number}``,
``POST /tickets/{number}/replies``, ``…/close``, ``…/rate``, ``…/reopen``. Staff (service desk and
the handling department) reply (or note), ``…/route``, ``…/transfer``, ``…/close`` and ``…/promote``.
Tickets are named by their public number (``TS20260105-00001``); anyone else's is 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from ninja import Router, Status

from tongban.accounts.principal import Principal
from tongban.api.auth import principal
from tongban.servicedesk import presenters, query
from tongban.servicedesk.models import Ticket
from tongban.servicedesk.schemas import (
    CloseIn,
    FaqOut,
    KnowledgeOut,
    PromoteIn,
    RateIn,
    ReasonIn,
    ReplyIn,
    ReplyOut,
    RouteIn,
    TicketIn,
    TicketOut,
    TicketSummaryOut,
    TransferIn,
)
from tongban.servicedesk.services import knowledge, replies, tickets

router = Router(tags=["servicedesk"])


def _read(p: Principal) -> None:
    p.require_scope("workbench" if p.is_staff_member else "tickets:read")


def _detail(p: Principal, ticket: Ticket) -> dict[str, Any]:
    staff = p.is_staff_member
    return presenters.ticket_detail(
        ticket,
        staff=staff,
        replies=query.thread(ticket, staff=staff),
        events=query.timeline(ticket, staff=staff),
        today=timezone.localdate(),
    )


def _ticket(request: HttpRequest, number: str) -> tuple[Principal, Ticket]:
    p = principal(request)
    _read(p)
    return p, query.ticket_for(p, number)


@router.post(
    "/tickets",
    response={200: TicketOut, 201: TicketOut},
    summary="Send a consultation, complaint, suggestion or praise",
)
def create_ticket(request: HttpRequest, payload: TicketIn) -> Any:
    """Consultations: first offer the answers of `GET /faq?item=&q=`; if one settled the question send
    its `ref` as `resolved_by` (recorded, not routed). Otherwise the ticket goes to the department of
    the service (or case) with a deadline in working days, or to the service desk for routing. Send an
    `Idempotency-Key`: repeating the request with it returns the same ticket (200)."""
    p = principal(request)
    data = tickets.TicketInput(**payload.dict())
    ticket, created = tickets.submit(p, data, idempotency_key=request.headers.get("Idempotency-Key", ""))
    return Status(201 if created else 200, _detail(p, ticket))


@router.get("/tickets", response=list[TicketSummaryOut], summary="Tickets you may see")
def list_tickets(request: HttpRequest, status: str = "", kind: str = "", view: str = "") -> Any:
    """Requesters: their own. Staff: `view` = `mine` (open, in your department), `untriaged` (no
    department), `overdue` or all they may see."""
    p = principal(request)
    _read(p)
    rows = query.tickets_for(p, view=view, status=status, kind=kind)[: query.LIST_LIMIT]
    today = timezone.localdate()
    return [presenters.ticket_summary(t, today) for t in rows]


@router.get("/tickets/{number}", response=TicketOut, summary="A ticket with its thread and timeline")
def get_ticket(request: HttpRequest, number: str) -> Any:
    p, ticket = _ticket(request, number)
    return _detail(p, ticket)


@router.post("/tickets/{number}/replies", response={201: ReplyOut}, summary="Add to a ticket's thread")
def add_reply(request: HttpRequest, number: str, payload: ReplyIn) -> Any:
    """The requester adds information; staff of the handling department (or the service desk) answer,
    or with `internal` add a note the requester never sees."""
    p, ticket = _ticket(request, number)
    made = replies.reply(p, ticket.pk, body=payload.body, internal=payload.internal)
    return Status(201, presenters.reply_out(made, staff=p.is_staff_member))


@router.post("/tickets/{number}/close", response=TicketOut, summary="Close a ticket")
def close_ticket(request: HttpRequest, number: str, payload: CloseIn) -> Any:
    p, ticket = _ticket(request, number)
    return _detail(p, replies.close(p, ticket.pk, note=payload.note))


@router.post("/tickets/{number}/rate", response=TicketOut, summary="Rate the answer (requester)")
def rate_ticket(request: HttpRequest, number: str, payload: RateIn) -> Any:
    p, ticket = _ticket(request, number)
    return _detail(p, replies.rate(p, ticket.pk, satisfied=payload.satisfied, comment=payload.comment))


@router.post("/tickets/{number}/reopen", response=TicketOut, summary="Reopen a closed ticket (requester)")
def reopen_ticket(request: HttpRequest, number: str, payload: ReasonIn) -> Any:
    p, ticket = _ticket(request, number)
    return _detail(p, replies.reopen(p, ticket.pk, reason=payload.reason))


@router.post("/tickets/{number}/route", response=TicketOut, summary="Route to a department (service desk)")
def route_ticket(request: HttpRequest, number: str, payload: RouteIn) -> Any:
    p, ticket = _ticket(request, number)
    return _detail(p, tickets.route(p, ticket.pk, department=payload.department))


@router.post("/tickets/{number}/transfer", response=TicketOut, summary="Transfer to another department")
def transfer_ticket(request: HttpRequest, number: str, payload: TransferIn) -> Any:
    p, ticket = _ticket(request, number)
    return _detail(p, tickets.transfer(p, ticket.pk, department=payload.department, reason=payload.reason))


@router.post("/tickets/{number}/promote", response={201: KnowledgeOut}, summary="Add the answer to the FAQ")
def promote_ticket(request: HttpRequest, number: str, payload: PromoteIn) -> Any:
    p, ticket = _ticket(request, number)
    entry = knowledge.promote(
        p, ticket.pk, question=payload.question, answer=payload.answer, publish=payload.publish
    )
    return Status(201, entry)


@router.get("/faq", auth=None, response=list[FaqOut], summary="FAQ of a service (public)")
def faq(request: HttpRequest, item: str = "", q: str = "", limit: int = 5) -> Any:
    """`item`: the service's implementation code: its catalogue FAQ and the answers the service desk
    published. With `q` (the question being typed) only matching answers, best first."""
    limit = max(1, min(limit, 20))
    found = knowledge.suggest(q, item=item, limit=limit) if q.strip() else knowledge.item_faq(item)
    return [presenters.answer_out(a) for a in found]
