"""Refunds: per department line, capped by what is refundable even when asked at the same time."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

import pytest

from tongban.accounts.models import User
from tongban.notifications.models import Notification
from tongban.payments.constants import OrderStatus, RefundStatus
from tongban.payments.models import FeeOrder, OrderLine, Refund, SandboxTrade
from tongban.payments.services import refunds
from tongban.payments.tests.conftest import SAMR_CENTS, SWJ_CENTS, TOTAL_CENTS, deliver, fresh, principal_of
from tongban.utils.errors import Conflict, DomainError, Forbidden, NotFound

pytestmark = pytest.mark.django_db


def _refund(user: User, order: FeeOrder, **kw: Any) -> Refund:
    kw.setdefault("reason", "申请人撤回，退还工本费")
    refund, _replay = refunds.request_refund(principal_of(user), order, **kw)
    return refund


def test_department_staff_refund_only_their_own_line(paid_order: FeeOrder, people: dict[str, User]) -> None:
    swj = _refund(people["swj_reviewer"], paid_order)  # everything refundable of 水务局's line
    assert (swj.amount_cents, swj.line.department.slug) == (SWJ_CENTS, "swj-test")
    with pytest.raises(Forbidden) as exc:
        _refund(people["samr_reviewer"], paid_order, department="swj-test", amount_cents=1)
    assert exc.value.code == "refund_other_department"
    with pytest.raises(Conflict) as conflict:
        _refund(people["swj_reviewer"], paid_order, amount_cents=1)
    assert conflict.value.code == "nothing_to_refund"


def test_unrelated_department_cannot_see_or_refund(paid_order: FeeOrder, people: dict[str, User]) -> None:
    with pytest.raises(NotFound):  # 税务局 charges nothing in this order
        _refund(people["tax_reviewer"], paid_order, amount_cents=1)
    with pytest.raises(Forbidden):  # the supervisor sees everything and moves no money
        _refund(people["supervisor"], paid_order, amount_cents=1)


def test_finance_chooses_the_department_of_a_multi_department_order(
    paid_order: FeeOrder, finance: User
) -> None:
    with pytest.raises(DomainError) as exc:
        _refund(finance, paid_order, amount_cents=100)
    assert exc.value.code == "refund_department_required"
    with pytest.raises(DomainError) as unknown:
        _refund(finance, paid_order, amount_cents=100, department="tax-test")
    assert unknown.value.code == "refund_department_unknown"
    refund = _refund(finance, paid_order, amount_cents=100, department="samr-test")
    assert refund.line.department.slug == "samr-test"


def test_refunds_never_exceed_what_is_refundable(paid_order: FeeOrder, people: dict[str, User]) -> None:
    samr = people["samr_reviewer"]
    _refund(samr, paid_order, amount_cents=3000)
    with pytest.raises(DomainError) as exc:
        _refund(samr, paid_order, amount_cents=2000)
    assert exc.value.code == "refund_exceeds_refundable"
    assert exc.value.params == {"refundable_cents": SAMR_CENTS - 3000}
    _refund(samr, paid_order, amount_cents=SAMR_CENTS - 3000)
    with pytest.raises(Conflict):
        _refund(samr, paid_order, amount_cents=1)
    with pytest.raises(DomainError) as invalid:
        _refund(samr, paid_order, amount_cents=0)
    assert invalid.value.code == "refund_amount_invalid"


def test_refunds_asked_at_the_same_time_hold_their_amounts(
    paid_order: FeeOrder, people: dict[str, User]
) -> None:
    """Two requests before either reaches the provider: the second sees the first's hold."""
    first = _refund(people["samr_reviewer"], paid_order, amount_cents=4000, idempotency_key="a")
    second = people["samr_chief"]
    with pytest.raises(DomainError) as exc:
        _refund(second, paid_order, amount_cents=4000, idempotency_key="b")
    assert exc.value.params["refundable_cents"] == SAMR_CENTS - 4000
    assert first.status == RefundStatus.REQUESTED
    # A failed refund releases its hold.
    SandboxTrade.objects.filter(out_trade_no=first.payment.out_trade_no).update(state="CLOSED")
    assert refunds.submit(first.pk) == RefundStatus.FAILED
    assert _refund(second, paid_order, amount_cents=4000, idempotency_key="b").amount_cents == 4000


def test_same_key_gives_the_same_refund(paid_order: FeeOrder, people: dict[str, User]) -> None:
    samr = principal_of(people["samr_reviewer"])
    one, replay_one = refunds.request_refund(
        samr, paid_order, amount_cents=500, reason="r", idempotency_key="k"
    )
    two, replay_two = refunds.request_refund(
        samr, paid_order, amount_cents=500, reason="r", idempotency_key="k"
    )
    assert one.pk == two.pk and (replay_one, replay_two) == (False, True)
    with pytest.raises(Conflict) as exc:
        refunds.request_refund(samr, paid_order, amount_cents=600, reason="r", idempotency_key="k")
    assert exc.value.code == "idempotency_key_reused"
    assert Refund.objects.count() == 1


def test_refund_lifecycle_partial_then_full(
    paid_order: FeeOrder, people: dict[str, User], finance: User
) -> None:
    part = _refund(people["samr_reviewer"], paid_order, amount_cents=1000)
    assert refunds.submit(part.pk) == RefundStatus.PROCESSING
    assert refunds.submit(part.pk) == RefundStatus.PROCESSING  # a second worker run changes nothing
    deliver()
    part.refresh_from_db()
    assert part.status == RefundStatus.SUCCEEDED and part.provider_refund_id.startswith("SBR")
    order = fresh(paid_order)
    assert (order.status, order.refunded_cents) == (OrderStatus.PARTIALLY_REFUNDED, 1000)
    rest = [
        _refund(people["samr_reviewer"], order),
        _refund(finance, order, department="swj-test"),
    ]
    assert [r.amount_cents for r in rest] == [SAMR_CENTS - 1000, SWJ_CENTS]
    for refund in rest:
        refunds.submit(refund.pk)
    deliver()
    deliver()  # nothing left to send: a repeated run is harmless
    order = fresh(order)
    assert (order.status, order.refunded_cents) == (OrderStatus.REFUNDED, TOTAL_CENTS)
    assert sum(order.lines.values_list("refunded_cents", flat=True)) == TOTAL_CENTS
    assert refunds.refundable(order) == 0
    # each refund that went through is on the case's timeline and told to the applicant, once
    entries = order.case.events.filter(kind="refunded").order_by("pk")
    assert [e.data["amount_cents"] for e in entries] == [1000, SAMR_CENTS - 1000, SWJ_CENTS]
    assert "¥10.00" in entries[0].message
    told = Notification.objects.filter(template="payment.refunded", channel="inbox")
    assert told.count() == 3 and {n.recipient for n in told} == {order.case.applicant}


def test_refunds_of_an_unpaid_order_are_refused(order_case: Any, start: Any, people: dict[str, User]) -> None:
    started = start(order_case)
    with pytest.raises(Conflict) as exc:
        _refund(people["samr_reviewer"], started.order, amount_cents=1)
    assert exc.value.code == "order_not_paid"


def test_the_database_refuses_refunding_more_than_a_line(paid_order: FeeOrder) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.filter(order=paid_order).update(refunded_cents=F("amount_cents") + 1)
