"""Case processes on SpiffWorkflow 3.2 (BPMN + DMN, Camunda dialect): the interface the cases app uses.

A case keeps ``dump(wf)`` in its row and calls ``load`` → ``complete``/``refresh_timers`` → ``dump`` on
each step. The serialised state carries the process spec, so a running case keeps the definition it
started with even after a designer publishes a new version or retires the old one.

Every expression in a definition (gateway conditions, timers, DMN entries) is Python evaluated by
SpiffWorkflow. The engine gives expressions a small set of builtins only, and ``validation`` rejects
imports and dunder access at upload; that is a guard, not a sandbox: only process designers may upload.
"""

from __future__ import annotations

import builtins
import copy
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG as CAMUNDA_CONFIG
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.util.task import TaskState

from tongban.utils.errors import DomainError
from tongban.workflows import library
from tongban.workflows.constants import (
    ACCEPTANCE_VALUES,
    DECISION_VALUES,
    KIND_ACCEPT,
    KIND_REVIEW,
    DefinitionState,
)

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from tongban.bundles.models import Bundle

BUILTIN_SUFFIX = "builtin"
# Standard templates per 办件类型 (items.constants.CaseKind).
TEMPLATE_BY_CASE_KIND = {"1": "item_immediate", "2": "item_promised", "9": "item_promised"}
DEFAULT_TEMPLATE = "item_promised"
# A definition that loops through engine tasks without ever waiting is a bug; stop it, do not hang.
MAX_ENGINE_STEPS = 5000
MAX_ENGINE_ROUNDS = 20

# What expressions may call. No import, no open/exec/eval/getattr/type: see the module docstring.
_SAFE_BUILTIN_NAMES = (
    "abs", "all", "any", "bool", "dict", "enumerate", "float", "int", "isinstance", "len", "list", "max",
    "min", "range", "round", "set", "sorted", "str", "sum", "tuple", "zip",
)  # fmt: skip
SAFE_BUILTINS: dict[str, Any] = {name: getattr(builtins, name) for name in _SAFE_BUILTIN_NAMES}
SCRIPT_ENGINE = PythonScriptEngine(environment=TaskDataEnvironment({"__builtins__": SAFE_BUILTINS}))
SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG))
_REF_KEY = "tongban_ref"


class WorkflowError(DomainError):
    """The process cannot do what was asked (400 unless a more specific status fits)."""

    def __init__(
        self, code: str = "workflow_error", message: str | Promise = "", *, status: int = 400, **kw: Any
    ) -> None:
        super().__init__(code, message or _("The case process refused this step."), **kw)
        self.status = status


@dataclass(frozen=True)
class UserTask:
    id: str
    bpmn_id: str
    name: str
    lane: str
    kind: str
    item_code: str
    data: dict[str, Any]


# --- specs ------------------------------------------------------------------------------------------------
# (ref, checksum) -> parsed specs. Small: shipped files, published versions and generated bundles.
_SPECS: dict[tuple[str, str], tuple[Any, dict[str, Any]]] = {}
MAX_CACHED_SPECS = 256


def parse_spec(bpmn: str, dmns: list[str]) -> tuple[Any, dict[str, Any]]:
    """(process spec, subprocess specs) of the one executable process; raises on any parse problem."""
    parser = CamundaParser()
    root = library.parse_xml(bpmn)
    parser.add_bpmn_xml(root)
    for dmn in dmns:
        parser.add_dmn_xml(library.parse_xml(dmn))
    ids = library.executable_process_ids(root)
    if len(ids) != 1:
        raise ValueError(f"expected one executable process, found {len(ids)}")
    return parser.get_spec(ids[0]), parser.get_subprocess_specs(ids[0])


def _spec(ref: str, bpmn: str, dmns: list[str]) -> tuple[Any, dict[str, Any]]:
    key = (ref, library.checksum(bpmn, dmns))
    cached = _SPECS.get(key)
    if cached is None:
        try:
            cached = parse_spec(bpmn, dmns)
        except (SpiffWorkflowException, ValueError) as exc:
            raise WorkflowError(
                "process_definition_invalid",
                _("The process definition %(ref)s cannot be parsed: %(error)s") % {"ref": ref, "error": exc},
            ) from exc
        if len(_SPECS) >= MAX_CACHED_SPECS:
            _SPECS.clear()  # superseded versions pile up only over a long uptime; start afresh
        _SPECS[key] = cached
    return cached


# Resolved definitions by (key, published row, bundle entries): every case start needs one, and finding
# it reads the shipped files or generates the bundle process.
_RESOLVED: dict[tuple[Any, ...], tuple[str, str, list[str]]] = {}


def resolve(process_key: str) -> tuple[str, str, list[str]]:
    """(ref, bpmn, dmns) for a key: the published definition, else the shipped file, else (for
    ``bundle_<code>``) the process generated from the bundle's items."""
    from tongban.bundles.models import BundleItem
    from tongban.workflows.models import ProcessDefinition  # engine is imported while apps load

    if not library.KEY_RE.match(process_key or ""):
        raise _not_found(process_key)
    published = (
        ProcessDefinition.objects.filter(key=process_key, state=DefinitionState.PUBLISHED)
        .values_list("pk", "version", "checksum")
        .first()
    )
    entries: tuple[str, ...] = ()
    if published is None and process_key.startswith("bundle_"):
        entries = tuple(
            BundleItem.objects.filter(bundle__code=process_key.removeprefix("bundle_"))
            .order_by("order", "pk")
            .values_list("item_code", flat=True)
        )
    cache_key = (process_key, published, entries)
    hit = _RESOLVED.get(cache_key)
    if hit is None:
        hit = _resolve(process_key)
        if len(_RESOLVED) >= MAX_CACHED_SPECS:
            _RESOLVED.clear()
        _RESOLVED[cache_key] = hit
    return hit


def _resolve(process_key: str) -> tuple[str, str, list[str]]:
    from tongban.workflows.models import ProcessDefinition

    row = (
        ProcessDefinition.objects.filter(key=process_key, state=DefinitionState.PUBLISHED)
        .only("key", "version", "bpmn", "dmn")
        .first()
    )
    if row is not None:
        return row.ref, row.bpmn, list(row.dmn)
    ref = f"{process_key}@{BUILTIN_SUFFIX}"
    bundle = _bundle_for(process_key)
    shipped = library.shipped_bpmn(process_key)
    # A shipped bundle file is used while it matches the bundle's entries; once an editor changes the
    # bundle, the generated process (which always follows the entries) takes over instead.
    if shipped is not None and (
        bundle is None or list(library.shipped_item_codes(process_key)) == bundle_item_codes(bundle)
    ):
        return ref, shipped, library.shipped_dmns(shipped)
    if bundle is not None:
        from tongban.workflows.generate import bundle_bpmn

        bpmn = bundle_bpmn(bundle)
        return ref, bpmn, library.shipped_dmns(bpmn)
    raise _not_found(process_key)


def _not_found(key: str) -> WorkflowError:
    return WorkflowError(
        "process_not_found", _("No case process “%(key)s” exists.") % {"key": key}, status=404
    )


def _bundle_for(process_key: str) -> Bundle | None:
    if not process_key.startswith("bundle_"):
        return None
    from tongban.bundles.models import Bundle

    return Bundle.objects.filter(code=process_key.removeprefix("bundle_")).first()


def bundle_item_codes(bundle: Bundle) -> list[str]:
    return list(bundle.entries.order_by("order", "pk").values_list("item_code", flat=True))


def process_key_for_item(item: Any) -> str:
    return getattr(item, "process_key", "") or TEMPLATE_BY_CASE_KIND.get(item.case_kind, DEFAULT_TEMPLATE)


def process_key_for_bundle(bundle: Any) -> str:
    return getattr(bundle, "process_key", "") or f"bundle_{bundle.code}"


# --- running ----------------------------------------------------------------------------------------------
def _check_data(data: dict[str, Any]) -> None:
    if not isinstance(data, dict) or any(not isinstance(k, str) or k.startswith("_") for k in data):
        raise WorkflowError("workflow_data_invalid", _("Process data must be a dict with plain names."))
    try:
        json.dumps(data, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise WorkflowError(
            "workflow_data_not_serialisable",
            _("Process data must be plain JSON (no dates, decimals or objects): %(error)s") % {"error": exc},
        ) from exc


def _aware_iso(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


class Workflow:
    """One running case process. Not thread-safe; load, step and dump it within one request."""

    def __init__(self, wf: BpmnWorkflow, ref: str) -> None:
        self._wf = wf
        self.ref = ref

    # -- reading --
    def ready_user_tasks(self) -> list[UserTask]:
        return [self._user_task(t) for t in self._wf.get_tasks(state=TaskState.READY, manual=True)]

    @staticmethod
    def _user_task(task: Any) -> UserTask:
        spec = task.task_spec
        ext = getattr(spec, "extensions", None) or {}
        return UserTask(
            id=str(task.id),
            bpmn_id=spec.bpmn_id or "",
            name=spec.bpmn_name or "",
            lane=spec.lane or "",
            kind=ext.get("kind", ""),
            item_code=ext.get("item_code", ""),
            data=copy.deepcopy(task.data),
        )

    @property
    def is_completed(self) -> bool:
        return bool(self._wf.is_completed())

    @property
    def data(self) -> dict[str, Any]:
        """The workflow data once completed; before that, the data of the task completed last."""
        if self._wf.is_completed() and self._wf.data:
            return copy.deepcopy(self._wf.data)
        done = self._wf.get_tasks(state=TaskState.COMPLETED)
        if not done:
            return {}
        return copy.deepcopy(max(done, key=lambda t: t.last_state_change).data)

    @property
    def end_event(self) -> str:
        ends = [t for t in self._wf.get_tasks(state=TaskState.COMPLETED) if isinstance(t.task_spec, EndEvent)]
        return max(ends, key=lambda t: t.last_state_change).task_spec.bpmn_id if ends else ""

    def next_timer_at(self) -> datetime | None:
        due: list[datetime] = []
        for event in self._wf.waiting_events():
            if "Timer" not in event.event_type and "TimeDate" not in event.event_type:
                continue
            if isinstance(event.value, str) and not event.value.upper().startswith(("P", "R")):
                try:
                    due.append(TimerEventDefinition.get_datetime(event.value))
                except ValueError:
                    continue
        return min(due) if due else None

    # -- changing --
    def complete(self, task_id: str, data: dict[str, Any]) -> None:
        """Complete a READY user task with ``data`` and run the engine.

        Due timers fire first, so a supplement handed in after ``supplement_due`` is refused with
        ``workflow_task_not_ready`` (the process lapsed; store the state to record that). After any other
        WorkflowError than ``workflow_task_not_ready``/``workflow_data_*`` reload the stored state."""
        if self._wf.waiting_events():
            self.refresh_timers()
        task = self._ready_task(task_id)
        _check_data(data)
        self._check_completion(task, data)
        task.data.update(copy.deepcopy(data))
        self._guarded(task.run)
        self._run()

    def _ready_task(self, task_id: str) -> Any:
        try:
            task = self._wf.get_task_from_id(uuid.UUID(str(task_id)))
        except (ValueError, TaskNotFoundException):
            task = None
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise WorkflowError(
                "workflow_task_not_ready",
                _("This step is not open any more (already done, cancelled or unknown)."),
                status=409,
            )
        return task

    @staticmethod
    def _check_completion(task: Any, data: dict[str, Any]) -> None:
        kind = (getattr(task.task_spec, "extensions", None) or {}).get("kind", "")
        if kind == KIND_ACCEPT:
            if data.get("acceptance") not in ACCEPTANCE_VALUES:
                raise WorkflowError(
                    "workflow_data_invalid",
                    _("Acceptance must be one of: %(values)s.")
                    % {"values": ", ".join(sorted(ACCEPTANCE_VALUES))},
                    field="acceptance",
                )
            due = data.get("supplement_due", task.data.get("supplement_due"))
            if data["acceptance"] == "notice" and not _aware_iso(due):
                raise WorkflowError(
                    "workflow_data_invalid",
                    _("A notice needs supplement_due as an ISO-8601 date-time with a time zone."),
                    field="supplement_due",
                )
        elif kind == KIND_REVIEW and data.get("decision") not in DECISION_VALUES:
            raise WorkflowError(
                "workflow_data_invalid",
                _("Decision must be one of: %(values)s.") % {"values": ", ".join(sorted(DECISION_VALUES))},
                field="decision",
            )

    def refresh_timers(self) -> bool:
        """Fire the timers that are due and run on; True when anything moved."""
        self._guarded(self._wf.refresh_timers)
        if not self._wf.get_tasks(state=TaskState.READY, manual=False):
            return False  # nothing fired
        return self._run() > 0

    def cancel(self) -> None:
        """Stop the process (withdrawal): open tasks are cancelled, no end event is reached."""
        self._wf.cancel()

    def _run(self) -> int:
        """Engine steps until only user tasks and waiting events are left; returns tasks completed."""
        steps = 0

        def count(_task: Any) -> None:
            nonlocal steps
            steps += 1
            if steps > MAX_ENGINE_STEPS:
                raise WorkflowError(
                    "workflow_runaway",
                    _("The process ran %(n)s steps without waiting for anyone.") % {"n": MAX_ENGINE_STEPS},
                )

        for _round in range(MAX_ENGINE_ROUNDS):
            # do_engine_steps ends with a timer refresh, which can make a due timer READY: run on.
            self._guarded(lambda: self._wf.do_engine_steps(did_complete_task=count))
            if not self._wf.get_tasks(state=TaskState.READY, manual=False):
                break
        return steps

    @staticmethod
    def _guarded(step: Any) -> None:
        try:
            step()
        except SpiffWorkflowException as exc:
            raise WorkflowError(
                "workflow_engine_error", _("The case process failed: %(error)s") % {"error": exc}
            ) from exc


def start(
    process_key: str, data: dict[str, Any], *, definition: tuple[str, str, list[str]] | None = None
) -> Workflow:
    """A new process for ``process_key`` with start ``data``, run up to its first user task(s).

    ``definition``: the key's ``resolve()`` result when the caller already holds it (a cached one).
    """
    _check_data(data)
    ref, bpmn, dmns = definition if definition is not None else resolve(process_key)
    spec, subprocess_specs = _spec(ref, bpmn, dmns)
    wf = Workflow(BpmnWorkflow(spec, subprocess_specs, script_engine=SCRIPT_ENGINE), ref)
    initial = {"items": [], "facts": {}, **copy.deepcopy(data)}
    for task in wf._wf.get_tasks(state=TaskState.READY):
        task.data.update(initial)
    wf._run()
    return wf


def dump(wf: Workflow) -> str:
    state = SERIALIZER.serialize_json(wf._wf)
    # The serializer writes a JSON object; put the ref first rather than decode and encode it again.
    return "{" + json.dumps(_REF_KEY) + ": " + json.dumps(wf.ref) + ", " + state[1:]


def load(state: str) -> Workflow:
    try:
        dct = json.loads(state, cls=SERIALIZER.json_decoder_cls)
        ref = dct.pop(_REF_KEY)
        SERIALIZER.migrate(dct)
        bpmn_wf = SERIALIZER.from_dict(dct)
    except (ValueError, KeyError, TypeError, AttributeError, SpiffWorkflowException) as exc:
        raise WorkflowError("workflow_state_invalid", _("The stored process state cannot be read.")) from exc
    bpmn_wf.script_engine = SCRIPT_ENGINE
    return Workflow(bpmn_wf, ref)
