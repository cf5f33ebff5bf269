"""From a 不满意 rating to its visible outcome, in a real browser: the citizen rates a closed case, the
department's handler calls back, classifies and answers, the citizen confirms, and the public board
shows the rectification."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.cases.tests.test_restaurant_browser import act_for_enterprise, sign_in, sign_out
from tongban.organizations.models import Department

# The portal's Playwright fixtures (Debian chromium, zh-CN context).
from tongban.portal.tests.conftest import (  # noqa: F401
    CHROMIUM,
    SKIP_REASON,
    browser_context_args,
    browser_type_launch_args,
)
from tongban.ratings.models import Rectification
from tongban.ratings.services import board

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason=SKIP_REASON),
]


def test_bad_rating_to_visible_rectification(
    page: Page,
    live_server: Any,
    closed: Case,
    people: dict[str, User],
    department: Department,
    staff_totp: Callable[[User], Callable[[], str]],
    screenshots: Path,
    console_errors: list[str],
) -> None:
    base = live_server.url
    otp = staff_totp(people["samr_reviewer"])

    # 1. The applicant rates the closed case 不满意, anonymously toward the department.
    sign_in(page, base, "citizen")
    act_for_enterprise(page, base)
    page.goto(f"{base}/ratings/cases/{closed.case_no}/")
    expect(page.get_by_test_id("rate-case-no")).to_have_text(closed.case_no or "")
    page.get_by_test_id("level-dissatisfied").check()
    page.get_by_test_id("tag-efficiency").check()
    page.get_by_test_id("rate-comment").fill("审批等待时间太长，电话无人接听。")
    page.get_by_test_id("rate-anonymous").check()
    page.screenshot(path=str(screenshots / "ratings-rate-zh.png"), full_page=True)
    page.get_by_test_id("rate-submit").click()
    expect(page.get_by_test_id("my-rating")).to_have_attribute("data-level", "dissatisfied")
    expect(page.get_by_test_id("rectification")).to_have_attribute("data-status", "open")
    sign_out(page)

    # 2. The department's handler: take it on, call back, classify, answer.
    sign_in(page, base, "samr_reviewer", otp)
    page.goto(f"{base}/workbench/ratings/")
    page.get_by_test_id("rect-inbox").get_by_role("link").first.click()
    expect(page.get_by_test_id("rect-case")).not_to_contain_text(closed.case_no or "")  # anonymous
    page.get_by_test_id("claim-submit").click()
    page.get_by_test_id("callback-reached").check()
    page.get_by_test_id("callback-notes").fill("已通过平台回访，情况属实。")
    page.get_by_test_id("callback-submit").click()
    expect(page.get_by_test_id("rect-status")).to_have_attribute("data-status", "verified")
    page.get_by_test_id("classify-value").select_option("immediate")
    page.get_by_test_id("classify-submit").click()
    expect(page.get_by_test_id("rect-status")).to_have_attribute("data-status", "rectifying")
    page.get_by_test_id("respond-text").fill("已安排专人接听电话，审批时限缩短至3个工作日。")
    page.get_by_test_id("respond-submit").click()
    expect(page.get_by_test_id("rect-status")).to_have_attribute("data-status", "responded")
    page.screenshot(path=str(screenshots / "ratings-rectification-zh.png"), full_page=True)
    sign_out(page)

    # 3. The applicant reads the answer and confirms.
    sign_in(page, base, "citizen")
    act_for_enterprise(page, base)
    page.goto(f"{base}/ratings/cases/{closed.case_no}/")
    expect(page.get_by_test_id("rect-response")).to_contain_text("审批时限缩短至3个工作日")
    page.get_by_test_id("confirm-submit").click()
    expect(page.get_by_test_id("rectification")).to_have_attribute("data-status", "closed")
    assert Rectification.objects.get().outcome == "confirmed"

    # 4. The board (rebuilt by its task every 10 minutes) shows the rectification, without names.
    board.recompute()
    page.goto(f"{base}/ratings/")
    row = page.get_by_test_id("board-department").locator(f"tr[data-key='{department.slug}']")
    expect(row.get_by_test_id("rectification-rate")).to_have_text("100.0%")
    expect(row.get_by_test_id("on-time-rate")).to_have_text("100.0%")
    expect(page.locator("main")).not_to_contain_text(closed.case_no or "")
    page.screenshot(path=str(screenshots / "ratings-board-zh.png"), full_page=True)
    assert console_errors == [], console_errors
