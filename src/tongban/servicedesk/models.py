"""Tickets (咨询、投诉、建议、表扬) with their thread and timeline, and the desk's knowledge base.

A ticket is routed to one department at a time (``department``; null while the service desk triages
it) and is due on ``due_on``, counted in working days from submission. The requester's contact details
are encrypted at rest and shown masked to staff, except when the handling staff reveal them to call
back (audited). A :class:`KnowledgeEntry` is an answer the desk or a department published as an FAQ.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.servicedesk.constants import (
    OPEN_STATUSES,
    PENDING_STATUSES,
    AuthorRole,
    Category,
    Channel,
    ContactBy,
    EventAction,
    Satisfaction,
    TicketKind,
    TicketStatus,
)
from tongban.utils.crypto import EncryptedTextField

USER = settings.AUTH_USER_MODEL


class Ticket(models.Model):
    number = models.CharField(_("number"), max_length=24, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=TicketKind.choices)
    category = models.CharField(
        _("category"), max_length=16, choices=Category.choices, default=Category.OTHER
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=12, choices=TicketStatus.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("details"))
    # Who asked: an account (portal, API) or, for a caller without one, only the contact details.
    requester = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.PROTECT, related_name="servicedesk_tickets"
    )
    acting_for = models.ForeignKey(
        "accounts.LegalPerson", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact_name = EncryptedTextField(_("contact name"), blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True)
    contact_by = models.CharField(
        _("answer by"), max_length=8, choices=ContactBy.choices, default=ContactBy.INBOX
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="servicedesk_tickets"
    )
    # The item version the requester asked about, with its stable code and name for display.
    item = models.ForeignKey(
        "items.ServiceItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item_code = models.CharField(_("service item code"), max_length=64, blank=True, db_index=True)
    item_name = models.CharField(_("service item"), max_length=200, blank=True)
    department = models.ForeignKey(
        "organizations.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="servicedesk_tickets",
    )
    due_on = models.DateField(_("answer due"), null=True, blank=True)
    # The FAQ answer that settled a self-served consultation: ``faq:<id>`` or ``kb:<id>``.
    resolved_by = models.CharField(max_length=24, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("submitted"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    routed_at = models.DateTimeField(_("routed"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Set when the overdue escalation told the chiefs; cleared when the deadline moves.
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    idempotency_key = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("service desk ticket")
        verbose_name_plural = _("service desk tickets")
        indexes = [
            models.Index(fields=["department", "status", "due_on"], name="servicedesk_queue"),
            models.Index(fields=["status", "due_on"], name="servicedesk_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="servicedesk_ticket_idempotency",
            ),
            models.CheckConstraint(
                condition=~Q(status="assigned") | Q(department__isnull=False),
                name="servicedesk_assigned_has_department",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES

    def is_overdue(self, today: dt.date | None = None) -> bool:
        day = today or timezone.localdate()
        return self.is_pending and self.due_on is not None and self.due_on < day


class TicketReply(models.Model):
    """One message of the thread. Internal notes are for staff only; the requester never sees them."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    author_role = models.CharField(_("written by"), max_length=12, choices=AuthorRole.choices)
    department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("message"))
    internal = models.BooleanField(_("internal note"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ticket reply")
        verbose_name_plural = _("ticket replies")

    def __str__(self) -> str:
        return f"{self.ticket_id}#{self.pk}"


class TicketEvent(models.Model):
    """The ticket's timeline: routing, transfers, answers, closing, rating, reopening, escalation."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=12, choices=EventAction.choices)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    from_department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    due_on = models.DateField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["from_department", "ticket"], name="servicedesk_event_from")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action}"


class KnowledgeEntry(models.Model):
    """An FAQ answer kept by the service desk, shown with the catalogue's FAQ of its item."""

    item_code = models.CharField(_("service item code"), max_length=64, blank=True, db_index=True)
    item_name = models.CharField(_("service item"), max_length=200, blank=True)
    department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))
    published = models.BooleanField(_("published"), default=False)
    source_ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="knowledge_entries"
    )
    # Consultations this answer settled without a ticket being routed (for statistics).
    self_served_count = models.PositiveIntegerField(_("questions answered"), default=0)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["item_code", "-published_at", "pk"]
        verbose_name = _("knowledge entry")
        verbose_name_plural = _("knowledge entries")
        indexes = [models.Index(fields=["item_code", "published"], name="servicedesk_kb_item")]

    def __str__(self) -> str:
        return self.question
