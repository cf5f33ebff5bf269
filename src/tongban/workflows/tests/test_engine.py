"""The shipped single-item processes on every path, stored and restored between every step."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

import pytest
import time_machine

from tongban.workflows import engine, library
from tongban.workflows.constants import DefinitionState
from tongban.workflows.models import ProcessDefinition
from tongban.workflows.tests.helpers import due, only, roundtrip, start_data, step

pytestmark = pytest.mark.django_db


def begin(key: str = "item_promised", **kw: Any) -> engine.Workflow:
    return roundtrip(engine.start(key, start_data(**kw)))


class TestPromised:
    def test_accept_review_issue(self) -> None:
        wf = begin()
        assert wf.ref == "item_promised@builtin"
        accept = only(wf, "accept")
        assert (accept.bpmn_id, accept.name, accept.lane, accept.item_code) == (
            "accept",
            "窗口受理",
            "window",
            "",
        )
        assert accept.data["items"] == ["ITEM-1"]
        wf = step(wf, "accept", {"acceptance": "accepted"})
        review = only(wf, "review")
        assert (review.bpmn_id, review.lane) == ("review", "department")
        wf = step(wf, "review", {"decision": "reject"})  # refusals are issued too (unified issuance)
        pay = only(wf, "pay")  # the cases app completes it with "none" when nothing is due
        assert (pay.bpmn_id, pay.lane) == ("pay", "applicant")
        wf = step(wf, "pay", {"payment": "none"})
        issue = only(wf, "issue")
        assert issue.lane == "issuance"
        assert not wf.is_completed and wf.end_event == ""
        wf = step(wf, "issue", {})
        assert wf.is_completed
        assert wf.end_event == "done"
        assert wf.ready_user_tasks() == []
        assert wf.data["acceptance"] == "accepted" and wf.data["decision"] == "reject"

    def test_notice_supplement_goes_back_to_accept(self) -> None:
        wf = begin()
        first = only(wf, "accept")
        new_due = due(5)
        wf = step(wf, "accept", {"acceptance": "notice", "supplement_due": new_due})
        supplement = only(wf, "supplement")
        assert (supplement.bpmn_id, supplement.lane) == ("supplement", "applicant")
        # The timer runs on the due date given with the notice, not the one from the start.
        assert wf.next_timer_at() == dt.datetime.fromisoformat(new_due)
        assert wf.next_timer_at().tzinfo is not None  # type: ignore[union-attr]
        wf = step(wf, "supplement", {})
        second = only(wf, "accept")
        assert second.id != first.id
        assert wf.next_timer_at() is None
        wf = step(wf, "accept", {"acceptance": "accepted"})
        wf = step(wf, "review", {"decision": "approve"})
        wf = step(wf, "pay", {"payment": "paid"})
        wf = step(wf, "issue", {})
        assert wf.end_event == "done"

    def test_not_accepted(self) -> None:
        wf = step(begin(), "accept", {"acceptance": "not_accepted"})
        assert wf.is_completed
        assert wf.end_event == "not_accepted"
        assert wf.ready_user_tasks() == []

    def test_lapse_when_the_timer_comes_due(self) -> None:
        wf = begin()
        wf = step(wf, "accept", {"acceptance": "notice", "supplement_due": due(3)})
        state = engine.dump(wf)
        assert wf.refresh_timers() is False  # not due yet: nothing moves
        with time_machine.travel(timezone.now() + dt.timedelta(days=4), tick=False):
            later = engine.load(state)
            assert later.refresh_timers() is True
            later = roundtrip(later)
        assert later.is_completed
        assert later.end_event == "lapsed"
        assert later.ready_user_tasks() == []
        assert later.next_timer_at() is None

    def test_lapse_with_a_due_date_in_the_past(self) -> None:
        wf = begin()
        task = only(wf, "accept")
        wf.complete(task.id, {"acceptance": "notice", "supplement_due": due(-1)})
        wf.refresh_timers()
        wf = roundtrip(wf)
        assert wf.end_event == "lapsed"
        assert wf.ready_user_tasks() == []

    def test_a_late_supplement_is_refused_even_before_the_timer_job_ran(self) -> None:
        wf = step(begin(), "accept", {"acceptance": "notice", "supplement_due": due(1)})
        supplement = only(wf, "supplement")
        with (
            time_machine.travel(timezone.now() + dt.timedelta(days=2), tick=False),
            pytest.raises(engine.WorkflowError, match="workflow_task_not_ready"),
        ):
            wf.complete(supplement.id, {})
        assert wf.end_event == "lapsed"

    def test_supplement_completed_before_the_timer_cancels_it(self) -> None:
        wf = step(begin(), "accept", {"acceptance": "notice", "supplement_due": due(1)})
        wf = step(wf, "supplement", {})
        with time_machine.travel(timezone.now() + dt.timedelta(days=2), tick=False):
            assert wf.refresh_timers() is False
        assert only(wf, "accept")


def test_immediate_process_keeps_accept_and_review_in_the_department() -> None:
    wf = begin("item_immediate")
    assert wf.ref == "item_immediate@builtin"
    assert only(wf, "accept").lane == "department"
    wf = step(wf, "accept", {"acceptance": "accepted"})
    assert only(wf, "review").lane == "department"
    wf = step(wf, "review", {"decision": "approve"})
    wf = step(wf, "pay", {"payment": "paid"})
    assert only(wf, "issue").lane == "issuance"
    wf = step(wf, "issue", {})
    assert wf.end_event == "done"


def test_immediate_process_has_the_notice_loop_and_refusal() -> None:
    wf = step(begin("item_immediate"), "accept", {"acceptance": "notice"})
    wf = step(wf, "supplement", {})
    wf = step(wf, "accept", {"acceptance": "not_accepted"})
    assert wf.end_event == "not_accepted"


class TestComplete:
    def test_a_done_task_is_not_ready(self) -> None:
        wf = begin()
        task = only(wf, "accept")
        stale = engine.dump(wf)
        wf.complete(task.id, {"acceptance": "accepted"})
        with pytest.raises(engine.WorkflowError) as exc:
            wf.complete(task.id, {"acceptance": "accepted"})
        assert exc.value.code == "workflow_task_not_ready"
        assert exc.value.status == 409
        # The same after a round trip (another request completing the same task again).
        with pytest.raises(engine.WorkflowError, match="workflow_task_not_ready"):
            roundtrip(wf).complete(task.id, {"acceptance": "accepted"})
        # The stale copy still has the task open: the cases app's optimistic lock decides.
        assert only(engine.load(stale), "accept").id == task.id

    @pytest.mark.parametrize("task_id", [str(uuid.uuid4()), "not-a-uuid", ""])
    def test_unknown_tasks_are_not_ready(self, task_id: str) -> None:
        with pytest.raises(engine.WorkflowError, match="workflow_task_not_ready"):
            begin().complete(task_id, {"acceptance": "accepted"})

    def test_a_cancelled_supplement_is_not_ready(self) -> None:
        wf = step(begin(), "accept", {"acceptance": "notice", "supplement_due": due(1)})
        supplement = only(wf, "supplement")
        with time_machine.travel(timezone.now() + dt.timedelta(days=2), tick=False):
            wf.refresh_timers()
        with pytest.raises(engine.WorkflowError, match="workflow_task_not_ready"):
            wf.complete(supplement.id, {})

    @pytest.mark.parametrize(
        ("data", "code"),
        [
            ({"acceptance": "maybe"}, "workflow_data_invalid"),
            ({}, "workflow_data_invalid"),
            ({"acceptance": "notice", "supplement_due": "2026-01-01T00:00:00"}, "workflow_data_invalid"),
            ({"acceptance": "accepted", "_private": 1}, "workflow_data_invalid"),
            ({"acceptance": "accepted", "fee": decimal.Decimal("1.5")}, "workflow_data_not_serialisable"),
        ],
    )
    def test_bad_accept_data_is_refused_and_leaves_the_task_open(
        self, data: dict[str, Any], code: str
    ) -> None:
        wf = begin()
        task = only(wf, "accept")
        with pytest.raises(engine.WorkflowError) as exc:
            wf.complete(task.id, data)
        assert exc.value.code == code
        assert only(wf, "accept").id == task.id

    def test_review_needs_a_decision(self) -> None:
        wf = step(begin(), "accept", {"acceptance": "accepted"})
        with pytest.raises(engine.WorkflowError, match="workflow_data_invalid"):
            wf.complete(only(wf, "review").id, {"decision": "perhaps"})


def test_cancel_ends_without_an_end_event() -> None:
    wf = begin()
    wf.cancel()
    wf = roundtrip(wf)
    assert wf.is_completed
    assert wf.end_event == ""
    assert wf.ready_user_tasks() == []


def test_dump_is_stable_and_carries_the_ref() -> None:
    wf = step(begin(), "accept", {"acceptance": "accepted"})
    state = engine.dump(wf)
    assert engine.dump(engine.load(state)) == state
    assert engine.load(state).ref == "item_promised@builtin"


@pytest.mark.parametrize("state", ["", "{}", "[1]", '{"tongban_ref": "x"}', "not json"])
def test_load_refuses_garbage(state: str) -> None:
    with pytest.raises(engine.WorkflowError, match="workflow_state_invalid"):
        engine.load(state)


def test_start_refuses_personal_looking_objects() -> None:
    with pytest.raises(engine.WorkflowError, match="workflow_data_not_serialisable"):
        engine.start("item_promised", {"items": [], "facts": {"when": dt.date(2026, 1, 1)}})


class TestPreReview:
    """The DMN tables run before acceptance; their outputs reach the accept task."""

    @pytest.mark.parametrize(
        ("key", "facts", "result", "reason"),
        [
            ("item_promised", {"missing_materials": 2}, "attention", "缺少材料 2 项，请核对"),
            ("item_promised", {"channel": "window"}, "pass", "窗口申请，材料已当面核验"),
            ("item_promised", {}, "pass", "材料齐全"),
            ("item_immediate", {"missing_materials": 1}, "attention", "即办件须材料齐全"),
            ("item_immediate", {"channel": "window"}, "pass", "可当场办结"),
        ],
    )
    def test_item_templates(self, key: str, facts: dict[str, Any], result: str, reason: str) -> None:
        accept = only(begin(key, **facts), "accept")
        assert accept.data["pre_review"] == result
        assert reason in accept.data["pre_review_reason"]

    def test_missing_facts_do_not_break_the_table(self) -> None:
        accept = only(roundtrip(engine.start("item_promised", {"items": ["X"]})), "accept")
        assert (accept.data["pre_review"], accept.data["pre_review_reason"]) == ("pass", "材料齐全")


class TestResolve:
    def test_published_definition_wins_over_the_shipped_file(self, staff_user: Any) -> None:
        shipped = library.shipped_bpmn("item_promised")
        assert shipped is not None
        custom = shipped.replace('name="窗口受理"', 'name="综合窗口受理"')
        dmns = library.shipped_dmns(shipped)
        common = {"key": "item_promised", "name": "承诺件", "bpmn": custom, "dmn": dmns, "checksum": "x"}
        ProcessDefinition.objects.create(version=1, state=DefinitionState.RETIRED, **common)
        ProcessDefinition.objects.create(version=3, state=DefinitionState.DRAFT, **common)
        assert engine.resolve("item_promised")[0] == "item_promised@builtin"
        ProcessDefinition.objects.create(version=2, state=DefinitionState.PUBLISHED, **common)
        ref, bpmn, found = engine.resolve("item_promised")
        assert (ref, bpmn, found) == ("item_promised@2", custom, dmns)
        wf = begin()
        assert wf.ref == "item_promised@2"
        assert only(wf, "accept").name == "综合窗口受理"

    @pytest.mark.parametrize("key", ["nope", "../definitions/item_promised", "", "bundle_no-such-bundle"])
    def test_unknown_keys(self, key: str) -> None:
        with pytest.raises(engine.WorkflowError) as exc:
            engine.start(key, start_data())
        assert exc.value.code == "process_not_found"
        assert exc.value.status == 404

    def test_parsed_specs_are_cached(self, monkeypatch: pytest.MonkeyPatch) -> None:
        engine.start("item_immediate", start_data())

        def fail(*args: Any) -> Any:
            raise AssertionError("parsed again")

        monkeypatch.setattr(engine, "parse_spec", fail)
        assert only(engine.start("item_immediate", start_data()), "accept")


@pytest.mark.parametrize(
    ("item", "key"),
    [
        (SimpleNamespace(process_key="", case_kind="1"), "item_immediate"),
        (SimpleNamespace(process_key="", case_kind="2"), "item_promised"),
        (SimpleNamespace(process_key="", case_kind="9"), "item_promised"),
        (SimpleNamespace(process_key="special", case_kind="1"), "special"),
    ],
)
def test_process_key_for_item(item: Any, key: str) -> None:
    assert engine.process_key_for_item(item) == key


def test_process_key_for_bundle() -> None:
    assert (
        engine.process_key_for_bundle(SimpleNamespace(process_key="", code="open-shop")) == "bundle_open-shop"
    )
    assert engine.process_key_for_bundle(SimpleNamespace(process_key="mine", code="open-shop")) == "mine"
