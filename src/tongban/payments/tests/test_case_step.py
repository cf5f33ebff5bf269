"""The paying step of the case process: reached after the decisions, paid once, then issuance."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.cases.constants import CaseStatus, EventKind, TaskStatus
from tongban.cases.models import Case
from tongban.cases.services import flow, paying
from tongban.cases.tests.conftest import complete, decide_all, open_task
from tongban.notifications.models import Notification
from tongban.organizations.models import Department
from tongban.payments.constants import OrderStatus
from tongban.payments.models import FeeOrder
from tongban.payments.services import orders
from tongban.payments.tests.conftest import TOTAL_CENTS, deliver, pay_at_cashier
from tongban.utils.errors import Conflict, DomainError

pytestmark = pytest.mark.django_db


def test_fees_are_asked_after_the_decisions_and_paid_once_before_issuance(
    order_case: Case,
    start: Callable[..., orders.Started],
    applicant: Principal,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = order_case
    pay_task = case.tasks.get(kind="pay")
    assert (pay_task.status, pay_task.lane, pay_task.department) == (TaskStatus.OPEN, "applicant", None)
    assert not case.tasks.filter(kind="issue").exists()
    # The time spent paying is the applicant's: the clock stops as for a supplement.
    assert case.suspended_since is not None
    order = FeeOrder.objects.get(case=case)
    assert (order.status, order.total_cents) == (OrderStatus.CREATED, TOTAL_CENTS)
    due = case.events.get(kind=EventKind.PAYMENT_DUE)
    assert due.data == {"order": order.order_no, "amount_cents": TOTAL_CENTS, "pending_assessment": False}
    assert "¥52.84" in due.message
    told = Notification.objects.get(template="case.payment_due", channel="inbox")
    assert told.recipient == case.applicant and told.params["order_no"] == order.order_no
    with pytest.raises(Conflict) as exc:
        flow.withdraw(applicant, case)
    assert exc.value.code == "case_not_withdrawable"

    started = start(case)
    assert started.order.pk == order.pk  # the order made at the step is the one paid
    pay_at_cashier(started.payment)
    with django_capture_on_commit_callbacks(execute=True):
        deliver()  # the provider's signed callback settles the order; the worker moves the case on
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED and case.suspended_since is None
    pay_task.refresh_from_db()
    assert (pay_task.status, pay_task.decision) == (TaskStatus.COMPLETED, "paid")
    assert open_task(case, "issue").lane == "issuance"
    paid = case.events.get(kind=EventKind.PAID)
    receipt = order.receipts.get()
    assert paid.data["receipt"] == receipt.number and receipt.number in paid.message
    # Told again, or swept again: nothing more happens.
    assert paying.complete_payment(case.pk) is False
    assert paying.sweep() == 0
    assert case.events.filter(kind=EventKind.PAID).count() == 1


def test_a_lost_worker_message_is_caught_by_the_sweep(
    order_case: Case, start: Callable[..., orders.Started]
) -> None:
    started = start(order_case)
    pay_at_cashier(started.payment)
    deliver()  # settled; the task after the commit never ran (tests do not commit)
    order_case.refresh_from_db()
    assert order_case.status == CaseStatus.PAYING
    assert paying.sweep() == 1
    order_case.refresh_from_db()
    assert order_case.status == CaseStatus.DECIDED


@pytest.mark.usefixtures("fees")
def test_refused_items_charge_nothing(
    submitted: Case, people: dict[str, User], department: Department, swj: Department
) -> None:
    complete(people["clerk"], open_task(submitted, "accept"), "accepted")
    complete(people["swj_reviewer"], open_task(submitted, "review", swj), "approve")
    for task in list(submitted.tasks.filter(status="open", kind="review", department=department)):
        complete(people["samr_reviewer"], task, "reject", reason="conditions_not_met")
    complete(people["tax_reviewer"], submitted.tasks.get(status="open", kind="review"), "approve")
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.PAYING
    order = FeeOrder.objects.get(case=submitted)
    assert [line.department for line in order.lines.all()] == [swj]
    assert order.total_cents == 500


def test_a_case_without_fees_goes_straight_to_issuance(
    submitted: Case, people: dict[str, User], department: Department, swj: Department
) -> None:
    case = decide_all(submitted, people, department, swj)
    assert case.status == CaseStatus.DECIDED
    assert not case.tasks.filter(kind="pay").exists()  # passed over inside the process, no work item
    assert open_task(case, "issue")
    assert not case.events.filter(kind__in=[EventKind.PAYMENT_DUE, EventKind.PAYMENT_OUTSIDE]).exists()
    assert not FeeOrder.objects.exists()
    assert case.suspended_since is None


@pytest.mark.usefixtures("fees")
def test_with_payments_switched_off_fees_are_collected_outside(
    settings: Any, submitted: Case, people: dict[str, User], department: Department, swj: Department
) -> None:
    settings.TONGBAN_PAYMENT_PROVIDERS = []
    case = decide_all(submitted, people, department, swj)
    assert case.status == CaseStatus.DECIDED and open_task(case, "issue")
    assert case.events.filter(kind=EventKind.PAYMENT_OUTSIDE).count() == 1
    assert not FeeOrder.objects.exists()


@pytest.mark.usefixtures("fees")
def test_fees_cannot_be_paid_before_the_paying_step(
    submitted: Case, applicant: Principal, people: dict[str, User]
) -> None:
    with pytest.raises(Conflict) as exc:
        orders.start_payment(applicant, submitted, channel="wechat")
    assert exc.value.code == "case_not_awaiting_payment"
    with pytest.raises(Conflict):
        orders.open_order(Principal(user=people["samr_reviewer"]), submitted)
    assert not FeeOrder.objects.exists()


def test_a_case_with_no_fees_says_so(submitted: Case, applicant: Principal) -> None:
    with pytest.raises(DomainError) as exc:
        orders.start_payment(applicant, submitted, channel="wechat")
    assert exc.value.code == "case_has_no_fees"
