"""Validation accepts the shipped definitions and rejects broken or unsafe ones."""

from __future__ import annotations

import pytest

from tongban.organizations.models import Department
from tongban.workflows import library, validation
from tongban.workflows.generate import render_bundle_bpmn
from tongban.workflows.validation import Report, validate

pytestmark = pytest.mark.django_db

PROMISED = library.shipped_bpmn("item_promised") or ""
PROMISED_DMNS = library.shipped_dmns(PROMISED)


def codes(report: Report) -> list[str]:
    return [e["code"] for e in report.errors]


@pytest.mark.parametrize("key", ["item_promised", "item_immediate", "bundle_open-restaurant"])
def test_shipped_definitions_pass(key: str) -> None:
    bpmn = library.shipped_bpmn(key) or ""
    report = validate(bpmn, library.shipped_dmns(bpmn))
    assert report.ok, report.errors
    assert report.errors == [] and report.warnings == []
    assert report.process_id == key
    assert [(r["path"], r["end_event"]) for r in report.dry_runs] == [
        ("straight", "done"),
        ("notice", "done"),
    ]
    kinds = {t["kind"] for t in report.user_tasks}
    assert kinds == {"accept", "supplement", "review", "pay", "issue"}


def test_generated_bundle_with_the_generic_table_passes() -> None:
    bpmn = render_bundle_bpmn("x-shop", "小店一件事", ["A", "B"], "pre_review_bundle")
    report = validate(bpmn, library.shipped_dmns(bpmn))
    assert report.ok, report.errors
    assert [t["item_code"] for t in report.user_tasks if t["kind"] == "review"] == ["A", "B"]
    assert report.as_dict()["ok"] is True
    assert Report.from_dict(report.as_dict()) == report


@pytest.mark.parametrize(
    "bpmn",
    [PROMISED[:-40], "", "not xml at all", '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]><d>&e;</d>'],
)
def test_malformed_xml(bpmn: str) -> None:
    report = validate(bpmn, PROMISED_DMNS)
    assert not report.ok
    assert codes(report) == ["bpmn_malformed"]


def test_malformed_dmn() -> None:
    assert codes(validate(PROMISED, ["<definitions"])) == ["dmn_malformed"]


def test_unknown_lane() -> None:
    report = validate(PROMISED.replace('name="department"', 'name="kitchen"'), PROMISED_DMNS)
    assert codes(report) == ["task_lane_unknown"]
    assert "kitchen" in report.errors[0]["message"]


def test_department_lanes_must_name_an_existing_department(department: Department) -> None:
    ok = validate(PROMISED.replace('name="department"', f'name="dept:{department.slug}"'), PROMISED_DMNS)
    assert ok.ok, ok.errors
    assert (
        validate(PROMISED.replace('name="department"', 'name="dept:nowhere"'), PROMISED_DMNS).errors[0][
            "code"
        ]
        == "task_lane_unknown"
    )


def test_task_outside_any_lane() -> None:
    bpmn = PROMISED.replace("<bpmn:flowNodeRef>review</bpmn:flowNodeRef>", "")
    assert codes(validate(bpmn, PROMISED_DMNS)) == ["task_lane_missing"]


def test_missing_and_unknown_kind() -> None:
    missing = PROMISED.replace('<camunda:property name="kind" value="review"/>', "")
    assert codes(validate(missing, PROMISED_DMNS)) == ["task_kind_missing"]
    unknown = PROMISED.replace('value="review"', 'value="approve"')
    assert codes(validate(unknown, PROMISED_DMNS)) == ["task_kind_unknown"]


def test_a_process_that_never_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validation, "MAX_DRY_RUN_STEPS", 40)  # the real limit (500) only takes longer
    looping = (
        PROMISED.replace('targetRef="done"/>', 'targetRef="accept_merge"/>')
        .replace('<bpmn:endEvent id="done" name="办结"/>', "")
        .replace("<bpmn:flowNodeRef>done</bpmn:flowNodeRef>", "")
    )
    report = validate(looping, PROMISED_DMNS)
    assert codes(report) == ["dry_run_no_end"]
    assert report.dry_runs[0]["steps"] == 40


def test_a_process_stuck_on_a_timer() -> None:
    waiting = PROMISED.replace(
        '<bpmn:userTask id="issue" name="统一出件">',
        '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>'
        '<bpmn:timeDuration>"P1Y"</bpmn:timeDuration></bpmn:timerEventDefinition>'
        '</bpmn:intermediateCatchEvent><bpmn:sequenceFlow id="f_wait" sourceRef="wait" targetRef="issue"/>'
        '<bpmn:userTask id="issue" name="统一出件">',
    ).replace('sourceRef="pay" targetRef="issue"', 'sourceRef="pay" targetRef="wait"')
    assert codes(validate(waiting, PROMISED_DMNS)) == ["dry_run_stuck"]


def test_notice_path_must_work() -> None:
    broken = PROMISED.replace('acceptance == "notice"', 'acceptance == "notified"')
    report = validate(broken, PROMISED_DMNS)
    assert codes(report) == ["dry_run_failed"]
    assert [r["path"] for r in report.dry_runs] == ["straight", "notice"]
    assert report.dry_runs[0]["end_event"] == "done"


@pytest.mark.parametrize(
    "condition",
    [
        'acceptance == "accepted" and __import__("os").system("id") == 0',
        'acceptance == "accepted" or open("/etc/passwd")',
        'eval("acceptance") == "accepted"',
        "acceptance.__class__ is str",
    ],
)
def test_forbidden_python_in_a_condition(condition: str) -> None:
    bpmn = PROMISED.replace('acceptance == "accepted"', condition.replace('"', "&quot;"))
    report = validate(bpmn, PROMISED_DMNS)
    assert codes(report) == ["expression_forbidden"]
    assert "f_accepted" in report.errors[0]["message"]


def test_forbidden_python_in_a_script_task_and_a_dmn() -> None:
    script = PROMISED.replace(
        '<bpmn:sequenceFlow id="f_pre_review" sourceRef="pre_review" targetRef="accept_merge"/>',
        '<bpmn:sequenceFlow id="f_pre_review" sourceRef="pre_review" targetRef="calc"/>'
        '<bpmn:scriptTask id="calc"><bpmn:script>import os</bpmn:script></bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="f_calc" sourceRef="calc" targetRef="accept_merge"/>',
    )
    assert "expression_forbidden" in codes(validate(script, PROMISED_DMNS))
    dmn = PROMISED_DMNS[0].replace("<text>&gt; 0</text>", "<text>&gt; len(globals())</text>")
    assert codes(validate(PROMISED, [dmn])) == ["expression_forbidden"]


def test_ids_that_merely_contain_forbidden_words_are_fine() -> None:
    renamed = (
        PROMISED.replace('id="review"', 'id="evaluate_import"')
        .replace('Ref="review"', 'Ref="evaluate_import"')
        .replace(">review<", ">evaluate_import<")
    )
    assert validate(renamed, PROMISED_DMNS).ok


@pytest.mark.parametrize(
    ("timer", "code"),
    [("PT2S", "timer_invalid"), ('"soon"', "timer_invalid"), ("42", "timer_invalid"), ("(", "timer_invalid")],
)
def test_timers_must_parse(timer: str, code: str) -> None:
    bpmn = PROMISED.replace(">supplement_due</bpmn:timeDate>", f">{timer}</bpmn:timeDate>")
    assert code in codes(validate(bpmn, PROMISED_DMNS))


def test_quoted_timer_passes() -> None:
    bpmn = PROMISED.replace(">supplement_due</bpmn:timeDate>", '>"2030-01-01T00:00:00+08:00"</bpmn:timeDate>')
    assert validate(bpmn, PROMISED_DMNS).ok


def test_exactly_one_executable_process() -> None:
    two = PROMISED.replace(
        "</bpmn:definitions>",
        '<bpmn:process id="other" isExecutable="true"><bpmn:startEvent id="s2"/></bpmn:process>'
        "</bpmn:definitions>",
    )
    assert codes(validate(two, PROMISED_DMNS)) == ["process_count"]
    none = PROMISED.replace('isExecutable="true"', 'isExecutable="false"')
    assert codes(validate(none, PROMISED_DMNS)) == ["process_count"]


def test_missing_decision_and_schema_errors() -> None:
    assert codes(validate(PROMISED, [])) == ["bpmn_parse_failed"]
    bad_schema = PROMISED.replace("<bpmn:startEvent", "<bpmn:startEvnt").replace("</bpmn:startEvent>", "")
    assert codes(validate(bad_schema, PROMISED_DMNS)) == ["bpmn_schema_invalid"]


def test_warning_for_a_process_without_pre_review() -> None:
    bare = (
        PROMISED.replace('camunda:decisionRef="pre_review_promised"/>', "")
        .replace('<bpmn:businessRuleTask id="pre_review" name="智能预审" ', "")
        .replace("<bpmn:flowNodeRef>pre_review</bpmn:flowNodeRef>", "")
        .replace('<bpmn:sequenceFlow id="f_pre_review" sourceRef="pre_review" targetRef="accept_merge"/>', "")
        .replace('sourceRef="start" targetRef="pre_review"', 'sourceRef="start" targetRef="accept_merge"')
    )
    report = validate(bare, [])
    assert report.ok, report.errors
    assert [w["code"] for w in report.warnings] == ["no_pre_review"]


def test_warning_for_a_process_without_issue() -> None:
    no_issue = PROMISED.replace('value="issue"', 'value="review"')
    report = validate(no_issue, PROMISED_DMNS)
    assert report.ok, report.errors
    assert [w["code"] for w in report.warnings] == ["no_issue_task"]
