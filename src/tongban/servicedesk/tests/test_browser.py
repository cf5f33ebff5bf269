"""The service desk in a real browser: a citizen asks about a service from its guide, sees the FAQ answers
first, sends the question anyway, the department answers in the workbench, and the citizen rates the reply."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils import timezone

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tongban.accounts.models import User
from tongban.cases.tests.test_restaurant_browser import sign_in, sign_out
from tongban.items.models import FAQ
from tongban.portal.tests.conftest import (  # noqa: F401
    CHROMIUM,
    SKIP_REASON,
    browser_context_args,
    browser_type_launch_args,
)
from tongban.servicedesk.models import Ticket
from tongban.servicedesk.tests.conftest import FOOD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason=SKIP_REASON),
]


def test_ask_see_the_faq_first_get_an_answer_and_rate_it(
    page: Page,
    live_server: Any,
    citizen: User,
    staff: dict[str, User],
    faqs: list[FAQ],
    staff_totp: Callable[[User], Callable[[], str]],
    screenshots: Path,
    console_errors: list[str],
) -> None:
    base = live_server.url
    sign_in(page, base, "citizen")

    # 1. From the service guide: "ask about this service" carries the item along.
    page.goto(f"{base}/services/{FOOD}/")
    page.get_by_test_id("ask-link").click()
    expect(page.get_by_test_id("ticket-item")).to_have_value(FOOD)
    page.get_by_test_id("ticket-kind").select_option("consultation")
    # While typing, the FAQ answers of the service are suggested (script, no page load). The deferred
    # script must have run before the first keystroke, as it has for anyone who reads the form first.
    page.wait_for_load_state("load")
    with page.expect_response(lambda r: "/api/v1/faq" in r.url and r.ok) as suggested:
        page.get_by_test_id("ticket-subject").type("食品经营许可证有效期")
    assert "有效期为5年" in suggested.value.text()
    expect(page.locator("[data-faq-list]")).to_contain_text("有效期为5年")
    page.get_by_test_id("ticket-body").fill("我的许可证明年到期，想知道到期前多久要申请延续。")
    page.screenshot(path=str(screenshots / "servicedesk-ask-zh.png"), full_page=True)
    page.get_by_test_id("ticket-submit").click()

    # 2. The FAQ first; the citizen still wants the department to answer.
    expect(page.get_by_test_id("faq-answer").first).to_contain_text("食品经营许可证有效期是多久")
    page.get_by_test_id("faq-send").click()
    number = page.get_by_test_id("ticket-number").inner_text().strip()
    ticket = Ticket.objects.get(number=number)
    assert ticket.department is not None and ticket.department.slug == "samr-test"
    assert ticket.due_on is not None
    sign_out(page)

    # 3. 市场监管局 answers in the workbench.
    sign_in(page, base, "samr_reviewer", staff_totp(staff["samr_reviewer"]))
    page.goto(f"{base}/workbench/servicedesk/")
    page.get_by_role("link", name=number).click()
    page.locator("#a-body").fill("许可证有效期届满需要延续的，应当在届满前30个工作日提出申请。")
    page.get_by_test_id("send-answer").click()
    expect(page.locator("main")).to_contain_text("届满前30个工作日")
    page.screenshot(path=str(screenshots / "servicedesk-answer-zh.png"), full_page=True)
    sign_out(page)

    # 4. The citizen reads the answer and rates it (a TOTP-free sign-in: the citizen has no second factor).
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=35), tick=True):
        sign_in(page, base, "citizen")
        page.goto(f"{base}/servicedesk/{number}/")
        expect(page.locator("main")).to_contain_text("届满前30个工作日")
        page.locator("input[name=satisfaction][value=satisfied]").check()
        page.get_by_test_id("rate-submit").click()
        expect(page.get_by_test_id("rate-form")).to_have_count(0)
        page.screenshot(path=str(screenshots / "servicedesk-rated-zh.png"), full_page=True)
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.satisfaction == "satisfied"
    assert console_errors == [], console_errors
