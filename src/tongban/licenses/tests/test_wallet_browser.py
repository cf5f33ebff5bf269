"""Wallet and verifier in a real browser: Playwright (sync API) driving Debian's chromium against
pytest-django's live server, with the portal's browser configuration (tongban/portal/tests/conftest.py).

Screenshots (and the printable copy as a PDF) land in ``var/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext

import pytest
from playwright.sync_api import Page, expect

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.conftest import CITIZEN_ID_NUMBER
from tongban.licenses.models import License
from tongban.licenses.services import presentations

# The portal's Playwright fixtures (Debian chromium, zh-CN context); importing them also sets
# DJANGO_ALLOW_ASYNC_UNSAFE for the fixtures that touch the database between page actions.
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


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


def test_show_a_licence_and_verify_it(
    page: Page, live_server, citizen: User, id_card: License, screenshots: Path, console_errors: list[str]
) -> None:
    sign_in(page, live_server.url, "citizen")
    page.get_by_test_id("nav-wallet").click()
    expect(page).to_have_url(f"{live_server.url}/licenses/wallet/")
    expect(page.get_by_test_id("wallet-cards")).to_contain_text("居民身份证")
    expect(page.get_by_test_id("wallet-cards")).to_contain_text(id_card.number)
    page.screenshot(path=str(screenshots / "wallet-zh.png"), full_page=True)

    page.get_by_role("link", name="居民身份证").click()
    # 大字版 from here on: the licence and QR pages stack into one column.
    page.get_by_test_id("large-text-toggle").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
    expect(page.get_by_test_id("face-fields")).to_contain_text("上海市公安局黄浦分局")
    expect(page.get_by_test_id("face-fields")).not_to_contain_text(CITIZEN_ID_NUMBER)
    # Personal fields start unticked: tick the name, keep the end of validity, drop the rest.
    expect(page.get_by_test_id("field-name")).not_to_be_checked()
    expect(page.get_by_test_id("field-id_number")).not_to_be_checked()
    page.get_by_test_id("field-name").check()
    page.get_by_test_id("field-issuing_authority").uncheck()
    page.get_by_test_id("field-valid_from").uncheck()
    expect(page.get_by_test_id("field-valid_to")).to_be_checked()
    page.screenshot(path=str(screenshots / "wallet-licence-large-text.png"), full_page=True)
    page.get_by_test_id("present-submit").click()

    qr = page.get_by_test_id("presentation-qr")
    expect(qr).to_be_visible()
    expect(qr).to_have_attribute("data-qr-kind", "link")
    expect(page.get_by_test_id("disclosed-fields")).to_have_text(re.compile("姓名.*有效期限截止日期", re.S))
    expect(page.locator("[data-countdown-left]")).to_contain_text(re.compile(r"\d:\d\d"))  # the script runs
    assert page.evaluate("document.querySelector('.lic-qr svg').getBoundingClientRect().width") >= 300
    page.screenshot(path=str(screenshots / "wallet-qr-large-text.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshots / "wallet-qr-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    token = (page.get_by_test_id("presentation-token").text_content() or "").strip()
    assert token.count("~") >= 3 and CITIZEN_ID_NUMBER not in token

    page.goto(f"{live_server.url}/licenses/verify/")
    expect(page.get_by_test_id("verify-scan")).to_be_hidden()  # no BarcodeDetector/camera here
    page.get_by_test_id("verify-token").fill(token)
    page.get_by_test_id("verify-submit").click()
    verdict = page.get_by_test_id("verdict")
    expect(verdict).to_have_attribute("data-code", "valid")
    expect(page.get_by_test_id("verdict-title")).to_have_text(zh("Valid"))
    disclosed = page.get_by_test_id("disclosed")
    expect(disclosed).to_contain_text("张三")
    expect(disclosed).to_contain_text("2040-05-01")
    expect(page.get_by_test_id("verified-issuer")).to_have_text("上海市公安局")
    assert CITIZEN_ID_NUMBER not in page.content()
    assert "测试路2号" not in page.content()
    page.get_by_test_id("checks").locator("summary").click()
    expect(page.locator('[data-check="status"]')).to_be_visible()
    page.screenshot(path=str(screenshots / "verifier-valid-zh.png"), full_page=True)

    # The phone flow: the QR code's link opens the verdict; the second look carries the replay hint.
    page.goto(f"{live_server.url}/licenses/verify/?t={token}")
    expect(page.get_by_test_id("verdict")).to_have_attribute("data-code", "valid")
    expect(page.get_by_test_id("verified-before")).to_be_visible()
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(screenshots / "verifier-phone.png"), full_page=True)
    assert console_errors == [], console_errors


def test_access_log_and_printable_copy(
    page: Page, live_server, citizen: User, id_card: License, screenshots: Path, console_errors: list[str]
) -> None:
    sign_in(page, live_server.url, "citizen")
    page.goto(f"{live_server.url}/licenses/wallet/{id_card.pk}/print/")
    page.get_by_test_id("print-add-qr").click()
    expect(page.get_by_test_id("print-qr")).to_be_visible()
    expect(page.get_by_test_id("print-identifier")).to_have_text(id_card.identifier)
    expect(page.get_by_role("button", name=zh("Print"))).to_be_visible()  # added by wallet.js
    page.screenshot(path=str(screenshots / "licence-print-zh.png"), full_page=True)
    page.emulate_media(media="print")
    expect(page.get_by_test_id("print-bar")).to_be_hidden()
    pdf = page.pdf(format="A4", path=str(screenshots / "licence-print.pdf"))
    assert re.search(rb"/FontName /[A-Z]{6}\+WenQuanYi", pdf), "Chinese text printed with the CJK system font"
    page.emulate_media(media="screen")

    # Someone checks a code the holder showed: the holder sees it in 谁用了我的证照.
    token = presentations.present(Principal(user=citizen), id_card.pk, ["name"]).token
    page.goto(f"{live_server.url}/licenses/verify/?t={token}")
    expect(page.get_by_test_id("verdict")).to_have_attribute("data-code", "valid")
    page.goto(f"{live_server.url}/licenses/wallet/")
    page.get_by_test_id("wallet-nav-access").click()
    expect(page).to_have_url(f"{live_server.url}/licenses/wallet/access-log/")
    row = page.locator('[data-kind="verification"]')
    expect(row).to_have_count(1)
    expect(row).to_contain_text("居民身份证")
    expect(row).to_contain_text("姓名")
    page.screenshot(path=str(screenshots / "wallet-access-log-zh.png"), full_page=True)
    assert console_errors == [], console_errors
