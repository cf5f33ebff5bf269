"""Checking a process definition (BPMN + DMN) before it can be published.

Checks, in order: well-formed XML without DTDs; the BPMN and DMN schemas; exactly one executable process;
no forbidden tokens in anything SpiffWorkflow evaluates; SpiffWorkflow can parse it; every user task has a
known ``kind`` and lane; timer expressions evaluate to ISO-8601 dates or durations; and two DRY RUNS with
sample data (straight through, and once through the notice/supplement loop) must reach an end event.

The token check is a guard, not a sandbox. Expressions are Python run by SpiffWorkflow (with only the
builtins in ``engine.SAFE_BUILTINS``); a determined author can still write harmful Python, which is why
only process designers (and superusers) may upload and every upload and publication is audited.
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnValidator
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from tongban.workflows import engine, library
from tongban.workflows.constants import (
    DEPARTMENT_LANE_PREFIX,
    KIND_ACCEPT,
    KIND_PAY,
    KIND_REVIEW,
    KIND_SUPPLEMENT,
    KINDS,
    LANES,
)

MAX_DRY_RUN_STEPS = 500
# Store and restore between steps, as a case does, for the first steps only: a looping definition's state
# grows with every step and round trips would make a 500-step dry run take many seconds.
ROUNDTRIP_STEPS = 25
SAMPLE_FACTS = {"missing_materials": 0, "applicant_kind": "legal", "channel": "online", "shop_area": 50}

# Words that have no business in a process expression. Whole words, so ids like "evaluate_x" pass.
FORBIDDEN = re.compile(
    r"__|\bimport\b|\bopen\s*\(|\bexec\b|\beval\b|\bcompile\b|\bglobals\b|\blocals\b|\bvars\b"
    r"|\b(?:get|set|del)attr\b"
)
# Elements whose text SpiffWorkflow never evaluates.
# ISO-8601 text written without quotes: Python would read it as a variable name (or fail to parse it).
_BARE_ISO = re.compile(r"^(R\d*/)?P(\d|T\d)|^\d{4}-\d{2}-\d{2}")
_INERT_TEXT = {"documentation", "text", "incoming", "outgoing", "flowNodeRef"}
_EXPRESSION_NS = {library.CAMUNDA_NS, library.SPIFF_NS}


@dataclass
class Report:
    ok: bool = False
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    process_id: str = ""
    user_tasks: list[dict[str, str]] = field(default_factory=list)
    dry_runs: list[dict[str, Any]] = field(default_factory=list)

    def error(self, code: str, message: str) -> None:
        self.errors.append({"code": code, "message": message})

    def warn(self, code: str, message: str) -> None:
        self.warnings.append({"code": code, "message": message})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        names = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in (data or {}).items() if k in names})


@lru_cache(maxsize=1)
def _schema() -> BpmnValidator:
    return BpmnValidator()


def validate(bpmn: str, dmns: list[str]) -> Report:
    report = Report()
    root = _parse(report, bpmn, dmns)
    if root is not None:
        ids = library.executable_process_ids(root)
        if len(ids) != 1:
            report.error(
                "process_count",
                _("A definition must hold exactly one executable process; this one has %(n)s.")
                % {"n": len(ids)},
            )
        else:
            report.process_id = ids[0]
        _scan_expressions(report, root, dmns)
    if not report.errors:
        parsed = _spiff_parse(report, bpmn, dmns)
        if parsed is not None:
            spec, subprocess_specs = parsed
            specs = [spec, *subprocess_specs.values()]
            _check_user_tasks(report, specs)
            _check_timers(report, specs)
            if not library.decision_refs(library.parse_xml(bpmn)):
                report.warn("no_pre_review", _("The process runs no pre-review decision (DMN)."))
            if not report.errors:
                _dry_runs(report, spec, subprocess_specs)
    report.ok = not report.errors
    return report


def _parse(report: Report, bpmn: str, dmns: list[str]) -> etree._Element | None:
    try:
        root = library.parse_xml(bpmn)
    except library.XMLError as exc:
        report.error("bpmn_malformed", _("The BPMN file is not well-formed XML: %(error)s") % {"error": exc})
        root = None
    for n, dmn in enumerate(dmns, start=1):
        try:
            library.parse_xml(dmn)
        except library.XMLError as exc:
            report.error(
                "dmn_malformed",
                _("DMN file %(n)s is not well-formed XML: %(error)s") % {"n": n, "error": exc},
            )
    return root


def _scan_expressions(report: Report, root: etree._Element, dmns: list[str]) -> None:
    def check(where: str, text: str | None) -> None:
        match = FORBIDDEN.search(text or "")
        if match:
            report.error(
                "expression_forbidden",
                _("%(where)s uses “%(token)s”, which process expressions may not use.")
                % {"where": where, "token": match.group(0).strip()},
            )

    for el in root.iter(tag=etree.Element):
        where = _where(el)
        if etree.QName(el).localname not in _INERT_TEXT:
            check(where, el.text)
        for name, value in el.attrib.items():
            if etree.QName(name).namespace in _EXPRESSION_NS:
                check(where, value)
    for n, dmn in enumerate(dmns, start=1):
        try:
            dmn_root = library.parse_xml(dmn)
        except library.XMLError:
            continue  # already reported as dmn_malformed
        for el in dmn_root.iter("{*}text"):
            check(_("DMN file %(n)s, %(id)s") % {"n": n, "id": el.getparent().get("id", "")}, el.text)


def _where(el: etree._Element) -> str:
    """The id of the element or of its nearest ancestor that has one (a condition names its flow)."""
    node: etree._Element | None = el
    while node is not None:
        if node.get("id"):
            return str(node.get("id"))
        node = node.getparent()
    return str(etree.QName(el).localname)


def _spiff_parse(report: Report, bpmn: str, dmns: list[str]) -> tuple[Any, dict[str, Any]] | None:
    parser = CamundaParser(validator=_schema())
    try:
        parser.add_bpmn_xml(library.parse_xml(bpmn))
    except SpiffWorkflowException as exc:
        report.error(
            "bpmn_schema_invalid", _("The BPMN file does not follow BPMN 2.0: %(error)s") % {"error": exc}
        )
        return None
    for n, dmn in enumerate(dmns, start=1):
        try:
            parser.add_dmn_xml(library.parse_xml(dmn))
        except (SpiffWorkflowException, ValueError, AttributeError) as exc:
            report.error("dmn_invalid", _("DMN file %(n)s is not valid: %(error)s") % {"n": n, "error": exc})
    if report.errors:
        return None
    try:
        return parser.get_spec(report.process_id), parser.get_subprocess_specs(report.process_id)
    except (SpiffWorkflowException, ValueError, KeyError, AttributeError) as exc:
        report.error("bpmn_parse_failed", _("The process cannot be loaded: %(error)s") % {"error": exc})
        return None


def _known_lane(lane: str, department_slugs: set[str]) -> bool:
    if lane in LANES:
        return True
    return (
        lane.startswith(DEPARTMENT_LANE_PREFIX)
        and lane.removeprefix(DEPARTMENT_LANE_PREFIX) in department_slugs
    )


def _check_user_tasks(report: Report, specs: list[Any]) -> None:
    from tongban.organizations.models import Department

    tasks = [ts for spec in specs for ts in spec.task_specs.values() if ts.manual]
    wanted = {
        (ts.lane or "").removeprefix(DEPARTMENT_LANE_PREFIX)
        for ts in tasks
        if (ts.lane or "").startswith(DEPARTMENT_LANE_PREFIX)
    }
    slugs = (
        set(Department.objects.filter(slug__in=wanted).values_list("slug", flat=True)) if wanted else set()
    )
    for ts in tasks:
        ext = getattr(ts, "extensions", None) or {}
        kind, lane, label = ext.get("kind", ""), ts.lane or "", ts.bpmn_id or ts.name
        report.user_tasks.append(
            {
                "bpmn_id": ts.bpmn_id or "",
                "name": ts.bpmn_name or "",
                "lane": lane,
                "kind": kind,
                "item_code": ext.get("item_code", ""),
            }
        )
        if not kind:
            report.error(
                "task_kind_missing",
                _("User task %(task)s has no “kind” property (one of: %(kinds)s).")
                % {"task": label, "kinds": ", ".join(sorted(KINDS))},
            )
        elif kind not in KINDS:
            report.error(
                "task_kind_unknown",
                _("User task %(task)s has kind “%(kind)s”; use one of: %(kinds)s.")
                % {"task": label, "kind": kind, "kinds": ", ".join(sorted(KINDS))},
            )
        if not lane:
            report.error("task_lane_missing", _("User task %(task)s is in no lane.") % {"task": label})
        elif not _known_lane(lane, slugs):
            report.error(
                "task_lane_unknown",
                _("User task %(task)s is in lane “%(lane)s”; use %(lanes)s or dept:<department>.")
                % {"task": label, "lane": lane, "lanes": ", ".join(sorted(LANES))},
            )
    kinds = {t["kind"] for t in report.user_tasks}
    if KIND_ACCEPT not in kinds:
        report.warn("no_accept_task", _("The process has no accept task."))
    if "issue" not in kinds:
        report.warn("no_issue_task", _("The process has no issue task: nothing will be issued."))


def _timer_definitions(specs: list[Any]) -> list[tuple[str, Any]]:
    found = []
    for spec in specs:
        for ts in spec.task_specs.values():
            definition = getattr(ts, "event_definition", None)
            inner = (
                definition.event_definitions
                if isinstance(definition, MultipleEventDefinition)
                else [definition]
            )
            found += [(ts.bpmn_id or ts.name, d) for d in inner if isinstance(d, TimerEventDefinition)]
    return found


def _check_timers(report: Report, specs: list[Any]) -> None:
    sample = _start_data(report)
    for where, definition in _timer_definitions(specs):
        expression = (definition.expression or "").strip()
        try:
            ast.parse(expression, mode="eval")
            if _BARE_ISO.match(expression):
                raise SyntaxError(expression)
        except SyntaxError:
            report.error(
                "timer_invalid",
                _('Timer %(where)s: “%(expr)s” is not a Python expression (write "PT2S" with quotes).')
                % {"where": where, "expr": expression},
            )
            continue
        try:
            value = engine.SCRIPT_ENGINE.environment.evaluate(expression, copy.deepcopy(sample))
        except NameError:
            report.warn(
                "timer_unchecked",
                _("Timer %(where)s uses data the sample start data lacks; the dry run checks it.")
                % {"where": where},
            )
            continue
        except Exception as exc:  # noqa: BLE001 - any failure of designer code is a finding
            report.error("timer_invalid", _("Timer %(where)s: %(error)s") % {"where": where, "error": exc})
            continue
        try:
            if not isinstance(value, str):
                raise ValueError(
                    _("the expression gives %(type)s, not text") % {"type": type(value).__name__}
                )
            if isinstance(definition, CycleTimerEventDefinition):
                TimerEventDefinition.parse_iso_recurring_interval(value)
            elif isinstance(definition, DurationTimerEventDefinition):
                TimerEventDefinition.parse_iso_duration(value)
            elif isinstance(definition, TimeDateEventDefinition):
                TimerEventDefinition.parse_time_or_duration(value)
        except Exception as exc:  # noqa: BLE001 - Spiff raises bare Exception for bad durations
            report.error(
                "timer_invalid",
                _("Timer %(where)s: “%(value)s” is not an ISO-8601 date or duration (%(error)s).")
                % {"where": where, "value": value, "error": exc},
            )


def _start_data(report: Report) -> dict[str, Any]:
    codes = [t["item_code"] for t in report.user_tasks if t["item_code"]]
    return {
        "items": list(dict.fromkeys(codes)) or ["X"],
        "facts": dict(SAMPLE_FACTS),
        "supplement_due": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
    }


_COMPLETION = {
    KIND_ACCEPT: {"acceptance": "accepted"},
    KIND_SUPPLEMENT: {},
    KIND_REVIEW: {"decision": "approve"},
    KIND_PAY: {"payment": "paid"},
}


def _dry_runs(report: Report, spec: Any, subprocess_specs: dict[str, Any]) -> None:
    kinds = {t["kind"] for t in report.user_tasks}
    paths = ["straight", "notice"] if KIND_ACCEPT in kinds else ["straight"]
    for path in paths:
        outcome = _dry_run(spec, subprocess_specs, _start_data(report), notice_once=path == "notice")
        report.dry_runs.append({"path": path, **outcome})
        if outcome.get("error"):
            report.error(outcome["error"], _("Dry run (%(path)s): %(message)s") % {"path": path, **outcome})
            break  # the notice path runs the straight one too: it would fail the same way


def _dry_run(
    spec: Any, subprocess_specs: dict[str, Any], data: dict[str, Any], *, notice_once: bool
) -> dict[str, Any]:
    steps = 0
    try:
        wf = engine.Workflow(
            BpmnWorkflow(spec, subprocess_specs, script_engine=engine.SCRIPT_ENGINE), "dry-run"
        )
        for task in wf._wf.get_tasks(state=TaskState.READY):
            task.data.update(copy.deepcopy(data))
        wf._run()
        while not wf.is_completed:
            if steps >= MAX_DRY_RUN_STEPS:
                return {
                    "error": "dry_run_no_end",
                    "message": _("no end event after %(n)s steps; the process may loop forever.")
                    % {"n": steps},
                    "steps": steps,
                }
            ready = wf.ready_user_tasks()
            if not ready:
                return {
                    "error": "dry_run_stuck",
                    "message": _("the process waits for something other than a user task and never ends."),
                    "steps": steps,
                }
            task = ready[0]
            completion = dict(_COMPLETION.get(task.kind, {}))
            if task.kind == KIND_ACCEPT and notice_once:
                completion, notice_once = {"acceptance": "notice"}, False
            wf.complete(task.id, completion)
            steps += 1
            if steps <= ROUNDTRIP_STEPS:
                wf = engine.load(engine.dump(wf))  # exactly what a case does between steps
    except engine.WorkflowError as exc:
        return {"error": "dry_run_failed", "message": str(exc.message), "steps": steps}
    if not wf.end_event:
        return {
            "error": "dry_run_no_end",
            "message": _("the process stopped without reaching an end event."),
            "steps": steps,
        }
    return {"end_event": wf.end_event, "steps": steps, "message": ""}
