"""Demo adapters: deliver nothing to a phone or mailbox; log a masked line so the flow is observable."""

from __future__ import annotations

import uuid
from collections import deque
from dataclasses import dataclass

import structlog

from tongban.notifications.adapters.base import (
    AdapterError,
    EmailAdapter,
    SendResult,
    SmsAdapter,
    mask_email,
)
from tongban.notifications.adapters.registry import email_registry, sms_registry
from tongban.utils.masking import mask_mobile

log = structlog.get_logger(__name__)

# Numbers and addresses the demo providers treat as failing, so error paths can be exercised end to end.
PERMANENT_FAILURE = "13000000000"
TEMPORARY_FAILURE = "13000000001"
EMAIL_PERMANENT_FAILURE = "bounce@demo.invalid"
EMAIL_TEMPORARY_FAILURE = "busy@demo.invalid"

OUTBOX_SIZE = 50


@sms_registry.register("demo")
class DemoSmsAdapter(SmsAdapter):
    def send(self, *, mobile: str, text: str) -> SendResult:
        if mobile == PERMANENT_FAILURE:
            raise AdapterError("number does not exist", permanent=True)
        if mobile == TEMPORARY_FAILURE:
            raise AdapterError("provider busy")
        ref = f"demo-{uuid.uuid4().hex[:12]}"
        log.info("sms_sent", provider="demo", to=mask_mobile(mobile), chars=len(text), ref=ref)
        return SendResult(provider_ref=ref)


@dataclass(frozen=True)
class OutboxMessage:
    to: str
    subject: str
    body: str
    provider_ref: str


@email_registry.register("demo")
class DemoEmailAdapter(EmailAdapter):
    def __init__(self) -> None:
        # The last messages, newest last, so tests and a local run can see what would have gone out.
        # Per process and bounded: it is not a mail store.
        self.outbox: deque[OutboxMessage] = deque(maxlen=OUTBOX_SIZE)

    def send(self, *, to: str, subject: str, body: str) -> SendResult:
        if to == EMAIL_PERMANENT_FAILURE:
            raise AdapterError("mailbox does not exist", permanent=True)
        if to == EMAIL_TEMPORARY_FAILURE:
            raise AdapterError("mail server busy")
        ref = f"demo-{uuid.uuid4().hex[:12]}"
        self.outbox.append(OutboxMessage(to=to, subject=subject, body=body, provider_ref=ref))
        log.info("email_sent", provider="demo", to=mask_email(to), chars=len(body), ref=ref)
        return SendResult(provider_ref=ref)
