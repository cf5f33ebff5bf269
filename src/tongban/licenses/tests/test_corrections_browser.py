"""Licence error reports in a real browser (Playwright + Debian chromium, the portal's configuration):
the holder's report form and the department's queue and decision. No CSP violations, no console errors.

Screenshots land in ``var/screenshots/`` (git-ignored) for a human look at the layout.
"""

# ruff: noqa: F811  (fixtures imported from other modules are redefined as test arguments)

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tongban.accounts.models import User
from tongban.licenses.models import License
from tongban.licenses.tests.correction_fixtures import ADDRESS, gaj_reviewer  # noqa: F401 (fixtures)

# The portal's Playwright fixtures (Debian chromium, zh-CN context).
from tongban.portal.tests.conftest import (  # noqa: F401
    CHROMIUM,
    SKIP_REASON,
    browser_context_args,
    browser_type_launch_args,
)
from tongban.portal.tests.test_browser import sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM, reason=SKIP_REASON),
]


def test_report_then_decide(
    page: Page,
    live_server: Any,
    citizen: User,
    id_card: License,
    gaj_reviewer: User,
    staff_totp: Callable[[User], Any],
    screenshots: Path,
    console_errors: list[str],
) -> None:
    sign_in(page, live_server.url, "citizen")
    page.goto(f"{live_server.url}/licenses/wallet/{id_card.pk}/correct/")
    page.screenshot(path=str(screenshots / "correction-form-zh.png"), full_page=True)
    page.locator("#id_value__address").fill(ADDRESS)
    page.locator("#id_note__address").fill("已迁居")
    page.locator("#id_evidence_note").fill("户口簿首页")
    page.get_by_test_id("correction-submit").click()
    expect(page.get_by_test_id("correction-timeline")).to_be_visible()
    expect(page.get_by_test_id("correction-items")).to_contain_text(ADDRESS)
    page.screenshot(path=str(screenshots / "correction-detail-zh.png"), full_page=True)
    page.get_by_test_id("nav-logout").click()

    code = staff_totp(gaj_reviewer)
    sign_in(page, live_server.url, "gaj-reviewer")
    page.get_by_label("身份验证器中的6位动态码").fill(code())
    page.get_by_test_id("otp-submit").click()
    expect(page.get_by_test_id("licence-work")).to_be_visible()
    page.get_by_test_id("licence-work").get_by_role("link").first.click()
    expect(page.get_by_test_id("correction-queue")).to_be_visible()
    page.screenshot(path=str(screenshots / "correction-queue-zh.png"), full_page=True)
    page.get_by_test_id("correction-queue").get_by_role("link").first.click()
    page.get_by_test_id("accept-form").get_by_role("button").click()
    expect(page.get_by_test_id("correct-form")).to_be_visible()
    page.screenshot(path=str(screenshots / "correction-decide-zh.png"), full_page=True)
    page.get_by_test_id("correct-submit").click()
    expect(page.get_by_test_id("new-version")).to_be_visible()
    page.goto(f"{live_server.url}/licenses/workbench/license-stats/")
    page.screenshot(path=str(screenshots / "correction-stats-zh.png"), full_page=True)
    assert console_errors == []
