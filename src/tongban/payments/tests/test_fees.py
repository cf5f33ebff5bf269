"""Orders from the catalogue's fees: one line per department, integer fen, waivers and assessments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.audits.models import AuditEvent
from tongban.cases.constants import CaseStatus, EventKind
from tongban.cases.models import Case
from tongban.cases.services import paying
from tongban.cases.tests.conftest import decide_all
from tongban.items.models import FeeItem
from tongban.notifications.models import Notification
from tongban.organizations.models import Department
from tongban.payments.constants import OrderStatus, PaymentStatus
from tongban.payments.models import OrderFee, Settlement
from tongban.payments.services import fees, orders
from tongban.payments.tests.conftest import (
    SAMR_CENTS,
    SWJ_CENTS,
    TOTAL_CENTS,
    fresh,
    principal_of,
    trade_of,
)
from tongban.utils.errors import Conflict, DomainError, Forbidden

pytestmark = pytest.mark.django_db


def _fee(order: Any, name: str) -> OrderFee:
    return OrderFee.objects.get(line__order=order, name=name)


def test_bundle_order_has_one_line_per_department_in_fen(
    order_case: Case, start: Callable[..., orders.Started], department: Any, swj: Any
) -> None:
    preview = fees.draft_lines(order_case)
    assert [(d.department, d.amount_cents) for d in preview] == [(department, SAMR_CENTS), (swj, SWJ_CENTS)]
    started = start(order_case)
    order = started.order
    lines = list(order.lines.order_by("position"))
    assert [(line.department_id, line.amount_cents) for line in lines] == [
        (department.pk, SAMR_CENTS),
        (swj.pk, SWJ_CENTS),
    ]
    assert order.total_cents == TOTAL_CENTS and isinstance(order.total_cents, int)
    assert started.payment.amount_cents == TOTAL_CENTS
    assert order.status == OrderStatus.PAYING
    # The tax item charges nothing, so the tax bureau has no line.
    assert order.lines.count() == 2
    assert AuditEvent.objects.filter(event="payment.order_created", object_id=str(order.pk)).exists()


def test_case_without_fees_has_nothing_to_pay(submitted: Case, applicant: Principal) -> None:
    with pytest.raises(DomainError) as exc:
        orders.start_payment(applicant, submitted, channel="wechat")
    assert exc.value.code == "case_has_no_fees"


def test_staff_waive_a_waivable_fee_with_a_reason(
    order_case: Case, start: Callable[..., orders.Started], people: dict[str, User]
) -> None:
    started = start(order_case)
    order = started.order
    reviewer = principal_of(people["samr_reviewer"])
    food = _fee(order, "食品经营许可证工本费")
    with pytest.raises(DomainError) as exc:
        fees.waive_fee(reviewer, food.pk, reason="  ")
    assert exc.value.code == "waiver_reason_required"
    with pytest.raises(DomainError) as exc:
        fees.waive_fee(reviewer, _fee(order, "检验费").pk, reason="小微企业")
    assert exc.value.code == "fee_not_waivable"
    with pytest.raises(Forbidden) as denied:
        fees.waive_fee(principal_of(people["swj_reviewer"]), food.pk, reason="小微企业")
    assert denied.value.code == "fee_not_your_department"

    order = fees.waive_fee(reviewer, food.pk, reason="小微企业减免（沪财税〔2026〕1号）")
    assert (order.gross_cents, order.waived_cents, order.total_cents) == (
        TOTAL_CENTS,
        1000,
        TOTAL_CENTS - 1000,
    )
    line = order.lines.get(department__slug="samr-test")
    assert (line.gross_cents, line.waived_cents, line.amount_cents) == (SAMR_CENTS, 1000, SAMR_CENTS - 1000)
    # The open attempt was for the old amount: closed here and at the provider.
    payment = started.payment
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CLOSED
    assert trade_of(payment).state == "CLOSED"
    assert order.status == OrderStatus.CREATED
    again = start(order_case, key="after-waiver")
    assert again.payment.amount_cents == TOTAL_CENTS - 1000
    assert AuditEvent.objects.filter(event="payment.fee_waived").count() == 1


@pytest.mark.usefixtures("fees")
def test_fee_charged_by_rate_is_assessed_before_payment(
    catalogue: Any,
    submitted: Case,
    applicant: Principal,
    people: dict[str, User],
    department: Department,
    swj: Department,
) -> None:
    FeeItem.objects.create(
        item=catalogue.item_drainage,
        name="污水处理费",
        standard="按排水量 1.70 元/立方米",
        basis="沪价费",
        amount_cents=None,
    )
    order_case = decide_all(submitted, people, department, swj)
    assert order_case.status == CaseStatus.PAYING
    # The reviewer who approved the item is asked to assess; the applicant is told once it is set.
    asked = Notification.objects.filter(template="payment.assessment_needed")
    assert [n.recipient for n in asked] == [people["swj_reviewer"]]
    assert not Notification.objects.filter(template="case.payment_due").exists()
    due = order_case.events.get(kind=EventKind.PAYMENT_DUE)
    assert due.data["pending_assessment"] is True
    with pytest.raises(DomainError) as exc:
        orders.start_payment(applicant, order_case, channel="alipay")
    assert exc.value.code == "fees_not_assessed"
    order = orders.live_order(order_case)
    assert order is not None and order.payments.count() == 0  # the order stays for staff to assess
    rated = _fee(order, "污水处理费")
    with pytest.raises(DomainError) as exc:
        fees.assess_fee(
            principal_of(people["swj_reviewer"]), _fee(order, "排水许可证工本费").pk, amount_cents=1, note="x"
        )
    assert exc.value.code == "fee_amount_fixed"
    with pytest.raises(DomainError) as exc:
        fees.assess_fee(principal_of(people["swj_reviewer"]), rated.pk, amount_cents=13.6, note="8 m³")  # type: ignore[arg-type]
    assert exc.value.code == "fee_amount_invalid"
    order = fees.assess_fee(
        principal_of(people["swj_reviewer"]), rated.pk, amount_cents=1360, note="8 立方米 × 1.70 元"
    )
    assert order.total_cents == TOTAL_CENTS + 1360
    told = Notification.objects.get(template="case.payment_due", channel="inbox")
    assert told.recipient == order_case.applicant and "¥66.44" in told.params["amount"]
    started = orders.start_payment(applicant, order_case, channel="alipay")
    assert started.payment.amount_cents == TOTAL_CENTS + 1360


def test_order_waived_in_full_is_settled_without_payment(
    catalogue: Any,
    submitted: Case,
    applicant: Principal,
    people: dict[str, User],
    department: Department,
    swj: Department,
) -> None:
    FeeItem.objects.create(
        item=catalogue.item_food, name="工本费", standard="10元", basis="b", amount_cents=1000, waivable=True
    )
    submitted = decide_all(submitted, people, department, swj)
    order = orders.open_order(principal_of(people["samr_reviewer"]), submitted)
    order = fees.waive_fee(
        principal_of(people["samr_reviewer"]), _fee(order, "工本费").pk, reason="残疾人减免"
    )
    assert order.status == OrderStatus.PAID and order.total_cents == 0
    settlement = Settlement.objects.get(order=order)
    assert settlement.payment is None and settlement.amount_cents == 0
    with pytest.raises(Conflict) as exc:
        orders.start_payment(applicant, submitted, channel="wechat")
    assert exc.value.code == "nothing_to_pay"
    with pytest.raises(Conflict):
        fees.waive_fee(principal_of(people["samr_reviewer"]), _fee(order, "工本费").pk, reason="again")
    assert fresh(order).receipts.count() == 0
    # Nothing left to pay: the case moves on to issuance (the worker does this after the commit).
    assert paying.complete_payment(submitted.pk) is True
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.DECIDED
    assert submitted.tasks.get(kind="pay").decision == "paid"
    assert submitted.tasks.filter(kind="issue", status="open").exists()
