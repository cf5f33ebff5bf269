"""The e-mail channel: selection in notify(), delivery through the adapters, retries and idempotence."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator
from typing import Any

from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone, translation

import pytest
from django_tasks_db.models import DBTaskResult

from tongban.accounts.tests.factories import NaturalPersonFactory, UserFactory
from tongban.notifications.adapters.base import AdapterError, EmailAdapter, SendResult, mask_email
from tongban.notifications.adapters.demo import (
    EMAIL_PERMANENT_FAILURE,
    EMAIL_TEMPORARY_FAILURE,
    DemoEmailAdapter,
)
from tongban.notifications.adapters.registry import active_email_adapter, email_registry
from tongban.notifications.constants import MAX_ATTEMPTS, Channel, Status
from tongban.notifications.messages import render
from tongban.notifications.models import Notification
from tongban.notifications.services import notify
from tongban.notifications.tasks import deliver, deliver_sms

pytestmark = pytest.mark.django_db(transaction=True)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
ADDRESS = "zhang.san@example.com"
TOKEN_PARAMS = {"name": "脚本", "prefix": "tbp_ab", "days": 7}


@pytest.fixture
def outbox() -> Iterator[Any]:
    adapter = email_registry.get("demo")
    assert isinstance(adapter, DemoEmailAdapter)
    adapter.outbox.clear()
    yield adapter.outbox
    adapter.outbox.clear()


def _notify_email(user: Any, key: str = "e1") -> list[Notification]:
    return notify(
        recipient=user,
        template="security.token_issued",
        params=TOKEN_PARAMS,
        key=key,
        channels=(Channel.INBOX, Channel.EMAIL),
    )


# --- registry -------------------------------------------------------------------------------------


def test_email_adapters_are_registered_and_selected_by_setting(settings):
    assert email_registry.identifiers() == ["demo", "django"]
    settings.TONGBAN_EMAIL_ADAPTER = "django"
    assert active_email_adapter().identifier == "django"
    settings.TONGBAN_EMAIL_ADAPTER = "carrier-pigeon"
    with pytest.raises(ImproperlyConfigured, match="e-mail adapter 'carrier-pigeon'"):
        active_email_adapter()


# --- channel selection ----------------------------------------------------------------------------


def test_email_is_queued_only_when_asked_for(outbox):
    person = NaturalPersonFactory(email=ADDRESS)
    notify(recipient=person.user, template="security.token_issued", params=TOKEN_PARAMS, key="d")
    assert set(Notification.objects.values_list("channel", flat=True)) == {Channel.INBOX, Channel.SMS}

    created = _notify_email(person.user, key="e")
    assert [n.channel for n in created] == [Channel.INBOX, Channel.EMAIL]
    assert len(outbox) == 1


def test_email_is_skipped_without_an_address(outbox):
    person = NaturalPersonFactory()  # mobile, no e-mail address
    created = notify(
        recipient=person.user,
        template="security.token_issued",
        params=TOKEN_PARAMS,
        key="n",
        channels=(Channel.INBOX, Channel.SMS, Channel.EMAIL),
    )
    assert [n.channel for n in created] == [Channel.INBOX, Channel.SMS]
    # An account without a natural person (a staff member) has no address either.
    staff = UserFactory()
    assert [n.channel for n in _notify_email(staff, key="s")] == [Channel.INBOX]
    assert not outbox


def test_unknown_channel_is_refused():
    person = NaturalPersonFactory(email=ADDRESS)
    with pytest.raises(ValueError, match="fax"):
        notify(recipient=person.user, template="security.token_issued", params={}, key="x", channels=("fax",))
    assert not Notification.objects.exists()


def test_the_address_is_encrypted_at_rest():
    person = NaturalPersonFactory(email=ADDRESS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT email FROM accounts_naturalperson WHERE id = %s", [person.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("tb1$") and ADDRESS not in stored
    person.refresh_from_db()
    assert person.email == ADDRESS


# --- delivery -------------------------------------------------------------------------------------


def test_delivery_sends_the_rendered_message_and_logs_a_masked_address(outbox, caplog, settings):
    person = NaturalPersonFactory(email=ADDRESS)
    with caplog.at_level(logging.INFO, logger="tongban.notifications.adapters.demo"):
        _notify_email(person.user)
    note = Notification.objects.get(channel=Channel.EMAIL)
    assert (note.status, note.attempts) == (Status.SENT, 1) and note.sent_at is not None
    [message] = outbox
    assert message.to == ADDRESS
    # The worker has no reader's language: messages go out in the site language.
    with translation.override(settings.LANGUAGE_CODE):
        assert (message.subject, message.body) == render("security.token_issued", TOKEN_PARAMS)
    assert "脚本" in message.body and "tbp_ab" in message.body
    assert note.provider_ref == message.provider_ref and note.provider_ref.startswith("demo-")
    logged = " ".join(str(r.msg) for r in caplog.records)
    assert "email_sent" in logged and "z***@example.com" in logged and ADDRESS not in logged


def test_a_second_delivery_call_sends_nothing(outbox):
    person = NaturalPersonFactory(email=ADDRESS)
    _notify_email(person.user)
    note = Notification.objects.get(channel=Channel.EMAIL)
    assert deliver.call(note.pk) == Status.SENT
    assert deliver_sms.call(note.pk) == Status.SENT  # the old task name shares the same guard
    note.refresh_from_db()
    assert note.attempts == 1 and len(outbox) == 1


def test_permanent_failure_is_not_retried(outbox):
    person = NaturalPersonFactory(email=EMAIL_PERMANENT_FAILURE)
    _notify_email(person.user)
    note = Notification.objects.get(channel=Channel.EMAIL)
    assert (note.status, note.attempts) == (Status.FAILED, 1) and "does not exist" in note.last_error
    assert deliver.call(note.pk) == Status.FAILED
    note.refresh_from_db()
    assert note.attempts == 1 and not outbox


def test_an_address_removed_after_queuing_fails_for_good(outbox):
    person = NaturalPersonFactory(email=ADDRESS)
    with override_settings(TASKS=DB_TASKS):
        _notify_email(person.user)  # queued, not yet delivered
    person.email = ""
    person.save(update_fields=["email"])
    note = Notification.objects.get(channel=Channel.EMAIL)
    assert deliver.call(note.pk) == Status.FAILED
    note.refresh_from_db()
    assert note.last_error == "recipient has no e-mail address" and not outbox


def test_transient_failure_is_retried_until_the_limit(outbox):
    person = NaturalPersonFactory(email=EMAIL_TEMPORARY_FAILURE)
    _notify_email(person.user)
    note = Notification.objects.get(channel=Channel.EMAIL)
    assert (note.status, note.attempts) == (Status.QUEUED, 1)  # inline backend cannot defer the retry
    for _ in range(MAX_ATTEMPTS):
        deliver.call(note.pk)
    note.refresh_from_db()
    assert (note.status, note.attempts) == (Status.FAILED, MAX_ATTEMPTS) and "busy" in note.last_error


class FlakyEmailAdapter(EmailAdapter):
    """Fails ``failures`` times with a transient error, then delivers."""

    def __init__(self) -> None:
        self.failures = 1
        self.sent: list[str] = []

    def send(self, *, to: str, subject: str, body: str) -> SendResult:
        if self.failures:
            self.failures -= 1
            raise AdapterError("connection reset")
        self.sent.append(to)
        return SendResult(provider_ref=f"flaky-{len(self.sent)}")


@pytest.fixture
def flaky(settings) -> Iterator[FlakyEmailAdapter]:
    email_registry.register("flaky")(FlakyEmailAdapter)
    settings.TONGBAN_EMAIL_ADAPTER = "flaky"
    adapter = email_registry.get("flaky")
    assert isinstance(adapter, FlakyEmailAdapter)
    yield adapter
    email_registry.unregister("flaky")


def test_transient_failure_then_success(flaky):
    person = NaturalPersonFactory(email=ADDRESS)
    _notify_email(person.user)
    note = Notification.objects.get(channel=Channel.EMAIL)
    assert (note.status, note.attempts, note.last_error) == (Status.QUEUED, 1, "connection reset")
    assert deliver.call(note.pk) == Status.SENT
    assert deliver.call(note.pk) == Status.SENT
    note.refresh_from_db()
    assert (note.attempts, note.provider_ref) == (2, "flaky-1") and flaky.sent == [ADDRESS]


@override_settings(TASKS=DB_TASKS)
def test_with_the_database_queue_a_transient_failure_is_rescheduled_with_backoff(flaky):
    person = NaturalPersonFactory(email=ADDRESS)
    _notify_email(person.user)
    assert DBTaskResult.objects.count() == 1
    before = timezone.now()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    note = Notification.objects.get(channel=Channel.EMAIL)
    assert (note.status, note.attempts) == (Status.QUEUED, 1)
    retry = DBTaskResult.objects.exclude(status="SUCCESSFUL").get()
    assert retry.task_path == "tongban.notifications.tasks.deliver"
    assert retry.run_after is not None and (retry.run_after - before).total_seconds() >= 29


# --- the django adapter ---------------------------------------------------------------------------


class ScriptedSmtpBackend(BaseEmailBackend):
    """Raises what an SMTP server would, chosen by the recipient's local part."""

    def send_messages(self, email_messages: Any) -> int:
        local = email_messages[0].to[0].partition("@")[0]
        if local == "unknown":
            raise smtplib.SMTPRecipientsRefused({email_messages[0].to[0]: (550, b"5.1.1 no such user")})
        if local == "full":
            raise smtplib.SMTPRecipientsRefused({email_messages[0].to[0]: (452, b"4.2.2 mailbox full")})
        if local == "spam":
            raise smtplib.SMTPDataError(554, b"5.7.1 rejected")
        if local == "down":
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        if local == "refused":
            raise ConnectionRefusedError(111, "Connection refused")
        return len(email_messages)


def test_django_adapter_sends_through_the_mail_backend():
    adapter = email_registry.get("django")
    result = adapter.send(to=ADDRESS, subject="Case\nSH-1 accepted", body="Body text")
    [message] = mail.outbox  # pytest-django's locmem backend
    assert message.to == [ADDRESS] and message.subject == "Case SH-1 accepted" and message.body == "Body text"
    assert result.provider_ref.startswith("django-")


@pytest.mark.parametrize(
    ("to", "permanent"),
    [
        ("not-an-address", True),
        ("unknown@example.com", True),
        ("spam@example.com", True),
        ("full@example.com", False),
        ("down@example.com", False),
        ("refused@example.com", False),
    ],
)
def test_django_adapter_maps_mail_errors(settings, to, permanent):
    settings.EMAIL_BACKEND = f"{__name__}.ScriptedSmtpBackend"
    with pytest.raises(AdapterError) as caught:
        email_registry.get("django").send(to=to, subject="s", body="b")
    assert caught.value.permanent is permanent
    assert to not in str(caught.value)  # the error is stored and logged: no address in it


def test_django_adapter_end_to_end_marks_a_refused_address_failed(settings):
    settings.TONGBAN_EMAIL_ADAPTER = "django"
    settings.EMAIL_BACKEND = f"{__name__}.ScriptedSmtpBackend"
    person = NaturalPersonFactory(email="unknown@example.com")
    _notify_email(person.user)
    note = Notification.objects.get(channel=Channel.EMAIL)
    assert (note.status, note.attempts) == (Status.FAILED, 1) and "550" in note.last_error


def test_mask_email():
    assert mask_email(ADDRESS) == "z***@example.com"
    assert mask_email("") == "" and mask_email("no-at-sign") == "***"
