"""Submitting, FAQ-first answers, routing and transfers (services)."""

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
from tongban.cases.models import Case
from tongban.cases.tests.conftest import World
from tongban.items.models import FAQ
from tongban.notifications.models import Notification
from tongban.organizations.models import Department
from tongban.servicedesk.constants import EventAction, TicketStatus
from tongban.servicedesk.models import KnowledgeEntry, Ticket
from tongban.servicedesk.services import knowledge, tickets
from tongban.servicedesk.services.tickets import TicketInput
from tongban.servicedesk.tests.conftest import DRAINAGE, FOOD, p
from tongban.utils import authz
from tongban.utils.errors import DomainError

pytestmark = pytest.mark.django_db


def _templates(user: User) -> set[str]:
    return set(Notification.objects.filter(recipient=user).values_list("template", flat=True))


def test_consultation_is_routed_to_the_items_department_with_a_deadline(
    ask: Callable[..., Ticket],
    staff: dict[str, User],
    citizen: User,
    department: Department,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ask(item=FOOD)
    today = timezone.localdate()
    assert ticket.status == TicketStatus.ASSIGNED
    assert ticket.department == department and ticket.item_name == "食品经营许可"
    assert ticket.due_on == add_working_days(today, 3)
    assert ticket.number.startswith(f"ZX{today:%Y%m%d}-") and ticket.number.endswith("00001")
    assert ticket.contact_name == "张三" and ticket.contact_phone == "13800138000"
    assert list(ticket.events.values_list("action", flat=True)) == ["created", "routed"]
    created = AuditEvent.objects.get(event="servicedesk.ticket_created")
    assert created.summary["item"] == FOOD and "13800138000" not in str(created.summary)
    assert "servicedesk.received" in _templates(citizen)
    assert "servicedesk.assigned" in _templates(staff["samr_chief"])
    assert "servicedesk.assigned" not in _templates(staff["swj_chief"])
    second = ask(kind="complaint", subject="窗口态度差", item=FOOD)
    assert second.number.startswith("TS") and second.due_on == add_working_days(today, 5)


def test_without_a_department_the_service_desk_routes_it(
    ask: Callable[..., Ticket],
    staff: dict[str, User],
    swj: Department,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ask(kind="suggestion", subject="建议延长周六办事时间")
    assert ticket.status == TicketStatus.NEW and ticket.department is None
    assert "servicedesk.untriaged" in _templates(staff["agent"])
    due = ticket.due_on
    with pytest.raises(DomainError) as exc:
        tickets.route(p(staff["samr_reviewer"]), ticket.pk, department=swj.slug)
    assert exc.value.code == "ticket_not_found"  # staff of another department do not even see it
    with pytest.raises(DomainError) as exc:
        tickets.route(p(staff["supervisor"]), ticket.pk, department=swj.slug)
    assert exc.value.code == "ticket_action_forbidden"
    with django_capture_on_commit_callbacks(execute=True):
        routed = tickets.route(p(staff["agent"]), ticket.pk, department=swj.slug)
    assert routed.status == TicketStatus.ASSIGNED and routed.department == swj and routed.due_on == due
    assert "servicedesk.assigned" in _templates(staff["swj_chief"])
    with pytest.raises(DomainError) as exc:
        tickets.route(p(staff["agent"]), ticket.pk, department=swj.slug)
    assert exc.value.code == "ticket_already_routed"


def test_a_complaint_about_a_case_goes_to_the_department_of_its_item(
    ask: Callable[..., Ticket],
    applicant: Principal,
    me: Principal,
    submitted: Case,
    swj: Department,
    other_citizen: User,
) -> None:
    ticket = ask(
        applicant, kind="complaint", subject="排水许可审核太慢", case_no=submitted.case_no, item=DRAINAGE
    )
    assert ticket.case == submitted and ticket.department == swj
    assert ticket.acting_for == applicant.acting_for
    by_case = ask(applicant, kind="complaint", subject="整体太慢", case_no=submitted.case_no)
    assert by_case.department == submitted.lead_department
    for who in (me, p(other_citizen)):  # not acting for the enterprise: not their case
        with pytest.raises(DomainError) as exc:
            ask(who, kind="complaint", subject="x", case_no=submitted.case_no)
        assert exc.value.code == "ticket_case_unknown" and exc.value.field == "case_no"


def test_input_rules(ask: Callable[..., Ticket], swj: Department) -> None:
    cases = [
        ({"kind": "gossip"}, "ticket_kind_invalid"),
        ({"subject": "  "}, "subject_required"),
        ({"body": ""}, "body_required"),
        ({"item": "nope"}, "ticket_item_unknown"),
        ({"department": swj.slug}, "ticket_department_staff_only"),
        ({"contact_phone": "12345"}, "contact_phone_invalid"),
        ({"category": "weather"}, "ticket_category_invalid"),
        ({"resolved_by": "faq:x"}, "resolved_by_invalid"),
    ]
    for fields, code in cases:
        with pytest.raises(DomainError) as exc:
            ask(**fields)
        assert exc.value.code == code, fields


def test_idempotency_key(ask: Callable[..., Ticket]) -> None:
    first = ask(key="k-1")
    again = ask(key="k-1")
    assert again.pk == first.pk and Ticket.objects.count() == 1
    with pytest.raises(DomainError) as exc:
        ask(key="k-1", subject="另一个问题")
    assert exc.value.code == "idempotency_key_reused"


# --- FAQ first ------------------------------------------------------------------------------------------
def test_faq_answers_come_first_and_a_self_served_question_goes_nowhere(
    ask: Callable[..., Ticket],
    faqs: list[FAQ],
    staff: dict[str, User],
    citizen: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    found = knowledge.suggest("请问食品经营许可证的有效期", item=FOOD)
    assert found[0].ref == f"faq:{faqs[0].pk}"
    assert knowledge.suggest("营业执照怎么打印", item=FOOD) == []
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ask(item=FOOD, resolved_by=found[0].ref)
    assert ticket.status == TicketStatus.SELF_SERVED and ticket.due_on is None and ticket.routed_at is None
    assert list(ticket.events.values_list("action", flat=True)) == [EventAction.SELF_SERVED]
    assert Notification.objects.count() == 0  # nobody is asked to answer, nobody is told
    with pytest.raises(DomainError) as exc:
        ask(kind="complaint", subject="态度差", item=FOOD, resolved_by=found[0].ref)
    assert exc.value.code == "resolved_by_consultation_only"
    with pytest.raises(DomainError) as exc:
        ask(item=FOOD, resolved_by="kb:999")
    assert exc.value.code == "resolved_by_invalid"


def test_an_answer_promoted_to_the_faq_answers_the_next_citizen(
    ask: Callable[..., Ticket], staff: dict[str, User], faqs: list[FAQ]
) -> None:
    from tongban.servicedesk.services import replies

    ticket = ask(item=FOOD, subject="食品经营许可可以网上延续吗？")
    reviewer = p(staff["samr_reviewer"])
    with pytest.raises(DomainError) as exc:
        knowledge.promote(reviewer, ticket.pk)
    assert exc.value.code == "reply_required"
    replies.reply(reviewer, ticket.pk, body="可以，在一网通办提交延续申请即可，无需到窗口。")
    with pytest.raises(DomainError) as exc:
        knowledge.promote(p(staff["swj_reviewer"]), ticket.pk)
    assert exc.value.code == "ticket_not_found"
    entry = knowledge.promote(reviewer, ticket.pk)
    assert entry.published and entry.item_code == FOOD and entry.source_ticket == ticket
    assert entry.answer.startswith("可以，在一网通办")
    found = knowledge.suggest("网上延续食品经营许可", item=FOOD)
    assert found[0].ref == f"kb:{entry.pk}"
    assert [a.ref for a in knowledge.item_faq(FOOD)][-1] == f"kb:{entry.pk}"
    ask(item=FOOD, resolved_by=f"kb:{entry.pk}")
    entry.refresh_from_db()
    assert entry.self_served_count == 1
    knowledge.set_published(p(staff["agent"]), entry.pk, published=False)
    assert f"kb:{entry.pk}" not in [a.ref for a in knowledge.item_faq(FOOD)]
    complaint = ask(kind="complaint", subject="太慢", item=FOOD)
    replies.reply(reviewer, complaint.pk, body="已改进")
    with pytest.raises(DomainError) as exc:
        knowledge.promote(reviewer, complaint.pk)
    assert exc.value.code == "ticket_not_consultation"


# --- transfer ------------------------------------------------------------------------------------------
def test_transfer_keeps_the_clock_with_an_extension_and_hands_over_the_ticket(
    ask: Callable[..., Ticket],
    staff: dict[str, User],
    swj: Department,
    department: Department,
    citizen: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from tongban.servicedesk.services import replies

    ticket = ask(kind="complaint", subject="排水许可问题", item=FOOD)
    samr, water = p(staff["samr_reviewer"]), p(staff["swj_reviewer"])
    assert not authz.can_see(water, ticket)
    with pytest.raises(DomainError) as exc:
        tickets.transfer(samr, ticket.pk, department=department.slug, reason="本部门")
    assert exc.value.code == "transfer_same_department"
    with pytest.raises(DomainError) as exc:
        tickets.transfer(samr, ticket.pk, department=swj.slug, reason=" ")
    assert exc.value.code == "transfer_reason_required"
    due = ticket.due_on
    assert due is not None
    with django_capture_on_commit_callbacks(execute=True):
        moved = tickets.transfer(samr, ticket.pk, department=swj.slug, reason="属于排水管理，转水务局")
    assert moved.department == swj and moved.status == TicketStatus.ASSIGNED
    assert moved.due_on == add_working_days(due, 2)
    transfer = moved.events.get(action=EventAction.TRANSFERRED)
    assert transfer.from_department == department and transfer.to_department == swj
    assert "servicedesk.transferred" in _templates(citizen)
    assert "servicedesk.assigned" in _templates(staff["swj_chief"])
    # The old department keeps a read-only view; the new one works on it.
    assert authz.can_see(samr, moved) and authz.can_see(water, moved)
    with pytest.raises(DomainError) as exc:
        replies.reply(samr, ticket.pk, body="我们来回答")
    assert exc.value.code == "ticket_action_forbidden"
    replies.reply(water, ticket.pk, body="已核实，将于下周处理。")
    audit = AuditEvent.objects.get(event="servicedesk.ticket_transferred")
    assert (
        audit.summary["from_department_slug"] == department.slug and audit.summary["department"] == swj.slug
    )


def test_a_transfer_after_the_deadline_counts_from_today(
    ask: Callable[..., Ticket], staff: dict[str, User], swj: Department
) -> None:
    long_ago = timezone.now() - dt.timedelta(days=30)
    ticket = ask(kind="complaint", subject="旧问题", item=FOOD, now=long_ago)
    moved = tickets.transfer(p(staff["agent"]), ticket.pk, department=swj.slug, reason="转办")
    assert moved.due_on == add_working_days(timezone.localdate(), 2)


def test_a_logged_phone_call(staff: dict[str, User], swj: Department) -> None:
    agent = p(staff["agent"])
    data = TicketInput(
        kind="complaint",
        subject="来电反映排水许可窗口推诿",
        body="来电人称窗口要求重复提交材料。",
        department=swj.slug,
        contact_name="王先生",
        contact_phone="13900001111",
        contact_by="phone",
    )
    ticket, created = tickets.submit(agent, data, idempotency_key="call-1")
    assert created and ticket.channel == "phone" and ticket.requester is None
    assert ticket.department == swj and ticket.contact_phone == "13900001111"
    with pytest.raises(DomainError) as exc:
        tickets.submit(agent, TicketInput(kind="complaint", subject="x", body="y", contact_by="phone"))
    assert exc.value.code == "contact_phone_required"
    with pytest.raises(DomainError) as exc:
        tickets.submit(p(staff["samr_reviewer"]), data)
    assert exc.value.code == "ticket_logging_forbidden"


def test_catalogue_sanity(catalogue: World) -> None:
    assert catalogue.item_food.code == FOOD and KnowledgeEntry.objects.count() == 0
