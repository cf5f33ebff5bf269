# ruff: noqa: F401, F811  (the case fixtures are imported by name and requested by the fixtures below)
"""Payments on top of the restaurant world of the case tests.

``fees`` adds fee items to the catalogue (the case fixtures have none): 市场监管局 (``department``)
charges 1234 (企业设立, fixed) + 1000 (食品经营许可证工本费, waivable) + 2550 (检验费) = 4784 fen,
水务局 (``swj``) 500 fen; 税务局 nothing. ``order_case`` is the bundle case with those fees at its paying
step (accepted, every item approved: the order is made).
Staff: ``people`` of the case tests plus ``finance`` (role ``finance``, at the front desk).
Callbacks are sent by calling the sandbox by hand (``deliver``): in tests nothing runs on commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

import pytest

from tongban.accounts.models import Role, User
from tongban.accounts.principal import Principal
from tongban.cases.constants import CaseStatus
from tongban.cases.models import Case
from tongban.cases.tests.conftest import (
    World,
    applicant,
    as_principal,
    business_licence,
    business_type,
    catalogue,
    decide_all,
    enterprise,
    food_type,
    front_desk,
    gaj,
    id_card,
    id_card_type,
    people,
    platform,
    restaurant_app,
    submitted,
    swj,
    tax,
    upload,
)
from tongban.cases.tests.conftest import _staff as make_staff
from tongban.items.models import FeeItem
from tongban.organizations.models import Department
from tongban.payments.constants import FINANCE_ROLE
from tongban.payments.models import FeeOrder, Payment, SandboxCallback, SandboxTrade
from tongban.payments.providers import sandbox
from tongban.payments.services import orders

SAMR_CENTS = 1234 + 1000 + 2550
SWJ_CENTS = 500
TOTAL_CENTS = SAMR_CENTS + SWJ_CENTS


@pytest.fixture(autouse=True)
def _payment_settings(settings: Any) -> None:
    settings.TONGBAN_PAYMENT_PROVIDERS = ["sandbox"]
    settings.TONGBAN_PAYMENT_SANDBOX_CALLBACK_DELAY_SECONDS = 0


@pytest.fixture
def fees(catalogue: World) -> dict[str, FeeItem]:
    def fee(item: Any, name: str, amount: int | None, **kw: Any) -> FeeItem:
        return FeeItem.objects.create(
            item=item,
            name=name,
            standard=kw.pop("standard", f"{name}标准"),
            amount_cents=amount,
            basis="收费依据",
            **kw,
        )

    return {
        "company": fee(catalogue.item_company, "营业执照副本工本费", 1234),
        "food": fee(catalogue.item_food, "食品经营许可证工本费", 1000, waivable=True, waiver_note="小微企业"),
        "inspection": fee(catalogue.item_food, "检验费", 2550),
        "drainage": fee(catalogue.item_drainage, "排水许可证工本费", 500),
    }


@pytest.fixture
def order_case(
    fees: dict[str, FeeItem],
    submitted: Case,
    people: dict[str, User],
    department: Department,
    swj: Department,
) -> Case:
    """The bundle case with fees, accepted and approved: at its paying step, the order made."""
    case = decide_all(submitted, people, department, swj)
    assert case.status == CaseStatus.PAYING
    return case


@pytest.fixture
def finance(people: dict[str, User], front_desk: Department, staff_roles: Any) -> User:
    Role.objects.get_or_create(code=FINANCE_ROLE, defaults={"name": "财务"})
    return make_staff("finance", front_desk, [FINANCE_ROLE], {})


@pytest.fixture
def start(applicant: Principal) -> Callable[..., orders.Started]:
    def run(
        case: Case, channel: str = "wechat", key: str = "", who: Principal | None = None
    ) -> orders.Started:
        return orders.start_payment(who or applicant, case, channel=channel, idempotency_key=key)

    return run


def trade_of(payment: Payment) -> SandboxTrade:
    return SandboxTrade.objects.get(out_trade_no=payment.out_trade_no)


def pay_at_cashier(payment: Payment, *, force: bool = False) -> SandboxTrade:
    return sandbox.pay(trade_of(payment), force=force)


def deliver() -> int:
    """The sandbox sends every notification it owes (as its worker would)."""
    return sandbox.deliver_due(timezone.now() + dt.timedelta(seconds=1))


def pending_callbacks() -> list[SandboxCallback]:
    return list(SandboxCallback.objects.filter(delivered_at__isnull=True).order_by("pk"))


def fresh(order: FeeOrder) -> FeeOrder:
    order.refresh_from_db()
    return order


@pytest.fixture
def paid_order(order_case: Case, start: Callable[..., orders.Started]) -> FeeOrder:
    started = start(order_case)
    pay_at_cashier(started.payment)
    deliver()
    return fresh(started.order)


def principal_of(user: User) -> Principal:
    return as_principal(user)


__all__ = [
    "SAMR_CENTS",
    "SWJ_CENTS",
    "TOTAL_CENTS",
    "deliver",
    "fresh",
    "pay_at_cashier",
    "pending_callbacks",
    "principal_of",
    "trade_of",
]
