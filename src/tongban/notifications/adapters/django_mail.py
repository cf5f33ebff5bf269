"""E-mail through Django's mail framework (``EMAIL_BACKEND``, usually SMTP)."""

from __future__ import annotations

import smtplib
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import BadHeaderError, get_connection, send_mail
from django.core.validators import validate_email

import structlog

from tongban.notifications.adapters.base import AdapterError, EmailAdapter, SendResult, mask_email
from tongban.notifications.adapters.registry import email_registry

log = structlog.get_logger(__name__)

# The worker holds the notification's row lock while sending: never wait on a mail server for ever.
DEFAULT_TIMEOUT_SECONDS = 30


@email_registry.register("django")
class DjangoEmailAdapter(EmailAdapter):
    def send(self, *, to: str, subject: str, body: str) -> SendResult:
        try:
            validate_email(to)
        except ValidationError:
            raise AdapterError("invalid e-mail address", permanent=True) from None
        # A header cannot hold a line break; a multi-line parameter must not sink the message.
        subject = " ".join(subject.split())
        connection = get_connection(timeout=settings.EMAIL_TIMEOUT or DEFAULT_TIMEOUT_SECONDS)
        try:
            sent = send_mail(subject, body, None, [to], connection=connection)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({code for code, _msg in exc.recipients.values()})
            # 5xx: the address does not exist or is refused for good; 4xx: try again later.
            raise AdapterError(
                f"recipient refused ({codes})", permanent=all(c >= 500 for c in codes)
            ) from None
        except smtplib.SMTPDataError as exc:
            raise AdapterError(f"message refused ({exc.smtp_code})", permanent=exc.smtp_code >= 500) from None
        except BadHeaderError:
            raise AdapterError("invalid header", permanent=True) from None
        except (smtplib.SMTPException, OSError) as exc:
            # Connection, authentication, sender refused: our side or the network, so worth retrying.
            raise AdapterError(f"mail server error: {type(exc).__name__}") from None
        if not sent:
            raise AdapterError("mail backend sent nothing")
        # send_mail does not expose the Message-ID; this reference ties the log line to the notification.
        ref = f"django-{uuid.uuid4().hex[:12]}"
        log.info("email_sent", provider="django", to=mask_email(to), chars=len(body), ref=ref)
        return SendResult(provider_ref=ref)
