"""Answers, closing, rating, reopening, permissions and the overdue escalation (services)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

import pytest

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.audits.models import AuditEvent
from tongban.calendars.query import add_working_days
from tongban.notifications.models import Notification
from tongban.organizations.models import Department
from tongban.servicedesk import query
from tongban.servicedesk.constants import EventAction, TicketStatus
from tongban.servicedesk.models import Ticket
from tongban.servicedesk.services import escalation, replies, tickets
from tongban.servicedesk.tests.conftest import FOOD, p
from tongban.utils import authz
from tongban.utils.errors import DomainError

pytestmark = pytest.mark.django_db


def _code(call: Callable[[], Any]) -> str:
    with pytest.raises(DomainError) as exc:
        call()
    return exc.value.code


def test_answer_rate_and_reopen(
    ask: Callable[..., Ticket],
    me: Principal,
    staff: dict[str, User],
    citizen: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ticket = ask(kind="complaint", subject="材料要求前后不一致", item=FOOD)
    reviewer = p(staff["samr_reviewer"])
    assert _code(lambda: replies.rate(me, ticket.pk, satisfied=True)) == "ticket_not_answered"
    assert _code(lambda: replies.close(reviewer, ticket.pk)) == "reply_required"
    assert _code(lambda: replies.reply(reviewer, ticket.pk, body=" ")) == "reply_required"
    replies.reply(reviewer, ticket.pk, body="经核查为窗口人员解释有误，已批评教育。", internal=True)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ASSIGNED  # a note answers nothing
    with django_capture_on_commit_callbacks(execute=True):
        replies.reply(reviewer, ticket.pk, body="已核实，材料以办事指南为准，给您带来不便深表歉意。")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ANSWERED and ticket.answered_at is not None
    assert Notification.objects.filter(recipient=citizen, template="servicedesk.answered").exists()
    # The requester never sees the internal note.
    assert [r.internal for r in query.thread(ticket, staff=True)] == [True, False]
    assert [r.internal for r in query.thread(ticket, staff=False)] == [False]
    with django_capture_on_commit_callbacks(execute=True):
        rated = replies.rate(me, ticket.pk, satisfied=False, comment="没有解决")
    assert rated.status == TicketStatus.CLOSED and rated.satisfaction == "unsatisfied"
    assert Notification.objects.filter(
        recipient=staff["samr_chief"], template="servicedesk.unsatisfied"
    ).exists()
    assert _code(lambda: replies.rate(me, ticket.pk, satisfied=True)) == "ticket_already_rated"
    assert _code(lambda: replies.reply(me, ticket.pk, body="还有问题")) == "ticket_not_open"
    assert _code(lambda: replies.reopen(p(staff["samr_reviewer"]), ticket.pk, reason="x")) == (
        "ticket_action_forbidden"
    )
    assert _code(lambda: replies.reopen(me, ticket.pk, reason="")) == "reopen_reason_required"
    with django_capture_on_commit_callbacks(execute=True):
        again = replies.reopen(me, ticket.pk, reason="窗口仍要求原件")
    assert again.status == TicketStatus.ASSIGNED and again.department == ticket.department
    assert again.reopen_count == 1 and again.satisfaction == "" and again.closed_at is None
    assert again.due_on == add_working_days(timezone.localdate(), 5)
    assert Notification.objects.filter(
        recipient=staff["samr_chief"], template="servicedesk.reopened"
    ).exists()
    assert list(again.events.values_list("action", flat=True))[-1] == EventAction.REOPENED
    assert AuditEvent.objects.filter(event="servicedesk.ticket_reopened").count() == 1


def test_reopen_window_and_limit(
    ask: Callable[..., Ticket], me: Principal, staff: dict[str, User], settings: Any
) -> None:
    settings.TONGBAN_TICKET_MAX_REOPENS = 1
    reviewer = p(staff["samr_reviewer"])
    ticket = ask(item=FOOD)
    replies.reply(reviewer, ticket.pk, body="答复")
    assert _code(lambda: replies.reopen(me, ticket.pk, reason="x")) == "ticket_not_closed"
    replies.close(reviewer, ticket.pk, note="已答复")
    later = timezone.now() + dt.timedelta(days=8)
    assert _code(lambda: replies.reopen(me, ticket.pk, reason="x", now=later)) == "ticket_reopen_expired"
    replies.reopen(me, ticket.pk, reason="没说清楚", now=timezone.now() + dt.timedelta(days=6))
    replies.reply(reviewer, ticket.pk, body="补充答复")
    replies.close(me, ticket.pk)
    assert _code(lambda: replies.reopen(me, ticket.pk, reason="x")) == "ticket_reopen_limit"
    served = ask(item=FOOD, resolved_by="")
    assert served.status == TicketStatus.ASSIGNED


def test_a_self_served_question_cannot_be_reopened(
    ask: Callable[..., Ticket], me: Principal, faqs: list[Any]
) -> None:
    ticket = ask(item=FOOD, resolved_by=f"faq:{faqs[0].pk}")
    assert _code(lambda: replies.reopen(me, ticket.pk, reason="x")) == "ticket_not_reopenable"
    assert _code(lambda: replies.rate(me, ticket.pk, satisfied=True)) == "ticket_not_answered"


def test_follow_up_on_an_answer_starts_a_new_round(
    ask: Callable[..., Ticket], me: Principal, staff: dict[str, User]
) -> None:
    ticket = ask(item=FOOD, now=timezone.now() - dt.timedelta(days=20))
    replies.reply(p(staff["samr_reviewer"]), ticket.pk, body="答复")
    replies.reply(me, ticket.pk, body="那续期要带什么？")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ASSIGNED
    assert ticket.due_on == add_working_days(timezone.localdate(), 3)


def test_who_sees_what(
    ask: Callable[..., Ticket],
    me: Principal,
    staff: dict[str, User],
    other_citizen: User,
    swj: Department,
) -> None:
    food = ask(item=FOOD)
    water = ask(kind="complaint", subject="水务", department="", item="11310000MB1000264D3001301001000")
    untriaged = ask(kind="suggestion", subject="建议")
    everyone = {food.pk, water.pk, untriaged.pk}

    def seen(user_or_principal: Any) -> set[int]:
        who = user_or_principal if isinstance(user_or_principal, Principal) else p(user_or_principal)
        return set(query.tickets_for(who).values_list("pk", flat=True))

    assert seen(me) == everyone
    assert seen(other_citizen) == set()
    assert seen(staff["samr_reviewer"]) == {food.pk}
    assert seen(staff["swj_reviewer"]) == {water.pk}
    assert seen(staff["tax_reviewer"]) == set()
    assert seen(staff["agent"]) == everyone
    assert seen(staff["supervisor"]) == everyone
    assert set(query.tickets_for(p(staff["agent"]), view="untriaged").values_list("pk", flat=True)) == {
        untriaged.pk
    }
    # Supervisors read, never act; another citizen gets 404 for someone else's ticket.
    supervisor = p(staff["supervisor"])
    assert _code(lambda: replies.reply(supervisor, food.pk, body="x")) == "ticket_action_forbidden"
    assert _code(lambda: tickets.transfer(supervisor, food.pk, department=swj.slug, reason="x")) == (
        "ticket_action_forbidden"
    )
    assert _code(lambda: replies.reply(p(other_citizen), food.pk, body="x")) == "ticket_not_found"
    assert _code(lambda: query.ticket_for(p(other_citizen), food.number)) == "ticket_not_found"
    # A requester cannot write internal notes, nor staff rate.
    assert _code(lambda: replies.reply(me, food.pk, body="x", internal=True)) == "ticket_action_forbidden"
    assert not authz.can(p(staff["samr_reviewer"]), "rate", food)


def test_overdue_tickets_escalate_once_per_deadline(
    ask: Callable[..., Ticket],
    staff: dict[str, User],
    swj: Department,
    django_capture_on_commit_callbacks: Any,
) -> None:
    past = timezone.now() - dt.timedelta(days=20)
    late = ask(kind="complaint", subject="迟迟没有答复", item=FOOD, now=past)
    orphan = ask(kind="suggestion", subject="无部门", now=past)
    on_time = ask(kind="complaint", subject="刚提交", item=FOOD)
    assert late.is_overdue() and not on_time.is_overdue()
    assert {t.pk for t in query.tickets_for(p(staff["agent"]), view="overdue")} == {late.pk, orphan.pk}
    with django_capture_on_commit_callbacks(execute=True):
        assert escalation.escalate_overdue() == 2
    assert escalation.escalate_overdue() == 0
    late.refresh_from_db()
    assert late.escalated_at is not None
    for user in (staff["samr_chief"], staff["agent"]):
        assert Notification.objects.filter(recipient=user, template="servicedesk.overdue").exists()
    assert not Notification.objects.filter(
        recipient=staff["swj_chief"], template="servicedesk.overdue"
    ).exists()
    audit = AuditEvent.objects.filter(event="servicedesk.ticket_escalated").first()
    assert audit is not None and audit.actor_label == "servicedesk" and audit.actor_id is None
    # A transfer moves the deadline and the escalation starts afresh for it.
    moved = tickets.transfer(p(staff["agent"]), late.pk, department=swj.slug, reason="转办")
    assert moved.escalated_at is None and not moved.is_overdue()
    later = timezone.now() + dt.timedelta(days=25)
    with django_capture_on_commit_callbacks(execute=True):
        assert escalation.escalate_overdue(now=later) == 2  # the transferred one, and the fresh one
    assert Notification.objects.filter(recipient=staff["swj_chief"], template="servicedesk.overdue").exists()


def test_answered_tickets_close_by_themselves(
    ask: Callable[..., Ticket], staff: dict[str, User], citizen: User, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = ask(item=FOOD)
    replies.reply(
        p(staff["samr_reviewer"]), ticket.pk, body="答复", now=timezone.now() - dt.timedelta(days=8)
    )
    fresh = ask(item=FOOD, subject="另一个")
    replies.reply(p(staff["samr_reviewer"]), fresh.pk, body="答复")
    with django_capture_on_commit_callbacks(execute=True):
        assert escalation.auto_close() == 1
    ticket.refresh_from_db()
    fresh.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED and fresh.status == TicketStatus.ANSWERED
    assert Notification.objects.filter(recipient=citizen, template="servicedesk.closed").exists()
