"""The catalogue pages in a real browser: an item guide and a one-thing bundle, in Chinese and English,
on a desktop and a 360 px phone, and as printed. Same Playwright setup as ``test_browser.py``.

Screenshots land in ``var/screenshots/catalog-*.png``; look at them after changing the layout.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tongban.portal.tests.test_catalog_pages import Catalogue, build_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_WIDTH = "document.documentElement.scrollWidth"


@pytest.fixture
def screenshots() -> Path:
    folder = Path(settings.BASE_DIR) / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Console errors (CSP violations show up here) collected while the test runs."""
    errors: list[str] = []

    def collect(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", collect)
    return errors


@pytest.fixture
def catalogue(transactional_db: None) -> Catalogue:
    return build_catalogue()


def on_phone(page: Page, screenshots: Path, name: str) -> None:
    """360 px wide: nothing sticks out sideways."""
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate(PAGE_WIDTH) <= 360
    page.screenshot(path=str(screenshots / name), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_home_and_catalogue(
    page: Page, live_server, catalogue: Catalogue, screenshots: Path, console_errors: list[str]
) -> None:
    page.goto(live_server.url)
    expect(page.get_by_test_id("stat-online")).to_contain_text("全程网办")
    expect(page.get_by_test_id("home-bundles")).to_contain_text(catalogue.bundle.name)
    page.screenshot(path=str(screenshots / "catalog-home-zh.png"), full_page=True)
    on_phone(page, screenshots, "catalog-home-phone.png")

    page.get_by_label("搜索办事服务").fill("餐馆")
    page.get_by_role("button", name="搜索", exact=True).click()
    # The home search box goes to search, which understands everyday words (餐馆 → 餐饮 …).
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    expect(page.get_by_test_id("search-result").first).to_be_visible()
    page.goto(f"{live_server.url}/services/?audience=legal")
    expect(page.get_by_role("heading", level=1)).to_have_text("法人办事")
    expect(page.get_by_test_id("result")).to_have_count(3)
    page.get_by_label("所属部门").select_option("samr")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("result")).to_have_count(1)
    expect(page.get_by_test_id("active-filters")).to_contain_text("所属部门 市场监管局")
    page.screenshot(path=str(screenshots / "catalog-browse-zh.png"), full_page=True)
    on_phone(page, screenshots, "catalog-browse-phone.png")

    page.get_by_role("link", name="按部门或区浏览").click()
    expect(page.get_by_test_id("district-counts")).to_contain_text("浦东新区")
    page.screenshot(path=str(screenshots / "catalog-departments-zh.png"), full_page=True)
    assert console_errors == [], console_errors


def test_item_guide_in_chinese_english_and_print(
    page: Page, live_server, catalogue: Catalogue, screenshots: Path, console_errors: list[str]
) -> None:
    page.goto(f"{live_server.url}/services/{catalogue.food.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("食品经营许可")
    expect(page.get_by_test_id("visits-text")).to_have_text("全程网办，无需到现场。")
    reasons = page.get_by_test_id("exempt-reason")
    expect(reasons).to_have_count(2)
    expect(reasons.first).to_be_visible()
    expect(reasons.first).to_contain_text("电子证照库")
    expect(page.get_by_test_id("needed-materials")).to_contain_text("经营场所平面图")
    page.screenshot(path=str(screenshots / "catalog-item-zh.png"), full_page=True)

    # Choose another district: its window, address and hours replace the first one (no JavaScript needed).
    page.get_by_label("所在区").select_option("310115")
    page.get_by_role("button", name="查看该区").click()
    expect(page.get_by_test_id("location")).to_contain_text("浦东新区测试大道2号")
    on_phone(page, screenshots, "catalog-item-phone.png")

    # Printed: no navigation, no buttons, the guide itself in one column.
    page.emulate_media(media="print")
    expect(page.locator(".main-nav")).to_be_hidden()
    expect(page.get_by_test_id("print-link")).to_be_hidden()
    expect(page.get_by_test_id("district-form")).to_be_hidden()
    expect(page.get_by_test_id("location")).to_be_visible()
    expect(page.get_by_test_id("exempt-materials")).to_be_visible()
    page.screenshot(path=str(screenshots / "catalog-item-print.png"), full_page=True)
    page.emulate_media(media="screen")

    # The "打印" link opens the printable view, which looks like the printout on screen too.
    page.get_by_test_id("print-link").click()
    expect(page.get_by_test_id("print-bar")).to_be_visible()
    expect(page.locator(".main-nav")).to_be_hidden()
    expect(page.get_by_test_id("location")).to_contain_text("浦东新区测试大道2号")

    page.goto(f"{live_server.url}/services/{catalogue.food.code}/")
    page.get_by_test_id("history-link").click()
    expect(page.get_by_test_id("version")).to_have_count(2)
    expect(page.get_by_test_id("changes")).to_contain_text("承诺办结时限")
    page.screenshot(path=str(screenshots / "catalog-history-zh.png"), full_page=True)

    page.go_back()
    page.get_by_test_id("lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Food business licence")
    expect(page.get_by_test_id("visits-text")).to_have_text("Fully online: no need to come in person.")
    expect(page.get_by_test_id("exempt-reason").first).to_contain_text("electronic licence library")
    page.screenshot(path=str(screenshots / "catalog-item-en.png"), full_page=True)
    assert console_errors == [], console_errors


def test_bundle_savings_in_chinese_and_english(
    page: Page, live_server, catalogue: Catalogue, screenshots: Path, console_errors: list[str]
) -> None:
    page.goto(f"{live_server.url}/bundles/{catalogue.bundle.code}/")
    materials = page.get_by_test_id("saving-materials")
    expect(materials).to_be_visible()
    expect(materials).to_have_attribute("data-before", "7")
    expect(materials).to_have_attribute("data-after", "2")
    expect(materials).to_contain_text("分别办理需提交7份材料")
    expect(page.get_by_test_id("saving-days")).to_contain_text("最长10个工作日")
    page.screenshot(path=str(screenshots / "catalog-bundle-zh.png"), full_page=True)

    # Ticking the situation brings the optional service in and recomputes the savings.
    page.get_by_label("需要设置户外招牌吗？").check()
    page.get_by_role("button", name="更新办事清单").click()
    expect(materials).to_have_attribute("data-before", "9")
    expect(page.get_by_test_id("saving-days")).to_have_attribute("data-before", "23")
    expect(page.get_by_test_id("bundle-fee-total")).to_contain_text("¥100.00")
    on_phone(page, screenshots, "catalog-bundle-phone.png")

    # 大字版: the savings rows stack, nothing overflows.
    page.get_by_test_id("large-text-toggle").click()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 22
    assert page.evaluate(PAGE_WIDTH) <= 1280
    page.screenshot(path=str(screenshots / "catalog-bundle-large-text.png"), full_page=True)
    page.get_by_test_id("large-text-toggle").click()

    page.get_by_test_id("lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Opening a restaurant")
    expect(page.get_by_role("heading", name="What applying once saves you")).to_be_visible()
    expect(materials).to_contain_text("you would hand in 9 documents")
    page.screenshot(path=str(screenshots / "catalog-bundle-en.png"), full_page=True)
    assert console_errors == [], console_errors
