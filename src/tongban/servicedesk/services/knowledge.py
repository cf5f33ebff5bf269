"""The FAQ answers shown before a consultation is sent, and answers promoted to the FAQ.

The FAQ of an item is the catalogue's FAQ of its published version (``items.FAQ``) followed by the
knowledge entries the service desk and departments published for the item's code. Suggestions for a
typed question rank those by shared words (the search app's segmentation); without an item the
catalogue FAQ comes from the site search (``tongban.search``) and the entries from every item.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import structlog

from tongban.accounts.principal import Principal
from tongban.audits import services as audit
from tongban.items.models import FAQ, ServiceItem
from tongban.search import services as search
from tongban.search.text import latin_words, normalize, segment
from tongban.servicedesk import policies, validators
from tongban.servicedesk.constants import AuthorRole, EventAction, TicketKind
from tongban.servicedesk.models import KnowledgeEntry
from tongban.servicedesk.services.common import event, lock, require
from tongban.servicedesk.services.tickets import published_item
from tongban.utils import authz
from tongban.utils.errors import Conflict, DomainError, Forbidden, NotFound

log = structlog.get_logger(__name__)

SOURCE_CATALOGUE = "catalogue"
SOURCE_KNOWLEDGE = "knowledge"
MAX_QUESTION = 300


@dataclass(frozen=True)
class Answer:
    """One FAQ answer; ``ref`` is what a ticket's ``resolved_by`` names (``faq:12``, ``kb:3``)."""

    source: str
    id: int
    question: str
    answer: str
    item_code: str
    item_name: str

    @property
    def ref(self) -> str:
        return f"{'faq' if self.source == SOURCE_CATALOGUE else 'kb'}:{self.id}"


def _catalogue(faq: FAQ) -> Answer:
    return Answer(SOURCE_CATALOGUE, faq.pk, faq.question, faq.answer, faq.item.code, faq.item.name)


def _knowledge(entry: KnowledgeEntry) -> Answer:
    return Answer(SOURCE_KNOWLEDGE, entry.pk, entry.question, entry.answer, entry.item_code, entry.item_name)


def item_faq(code: str) -> list[Answer]:
    """The catalogue FAQ of the item's published version, then its published knowledge entries."""
    code = (code or "").strip()
    if not code:
        return []
    rows = FAQ.objects.select_related("item").filter(item__code=code, item__state="published")
    entries = KnowledgeEntry.objects.filter(item_code=code, published=True).order_by("-published_at", "pk")
    return [_catalogue(f) for f in rows.order_by("order", "pk")] + [_knowledge(e) for e in entries]


def _words(text: str) -> set[str]:
    norm = normalize(text)
    return {w for w in segment(norm) if len(w) >= 2} | {w for w in latin_words(norm) if len(w) >= 2}


def _score(words: set[str], answer: Answer) -> int:
    return 2 * len(words & _words(answer.question)) + len(words & _words(answer.answer))


def _searched_faq(question: str, limit: int) -> list[Answer]:
    """Catalogue FAQ the site search finds for the question, over every item."""
    result, _log_id = search.search(question, limit=limit, kind="faq", log=False)
    found: list[Answer] = []
    for hit in result.results:
        code, _sep, nth = hit.code.partition("#faq")
        if not nth.isdigit():
            continue
        rows = list(FAQ.objects.select_related("item").filter(item__code=code, item__state="published"))
        if 0 < int(nth) <= len(rows):
            found.append(_catalogue(rows[int(nth) - 1]))
    return found


def suggest(question: str, *, item: str = "", limit: int = 5) -> list[Answer]:
    """FAQ answers for a question about ``item`` (a code), best first; without a question, the item's
    whole FAQ. Only answers sharing words with the question are suggested."""
    question = (question or "").strip()[:MAX_QUESTION]
    code = (item or "").strip()
    if not question:
        return item_faq(code)[:limit] if code else []
    words = _words(question)
    if not words:
        return []
    if code:
        pool = item_faq(code)
    else:
        entries = KnowledgeEntry.objects.filter(published=True).order_by("-published_at", "pk")[:500]
        pool = [_knowledge(e) for e in entries] + _searched_faq(question, limit)
    scored = [(s, n, a) for n, a in enumerate(pool) if (s := _score(words, a)) > 0]
    scored.sort(key=lambda row: (-row[0], row[1]))
    seen: set[str] = set()
    out: list[Answer] = []
    for _s, _n, answer in scored:
        if answer.ref not in seen:
            seen.add(answer.ref)
            out.append(answer)
    return out[:limit]


def promote(
    principal: Principal,
    ticket_id: int,
    *,
    question: str = "",
    answer: str = "",
    publish: bool = True,
    now: dt.datetime | None = None,
) -> KnowledgeEntry:
    """Make a knowledge entry of a consultation's answer (defaults: its subject and the last answer)."""
    now = now or timezone.now()
    with transaction.atomic():
        ticket = lock(principal, ticket_id)
        require(principal, "promote", ticket)
        if ticket.kind != TicketKind.CONSULTATION:
            raise Conflict("ticket_not_consultation", _("Only a consultation's answer becomes an FAQ."))
        last = (
            ticket.replies.filter(internal=False)
            .exclude(author_role=AuthorRole.REQUESTER)
            .order_by("-created_at", "-pk")
            .first()
        )
        if last is None:
            raise DomainError("reply_required", _("Answer the consultation before adding it to the FAQ."))
        q = validators.clean_text(
            question or ticket.subject,
            field="question",
            limit=MAX_QUESTION,
            required_code="question_required",
        )
        a = validators.clean_text(
            answer or last.body, field="answer", limit=4000, required_code="answer_required"
        )
        department = ticket.department or (ticket.item.department if ticket.item else None)
        entry = KnowledgeEntry.objects.create(
            item_code=ticket.item_code,
            item_name=ticket.item_name,
            department=department,
            question=q,
            answer=a,
            published=publish,
            published_at=now if publish else None,
            source_ticket=ticket,
            created_by=principal.user,
            created_at=now,
        )
        event(ticket, EventAction.PROMOTED, principal, now=now, knowledge_entry=entry.pk, published=publish)
    return entry


def create_entry(
    principal: Principal,
    *,
    item: str,
    question: str,
    answer: str,
    publish: bool = False,
    now: dt.datetime | None = None,
) -> KnowledgeEntry:
    """A knowledge entry written directly (service desk for any item; department staff for their own)."""
    now = now or timezone.now()
    principal.require_scope("workbench")
    found: ServiceItem | None = published_item(item) if (item or "").strip() else None
    department = found.department if found else None
    if not policies.is_agent(principal) and (department is None or department.pk != principal.department_id):
        raise Forbidden(
            "knowledge_edit_forbidden", _("You may add FAQ answers for your own department's services.")
        )
    entry = KnowledgeEntry.objects.create(
        item_code=found.code if found else "",
        item_name=found.name if found else "",
        department=department,
        question=validators.clean_text(
            question, field="question", limit=MAX_QUESTION, required_code="question_required"
        ),
        answer=validators.clean_text(answer, field="answer", limit=4000, required_code="answer_required"),
        published=publish,
        published_at=now if publish else None,
        created_by=principal.user,
        created_at=now,
    )
    audit.record(
        "servicedesk.knowledge_created",
        principal=principal,
        obj=entry,
        summary={"item": entry.item_code or None, "published": publish},
    )
    return entry


def set_published(
    principal: Principal, entry_id: int, *, published: bool, now: dt.datetime | None = None
) -> KnowledgeEntry:
    now = now or timezone.now()
    with transaction.atomic():
        entry = (
            authz.visible(principal, KnowledgeEntry.objects.select_for_update()).filter(pk=entry_id).first()
        )
        if entry is None:
            raise NotFound("knowledge_not_found", _("No such FAQ answer."))
        if not authz.can(principal, "edit", entry):
            raise Forbidden("knowledge_edit_forbidden", _("You may not change this FAQ answer."))
        if entry.published == published:
            return entry
        entry.published = published
        entry.published_at = now if published else entry.published_at
        entry.save(update_fields=["published", "published_at", "updated_at"])
        audit.record(
            "servicedesk.knowledge_published" if published else "servicedesk.knowledge_withdrawn",
            principal=principal,
            obj=entry,
            summary={"item": entry.item_code or None},
        )
    return entry
