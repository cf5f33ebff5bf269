from django.core.management import CommandError, call_command
from django.db import connection

import pytest

from tongban.accounts.principal import Principal
from tongban.accounts.tests.factories import UserFactory
from tongban.audits.models import AuditEvent
from tongban.audits.services import record
from tongban.utils import context

pytestmark = pytest.mark.django_db


def _fill(n=5):
    user = UserFactory()
    p = Principal(user=user)
    return [record("test.event", principal=p, obj=user, summary={"i": i}) for i in range(n)]


def _raw(sql, params=()):
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audits_auditevent DISABLE TRIGGER audits_auditevent_append_only")
        cur.execute(sql, params)
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audits_auditevent ENABLE TRIGGER audits_auditevent_append_only")


def test_events_are_chained_and_verify(capsys):
    events = _fill()
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[1].prev_hash == events[0].hash
    call_command("verify_audit")
    assert "5 events verified" in capsys.readouterr().out


def test_event_records_who_what_when_and_request_context():
    user = UserFactory()
    token = context.bind(request_id="req-12345678", channel="api")
    try:
        ev = record("thing.done", principal=Principal(user=user, channel="api"), obj=user, summary={"k": "v"})
    finally:
        context.reset(token)
    ev.refresh_from_db()
    assert (ev.actor_id, ev.actor_label, ev.channel, ev.request_id) == (
        user.pk,
        user.username,
        "api",
        "req-12345678",
    )
    assert (ev.object_type, ev.object_id) == ("accounts.user", str(user.pk))


def test_altered_row_is_reported_at_its_sequence():
    _fill()
    _raw("UPDATE audits_auditevent SET event = %s WHERE seq = 3", ["forged"])
    with pytest.raises(CommandError, match="#3.*altered"):
        call_command("verify_audit")


def test_deleted_row_in_the_middle_is_reported():
    _fill()
    _raw("DELETE FROM audits_auditevent WHERE seq = 2")
    with pytest.raises(CommandError, match="#2 is missing"):
        call_command("verify_audit")


def test_deleted_rows_at_the_end_are_reported_via_the_head():
    _fill()
    _raw("DELETE FROM audits_auditevent WHERE seq >= 4")
    with pytest.raises(CommandError, match="#4"):
        call_command("verify_audit")


def test_rewritten_hash_breaks_the_next_link():
    events = _fill()
    _raw("UPDATE audits_auditevent SET hash = %s WHERE seq = 2", ["f" * 64])
    with pytest.raises(CommandError, match="#2"):
        call_command("verify_audit")
    assert events


def test_application_refuses_to_update_or_delete():
    ev = _fill(1)[0]
    with pytest.raises(PermissionError):
        ev.save()
    with pytest.raises(PermissionError):
        ev.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=ev.pk).update(event="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger exists on PostgreSQL only")
def test_postgresql_trigger_blocks_raw_updates():
    from django.db import DatabaseError, transaction

    _fill(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audits_auditevent SET event = 'x'")


def test_batched_events_join_the_chain_together_and_verify(capsys):
    from django.db import transaction

    from tongban.audits.services import batched

    first = _fill(1)[0]
    user = UserFactory()
    with transaction.atomic(), batched():
        for i in range(3):
            assert record("batched.event", principal=Principal(user=user), summary={"i": i}) is None
        assert AuditEvent.objects.count() == 1  # written when the block ends
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert [e.summary.get("i") for e in events[1:]] == [0, 1, 2]
    assert events[1].prev_hash == first.hash
    call_command("verify_audit")
    assert "4 events verified" in capsys.readouterr().out


def test_a_failed_batch_writes_nothing():
    from django.db import transaction

    from tongban.audits.services import batched

    user = UserFactory()
    with pytest.raises(RuntimeError), transaction.atomic(), batched():
        record("never.stored", principal=Principal(user=user))
        raise RuntimeError("rolled back")
    assert not AuditEvent.objects.filter(event="never.stored").exists()
    assert record("after.failure", principal=Principal(user=user)).seq == 1
