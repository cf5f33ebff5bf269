"""开办餐饮店一件事 end to end in a real browser: the enterprise applies once, the front desk accepts once,
three departments approve in parallel, the issuance window issues once, and the licences appear, signed,
in the enterprise's wallet."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils import timezone

import pytest
import time_machine
from playwright.sync_api import Page, expect

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.cases.tests.conftest import PDF
from tongban.conftest import PERSONA_PASSWORD
from tongban.licenses.constants import LicenseStatus
from tongban.licenses.models import License

# The portal's Playwright fixtures (Debian chromium, zh-CN context); importing them also sets
# DJANGO_ALLOW_ASYNC_UNSAFE for the fixtures that touch the database between page actions.
from tongban.portal.tests.conftest import (  # noqa: F401
    CHROMIUM,
    SKIP_REASON,
    browser_context_args,
    browser_type_launch_args,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason=SKIP_REASON),
]


def sign_in(page: Page, base_url: str, username: str, otp: Callable[[], str] | None = None) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PERSONA_PASSWORD)
    page.get_by_test_id("login-submit").click()
    if otp is not None:
        page.get_by_label("身份验证器中的6位动态码").fill(otp())
        page.get_by_test_id("otp-submit").click()
        expect(page.get_by_test_id("nav-logout")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_test_id("nav-logout").click()


def act_for_enterprise(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/me/")
    page.locator("form[action='/me/acting-for/'] button").first.click()
    expect(page.get_by_test_id("acting-for")).to_contain_text("上海测试餐饮有限公司")


def open_task(page: Page, base_url: str, case_no: str, nth: int = 0) -> None:
    page.goto(f"{base_url}/workbench/cases/")
    page.get_by_test_id("task-inbox").get_by_role("row").filter(has_text=case_no).nth(nth).get_by_role(
        "link"
    ).first.click()
    expect(page.get_by_test_id("case-summary")).to_contain_text(case_no)


def test_open_a_restaurant_in_one_application(
    page: Page,
    live_server: Any,
    applicant: Any,
    people: dict[str, User],
    staff_totp: Callable[[User], Callable[[], str]],
    screenshots: Path,
    console_errors: list[str],
) -> None:
    base = live_server.url
    otp = {name: staff_totp(user) for name, user in people.items()}

    # 1. The legal representative applies for the company, once, on one form.
    sign_in(page, base, "citizen")
    act_for_enterprise(page, base)
    page.goto(f"{base}/cases/apply/bundle/open-restaurant/?chosen=1")
    expect(page.get_by_test_id("apply-title")).to_contain_text("开办餐饮店一件事")
    expect(page.get_by_test_id("consent-text").first).to_contain_text("电子证照库")
    expect(page.locator("[name=f_company_name]")).to_have_value("上海测试餐饮有限公司")  # prefilled
    page.locator("[name=f_business_address]").fill("上海市黄浦区测试路1号一层")
    page.locator("[name=f_business_scope]").fill(
        "许可项目：餐饮服务。一般项目：食品销售（仅销售预包装食品）。"
    )
    page.locator("[name=f_main_business_type]").select_option("餐饮服务经营者")
    page.locator("[name=f_business_items]").fill("热食类食品制售；冷食类食品制售")
    page.locator("[name=f_shop_area]").fill("120")
    page.locator("[name=f_drainage_volume]").fill("8")
    page.locator("[name=m_premises_proof]").set_input_files(
        {"name": "场地租赁合同.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.screenshot(path=str(screenshots / "case-apply-restaurant-zh.png"), full_page=True)
    page.get_by_test_id("submit").click()
    case_no = page.get_by_test_id("case-no").inner_text().strip()
    assert re.fullmatch(r"\d{20}[0-9X]", case_no), case_no
    expect(page.get_by_test_id("figure-visits")).to_contain_text("0")
    page.screenshot(path=str(screenshots / "case-submitted-zh.png"), full_page=True)
    sign_out(page)

    # 2. The front desk accepts once for all departments.
    sign_in(page, base, "clerk", otp["clerk"])
    open_task(page, base, case_no)
    expect(page.get_by_test_id("materials")).to_contain_text("营业执照")
    page.get_by_test_id("accept-submit").click()
    expect(page.get_by_test_id("task-state")).to_be_visible()
    sign_out(page)

    # 3. Three departments review their parts in parallel.
    for name, count in (("swj_reviewer", 1), ("tax_reviewer", 1), ("samr_reviewer", 2)):
        sign_in(page, base, name, otp[name])
        for _ in range(count):
            open_task(page, base, case_no)
            page.screenshot(path=str(screenshots / f"case-review-{name}-zh.png"), full_page=True)
            page.get_by_test_id("approve-submit").click()
            expect(page.get_by_test_id("task-state")).to_be_visible()
        sign_out(page)

    # 4. The unified issuance window issues every result at once. The clerk signs in a second time; a
    #    TOTP code is valid once, so this happens in the next 30-second window (clock moved on by 35 s).
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=35), tick=True):
        sign_in(page, base, "clerk", otp["clerk"])
        open_task(page, base, case_no)
        expect(page.get_by_test_id("issue")).to_be_visible()
        page.screenshot(path=str(screenshots / "case-issue-zh.png"), full_page=True)
        page.get_by_test_id("issue-submit").click()
        expect(page.get_by_test_id("task-state")).to_be_visible()
        sign_out(page)

    case = Case.objects.get(case_no=case_no)
    assert case.status == "closed"
    issued = [ci.result_license for ci in case.items.select_related("result_license") if ci.result_license]
    assert len(issued) == 3 and all(lic.status == LicenseStatus.VALID and lic.credential for lic in issued)

    # 5. The licences are in the enterprise's wallet, and the case page links to them.
    sign_in(page, base, "citizen")
    act_for_enterprise(page, base)
    page.goto(f"{base}/cases/{case_no}/")
    expect(page.get_by_test_id("case-status")).to_contain_text("办结")
    expect(page.get_by_test_id("result-link").first).to_be_visible()
    page.screenshot(path=str(screenshots / "case-closed-zh.png"), full_page=True)
    page.goto(f"{base}/licenses/wallet/")
    for licence in License.objects.filter(pk__in=[lic.pk for lic in issued]).select_related("license_type"):
        expect(page.locator("main")).to_contain_text(licence.license_type.name)
    page.screenshot(path=str(screenshots / "case-wallet-zh.png"), full_page=True)
    assert console_errors == [], console_errors
