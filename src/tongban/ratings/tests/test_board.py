"""The public board on a hand-built set: every figure checked by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.utils import timezone

import pytest

from tongban.accounts.constants import StaffRole
from tongban.accounts.models import Role, User
from tongban.cases.models import Case
from tongban.cases.tests.conftest import World, as_principal
from tongban.organizations.models import Department, Region
from tongban.ratings.models import BoardFigure, Rectification
from tongban.ratings.services import board
from tongban.ratings.services import rectification as svc
from tongban.ratings.tests.conftest import rate, staff

pytestmark = pytest.mark.django_db


def _answer(people: dict[str, User], rect: Rectification, chief: str = "samr_chief") -> None:
    worker = staff(people, chief)
    svc.act(worker, rect, "callback", reached=True, notes="核实")
    svc.act(worker, rect, "classify", classification="immediate")
    svc.act(worker, rect, "respond", text="已整改")


@pytest.fixture
def hand_built(
    make_case: Callable[..., Case],
    catalogue: World,
    citizen: User,
    people: dict[str, User],
    department: Department,
) -> dict[str, Any]:
    me = as_principal(citizen)
    company, food, drainage = catalogue.item_company, catalogue.item_food, catalogue.item_drainage
    c = {
        n: make_case(items)
        for n, items in [
            (1, [company]),
            (2, [company]),
            (3, [food]),
            (4, [food]),
            (5, [company]),
            (6, [drainage]),
            (7, [drainage]),
        ]
    }
    c[8] = make_case([company, drainage], lead=department)
    for n, level in [
        (1, "very_satisfied"),
        (2, "satisfied"),
        (3, "basically_satisfied"),
        (4, "dissatisfied"),
        (5, "very_dissatisfied"),
        (6, "dissatisfied"),
        (7, "very_dissatisfied"),
        (8, "satisfied"),
    ]:
        rate(me, c[n], level)
    rect = {n: Rectification.objects.get(case=c[n]) for n in (4, 5, 6, 7)}
    _answer(people, rect[4])
    svc.act(me, rect[4], "confirm")  # rectified on time
    Rectification.objects.filter(pk=rect[5].pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    _answer(people, rect[5])
    svc.act(me, rect[5], "confirm")  # rectified late
    svc.act(staff(people, "swj_reviewer"), rect[7], "callback", reached=True, notes="x")
    # 水务局 has no section chief in the world: its reviewer becomes one to appeal.
    people["swj_reviewer"].staff.roles.add(Role.objects.get(code=StaffRole.SECTION_CHIEF))
    svc.act(staff(people, "swj_reviewer"), rect[7], "appeal", reason="误评")
    svc.act(staff(people, "supervisor"), rect[7], "decide_appeal", upheld=True, reason="经核实属误评")
    rate(me, c[8], "dissatisfied", follow_up=True)  # the latest rating counts: bad, rectification open
    board.recompute()
    return c


def fig(scope: str, key: str, period: str = "all") -> dict[str, Any]:
    f = BoardFigure.objects.get(scope=scope, key=key, period=period)
    return {k: getattr(f, k) for k in ("ratings", "good", "bad", "rectified", "closed", "closed_on_time")}


def test_figures_per_department_item_and_district(
    hand_built: dict[str, Any],
    catalogue: World,
    department: Department,
    swj: Department,
    tax: Department,
    region: Region,
) -> None:
    month = timezone.localdate().strftime("%Y-%m")
    samr = {"ratings": 6, "good": 3, "bad": 3, "rectified": 2, "closed": 2, "closed_on_time": 1}
    assert fig("department", department.slug) == samr == fig("department", department.slug, month)
    assert fig("department", swj.slug) == {
        "ratings": 2,
        "good": 0,
        "bad": 2,
        "rectified": 0,
        "closed": 0,
        "closed_on_time": 0,
    }
    assert not BoardFigure.objects.filter(scope="department", key=tax.slug).exists()
    assert fig("item", catalogue.item_company.code) == {
        "ratings": 4,
        "good": 2,
        "bad": 2,
        "rectified": 1,
        "closed": 1,
        "closed_on_time": 0,
    }
    assert fig("item", catalogue.item_food.code) == {
        "ratings": 2,
        "good": 1,
        "bad": 1,
        "rectified": 1,
        "closed": 1,
        "closed_on_time": 1,
    }
    assert fig("item", catalogue.item_drainage.code)["ratings"] == 2
    assert fig("district", region.code) == {
        "ratings": 7,
        "good": 3,
        "bad": 4,
        "rectified": 2,
        "closed": 2,
        "closed_on_time": 1,
    }


def test_public_stats_api_without_sign_in(hand_built: dict[str, Any], department: Department) -> None:
    response = Client().get(f"/api/v1/ratings/stats?department={department.slug}")
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == "all" and "all" in body["periods"]
    [row] = body["figures"]
    assert row["label"] == department.name and row["ratings"] == 6
    assert row["good_rate"] == 0.5 and row["rectification_rate"] == 0.6667 and row["on_time_rate"] == 0.5
    # No personal data anywhere in the public answer.
    text = response.content.decode()
    for personal in ("张三", "citizen", "TEST0", "13800138000"):
        assert personal not in text
    everything = Client().get("/api/v1/ratings/stats").json()["figures"]
    assert {f["scope"] for f in everything} == {"department", "item", "district"}


def test_rebuild_is_idempotent(hand_built: dict[str, Any]) -> None:
    before = list(BoardFigure.objects.values_list("scope", "key", "period", "ratings", "bad", "rectified"))
    board.recompute()
    after = list(BoardFigure.objects.values_list("scope", "key", "period", "ratings", "bad", "rectified"))
    assert sorted(before) == sorted(after)
