"""Generated bundle processes: one accept, parallel reviews for the chosen items only, one issue."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import CommandError, call_command

import pytest

from tongban.organizations.models import Department
from tongban.workflows import engine, library
from tongban.workflows.generate import GENERIC_DECISION, bundle_bpmn, decision_for_bundle
from tongban.workflows.tests.helpers import (
    demo_restaurant_codes,
    make_bundle,
    only,
    roundtrip,
    start_data,
    step,
)

pytestmark = pytest.mark.django_db

RESTAURANT = library.DEFINITIONS_DIR / "bundle_open-restaurant.bpmn"


@pytest.fixture
def shop(department: Department) -> Any:
    return make_bundle(department, "demo-shop", ["CODE-A", "CODE-B", "CODE-C"])


def reviews(wf: engine.Workflow) -> list[tuple[str, str, str]]:
    return [(t.bpmn_id, t.item_code, t.lane) for t in wf.ready_user_tasks() if t.kind == "review"]


def test_only_selected_items_are_reviewed_and_the_join_waits_for_them(shop: Any) -> None:
    wf = roundtrip(engine.start(engine.process_key_for_bundle(shop), start_data(items=["CODE-A", "CODE-C"])))
    assert wf.ref == "bundle_demo-shop@builtin"
    accept = only(wf, "accept")
    assert accept.lane == "window"
    wf = step(wf, "accept", {"acceptance": "accepted"})
    # CODE-B was not chosen: its branch is skipped and creates no task.
    assert reviews(wf) == [("review_1", "CODE-A", "department"), ("review_3", "CODE-C", "department")]
    first = wf.ready_user_tasks()[0]
    wf.complete(first.id, {"decision": "approve"})
    wf = roundtrip(wf)
    # The join waits for the other selected review: no issue task yet.
    assert reviews(wf) == [("review_3", "CODE-C", "department")]
    assert [t.kind for t in wf.ready_user_tasks()] == ["review"]
    wf = step(wf, "review", {"decision": "reject"})
    pay = only(wf, "pay")  # after the join: the case's fees (the cases app skips it when none are due)
    assert pay.lane == "applicant"
    wf = step(wf, "pay", {"payment": "paid"})
    issue = only(wf, "issue")
    assert issue.lane == "issuance"
    wf = step(wf, "issue", {})
    assert wf.is_completed
    assert wf.end_event == "done"


def test_every_item_chosen(shop: Any) -> None:
    wf = engine.start("bundle_demo-shop", start_data(items=["CODE-A", "CODE-B", "CODE-C"]))
    wf = step(wf, "accept", {"acceptance": "accepted"})
    assert [code for _id, code, _lane in reviews(wf)] == ["CODE-A", "CODE-B", "CODE-C"]
    for left in (2, 1, 0):
        wf = _complete_first(wf)
        assert len(reviews(wf)) == left
    assert only(wf, "pay")


def _complete_first(wf: engine.Workflow) -> engine.Workflow:
    wf.complete(wf.ready_user_tasks()[0].id, {"decision": "approve"})
    return roundtrip(wf)


def test_no_item_chosen_goes_straight_to_paying_and_issue(shop: Any) -> None:
    wf = step(engine.start("bundle_demo-shop", start_data(items=[])), "accept", {"acceptance": "accepted"})
    wf = step(wf, "pay", {"payment": "none"})
    assert only(wf, "issue")


def test_one_accept_with_the_notice_loop_and_refusal(shop: Any) -> None:
    wf = roundtrip(engine.start("bundle_demo-shop", start_data(items=["CODE-B"])))
    wf = step(wf, "accept", {"acceptance": "notice"})
    assert only(wf, "supplement").lane == "applicant"
    wf = step(wf, "supplement", {})
    wf = step(wf, "accept", {"acceptance": "not_accepted"})
    assert wf.end_event == "not_accepted"


def test_generic_pre_review_for_bundles_without_their_own_table(shop: Any) -> None:
    assert decision_for_bundle("demo-shop") == GENERIC_DECISION
    accept = only(engine.start("bundle_demo-shop", start_data(items=["CODE-A", "CODE-B"])), "accept")
    assert (accept.data["pre_review"], accept.data["pre_review_reason"]) == (
        "pass",
        "材料齐全，联办事项 2 项",
    )
    accept = only(
        engine.start("bundle_demo-shop", start_data(items=["CODE-A"], missing_materials=3)), "accept"
    )
    assert accept.data["pre_review"] == "attention"
    assert accept.data["pre_review_reason"].startswith("缺少材料 3 项")


def test_bundle_process_command_prints_the_generated_file(shop: Any) -> None:
    out = io.StringIO()
    call_command("bundle_process", "demo-shop", stdout=out)
    assert out.getvalue() == bundle_bpmn(shop)
    with pytest.raises(CommandError):
        call_command("bundle_process", "no-such-bundle", stdout=out)


def test_generated_process_follows_the_bundle(shop: Any) -> None:
    bpmn = bundle_bpmn(shop)
    assert bpmn == bundle_bpmn(shop)  # deterministic
    root = library.parse_xml(bpmn)
    assert library.executable_process_ids(root) == ["bundle_demo-shop"]
    assert library.item_codes(root) == ["CODE-A", "CODE-B", "CODE-C"]
    shop.entries.filter(item_code="CODE-B").delete()
    assert library.item_codes(library.parse_xml(bundle_bpmn(shop))) == ["CODE-A", "CODE-C"]


class TestRestaurant:
    """开办餐饮店一件事: a committed, generated file with its own DMN."""

    def test_committed_file_equals_the_generator_output(self, department: Department) -> None:
        bundle = make_bundle(department, "open-restaurant", demo_restaurant_codes(), name="开办餐饮店一件事")
        assert RESTAURANT.read_text(encoding="utf-8") == bundle_bpmn(bundle), (
            "bundle_open-restaurant.bpmn is out of date: run "
            "`manage.py bundle_process open-restaurant --write` on a database with the demo catalogue"
        )

    def test_shipped_file_and_its_own_dmn_are_used(self, department: Department) -> None:
        make_bundle(department, "open-restaurant", demo_restaurant_codes(), name="开办餐饮店一件事")
        ref, bpmn, dmns = engine.resolve("bundle_open-restaurant")
        assert ref == "bundle_open-restaurant@builtin"
        assert bpmn == RESTAURANT.read_text(encoding="utf-8")
        assert len(dmns) == 1 and 'id="pre_review_open_restaurant"' in dmns[0]

    def test_shipped_file_is_used_when_the_bundle_is_not_in_the_database(self) -> None:
        assert engine.resolve("bundle_open-restaurant")[1] == RESTAURANT.read_text(encoding="utf-8")

    def test_changed_bundle_entries_switch_to_the_generated_process(self, department: Department) -> None:
        codes = demo_restaurant_codes()
        bundle = make_bundle(department, "open-restaurant", codes[:3], name="开办餐饮店一件事")
        _ref, bpmn, dmns = engine.resolve("bundle_open-restaurant")
        assert bpmn == bundle_bpmn(bundle) != RESTAURANT.read_text(encoding="utf-8")
        assert library.item_codes(library.parse_xml(bpmn)) == codes[:3]
        assert 'id="pre_review_open_restaurant"' in dmns[0]  # still the restaurant's own table

    @pytest.mark.parametrize(
        ("facts", "result", "words"),
        [
            ({"shop_area": 8}, "attention", ["小型餐饮", "备案", "8 平方米"]),
            ({"shop_area": 0}, "attention", ["未填写经营场所面积"]),
            ({"shop_area": 80}, "pass", ["80 平方米", "材料齐全"]),
            ({"shop_area": 80, "applicant_kind": "natural"}, "attention", ["自然人"]),
            ({"shop_area": 650}, "attention", ["大型餐饮", "消防"]),
            ({"shop_area": 8, "missing_materials": 1}, "attention", ["缺少材料 1 项"]),
        ],
    )
    def test_floor_area_rules(self, facts: dict[str, Any], result: str, words: list[str]) -> None:
        codes = demo_restaurant_codes()
        accept = only(engine.start("bundle_open-restaurant", start_data(items=codes[:4], **facts)), "accept")
        assert accept.data["pre_review"] == result
        for word in words:
            assert word in accept.data["pre_review_reason"]

    def test_a_whole_restaurant_case(self) -> None:
        codes = demo_restaurant_codes()
        chosen = [*codes[:4], codes[6]]  # the four basic items and the liquor licence
        wf = roundtrip(engine.start("bundle_open-restaurant", start_data(items=chosen, shop_area=60)))
        wf = step(wf, "accept", {"acceptance": "accepted"})
        assert [code for _id, code, _lane in reviews(wf)] == chosen
        while reviews(wf):
            wf = _complete_first(wf)
        wf = step(wf, "pay", {"payment": "paid"})
        wf = step(wf, "issue", {})
        assert wf.end_event == "done"
