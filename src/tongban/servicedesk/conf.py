"""Settings of the service desk, read through ``django.conf.settings`` with their defaults."""

from __future__ import annotations

from django.conf import settings

from tongban.servicedesk.constants import TicketKind


def working_days(kind: str) -> int:
    """Working days the department has to answer: consultations ``TONGBAN_CONSULTATION_WORKING_DAYS``
    (default 3), complaints, suggestions and praise ``TONGBAN_COMPLAINT_WORKING_DAYS`` (default 5)."""
    if kind == TicketKind.CONSULTATION:
        return int(getattr(settings, "TONGBAN_CONSULTATION_WORKING_DAYS", 3))
    return int(getattr(settings, "TONGBAN_COMPLAINT_WORKING_DAYS", 5))


def reopen_days() -> int:
    """Calendar days after closing during which the requester may reopen (default 7)."""
    return int(getattr(settings, "TONGBAN_TICKET_REOPEN_DAYS", 7))


def max_reopens() -> int:
    """How many times one ticket may be reopened (default 2); after that, a new ticket."""
    return int(getattr(settings, "TONGBAN_TICKET_MAX_REOPENS", 2))


def transfer_extension_days() -> int:
    """Working days a transfer adds to the deadline (default 2): the clock keeps running."""
    return int(getattr(settings, "TONGBAN_TICKET_TRANSFER_EXTENSION_DAYS", 2))


def auto_close_days() -> int:
    """Calendar days after the answer an unrated, answered ticket closes by itself (default 7)."""
    return int(getattr(settings, "TONGBAN_TICKET_AUTO_CLOSE_DAYS", 7))
