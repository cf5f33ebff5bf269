"""Real-browser tests: Playwright (sync API) driving Debian's chromium against pytest-django's live server.

Screenshots land in ``var/screenshots/`` (git-ignored) for a human look at the layout.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tongban.accounts.models import User
from tongban.conftest import CITIZEN_ID_NUMBER, PERSONA_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY_FONT_SIZE = "parseFloat(getComputedStyle(document.body).fontSize)"


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PERSONA_PASSWORD)
    page.get_by_test_id("login-submit").click()


def test_portal_home_in_chinese(
    page: Page, live_server, department, screenshots: Path, console_errors: list[str]
) -> None:
    page.goto(live_server.url)
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page).to_have_title(re.compile("首页"))
    expect(page.get_by_role("link", name="上海市一网通办")).to_be_visible()
    expect(page.get_by_test_id("nav-login")).to_have_text("登录")
    expect(page.get_by_test_id("department-list")).to_contain_text(department.name)
    expect(page.get_by_role("link", name="首页", exact=True)).to_have_attribute("aria-current", "page")
    page.screenshot(path=str(screenshots / "portal-home-zh.png"), full_page=True)

    # 360 px phone: nothing sticks out sideways, the navigation wraps instead.
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshots / "portal-home-phone.png"), full_page=True)
    assert console_errors == [], console_errors  # e.g. a CSP violation from an inline style or script


def test_citizen_signs_in_and_sees_masked_id_number(
    page: Page, live_server, citizen: User, screenshots: Path
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.screenshot(path=str(screenshots / "login-zh.png"), full_page=True)
    sign_in(page, live_server.url, "citizen")
    expect(page).to_have_url(f"{live_server.url}/")
    page.get_by_test_id("nav-me").click()
    expect(page).to_have_url(f"{live_server.url}/me/")
    expect(page.get_by_role("heading", level=1)).to_have_text("个人中心")

    masked = page.get_by_test_id("id-masked")
    expect(masked).to_have_text(CITIZEN_ID_NUMBER[:4] + "*" * 10 + CITIZEN_ID_NUMBER[-4:])
    full = page.get_by_test_id("id-full")
    expect(full).to_be_hidden()
    page.get_by_text("显示完整号码").click()
    expect(full).to_be_visible()
    expect(full).to_have_text(CITIZEN_ID_NUMBER)
    page.screenshot(path=str(screenshots / "me-zh.png"), full_page=True)

    # API tokens: the new token gets a copy button (added by tongban.js, so only when scripts run).
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("link", name="API访问令牌").click()
    page.get_by_label("令牌名称").fill("报表脚本")
    page.get_by_label("profile:read", exact=False).check()
    page.get_by_role("button", name="创建", exact=True).click()
    token = page.get_by_test_id("new-token").inner_text()
    assert token.startswith("tbp_")
    page.get_by_role("button", name="复制").click()
    expect(page.locator(".copy-status")).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == token


def test_language_switch_to_english_and_back(page: Page, live_server) -> None:
    page.goto(live_server.url)
    html, login_link, switch = (
        page.locator("html"),
        page.get_by_test_id("nav-login"),
        page.get_by_test_id("lang-switch"),
    )
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(login_link).to_have_text("登录")

    switch.click()
    expect(html).to_have_attribute("lang", "en")
    expect(login_link).to_have_text("Sign in")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_attached()
    expect(switch).to_have_text("简体中文")

    switch.click()
    expect(html).to_have_attribute("lang", "zh-CN")
    expect(login_link).to_have_text("登录")


def test_large_text_mode_grows_the_font_and_back(
    page: Page, live_server, department, screenshots: Path
) -> None:
    page.goto(live_server.url)
    html, toggle = page.locator("html"), page.get_by_test_id("large-text-toggle")
    standard = page.evaluate(BODY_FONT_SIZE)
    assert standard == 16
    expect(toggle).to_have_text("A+大字版")

    toggle.click()
    expect(html).to_have_class(re.compile(r"\blarge-text\b"))
    large = page.evaluate(BODY_FONT_SIZE)
    assert large >= 22 > standard
    button_height = page.evaluate("document.querySelector('.hero .button').getBoundingClientRect().height")
    assert button_height >= 56  # bigger touch targets, not only bigger letters
    expect(toggle).to_contain_text("标准字号")
    page.screenshot(path=str(screenshots / "portal-home-large-text.png"), full_page=True)

    toggle.click()
    expect(html).not_to_have_class(re.compile(r"\blarge-text\b"))
    assert page.evaluate(BODY_FONT_SIZE) == standard


def test_staff_signs_in_with_second_factor(
    page: Page, live_server, staff_user: User, staff_totp: Callable, screenshots: Path
) -> None:
    code = staff_totp(staff_user)
    sign_in(page, live_server.url, "staff")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/otp/")
    expect(page.get_by_role("heading", level=1)).to_have_text("确认本人身份")
    token = page.get_by_label("身份验证器中的6位动态码")

    wrong = f"{(int(code()) + 500_000) % 1_000_000:06d}"
    token.fill(wrong)
    page.get_by_test_id("otp-submit").click()
    expect(page.locator("[data-error-code=otp_invalid]")).to_have_text(
        "动态码错误或已过期，请输入当前显示的动态码。"
    )
    expect(page).to_have_url(f"{live_server.url}/accounts/login/otp/")

    # django-otp throttles the next attempt for a second after a failure; a person would simply retry.
    TOTPDevice.objects.filter(pk=code.device.pk).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    token.fill(code())
    page.get_by_test_id("otp-submit").click()
    expect(page).to_have_url(f"{live_server.url}/workbench/")
    expect(page.get_by_test_id("staff-department")).to_have_text("上海市市场监督管理局")
    expect(page.locator("body")).to_have_class("layout-workbench")
    page.screenshot(path=str(screenshots / "workbench-zh.png"), full_page=True)


def test_first_tab_reaches_the_skip_link(page: Page, live_server) -> None:
    page.goto(live_server.url)
    skip = page.get_by_test_id("skip-link")
    expect(skip).not_to_be_in_viewport()  # hidden until focused
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("跳到主要内容")
    expect(skip).to_be_in_viewport(ratio=1)  # slides fully on screen once focused (retries the animation)
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
