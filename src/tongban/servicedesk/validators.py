"""Input rules of tickets, each with a stable error code (see docs/servicedesk.md)."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from tongban.servicedesk.constants import (
    MAX_BODY,
    MAX_REASON,
    MAX_SUBJECT,
    Category,
    ContactBy,
    TicketKind,
)
from tongban.utils.errors import DomainError

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Landlines with an area code, optionally an extension: 021-12345678, 02112345678-123.
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")
RESOLVED_BY = re.compile(r"^(faq|kb):(\d{1,12})$")


def clean_text(
    value: str | None, *, field: str, limit: int, required_code: str, required: bool = True
) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(required_code, _("This field is required."), field=field)
    if len(text) > limit:
        raise DomainError(
            f"{field}_too_long",
            _("At most %(max)s characters.") % {"max": limit},
            field=field,
        )
    return text


def clean_subject(value: str | None) -> str:
    return clean_text(value, field="subject", limit=MAX_SUBJECT, required_code="subject_required")


def clean_body(value: str | None) -> str:
    return clean_text(value, field="body", limit=MAX_BODY, required_code="body_required")


def clean_reply(value: str | None) -> str:
    return clean_text(value, field="body", limit=MAX_BODY, required_code="reply_required")


def clean_reason(value: str | None, *, code: str) -> str:
    return clean_text(value, field="reason", limit=MAX_REASON, required_code=code)


def clean_kind(value: str | None) -> str:
    if value not in TicketKind.values:
        raise DomainError(
            "ticket_kind_invalid", _("Choose consultation, complaint, suggestion or praise."), field="kind"
        )
    return str(value)


def clean_category(value: str | None) -> str:
    if not value:
        return Category.OTHER
    if value not in Category.values:
        raise DomainError("ticket_category_invalid", _("Unknown category."), field="category")
    return str(value)


def clean_contact_by(value: str | None) -> str:
    if not value:
        return ContactBy.INBOX
    if value not in ContactBy.values:
        raise DomainError("contact_by_invalid", _("Unknown way to answer."), field="contact_by")
    return str(value)


def clean_phone(value: str | None, *, required: bool = False) -> str:
    phone = re.sub(r"[\s()]", "", value or "")
    if not phone:
        if required:
            raise DomainError(
                "contact_phone_required", _("A call back needs a phone number."), field="contact_phone"
            )
        return ""
    if not (MOBILE.match(phone) or LANDLINE.match(phone)):
        raise DomainError(
            "contact_phone_invalid", _("This is not a mainland phone number."), field="contact_phone"
        )
    return phone


def parse_resolved_by(value: str | None) -> tuple[str, int] | None:
    """``faq:12`` (a catalogue FAQ) or ``kb:3`` (a knowledge entry) → ``("faq", 12)``; empty → None."""
    if not value:
        return None
    match = RESOLVED_BY.match(value.strip())
    if match is None:
        raise DomainError("resolved_by_invalid", _("Unknown FAQ answer."), field="resolved_by")
    return match.group(1), int(match.group(2))
