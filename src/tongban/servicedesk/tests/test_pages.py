"""The requester's pages and the staff workbench pages."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

import pytest

from tongban.accounts.models import User
from tongban.audits.models import AuditEvent
from tongban.items.models import FAQ
from tongban.organizations.models import Department
from tongban.servicedesk.models import KnowledgeEntry, Ticket
from tongban.servicedesk.services import replies
from tongban.servicedesk.tests.conftest import FOOD, p

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(citizen: User, staff: dict[str, User]) -> Client:
    client = Client()
    client.force_login(citizen)
    return client


FORM = {"kind": "consultation", "category": "other", "item": FOOD, "body": "想了解", "contact_by": "inbox"}


def test_faq_first_then_self_served(browser: Client, faqs: list[FAQ]) -> None:
    page = browser.get(f"/servicedesk/new/?item={FOOD}")
    assert page.status_code == 200 and FOOD in page.content.decode()
    step = browser.post("/servicedesk/new/", {**FORM, "subject": "食品经营许可证有效期多久", "key": "k1"})
    assert step.status_code == 200
    html = step.content.decode()
    assert 'data-testid="faq-answer"' in html and f'value="faq:{faqs[0].pk}"' in html
    assert Ticket.objects.count() == 0  # nothing is sent before the citizen decides
    done = browser.post(
        "/servicedesk/new/",
        {**FORM, "subject": "食品经营许可证有效期多久", "key": "k1", "resolved_by": f"faq:{faqs[0].pk}"},
    )
    ticket = Ticket.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/servicedesk/{ticket.number}/"
    assert ticket.status == "self_served"


def test_send_anyway_rate_and_reopen(
    browser: Client, faqs: list[FAQ], staff: dict[str, User], other_citizen: User
) -> None:
    sent = browser.post(
        "/servicedesk/new/", {**FORM, "subject": "食品经营许可证有效期多久", "key": "k2", "confirm": "1"}
    )
    ticket = Ticket.objects.get()
    assert sent.status_code == 302 and ticket.status == "assigned"
    reviewer = p(staff["samr_reviewer"])
    replies.reply(reviewer, ticket.pk, body="内部：请核对", internal=True)
    replies.reply(reviewer, ticket.pk, body="有效期5年。")
    detail = browser.get(f"/servicedesk/{ticket.number}/").content.decode()
    assert "有效期5年" in detail and "内部：请核对" not in detail and 'data-testid="rate-form"' in detail
    rated = browser.post(f"/servicedesk/{ticket.number}/", {"action": "rate", "satisfaction": "unsatisfied"})
    assert rated.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.satisfaction == "unsatisfied"
    assert 'data-testid="reopen-form"' in browser.get(f"/servicedesk/{ticket.number}/").content.decode()
    browser.post(f"/servicedesk/{ticket.number}/", {"action": "reopen", "reason": "没回答续期"})
    ticket.refresh_from_db()
    assert ticket.status == "assigned" and ticket.reopen_count == 1
    listing = browser.get("/servicedesk/").content.decode()
    assert ticket.number in listing
    stranger = Client()
    stranger.force_login(other_citizen)
    assert stranger.get(f"/servicedesk/{ticket.number}/").status_code == 404
    assert ticket.number not in stranger.get("/servicedesk/").content.decode()


def test_form_errors_show_on_the_form(browser: Client) -> None:
    page = browser.post("/servicedesk/new/", {**FORM, "kind": "complaint", "subject": "慢", "item": "nope"})
    assert page.status_code == 400 and "ticket_item_unknown" in page.content.decode()


def test_staff_inbox_detail_reveal_and_transfer(
    browser: Client,
    staff: dict[str, User],
    staff_browser: Callable[[User], Client],
    swj: Department,
) -> None:
    browser.post("/servicedesk/new/", {**FORM, "kind": "complaint", "subject": "窗口推诿", "key": "k3"})
    ticket = Ticket.objects.get()
    samr = staff_browser(staff["samr_reviewer"])
    inbox = samr.get("/workbench/servicedesk/").content.decode()
    assert ticket.number in inbox and 'data-testid="count-mine">1<' in inbox
    page = samr.get(f"/workbench/servicedesk/tickets/{ticket.number}/").content.decode()
    assert "138****8000" in page and "13800138000" not in page and "张*" in page
    shown = samr.post(f"/workbench/servicedesk/tickets/{ticket.number}/", {"action": "reveal"})
    assert "13800138000" in shown.content.decode()
    audit = AuditEvent.objects.get(event="servicedesk.contact_revealed")
    assert audit.subject_user_id == ticket.requester_id and "13800138000" not in str(audit.summary)
    samr.post(f"/workbench/servicedesk/tickets/{ticket.number}/", {"action": "note", "body": "先核实"})
    samr.post(
        f"/workbench/servicedesk/tickets/{ticket.number}/",
        {"action": "transfer", "department": swj.slug, "reason": "水务局职责"},
    )
    ticket.refresh_from_db()
    assert ticket.department == swj and ticket.replies.filter(internal=True).count() == 1
    after = samr.get(f"/workbench/servicedesk/tickets/{ticket.number}/").content.decode()
    assert 'data-testid="read-only"' in after and 'data-testid="transfer-form"' not in after
    refused = samr.post(f"/workbench/servicedesk/tickets/{ticket.number}/", {"action": "reveal"})
    assert refused.status_code == 403
    water = staff_browser(staff["swj_reviewer"])
    water.post(f"/workbench/servicedesk/tickets/{ticket.number}/", {"action": "reply", "body": "已督促改正"})
    water.post(f"/workbench/servicedesk/tickets/{ticket.number}/", {"action": "close", "note": ""})
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    tax = staff_browser(staff["tax_reviewer"])
    assert tax.get(f"/workbench/servicedesk/tickets/{ticket.number}/").status_code == 404
    assert staff_browser(staff["agent"]).get("/servicedesk/").status_code == 403


def test_agent_logs_a_call_answered_on_the_spot_and_publishes_an_faq(
    staff: dict[str, User], staff_browser: Callable[[User], Client]
) -> None:
    agent = staff_browser(staff["agent"])
    assert agent.get("/workbench/servicedesk/call/").status_code == 200
    logged = agent.post(
        "/workbench/servicedesk/call/",
        {
            "channel": "phone",
            "kind": "consultation",
            "category": "procedure",
            "item": FOOD,
            "subject": "许可证遗失怎么补办",
            "body": "来电咨询",
            "contact_name": "赵先生",
            "contact_phone": "13912345678",
            "contact_by": "phone",
            "answer": "在一网通办申请补办即可。",
            "key": "call-1",
        },
    )
    ticket = Ticket.objects.get()
    assert logged.status_code == 302 and ticket.channel == "phone" and ticket.status == "closed"
    assert ticket.replies.get().body == "在一网通办申请补办即可。"
    agent.post(f"/workbench/servicedesk/tickets/{ticket.number}/", {"action": "promote", "publish": ""})
    entry = KnowledgeEntry.objects.get()
    assert not entry.published and entry.question == "许可证遗失怎么补办"
    agent.post("/workbench/servicedesk/knowledge/", {"action": "publish", "entry": str(entry.pk)})
    entry.refresh_from_db()
    assert entry.published
    page = agent.get("/workbench/servicedesk/knowledge/").content.decode()
    assert "许可证遗失怎么补办" in page
    reviewer = staff_browser(staff["samr_reviewer"])
    assert reviewer.get("/workbench/servicedesk/call/").status_code == 403


def test_untriaged_tickets_are_routed_from_the_inbox(
    browser: Client, staff: dict[str, User], staff_browser: Callable[[User], Client], swj: Department
) -> None:
    browser.post(
        "/servicedesk/new/", {**FORM, "kind": "suggestion", "item": "", "subject": "建议", "key": "k4"}
    )
    ticket = Ticket.objects.get()
    agent = staff_browser(staff["agent"])
    inbox = agent.get("/workbench/servicedesk/").content.decode()
    assert ticket.number in inbox and 'data-testid="count-untriaged">1<' in inbox
    page = agent.get(f"/workbench/servicedesk/tickets/{ticket.number}/").content.decode()
    assert 'data-testid="route-form"' in page
    agent.post(
        f"/workbench/servicedesk/tickets/{ticket.number}/", {"action": "route", "department": swj.slug}
    )
    ticket.refresh_from_db()
    assert ticket.department == swj and ticket.status == "assigned"
