import datetime as dt

from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

import pytest
from django_tasks_db.models import DBTaskResult

from tongban.accounts import services
from tongban.accounts.constants import RepresentationRole
from tongban.accounts.tests.factories import LegalPersonFactory, NaturalPersonFactory
from tongban.notifications.adapters.demo import PERMANENT_FAILURE, TEMPORARY_FAILURE
from tongban.notifications.adapters.registry import sms_registry
from tongban.notifications.constants import MAX_ATTEMPTS, Channel, Status
from tongban.notifications.models import Notification
from tongban.notifications.services import notify
from tongban.notifications.tasks import deliver_sms

pytestmark = pytest.mark.django_db(transaction=True)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_demo_adapter_is_registered():
    assert sms_registry.identifiers() == ["demo"]


def test_issuing_a_token_notifies_inbox_and_sms():
    person = NaturalPersonFactory(mobile="13800138000")
    services.issue_token(user=person.user, name="脚本", scopes=["profile:read"])
    inbox = Notification.objects.get(recipient=person.user, channel=Channel.INBOX)
    sms = Notification.objects.get(recipient=person.user, channel=Channel.SMS)
    assert inbox.status == Status.SENT and inbox.template == "security.token_issued"
    # Tests run tasks inline (ImmediateBackend), after commit.
    assert sms.status == Status.SENT and sms.provider_ref.startswith("demo-") and sms.attempts == 1


def test_same_key_twice_queues_once():
    person = NaturalPersonFactory()
    params = {"name": "x", "prefix": "tbp_ab", "days": 1}
    first = notify(recipient=person.user, template="security.token_issued", params=params, key="k1")
    second = notify(recipient=person.user, template="security.token_issued", params=params, key="k1")
    assert len(first) == 2 and second == []
    assert Notification.objects.count() == 2


def test_delivery_is_idempotent():
    person = NaturalPersonFactory()
    notify(
        recipient=person.user,
        template="security.token_issued",
        params={"name": "x", "prefix": "p", "days": 1},
        key="k2",
    )
    sms = Notification.objects.get(channel=Channel.SMS)
    assert deliver_sms.call(sms.pk) == Status.SENT
    sms.refresh_from_db()
    assert sms.attempts == 1  # the second run found it sent and did nothing


def test_permanent_failure_stops_and_temporary_failure_retries():
    bad = NaturalPersonFactory(mobile=PERMANENT_FAILURE)
    notify(
        recipient=bad.user,
        template="security.token_issued",
        params={"name": "x", "prefix": "p", "days": 1},
        key="k3",
        channels=(Channel.SMS,),
    )
    note = Notification.objects.get(recipient=bad.user)
    assert (note.status, note.attempts) == (Status.FAILED, 1) and "does not exist" in note.last_error

    busy = NaturalPersonFactory(mobile=TEMPORARY_FAILURE)
    notify(
        recipient=busy.user,
        template="security.token_issued",
        params={"name": "x", "prefix": "p", "days": 1},
        key="k4",
        channels=(Channel.SMS,),
    )
    note = Notification.objects.get(recipient=busy.user)
    assert note.status == Status.QUEUED and note.attempts == 1  # inline backend cannot defer the retry
    for _ in range(MAX_ATTEMPTS):
        deliver_sms.call(note.pk)
    note.refresh_from_db()
    assert (note.status, note.attempts) == (Status.FAILED, MAX_ATTEMPTS)


@override_settings(TASKS=DB_TASKS)
def test_with_the_database_queue_the_task_waits_for_the_worker():
    person = NaturalPersonFactory()
    notify(
        recipient=person.user,
        template="security.token_issued",
        params={"name": "x", "prefix": "p", "days": 1},
        key="k5",
    )
    assert DBTaskResult.objects.count() == 1
    sms = Notification.objects.get(channel=Channel.SMS)
    assert sms.status == Status.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    sms.refresh_from_db()
    assert sms.status == Status.SENT


def test_agent_gets_notified_of_grant_and_revocation():
    agent = NaturalPersonFactory()
    company = LegalPersonFactory(name="上海示例餐饮管理有限公司")
    rep = services.grant_representation(
        principal=None,
        person=agent.user,
        legal_person=company,
        role=RepresentationRole.AGENT,
        scopes=["apply"],
        expires_at=timezone.now() + dt.timedelta(days=10),
    )
    services.revoke_representation(principal=None, representation=rep)  # type: ignore[arg-type]
    templates = set(
        Notification.objects.filter(recipient=agent.user, channel=Channel.INBOX).values_list(
            "template", flat=True
        )
    )
    assert templates == {"representation.granted", "representation.revoked"}


def test_lockout_notifies_the_owner_once(client, settings):
    cache.clear()
    person = NaturalPersonFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        client.post("/accounts/login/", {"username": person.user.username, "password": "wrong"})
    assert (
        Notification.objects.filter(
            recipient=person.user, template="security.account_locked", channel=Channel.INBOX
        ).count()
        == 1
    )


def test_inbox_page_and_api_show_only_own_messages(client):
    alice = NaturalPersonFactory()
    bob = NaturalPersonFactory()
    notify(
        recipient=alice.user,
        template="security.token_issued",
        params={"name": "甲", "prefix": "p", "days": 1},
        key="a",
        channels=(Channel.INBOX,),
    )
    bob_note = notify(
        recipient=bob.user,
        template="security.token_issued",
        params={"name": "乙", "prefix": "p", "days": 1},
        key="b",
        channels=(Channel.INBOX,),
    )[0]
    client.force_login(alice.user)
    page = client.get("/me/messages/")
    assert "甲" in page.content.decode() and "乙" not in page.content.decode()
    assert client.post(f"/me/messages/{bob_note.pk}/read/").status_code == 404
    data = client.get("/api/v1/me/notifications").json()
    assert data["count"] == 1 and "甲" in data["items"][0]["body"]
    bob_note.refresh_from_db()
    assert bob_note.read_at is None


def test_scope_codes_render_as_labels_in_the_readers_language():
    from django.utils import translation

    from tongban.notifications.messages import render

    params = {
        "legal_person": "上海示例餐饮管理有限公司",
        "expires": "2027-01-01",
        "scopes": ["apply", "view_cases"],
    }
    with translation.override("zh-hans"):
        _subject, body = render("representation.granted", params)
    assert "apply" not in body and "、" in body
    with translation.override("en"):
        _subject, body = render("representation.granted", params)
    assert "Apply for services" in body
