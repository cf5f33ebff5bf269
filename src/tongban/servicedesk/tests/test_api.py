"""The tickets and FAQ API end to end, and who may see and do what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

import pytest

from tongban.accounts.models import User
from tongban.items.models import FAQ
from tongban.organizations.models import Department
from tongban.servicedesk.models import Ticket
from tongban.servicedesk.tests.conftest import FOOD

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def holder(citizen: User, staff: dict[str, User]) -> Client:
    client = Client()
    client.force_login(citizen)
    return client


def _post(client: Client, path: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(f"/api/v1{path}", body, content_type=JSON, headers=headers)


def test_ask_follow_and_answer(
    holder: Client, staff: dict[str, User], staff_browser: Callable[[User], Client], other_citizen: User
) -> None:
    ask = {"kind": "consultation", "subject": "食品经营许可能否网上办理？", "body": "详情", "item": FOOD}
    first = _post(holder, "/tickets", ask, **{"Idempotency-Key": "api-1"})
    assert first.status_code == 201, first.content
    body = first.json()
    number = body["number"]
    assert body["status"] == "assigned" and body["department"] == "samr-test" and body["due_on"]
    assert body["contact"]["phone"] == "13800138000"  # the requester's own number, unmasked for them
    again = _post(holder, "/tickets", ask, **{"Idempotency-Key": "api-1"})
    assert again.status_code == 200 and again.json()["number"] == number
    assert Ticket.objects.count() == 1

    reviewer = staff_browser(staff["samr_reviewer"])
    seen = reviewer.get(f"/api/v1/tickets/{number}").json()
    assert seen["contact"]["phone"] == "138****8000"
    note = _post(reviewer, f"/tickets/{number}/replies", {"body": "先查一下系统", "internal": True})
    assert note.status_code == 201 and note.json()["internal"] is True
    answer = _post(reviewer, f"/tickets/{number}/replies", {"body": "可以，全程网办。"})
    assert answer.status_code == 201

    mine = holder.get(f"/api/v1/tickets/{number}").json()
    assert mine["status"] == "answered"
    assert [r["body"] for r in mine["replies"]] == ["可以，全程网办。"]
    assert mine["replies"][0]["author"] == "上海市市场监督管理局"
    assert holder.get("/api/v1/tickets").json()[0]["number"] == number

    rated = _post(holder, f"/tickets/{number}/rate", {"satisfied": True})
    assert rated.status_code == 200 and rated.json()["status"] == "closed"
    twice = _post(holder, f"/tickets/{number}/rate", {"satisfied": False})
    assert twice.status_code == 409 and twice.json()["code"] == "ticket_already_rated"
    reopened = _post(holder, f"/tickets/{number}/reopen", {"reason": "还想问费用"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "assigned"

    stranger = Client()
    stranger.force_login(other_citizen)
    assert stranger.get(f"/api/v1/tickets/{number}").status_code == 404
    refused = _post(stranger, f"/tickets/{number}/replies", {"body": "x"})
    assert refused.status_code == 404 and refused.json()["code"] == "ticket_not_found"
    assert Client().get(f"/api/v1/tickets/{number}").status_code == 401


def test_departments_see_only_their_own(
    holder: Client, staff: dict[str, User], staff_browser: Callable[[User], Client], swj: Department
) -> None:
    food = _post(
        holder, "/tickets", {"kind": "complaint", "subject": "慢", "body": "太慢", "item": FOOD}
    ).json()
    loose = _post(holder, "/tickets", {"kind": "suggestion", "subject": "建议", "body": "多开窗口"}).json()
    water = staff_browser(staff["swj_reviewer"])
    assert water.get("/api/v1/tickets").json() == []
    assert water.get(f"/api/v1/tickets/{food['number']}").status_code == 404
    agent = staff_browser(staff["agent"])
    assert {t["number"] for t in agent.get("/api/v1/tickets?view=untriaged").json()} == {loose["number"]}
    routed = _post(agent, f"/tickets/{loose['number']}/route", {"department": swj.slug})
    assert routed.status_code == 200 and routed.json()["department"] == swj.slug
    assert [t["number"] for t in water.get("/api/v1/tickets").json()] == [loose["number"]]
    samr = staff_browser(staff["samr_reviewer"])
    same = _post(samr, f"/tickets/{food['number']}/transfer", {"department": "samr-test", "reason": "x"})
    assert same.status_code == 400 and same.json()["code"] == "transfer_same_department"
    moved = _post(samr, f"/tickets/{food['number']}/transfer", {"department": swj.slug, "reason": "职责"})
    assert moved.status_code == 200 and moved.json()["department"] == swj.slug
    late = _post(samr, f"/tickets/{food['number']}/replies", {"body": "我们答复"})
    assert late.status_code == 403 and late.json()["code"] == "ticket_action_forbidden"
    not_agent = _post(samr, f"/tickets/{food['number']}/route", {"department": swj.slug})
    assert not_agent.status_code == 403
    supervisor = staff_browser(staff["supervisor"])
    assert len(supervisor.get("/api/v1/tickets").json()) == 2
    assert _post(supervisor, f"/tickets/{food['number']}/close", {}).status_code == 403


def test_public_faq(faqs: list[FAQ], holder: Client, staff: dict[str, User], staff_browser: Any) -> None:
    anonymous = Client()
    whole = anonymous.get(f"/api/v1/faq?item={FOOD}")
    assert whole.status_code == 200
    assert [a["ref"] for a in whole.json()] == [f"faq:{f.pk}" for f in faqs]
    matched = anonymous.get(f"/api/v1/faq?item={FOOD}&q=需要现场核查吗").json()
    assert matched[0]["ref"] == f"faq:{faqs[1].pk}"
    served = _post(
        holder,
        "/tickets",
        {
            "kind": "consultation",
            "subject": "有效期",
            "body": "多久",
            "item": FOOD,
            "resolved_by": f"faq:{faqs[0].pk}",
        },
    )
    assert served.status_code == 201 and served.json()["status"] == "self_served"
    # An answer promoted by the department joins the item's FAQ.
    number = _post(
        holder, "/tickets", {"kind": "consultation", "subject": "可以邮寄许可证吗", "body": "?", "item": FOOD}
    ).json()["number"]
    reviewer = staff_browser(staff["samr_reviewer"])
    _post(reviewer, f"/tickets/{number}/replies", {"body": "可以选择邮寄送达。"})
    promoted = _post(reviewer, f"/tickets/{number}/promote", {})
    assert promoted.status_code == 201 and promoted.json()["published"] is True
    refs = [a["ref"] for a in anonymous.get(f"/api/v1/faq?item={FOOD}").json()]
    assert refs[-1] == f"kb:{promoted.json()['id']}"
    assert anonymous.get("/api/v1/faq?item=unknown").json() == []


def test_validation_errors_are_coded(holder: Client) -> None:
    bad = _post(holder, "/tickets", {"kind": "complaint", "subject": "x", "body": "y", "item": "nope"})
    assert (
        bad.status_code == 400
        and bad.json()["code"] == "ticket_item_unknown"
        and bad.json()["field"] == "item"
    )
    wrong = _post(holder, "/tickets", {"kind": "rumour", "subject": "x", "body": "y"})
    assert wrong.status_code == 422


def test_tokens_need_the_ticket_scopes(citizen: User, ask: Callable[..., Ticket]) -> None:
    from tongban.accounts.services import issue_token

    ticket = ask()
    _row, cases_only = issue_token(user=citizen, name="cases", scopes=["cases:read", "cases:write"])
    _row, reader = issue_token(user=citizen, name="reader", scopes=["tickets:read"])
    _row, writer = issue_token(user=citizen, name="writer", scopes=["tickets:read", "tickets:write"])
    anonymous = Client()

    def get(token: str) -> Any:
        return anonymous.get(f"/api/v1/tickets/{ticket.number}", headers={"Authorization": f"Bearer {token}"})

    def reply(token: str) -> Any:
        return anonymous.post(
            f"/api/v1/tickets/{ticket.number}/replies",
            {"body": "补充说明：许可证编号见附件。"},
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    assert get(cases_only).status_code == 403  # the case scopes do not open the service desk
    assert get(reader).status_code == 200
    assert reply(reader).status_code == 403
    assert reply(writer).status_code == 201
