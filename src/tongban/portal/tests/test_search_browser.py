"""站内搜索 in a real browser: the header search box with its suggestions (an ARIA combobox driven by
search.js: type, arrow keys, Enter, Escape), the results page for everyday words, the click-through to
the result, English, 大字版, 360 px, and the same search without JavaScript. Same Playwright setup as
``test_browser.py``.

Screenshots land in ``var/screenshots/search-*.png``; look at them after changing the layout.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tongban.portal.tests.test_search_pages import SearchCatalogue, build_search_catalogue
from tongban.search import index
from tongban.search.models import QueryLog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_WIDTH = "document.documentElement.scrollWidth"
BOX = "搜索事项、一件事和常见问题"


@pytest.fixture
def catalogue(transactional_db: None) -> SearchCatalogue:
    index.reset()
    built = build_search_catalogue()
    yield built
    index.reset()


def test_header_suggestions_with_the_keyboard(
    page: Page, live_server: Any, catalogue: SearchCatalogue, screenshots: Path, console_errors: list[str]
) -> None:
    page.goto(live_server.url)
    box = page.get_by_role("combobox", name=BOX)  # search.js made the search box a combobox
    expect(box).to_have_attribute("aria-expanded", "false")
    listbox = page.get_by_role("listbox", name=BOX)

    box.press_sequentially("食品", delay=40)
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_text("食品经营许可")
    expect(page.locator(".site-search [role=status]")).to_contain_text("有1条搜索建议")
    page.screenshot(path=str(screenshots / "search-suggestions-zh.png"))

    # Escape closes the list and keeps the text; ↓ opens it again and marks the first suggestion.
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("食品")
    box.press("ArrowDown")
    expect(listbox).to_be_visible()
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    option_id = options.first.get_attribute("id")
    expect(box).to_have_attribute("aria-activedescendant", option_id or "")
    expect(box).to_be_focused()  # the focus stays in the box

    # Enter on the suggestion searches it.
    box.press("Enter")
    expect(page).to_have_url(
        re.compile(r"/search/\?q=%E9%A3%9F%E5%93%81%E7%BB%8F%E8%90%A5%E8%AE%B8%E5%8F%AF$")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("“食品经营许可”的搜索结果")
    first = page.get_by_test_id("search-result").first
    expect(first).to_have_attribute("data-code", catalogue.food.code)
    expect(first.locator("mark")).to_have_text("食品经营许可")
    assert console_errors == [], console_errors


def test_everyday_words_find_the_bundle(
    page: Page, live_server: Any, catalogue: SearchCatalogue, screenshots: Path, console_errors: list[str]
) -> None:
    page.goto(f"{live_server.url}/services/")
    box = page.get_by_role("combobox", name=BOX)
    box.fill("开饭店")
    box.press("Enter")  # no suggestion chosen: searches what was typed
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    bundle = page.locator(f'[data-testid="search-result"][data-code="{catalogue.bundle.code}"]')
    expect(bundle).to_be_visible()
    expect(bundle.locator(".search-kind")).to_have_text("一件事")
    expect(bundle.get_by_test_id("match-hint")).to_contain_text("按生活用语“饭店→餐馆、餐饮”匹配")
    page.screenshot(path=str(screenshots / "search-results-zh.png"), full_page=True)

    # The filters work without any script: businesses only, one-thing services only.
    page.get_by_label("办事对象").select_option("legal")
    page.get_by_label("结果类型").select_option("bundle")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(page.get_by_test_id("search-result")).to_have_count(1)

    # 360 px: the header box takes the full width, nothing sticks out sideways.
    page.set_viewport_size({"width": 360, "height": 780})
    assert page.evaluate(PAGE_WIDTH) <= 360
    page.screenshot(path=str(screenshots / "search-results-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # 大字版: still one column, no overflow, the box grows with the text.
    page.get_by_test_id("large-text-toggle").click()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 22
    assert page.evaluate(PAGE_WIDTH) <= 1280
    height = page.get_by_test_id("site-search-input").evaluate("el => el.getBoundingClientRect().height")
    assert height >= 60
    page.screenshot(path=str(screenshots / "search-results-large-text.png"), full_page=True)
    page.get_by_test_id("large-text-toggle").click()

    # Opening the result records the click on that (anonymous) search and lands on the bundle.
    page.get_by_test_id("search-result-link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("开餐馆一件事")
    log = QueryLog.objects.latest("pk")
    assert (log.clicked_code, log.clicked_rank, log.kind_filter) == (catalogue.bundle.code, 1, "bundle")
    assert console_errors == [], console_errors


def test_results_in_english_and_did_you_mean(
    page: Page, live_server: Any, catalogue: SearchCatalogue, screenshots: Path, console_errors: list[str]
) -> None:
    page.goto(f"{live_server.url}/search/?q=开饭店")
    page.get_by_test_id("lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Results for “开饭店”")
    bundle = page.locator(f'[data-testid="search-result"][data-code="{catalogue.bundle.code}"]')
    expect(bundle.get_by_test_id("search-result-link")).to_have_text("Opening a restaurant")
    expect(bundle.locator(".search-kind")).to_have_text("One-thing service")
    expect(bundle.get_by_test_id("match-hint")).to_contain_text(
        "Matched by the everyday wording “饭店→餐馆, 餐饮”"
    )
    page.screenshot(path=str(screenshots / "search-results-en.png"), full_page=True)

    page.get_by_role("combobox", name="Search services, one-thing services and FAQs").fill("食品经营徐可")
    page.get_by_role("button", name="Site search").click()
    expect(page.get_by_test_id("did-you-mean")).to_contain_text("Did you mean: 食品经营许可")
    page.get_by_test_id("did-you-mean").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Results for “食品经营许可”")
    assert console_errors == [], console_errors


def test_nothing_found(page: Page, live_server: Any, catalogue: SearchCatalogue, screenshots: Path) -> None:
    page.goto(f"{live_server.url}/search/?q=火星移民签证")
    expect(page.get_by_test_id("no-results")).to_contain_text("没有找到与“火星移民签证”相关的结果。")
    page.screenshot(path=str(screenshots / "search-nothing-found-zh.png"), full_page=True)
    page.get_by_test_id("browse-bundles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("一件事一次办")


def test_search_works_without_javascript(
    browser: Browser, live_server: Any, catalogue: SearchCatalogue
) -> None:
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(live_server.url)
        box = page.get_by_label(BOX)
        expect(box).not_to_have_attribute("role", "combobox")
        expect(page.get_by_role("listbox")).to_have_count(0)
        box.fill("开饭店")
        box.press("Enter")
        expect(
            page.locator(f'[data-testid="search-result"][data-code="{catalogue.bundle.code}"]')
        ).to_be_visible()
    finally:
        context.close()
