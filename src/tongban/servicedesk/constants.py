"""Code tables of the service desk (统一总客服): kinds, categories, channels, statuses."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation (咨询)")
    COMPLAINT = "complaint", _("Complaint (投诉)")
    SUGGESTION = "suggestion", _("Suggestion (建议)")
    PRAISE = "praise", _("Praise (表扬)")


# The public number starts with the kind's prefix: ZX20260105-00012 is a consultation.
NUMBER_PREFIX = {
    TicketKind.CONSULTATION: "ZX",
    TicketKind.COMPLAINT: "TS",
    TicketKind.SUGGESTION: "JY",
    TicketKind.PRAISE: "BY",
}


class Category(models.TextChoices):
    EFFICIENCY = "efficiency", _("Efficiency (办事效率)")
    ATTITUDE = "attitude", _("Service attitude (服务态度)")
    MATERIALS = "materials", _("Required materials (材料要求)")
    PROCEDURE = "procedure", _("Procedure and policy (办事流程与政策)")
    SYSTEM = "system", _("System fault (系统故障)")
    FEES = "fees", _("Fees (收费问题)")
    OTHER = "other", _("Other (其他)")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    PHONE = "phone", _("Phone (logged by the service desk)")
    WINDOW = "window", _("Service window")
    API = "api", _("API")


STAFF_CHANNELS = (Channel.PHONE, Channel.WINDOW)


class ContactBy(models.TextChoices):
    """How the requester wants to hear back; the message centre always gets a copy."""

    INBOX = "inbox", _("Message centre only")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("A call back")


class TicketStatus(models.TextChoices):
    NEW = "new", _("Waiting for routing")  # no department yet: the service desk triages it
    ASSIGNED = "assigned", _("With the department")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    SELF_SERVED = "self_served", _("Answered by the FAQ")


OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.ASSIGNED, TicketStatus.ANSWERED)
# Waiting for an answer: these can become overdue.
PENDING_STATUSES = (TicketStatus.NEW, TicketStatus.ASSIGNED)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    UNSATISFIED = "unsatisfied", _("Not satisfied")


class AuthorRole(models.TextChoices):
    REQUESTER = "requester", _("Requester")
    DEPARTMENT = "department", _("Department")
    SERVICE_DESK = "service_desk", _("Service desk")


class EventAction(models.TextChoices):
    CREATED = "created", _("Submitted")
    SELF_SERVED = "self_served", _("Answered by the FAQ")
    ROUTED = "routed", _("Routed to a department")
    TRANSFERRED = "transferred", _("Transferred")
    ANSWERED = "answered", _("Answered")
    FOLLOWED_UP = "followed_up", _("Requester added information")
    CLOSED = "closed", _("Closed")
    RATED = "rated", _("Reply rated")
    REOPENED = "reopened", _("Reopened")
    ESCALATED = "escalated", _("Overdue: escalated")
    PROMOTED = "promoted", _("Answer added to the FAQ")


# What the requester sees of the timeline (staff see every event).
PUBLIC_ACTIONS = frozenset(
    {
        EventAction.CREATED,
        EventAction.SELF_SERVED,
        EventAction.ROUTED,
        EventAction.TRANSFERRED,
        EventAction.ANSWERED,
        EventAction.FOLLOWED_UP,
        EventAction.CLOSED,
        EventAction.RATED,
        EventAction.REOPENED,
    }
)

MAX_SUBJECT = 200
MAX_BODY = 4000
MAX_REASON = 500
