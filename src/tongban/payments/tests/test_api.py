"""The payments API end to end, and who may see and do what."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

import pytest

from tongban.accounts import services as accounts
from tongban.accounts.constants import RepresentationRole, RepresentationScope
from tongban.accounts.models import LegalPerson, User
from tongban.cases.models import Case
from tongban.conftest import PERSONA_PASSWORD
from tongban.payments.models import FeeOrder, Payment
from tongban.payments.tests.conftest import SWJ_CENTS, TOTAL_CENTS, deliver, pay_at_cashier
from tongban.utils.identifiers import make_resident_id

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def holder(citizen: User, enterprise: LegalPerson, order_case: Case) -> Client:
    client = Client(headers={"X-Acting-For": enterprise.uscc})
    client.force_login(citizen)
    return client


def _pay(client: Client, case: Case, channel: str = "wechat", key: str = "pay-1") -> Any:
    return client.post(
        f"/api/v1/cases/{case.case_no}/payments",
        {"channel": channel},
        content_type=JSON,
        headers={"Idempotency-Key": key},
    )


def test_pay_follow_and_idempotent_retry(holder: Client, order_case: Case) -> None:
    first = _pay(holder, order_case)
    assert first.status_code == 201, first.content
    body = first.json()
    order_id, payment = body["order"]["id"], body["payment"]
    assert body["order"]["total_cents"] == TOTAL_CENTS and body["order"]["currency"] == "CNY"
    assert [line["amount_cents"] for line in body["order"]["lines"]] == [4784, 500]
    assert payment["status"] == "pending" and "/payments/sandbox/cashier/" in payment["pay_url"]
    again = _pay(holder, order_case)
    assert again.status_code == 200
    assert again.json()["order"]["id"] == order_id
    assert again.json()["payment"]["out_trade_no"] == payment["out_trade_no"]
    assert Payment.objects.count() == 1
    other_method = _pay(holder, order_case, channel="alipay")
    assert other_method.status_code == 409 and other_method.json()["code"] == "idempotency_key_reused"

    pay_at_cashier(Payment.objects.get())
    deliver()
    detail = holder.get(f"/api/v1/payments/{order_id}")
    assert detail.status_code == 200
    assert detail.json()["status"] == "paid" and detail.json()["receipt"]["number"]
    listed = holder.get(f"/api/v1/cases/{order_case.case_no}/payments")
    assert [o["id"] for o in listed.json()] == [order_id]
    paid_again = _pay(holder, order_case, key="pay-2")
    assert paid_again.status_code == 409 and paid_again.json()["code"] == "order_already_paid"


def test_another_citizen_gets_404(holder: Client, order_case: Case, other_citizen: User) -> None:
    order_id = _pay(holder, order_case).json()["order"]["id"]
    stranger = Client()
    stranger.force_login(other_citizen)
    assert _pay(stranger, order_case).status_code == 404
    assert stranger.get(f"/api/v1/payments/{order_id}").status_code == 404
    assert stranger.post(f"/api/v1/payments/{order_id}/close", {}, content_type=JSON).status_code == 404
    assert Client().get(f"/api/v1/payments/{order_id}").status_code == 401
    assert holder.get("/api/v1/payments/not-a-uuid").status_code == 404


def test_agent_without_the_pay_scope_may_look_but_not_pay(
    holder: Client, order_case: Case, enterprise: LegalPerson
) -> None:
    agent = accounts.register_natural_person(
        username="agent",
        password=PERSONA_PASSWORD,
        real_name="赵六",
        id_number=make_resident_id("310101", dt.date(1992, 2, 2), 333),
        verified=True,
    )
    accounts.grant_representation(
        principal=None,
        person=agent,
        legal_person=enterprise,
        role=RepresentationRole.AGENT,
        scopes=[RepresentationScope.VIEW_CASES],
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    client = Client(headers={"X-Acting-For": enterprise.uscc})
    client.force_login(agent)
    denied = _pay(client, order_case)
    assert denied.status_code == 403 and denied.json()["code"] == "payment_not_allowed"
    order_id = _pay(holder, order_case).json()["order"]["id"]
    assert client.get(f"/api/v1/payments/{order_id}").status_code == 200


def test_amounts_are_whole_fen_only(
    holder: Client, order_case: Case, people: dict[str, User], staff_browser: Any
) -> None:
    order_id = _pay(holder, order_case).json()["order"]["id"]
    pay_at_cashier(Payment.objects.get())
    deliver()
    swj = staff_browser(people["swj_reviewer"])
    url = f"/api/v1/payments/{order_id}/refunds"
    for amount in (100.0, 99.5, "100"):
        bad = swj.post(url, {"amount_cents": amount, "reason": "x"}, content_type=JSON)
        assert bad.status_code == 422, amount
    made = swj.post(
        url, {"amount_cents": 100, "reason": "多收"}, content_type=JSON, headers={"Idempotency-Key": "r1"}
    )
    assert made.status_code == 201 and made.json()["department"] == "swj-test"
    same = swj.post(
        url, {"amount_cents": 100, "reason": "多收"}, content_type=JSON, headers={"Idempotency-Key": "r1"}
    )
    assert same.status_code == 200 and same.json()["id"] == made.json()["id"]
    over = swj.post(url, {"amount_cents": SWJ_CENTS, "reason": "x"}, content_type=JSON)
    assert over.status_code == 400 and over.json()["code"] == "refund_exceeds_refundable"
    assert over.json()["params"] == {"refundable_cents": SWJ_CENTS - 100}
    citizen_refund = holder.post(url, {"reason": "x"}, content_type=JSON)
    assert citizen_refund.status_code == 403 and citizen_refund.json()["code"] == "staff_only"


def test_staff_lists_are_narrowed(
    holder: Client, order_case: Case, people: dict[str, User], finance: User, staff_browser: Any
) -> None:
    order_id = _pay(holder, order_case).json()["order"]["id"]
    samr = staff_browser(people["samr_reviewer"])
    tax = staff_browser(people["tax_reviewer"])
    money = staff_browser(finance)
    assert [o["id"] for o in samr.get("/api/v1/workbench/payments/orders").json()] == [order_id]
    assert tax.get("/api/v1/workbench/payments/orders").json() == []
    assert tax.get(f"/api/v1/payments/{order_id}").status_code == 404
    assert [o["id"] for o in money.get("/api/v1/workbench/payments/orders?status=paying").json()] == [
        order_id
    ]
    assert money.get("/api/v1/workbench/payments/orders?status=paid").json() == []
    assert samr.get("/api/v1/workbench/payments/refunds").json() == []
    assert samr.get("/api/v1/workbench/payments/mismatches").json() == []
    assert holder.get("/api/v1/workbench/payments/orders").status_code == 403

    day = FeeOrder.objects.get().created_at.date().isoformat()
    run = money.post("/api/v1/workbench/payments/reconciliations", {"day": day}, content_type=JSON)
    assert run.status_code == 200 and run.json()["status"] == "done"
    denied = samr.post("/api/v1/workbench/payments/reconciliations", {"day": day}, content_type=JSON)
    assert denied.status_code == 403 and denied.json()["code"] == "finance_only"


def test_staff_waive_through_the_api(
    holder: Client, order_case: Case, people: dict[str, User], staff_browser: Any
) -> None:
    order = _pay(holder, order_case).json()["order"]
    fee = next(f for line in order["lines"] for f in line["fees"] if f["waivable"])
    samr = staff_browser(people["samr_reviewer"])
    url = f"/api/v1/workbench/payments/orders/{order['id']}/fees/{fee['id']}/waive"
    done = samr.post(url, {"reason": "小微企业减免"}, content_type=JSON)
    assert done.status_code == 200 and done.json()["total_cents"] == TOTAL_CENTS - 1000
    swj = staff_browser(people["swj_reviewer"])
    assert swj.post(url, {"reason": "x"}, content_type=JSON).json()["code"] == "fee_not_your_department"


def test_staff_record_a_transfer_through_the_api(
    holder: Client, order_case: Case, finance: User, staff_browser: Any
) -> None:
    payment = _pay(holder, order_case, channel="bank_transfer").json()["payment"]
    assert payment["instructions"]["remittance_code"] == payment["out_trade_no"]
    url = f"/api/v1/workbench/payments/payments/{payment['out_trade_no']}/transfer"
    done = staff_browser(finance).post(
        url, {"reference": "ICBC0001", "amount_cents": TOTAL_CENTS}, content_type=JSON
    )
    assert done.status_code == 200 and done.json()["status"] == "paid"


def test_provider_down_then_retry_with_the_same_key(
    holder: Client, order_case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tongban.payments.providers.base import ProviderError
    from tongban.payments.providers.sandbox import SandboxProvider

    original = SandboxProvider.create_payment

    def down(self: SandboxProvider, request: Any) -> Any:
        raise ProviderError("gateway timeout")

    monkeypatch.setattr(SandboxProvider, "create_payment", down)
    failed = _pay(holder, order_case, key="retry-me")
    assert failed.status_code == 502 and failed.json()["code"] == "payment_provider_unavailable"
    payment = Payment.objects.get()
    assert (payment.status, payment.pay_url, payment.last_error) == ("pending", "", "gateway timeout")
    monkeypatch.setattr(SandboxProvider, "create_payment", original)
    retried = _pay(holder, order_case, key="retry-me")
    assert retried.status_code == 200 and retried.json()["payment"]["out_trade_no"] == payment.out_trade_no
    assert retried.json()["payment"]["pay_url"] and Payment.objects.count() == 1
