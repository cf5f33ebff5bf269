"""Shipped process definitions (``workflows/definitions/``) and the XML helpers shared by the engine,
the generator and validation.

Shipped files are read once per process (they change only with a deploy). DMN files are found by the
decision ids a BPMN references (``camunda:decisionRef``), so one DMN can serve several processes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from lxml import etree

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS, "spiffworkflow": SPIFF_NS}

# Keys name files on disk: letters, digits, "_" and "-" only, so a key can never walk out of the folder.
KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")

# No DTDs at all: no entity expansion, no external entities, no network.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
)


class XMLError(ValueError):
    """The text is not well-formed XML, or declares a DTD."""


def parse_xml(text: str | bytes) -> etree._Element:
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        root = etree.fromstring(data, parser=_PARSER)  # noqa: S320 - hardened parser above
    except etree.XMLSyntaxError as exc:
        raise XMLError(str(exc)) from exc
    if root.getroottree().docinfo.doctype:
        raise XMLError("DOCTYPE declarations are not allowed.")
    return root


def checksum(bpmn: str, dmns: Iterable[str]) -> str:
    """SHA-256 over the BPMN and the DMN documents, in order (NUL-separated so boundaries count)."""
    h = hashlib.sha256(bpmn.encode("utf-8"))
    for dmn in dmns:
        h.update(b"\0")
        h.update(dmn.encode("utf-8"))
    return h.hexdigest()


def executable_process_ids(root: etree._Element) -> list[str]:
    return [
        p.get("id", "")
        for p in root.iterfind(f"{{{BPMN_NS}}}process")
        if (p.get("isExecutable") or "").lower() == "true"
    ]


def decision_refs(root: etree._Element) -> list[str]:
    """Decision ids the business rule tasks call, in document order, without repeats."""
    refs: list[str] = []
    for task in root.iter(f"{{{BPMN_NS}}}businessRuleTask"):
        ref = task.get(f"{{{CAMUNDA_NS}}}decisionRef")
        if ref is None:
            called = task.find(f"{{{BPMN_NS}}}extensionElements/{{{SPIFF_NS}}}calledDecisionId")
            ref = called.text.strip() if called is not None and called.text else None
        if ref and ref not in refs:
            refs.append(ref)
    return refs


def user_task_properties(task: etree._Element) -> dict[str, str]:
    """The ``camunda:properties`` of a task element (what SpiffWorkflow puts in ``extensions``)."""
    return {
        p.get("name", ""): p.get("value", "")
        for p in task.iterfind(
            f"{{{BPMN_NS}}}extensionElements/{{{CAMUNDA_NS}}}properties/{{{CAMUNDA_NS}}}property"
        )
    }


def item_codes(root: etree._Element) -> list[str]:
    """The ``item_code`` properties of the user tasks, in document order, without repeats."""
    codes: list[str] = []
    for task in root.iter(f"{{{BPMN_NS}}}userTask"):
        code = user_task_properties(task).get("item_code", "")
        if code and code not in codes:
            codes.append(code)
    return codes


# --- shipped files --------------------------------------------------------------------------------------
@lru_cache(maxsize=64)
def shipped_bpmn(key: str) -> str | None:
    if not KEY_RE.match(key):
        return None
    path = DEFINITIONS_DIR / f"{key}.bpmn"
    return path.read_text(encoding="utf-8") if path.is_file() else None


@lru_cache(maxsize=64)
def shipped_item_codes(key: str) -> tuple[str, ...]:
    text = shipped_bpmn(key)
    return tuple(item_codes(parse_xml(text))) if text is not None else ()


@lru_cache(maxsize=1)
def decision_index() -> dict[str, str]:
    """Decision id -> DMN text, for every shipped DMN file (one decision per file)."""
    index: dict[str, str] = {}
    for path in sorted(DEFINITIONS_DIR.glob("*.dmn")):
        text = path.read_text(encoding="utf-8")
        for decision in parse_xml(text).iter("{*}decision"):
            index[decision.get("id", "")] = text
    return index


def shipped_dmns(bpmn: str) -> list[str]:
    """The shipped DMN documents a BPMN calls (unknown decision ids are left for the parser to report)."""
    index = decision_index()
    return [index[ref] for ref in decision_refs(parse_xml(bpmn)) if ref in index]


def forget_cached_files() -> None:
    """For tests that add or change files under ``definitions/``."""
    shipped_bpmn.cache_clear()
    shipped_item_codes.cache_clear()
    decision_index.cache_clear()
