# ruff: noqa: F811  (fixtures imported by name are requested by the test below)
"""Paying and posting in a real browser: the company pays the fees of its restaurant bundle in the
sandbox cashier, gets the electronic receipt, gives an address, and follows the parcel of results to the
door, where signing for it closes the case."""

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
from tongban.accounts.principal import Principal
from tongban.cases.models import Case
from tongban.cases.services.submission import Application, submit
from tongban.cases.tests.conftest import complete, decide_all, open_task
from tongban.cases.tests.test_restaurant_browser import act_for_enterprise, sign_in
from tongban.items.models import FeeItem
from tongban.logistics.constants import ShipmentStatus
from tongban.logistics.models import Shipment
from tongban.logistics.tests.conftest import carrier_pushes, districts  # noqa: F401
from tongban.organizations.models import Department, Region
from tongban.payments.models import Receipt

# The portal's Playwright fixtures (Debian chromium, zh-CN context).
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


def test_pay_in_the_sandbox_and_follow_the_parcel_to_the_door(
    page: Page,
    live_server: Any,
    applicant: Principal,
    people: dict[str, User],
    department: Department,
    swj: Department,
    fees: dict[str, FeeItem],
    districts: dict[str, Region],
    restaurant_app: Callable[..., Application],
    screenshots: Path,
    console_errors: list[str],
    settings: Any,
) -> None:
    base = live_server.url
    settings.TONGBAN_SITE_URL = base  # where the sandbox cashier and the return address live
    # The company applied with results by post; the front desk accepted and every department approved.
    case = submit(applicant, restaurant_app(delivery_method="mail"), idempotency_key="browser-pay")
    case = decide_all(case, people, department, swj)
    assert case.status == "paying"

    # 1. The case page asks for the fees of all departments at once.
    sign_in(page, base, "citizen")
    act_for_enterprise(page, base)
    page.goto(f"{base}/cases/{case.case_no}/")
    expect(page.get_by_test_id("case-status")).to_have_attribute("data-status", "paying")
    expect(page.get_by_test_id("payment-due")).to_contain_text("¥52.84")
    page.get_by_test_id("pay-now").click()
    expect(page.get_by_test_id("fee-lines")).to_contain_text("排水许可证工本费")
    expect(page.get_by_test_id("line-subtotal")).to_have_count(2)  # one line per department
    page.screenshot(path=str(screenshots / "pay-fees-zh.png"), full_page=True)

    # 2. The sandbox cashier (it stands for WeChat Pay) takes the money; its signed notification settles
    #    the order and the case moves on to issuance.
    page.get_by_test_id("channel-wechat").check()
    page.get_by_test_id("pay-submit").click()
    expect(page.get_by_test_id("sandbox-banner")).to_be_visible()
    expect(page.get_by_test_id("cashier-amount")).to_contain_text("52.84")
    page.screenshot(path=str(screenshots / "pay-cashier-zh.png"), full_page=True)
    page.get_by_test_id("cashier-pay").click()
    expect(page.get_by_test_id("order-status")).to_have_attribute("data-status", "paid")
    page.get_by_test_id("receipt-link").click()
    receipt = Receipt.objects.get(order__case=case)
    expect(page.locator("main")).to_contain_text(receipt.number)
    page.screenshot(path=str(screenshots / "pay-receipt-zh.png"), full_page=True)
    page.goto(f"{base}/cases/{case.case_no}/")
    expect(page.get_by_test_id("case-status")).to_have_attribute("data-status", "decided")
    expect(page.get_by_test_id("payment-due")).to_have_count(0)
    expect(page.locator("[data-testid=timeline-entry][data-kind=paid]")).to_contain_text(receipt.number)

    # 3. Where the results should go (a 黄浦区 address; the demo carrier delivers to this number).
    page.get_by_test_id("tracking-link").click()
    page.locator("#ship-name").fill("张三")
    page.locator("#ship-phone").fill("13900139000")
    page.locator("#ship-region_code").select_option("310101")
    page.locator("#ship-detail").fill("测试路1号2号楼301室")
    page.locator("#ship-postcode").fill("200001")
    page.get_by_test_id("shipment-submit").click()
    expect(page.get_by_test_id("shipment")).to_have_attribute("data-status", "created")
    expect(page.get_by_test_id("masked-address")).not_to_contain_text("13900139000")

    # 4. The front desk issues the results; the parcel is booked with the carrier straight away.
    complete(people["clerk"], open_task(case, "issue"), "issue")
    parcel = Shipment.objects.get(case=case)
    assert parcel.status == ShipmentStatus.BOOKED and parcel.waybill_no

    # 5. An hour later the carrier has pushed its signed events: picked up, on the way, signed for.
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1), tick=True):
        assert carrier_pushes() == 1
        page.reload()
        expect(page.get_by_test_id("shipment")).to_have_attribute("data-status", "delivered")
        expect(page.get_by_test_id("waybill")).to_have_text(parcel.waybill_no)
        expect(page.get_by_test_id("tracking-event")).to_have_count(5)
        page.screenshot(path=str(screenshots / "post-tracking-zh.png"), full_page=True)
        page.goto(f"{base}/cases/{case.case_no}/")
        expect(page.get_by_test_id("case-status")).to_have_attribute("data-status", "closed")
        parcel_steps = page.locator("[data-testid=timeline-entry][data-kind=parcel]")
        expect(parcel_steps.first).to_contain_text(parcel.waybill_no)
        expect(page.locator("[data-testid=timeline-entry][data-kind=delivered]")).to_contain_text(
            parcel.waybill_no
        )
        page.screenshot(path=str(screenshots / "post-case-closed-zh.png"), full_page=True)
    assert Case.objects.get(pk=case.pk).status == "closed"
    assert console_errors == [], console_errors
