# ruff: noqa: F401, F811  (the case fixtures are imported by name and requested by the fixtures below)
"""The service desk on top of the restaurant world of the case tests.

Departments: 市场监管局 ``department`` (items 企业设立登记 and 食品经营许可), 水务局 ``swj``, 税务局 ``tax``.
Staff: ``people`` of the case tests (``samr_reviewer``, ``samr_chief``, ``swj_reviewer`` ...) plus
``agent`` (role ``service_desk``) and ``swj_chief``. ``faqs``: two catalogue FAQ answers of 食品经营许可.
``ask(...)`` submits a ticket as ``citizen`` (not acting for anyone) with sensible defaults.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tongban.accounts.constants import StaffRole
from tongban.accounts.models import Role, User
from tongban.accounts.principal import Principal
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
from tongban.items.models import FAQ
from tongban.organizations.models import Department
from tongban.servicedesk.models import Ticket
from tongban.servicedesk.services.tickets import TicketInput, submit

FOOD = "11310000MB1000010G3000102001000"
DRAINAGE = "11310000MB1000264D3001301001000"


@pytest.fixture
def staff(
    people: dict[str, User], swj: Department, front_desk: Department, staff_roles: dict[str, Role]
) -> dict[str, User]:
    return {
        **people,
        "agent": make_staff("agent", front_desk, [StaffRole.SERVICE_DESK], staff_roles),
        "swj_chief": make_staff("swj_chief", swj, [StaffRole.SECTION_CHIEF], staff_roles),
    }


@pytest.fixture
def faqs(catalogue: World) -> list[FAQ]:
    return [
        FAQ.objects.create(
            item=catalogue.item_food,
            question="食品经营许可证有效期是多久？",
            answer="食品经营许可证有效期为5年。",
            order=1,
        ),
        FAQ.objects.create(
            item=catalogue.item_food,
            question="办理食品经营许可需要现场核查吗？",
            answer="经营场所变化或新办的，一般需要现场核查。",
            order=2,
        ),
    ]


@pytest.fixture
def me(citizen: User) -> Principal:
    return as_principal(citizen)


@pytest.fixture
def ask(me: Principal, staff: dict[str, User]) -> Callable[..., Ticket]:
    def make(
        who: Principal | None = None, *, key: str = "", now: dt.datetime | None = None, **fields: Any
    ) -> Ticket:
        data = TicketInput(
            kind=fields.pop("kind", "consultation"),
            subject=fields.pop("subject", "食品经营许可证有效期是多久？"),
            body=fields.pop("body", "我想知道许可证到期后怎么办。"),
            **fields,
        )
        ticket, _created = submit(who or me, data, idempotency_key=key, now=now)
        return ticket

    return make


def p(user: User) -> Principal:
    return as_principal(user)
