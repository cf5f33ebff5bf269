"""The payer's pages through the sandbox cashier to the receipt, and the staff pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.test import Client

import pytest

from tongban.accounts.models import LegalPerson, User
from tongban.cases.models import Case
from tongban.payments.models import FeeOrder, Payment, Receipt
from tongban.payments.tests.conftest import TOTAL_CENTS, deliver, fresh, pay_at_cashier, trade_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def payer(citizen: User, enterprise: LegalPerson, order_case: Case) -> Client:
    client = Client()
    client.force_login(citizen)
    session = client.session
    session["tb_acting_for"] = enterprise.pk
    session.save()
    return client


def test_pay_at_the_sandbox_cashier_and_print_the_receipt(payer: Client, order_case: Case) -> None:
    page = payer.get(f"/payments/cases/{order_case.case_no}/pay/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "47.84" in html and "5.00" in html and 'value="bank_transfer"' in html
    key = page.context["key"]
    sent = payer.post(f"/payments/cases/{order_case.case_no}/pay/", {"channel": "alipay", "key": key})
    assert sent.status_code == 302 and "/payments/sandbox/cashier/" in sent["Location"]
    again = payer.post(f"/payments/cases/{order_case.case_no}/pay/", {"channel": "alipay", "key": key})
    assert again["Location"] == sent["Location"] and Payment.objects.count() == 1  # a double click pays once

    cashier_path = urlsplit(sent["Location"]).path
    cashier = Client()  # the provider's page: no sign-in on the platform
    shown = cashier.get(cashier_path)
    assert shown.status_code == 200 and "52.84" in shown.content.decode()
    back = cashier.post(cashier_path, {"action": "pay"})
    order = FeeOrder.objects.get()
    assert back.status_code == 302 and back["Location"].endswith(f"/payments/orders/{order.uid}/")

    waiting = payer.get(f"/payments/orders/{order.uid}/")
    assert 'data-testid="waiting"' in waiting.content.decode()
    deliver()
    done = payer.get(f"/payments/orders/{order.uid}/").content.decode()
    assert 'data-status="paid"' in done and 'data-testid="receipt-link"' in done
    receipt = Receipt.objects.get()
    printed = payer.get(f"/payments/receipts/{receipt.number}/")
    assert printed.status_code == 200
    text = printed.content.decode()
    assert receipt.number in text and "52.84" in text and order_case.holder_name in text
    assert cashier.get(cashier_path).context["trade"].state == "SUCCESS"


def test_another_citizen_sees_nothing(
    payer: Client, order_case: Case, other_citizen: User, start: Any
) -> None:
    started = start(order_case)
    pay_at_cashier(started.payment)
    deliver()
    stranger = Client()
    stranger.force_login(other_citizen)
    assert stranger.get(f"/payments/cases/{order_case.case_no}/pay/").status_code == 404
    assert stranger.get(f"/payments/orders/{started.order.uid}/").status_code == 404
    assert stranger.get(f"/payments/receipts/{Receipt.objects.get().number}/").status_code == 404


def test_bank_transfer_page_and_sandbox_bank(payer: Client, order_case: Case) -> None:
    sent = payer.post(f"/payments/cases/{order_case.case_no}/pay/", {"channel": "bank_transfer", "key": "k"})
    order = FeeOrder.objects.get()
    assert sent["Location"] == f"/payments/orders/{order.uid}/"
    page = payer.get(sent["Location"]).content.decode()
    payment = order.payments.get()
    assert 'data-testid="transfer-instructions"' in page and payment.out_trade_no in page
    bank = Client().post(f"/payments/sandbox/bank/{trade_of(payment).cashier_token}/", {"reference": "BOC9"})
    assert bank.status_code == 200 and trade_of(payment).state == "SUCCESS"


def test_sandbox_pages_exist_only_while_the_sandbox_is_enabled(
    order_case: Case, start: Any, settings: Any
) -> None:
    token = trade_of(start(order_case).payment).cashier_token
    assert Client().get(f"/payments/sandbox/cashier/{token}/").status_code == 200
    assert Client().get("/payments/sandbox/cashier/guess/").status_code == 404
    settings.TONGBAN_PAYMENT_PROVIDERS = []
    assert Client().get(f"/payments/sandbox/cashier/{token}/").status_code == 404


def test_staff_pages(
    order_case: Case, start: Any, people: dict[str, User], finance: User, staff_browser: Any
) -> None:
    started = start(order_case)
    samr = staff_browser(people["samr_reviewer"])
    listed = samr.get("/workbench/payments/")
    assert listed.status_code == 200 and started.order.order_no in listed.content.decode()
    url = f"/workbench/payments/orders/{started.order.uid}/"
    page = samr.get(url)
    fee = next(f for line in page.context["order"]["lines"] for f in line["fees"] if f["waivable"])
    assert f'data-testid="waive-{fee["id"]}"' in page.content.decode()
    samr.post(url, {"action": "waive", "fee": fee["id"], "reason": "小微企业减免"})
    assert fresh(started.order).total_cents == TOTAL_CENTS - 1000
    assert samr.get("/workbench/payments/refunds/").status_code == 200
    assert samr.get("/workbench/payments/mismatches/").status_code == 403
    assert staff_browser(people["tax_reviewer"]).get(url).status_code == 404

    money = staff_browser(finance)
    mismatches = money.get("/workbench/payments/mismatches/")
    assert mismatches.status_code == 200 and 'data-testid="reconcile-form"' in mismatches.content.decode()
    day = started.order.created_at.date().isoformat()
    ran = money.post("/workbench/payments/reconcile/", {"provider": "sandbox", "day": day})
    assert ran.status_code == 302
    assert samr.post("/workbench/payments/reconcile/", {"provider": "sandbox", "day": day}).status_code == 403


def test_admin_shows_everything_and_changes_nothing(paid_order: FeeOrder, settings: Any) -> None:
    from tongban.accounts.tests.factories import StaffProfileFactory

    settings.TONGBAN_STAFF_REQUIRE_OTP = False
    operator = StaffProfileFactory(user__is_staff=True, user__is_superuser=True, roles=["administrator"])
    client = Client()
    client.force_login(operator.user)
    for model in (
        "feeorder",
        "payment",
        "providerevent",
        "refund",
        "receipt",
        "mismatch",
        "reconciliationrun",
    ):
        assert client.get(f"/admin/payments/{model}/").status_code == 200, model
    assert paid_order.order_no in client.get("/admin/payments/feeorder/").content.decode()
    assert client.get("/admin/payments/feeorder/add/").status_code == 403
    page = client.get(f"/admin/payments/feeorder/{paid_order.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


def test_the_case_page_asks_for_the_fees_while_paying(
    payer: Client, order_case: Case, start: Any, django_capture_on_commit_callbacks: Any
) -> None:
    page = payer.get(f"/cases/{order_case.case_no}/").content.decode()
    assert 'data-testid="payment-due"' in page and "¥52.84" in page
    assert f"/payments/cases/{order_case.case_no}/pay/" in page
    pay_at_cashier(start(order_case).payment)
    with django_capture_on_commit_callbacks(execute=True):
        deliver()
    page = payer.get(f"/cases/{order_case.case_no}/").content.decode()
    assert 'data-testid="payment-due"' not in page  # paid: the case is being issued
    assert 'data-testid="pay-link"' in page and 'data-kind="paid"' in page


def test_the_pay_form_may_send_the_payer_on_to_the_cashier(
    payer: Client, order_case: Case, settings: Any
) -> None:
    # Browsers apply the page's CSP form-action to the redirect that answers the form.
    settings.TONGBAN_SITE_URL = "https://zwfw.example.gov.cn/portal"
    page = payer.get(f"/payments/cases/{order_case.case_no}/pay/")
    policy = page["Content-Security-Policy"]
    assert "form-action 'self' https://zwfw.example.gov.cn;" in policy + ";"
    assert "form-action 'self';" in payer.get("/cases/").get("Content-Security-Policy", "") + ";"
