"""The process of a one-thing bundle (一件事), generated from its entries.

Shape: pre_review (DMN) → ONE accept (window) → notice loop (supplement with a lapse timer) → parallel
split with one branch per bundle entry: ``"<item code>" in items`` → ``review_<n>`` (department) or skip
→ parallel join → pay (applicant: the case's fees; the cases app passes over it when nothing is due)
→ ONE issue (issuance) → end "done". Optional items the applicant did not choose are skipped, so their
branch creates no task; the join waits for every selected review.

The bundle's DMN is the shipped decision ``pre_review_<code>`` (``-`` written ``_``) when one exists, else
the generic ``pre_review_bundle``. The output is deterministic (same bundle, same text), which lets the
restaurant bundle's generated file be committed and checked against this code.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from tongban.workflows import library

if TYPE_CHECKING:
    from tongban.bundles.models import Bundle

GENERIC_DECISION = "pre_review_bundle"


def decision_for_bundle(code: str) -> str:
    own = "pre_review_" + code.replace("-", "_")
    return own if own in library.decision_index() else GENERIC_DECISION


def bundle_bpmn(bundle: Bundle) -> str:
    codes = list(bundle.entries.order_by("order", "pk").values_list("item_code", flat=True))
    return render_bundle_bpmn(bundle.code, bundle.name, codes, decision_for_bundle(bundle.code))


def _user_task(task_id: str, name: str, **props: str) -> str:
    rows = "".join(
        f"\n          <camunda:property name={quoteattr(k)} value={quoteattr(v)}/>" for k, v in props.items()
    )
    return (
        f'    <bpmn:userTask id="{task_id}" name={quoteattr(name)}>\n'
        "      <bpmn:extensionElements>\n"
        f"        <camunda:properties>{rows}\n"
        "        </camunda:properties>\n"
        "      </bpmn:extensionElements>\n"
        "    </bpmn:userTask>"
    )


def _flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    if condition is None:
        return f'    <bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>'
    return (
        f'    <bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">\n'
        f'      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(condition)}'
        "</bpmn:conditionExpression>\n"
        "    </bpmn:sequenceFlow>"
    )


def _lane(lane_id: str, name: str, refs: list[str]) -> str:
    nodes = "".join(f"\n        <bpmn:flowNodeRef>{ref}</bpmn:flowNodeRef>" for ref in refs)
    return f'      <bpmn:lane id="{lane_id}" name="{name}">{nodes}\n      </bpmn:lane>'


def render_bundle_bpmn(code: str, name: str, item_codes: list[str], decision: str) -> str:
    process_id = f"bundle_{code}"
    n = len(item_codes)
    branches = range(1, n + 1)
    after_accept = "split" if n else "pay"

    body: list[str] = [
        '    <bpmn:startEvent id="start" name="申请提交"/>',
        _flow("f_start", "start", "pre_review"),
        '    <bpmn:businessRuleTask id="pre_review" name="智能预审" '
        f"camunda:decisionRef={quoteattr(decision)}/>",
        _flow("f_pre_review", "pre_review", "accept_merge"),
        '    <bpmn:exclusiveGateway id="accept_merge"/>',
        _flow("f_accept_merge", "accept_merge", "accept"),
        _user_task("accept", "一窗受理", kind="accept"),
        _flow("f_accept", "accept", "acceptance"),
        '    <bpmn:exclusiveGateway id="acceptance" name="受理结果"/>',
        _flow("f_accepted", "acceptance", after_accept, 'acceptance == "accepted"'),
        _flow("f_notice", "acceptance", "supplement", 'acceptance == "notice"'),
        _flow("f_not_accepted", "acceptance", "not_accepted", 'acceptance == "not_accepted"'),
        '    <bpmn:endEvent id="not_accepted" name="不予受理"/>',
        _user_task("supplement", "补正材料", kind="supplement"),
        '    <bpmn:boundaryEvent id="supplement_lapse" name="补正期限届满" attachedToRef="supplement" '
        'cancelActivity="true">\n'
        '      <bpmn:timerEventDefinition id="supplement_due_timer">\n'
        '        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">supplement_due</bpmn:timeDate>\n'
        "      </bpmn:timerEventDefinition>\n"
        "    </bpmn:boundaryEvent>",
        _flow("f_lapse", "supplement_lapse", "lapsed"),
        '    <bpmn:endEvent id="lapsed" name="逾期未补正"/>',
        _flow("f_supplement", "supplement", "accept_merge"),
    ]
    if n:
        body.append('    <bpmn:parallelGateway id="split" name="并联审查"/>')
        for i, item_code in zip(branches, item_codes, strict=True):
            body += [
                _flow(f"f_split_{i}", "split", f"selected_{i}"),
                f'    <bpmn:exclusiveGateway id="selected_{i}" name="是否联办第{i}项" default="f_skip_{i}"/>',
                # json.dumps gives a valid Python string literal for any item code.
                _flow(f"f_review_{i}", f"selected_{i}", f"review_{i}", f"{json.dumps(item_code)} in items"),
                _flow(f"f_skip_{i}", f"selected_{i}", f"merge_{i}"),
                _user_task(f"review_{i}", f"部门审查（第{i}项）", kind="review", item_code=item_code),
                _flow(f"f_reviewed_{i}", f"review_{i}", f"merge_{i}"),
                f'    <bpmn:exclusiveGateway id="merge_{i}"/>',
                _flow(f"f_merged_{i}", f"merge_{i}", "join"),
            ]
        body += ['    <bpmn:parallelGateway id="join"/>', _flow("f_join", "join", "pay")]
    body += [
        _user_task("pay", "缴费", kind="pay"),
        _flow("f_pay", "pay", "issue"),
        _user_task("issue", "统一出件", kind="issue"),
        _flow("f_issue", "issue", "done"),
        '    <bpmn:endEvent id="done" name="办结"/>',
    ]

    window = ["start", "pre_review", "accept_merge", "accept", "acceptance", "not_accepted"]
    if n:
        window += ["split", *(f"selected_{i}" for i in branches), *(f"merge_{i}" for i in branches), "join"]
    lanes = [
        _lane("lane_window", "window", window),
        _lane("lane_applicant", "applicant", ["supplement", "supplement_lapse", "lapsed", "pay"]),
        _lane("lane_department", "department", [f"review_{i}" for i in branches]) if n else "",
        _lane("lane_issuance", "issuance", ["issue", "done"]),
    ]
    title = quoteattr(name)
    return "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            "<!-- Generated by tongban.workflows.generate.bundle_bpmn: do not edit by hand. -->",
            '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"',
            '                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
            '                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
            f'                  id="defs_{process_id}" targetNamespace="https://tongban.gov.cn/bpmn">',
            f'  <bpmn:collaboration id="collab_{process_id}">',
            f'    <bpmn:participant id="participant_{process_id}" name={title} processRef="{process_id}"/>',
            "  </bpmn:collaboration>",
            f'  <bpmn:process id="{process_id}" name={title} isExecutable="true">',
            '    <bpmn:laneSet id="lanes">',
            *[lane for lane in lanes if lane],
            "    </bpmn:laneSet>",
            *body,
            "  </bpmn:process>",
            "</bpmn:definitions>",
            "",
        ]
    )
