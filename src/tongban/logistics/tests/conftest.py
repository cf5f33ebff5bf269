# ruff: noqa: F401, F811  (the case and licence fixtures are imported by name and requested below)
"""Fixtures for logistics tests: the restaurant world of the cases tests, Shanghai districts (one of
them abolished), a case whose results go by post and are issued, and helpers that play the carrier.

``mail_case``   the restaurant bundle, delivery by post, accepted, approved and issued (status issued).
``address``     a valid applicant address in 黄浦区 (phone 13900139000: the demo carrier delivers it).
``holder``      test client of the applicant (张三 acting for the enterprise), for the API and the pages.
``clock``       time-machine traveller, frozen at the present; ``clock.shift(...)`` moves time on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.test import Client
from django.utils import timezone

import pytest
import time_machine

from tongban.accounts.models import LegalPerson, User
from tongban.accounts.principal import Principal
from tongban.accounts.request import ACTING_FOR_SESSION_KEY
from tongban.cases.constants import CaseStatus
from tongban.cases.models import Case
from tongban.cases.services.submission import Application, submit
from tongban.cases.tests.conftest import (
    applicant,
    as_principal,
    business_licence,
    business_type,
    catalogue,
    complete,
    decide_all,
    enterprise,
    food_type,
    front_desk,
    gaj,
    id_card,
    id_card_type,
    open_task,
    people,
    platform,
    restaurant_app,
    swj,
    tax,
    upload,
)
from tongban.logistics.carriers import demo_ems
from tongban.logistics.constants import ShipmentKind
from tongban.logistics.models import Shipment
from tongban.logistics.services import shipments, tracking
from tongban.organizations.constants import RegionLevel
from tongban.organizations.models import Department, Region


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    """Time stands still at the real present (so licences and regions are as today) until shifted;
    autouse, so that every record of a test is made under it."""
    with time_machine.travel(timezone.now().replace(microsecond=0), tick=False) as traveller:
        yield traveller


@pytest.fixture
def districts(region: Region) -> dict[str, Region]:
    rows = [
        ("310101", "黄浦区", None, None),
        ("310104", "徐汇区", None, None),
        ("310103", "卢湾区", None, 2011),  # merged into 黄浦区 in 2011
        ("310199", "未来区", 2099, None),  # not created yet
    ]
    return {
        code: Region.objects.create(
            code=code,
            name=name,
            level=RegionLevel.DISTRICT,
            parent=region,
            valid_from=start,
            valid_to=end,
            area_code12=code + "000000",
        )
        for code, name, start, end in rows
    }


def address_for(phone: str = "13900139000", **overrides: str) -> dict[str, str]:
    return {
        "name": "张三",
        "phone": phone,
        "region_code": "310101",
        "detail": "测试路1号2号楼301室",
        "postcode": "200001",
        **overrides,
    }


@pytest.fixture
def address(districts: dict[str, Region]) -> dict[str, str]:
    return address_for()


def issue_case(case: Case, people: dict[str, User], department: Department, swj: Department) -> Case:
    """Accept, approve every item and issue the results, through the workbench services."""
    decide_all(case, people, department, swj)
    complete(people["clerk"], open_task(case, "issue"), "issue")
    case.refresh_from_db()
    assert case.status == CaseStatus.ISSUED
    return case


@pytest.fixture
def mail_submitted(
    clock: Any,
    applicant: Principal,
    people: dict[str, User],
    restaurant_app: Callable[..., Application],
    districts: dict[str, Region],
) -> Case:
    return submit(applicant, restaurant_app(delivery_method="mail"), idempotency_key="mail-1")


@pytest.fixture
def mail_case(mail_submitted: Case, people: dict[str, User], department: Department, swj: Department) -> Case:
    return issue_case(mail_submitted, people, department, swj)


@pytest.fixture
def holder(citizen: User, enterprise: LegalPerson) -> Client:
    client = Client(headers={"X-Acting-For": enterprise.uscc})  # the API's way
    client.force_login(citizen)
    session = client.session
    session[ACTING_FOR_SESSION_KEY] = enterprise.pk  # the pages' way (the switch on the account page)
    session.save()
    return client


def ship(
    who: Principal,
    case: Case,
    phone: str = "13900139000",
    kind: str = ShipmentKind.DELIVER_RESULT,
    key: str = "",
) -> Shipment:
    shipment, _created = shipments.create_shipment(
        who, case, kind=kind, address=address_for(phone), idempotency_key=key
    )
    return shipment


def carrier_pushes() -> int:
    """Let the demo carrier push every event that is due now, as the worker does. Returns messages."""
    messages = demo_ems.due_callbacks()
    for headers, body in messages:
        tracking.receive_callback("demo_ems", headers=headers, body=body)
    return len(messages)


def push(*traces: dict[str, Any], nonce: str = "", at: dt.datetime | None = None) -> tracking.IngestResult:
    """Push hand-made carrier events (any order, duplicates...) through the signed callback."""
    body = demo_ems.callback_body(list(traces))
    headers = demo_ems.signed_headers(body, now=at or timezone.now(), nonce=nonce)
    return tracking.receive_callback("demo_ems", headers=headers, body=body)


def minutes(n: int) -> dt.timedelta:
    return dt.timedelta(minutes=n)


__all__ = ["address_for", "as_principal", "carrier_pushes", "issue_case", "minutes", "push", "ship"]
