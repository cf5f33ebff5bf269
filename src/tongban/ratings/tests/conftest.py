# ruff: noqa: F401, F811  (the case fixtures are imported by name and requested by the fixtures below)
"""Ratings on top of the restaurant world of the case tests.

``closed`` is the restaurant bundle case accepted by ``clerk`` at the front desk, approved by every
department and issued: closed (办结), lead department 市场监管局 (``department``). The rater is
``applicant`` (``citizen`` acting for ``enterprise``). Department staff of 市场监管局: ``samr_reviewer``
(reviewer) and ``samr_chief`` (section chief); ``swj_reviewer`` is of another department; ``supervisor``
is 电子监察. ``make_case`` builds a closed case directly (for the board's hand-built set).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from django.utils import timezone

import pytest

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.cases.constants import CaseStatus, HolderKind
from tongban.cases.models import Case, CaseItem
from tongban.cases.tests.conftest import (
    World,
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
    submitted,
    swj,
    tax,
    upload,
)
from tongban.items.models import ServiceItem
from tongban.organizations.models import Department
from tongban.ratings.services import rating as rating_service

_numbers = itertools.count(1)


@pytest.fixture
def closed(submitted: Case, people: dict[str, User], department: Department, swj: Department) -> Case:
    case = decide_all(submitted, people, department, swj)
    complete(people["clerk"], open_task(case, "issue"), "issue")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.rating_invited_at is not None
    return case


def staff(people: dict[str, User], name: str) -> Principal:
    return as_principal(people[name])


def rate(who: Principal, case: Case, level: str = "dissatisfied", **kw: Any) -> rating_service.Rated:
    kw.setdefault("channel", "pc")
    if level in ("dissatisfied", "very_dissatisfied"):
        kw.setdefault("comment", "等了很久")
    return rating_service.rate(who, case, level=level, **kw)


@pytest.fixture
def make_case(citizen: User, front_desk: Department) -> Callable[..., Case]:
    """A closed case of ``citizen`` (no legal person) for ``items`` (item → its department)."""

    def make(items: list[ServiceItem], *, lead: Department | None = None, **kw: Any) -> Case:
        n = next(_numbers)
        case = Case.objects.create(
            case_no=f"TEST{n:08d}",
            target_kind="item" if len(items) == 1 else "bundle",
            target_code=items[0].code,
            target_name=items[0].name,
            applicant=kw.pop("applicant", citizen),
            holder_kind=HolderKind.NATURAL,
            holder_name="张三",
            holder_code="310101199001011234",
            holder_hash=f"h{n}",
            lead_department=lead or items[0].department,
            front_desk=front_desk,
            status=kw.pop("status", CaseStatus.CLOSED),
            closed_at=kw.pop("closed_at", timezone.now()),
            **kw,
        )
        for pos, item in enumerate(items):
            CaseItem.objects.create(
                case=case,
                item=item,
                item_code=item.code,
                name=item.name,
                department=item.department,
                position=pos,
            )
        return case

    return make


__all__ = ["rate", "staff"]
