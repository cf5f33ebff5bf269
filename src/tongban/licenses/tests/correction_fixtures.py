"""Fixtures and helpers of the licence-correction tests (imported by the test modules that use them).

``gaj_reviewer``   reviewer of 上海市公安局 (``gaj``, issuer of ``id_card``).
``gaj_chief``      section chief of ``gaj``.
``gaj_clerk``      window clerk of ``gaj`` (may see the queue, may not decide).
``samr_reviewer``  reviewer of 市场监管局 (``department``): another department for ``id_card``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from tongban.accounts import services as accounts
from tongban.accounts.constants import StaffRole
from tongban.accounts.models import Role, User
from tongban.accounts.principal import Principal
from tongban.conftest import PERSONA_PASSWORD
from tongban.licenses.models import Correction, License
from tongban.licenses.services import corrections
from tongban.organizations.models import Department

ADDRESS = "上海市徐汇区测试路3号"
_SEQ = itertools.count(100)


def make_staff(username: str, department: Department, roles: list[str]) -> User:
    return accounts.create_staff(
        username=username,
        password=PERSONA_PASSWORD,
        real_name=f"{username[:1].upper()}员",
        employee_no=f"E{next(_SEQ):04d}",
        department_id=department.pk,
        roles=roles,
    )


@pytest.fixture
def gaj_reviewer(gaj: Department, staff_roles: dict[str, Role]) -> User:
    return make_staff("gaj-reviewer", gaj, [StaffRole.REVIEWER])


@pytest.fixture
def gaj_chief(gaj: Department, staff_roles: dict[str, Role]) -> User:
    return make_staff("gaj-chief", gaj, [StaffRole.SECTION_CHIEF])


@pytest.fixture
def gaj_clerk(gaj: Department, staff_roles: dict[str, Role]) -> User:
    return make_staff("gaj-clerk", gaj, [StaffRole.WINDOW_CLERK])


@pytest.fixture
def samr_reviewer(department: Department, staff_roles: dict[str, Role]) -> User:
    return make_staff("samr-reviewer", department, [StaffRole.REVIEWER])


def report(
    user: User,
    license: License,
    *,
    items: list[dict[str, Any]] | None = None,
    now: dt.datetime | None = None,
    **kw: Any,
) -> Correction:
    """A report by the holder ``user`` (the address of an ID card, unless ``items`` say otherwise)."""
    items = items if items is not None else [{"field": "address", "proposed": ADDRESS, "note": "搬家"}]
    correction, _created = corrections.submit(Principal(user=user), license.pk, items=items, now=now, **kw)
    return correction
