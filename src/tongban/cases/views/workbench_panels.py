"""What the workbench task page shows: plain dicts built from the case, for the templates only.

Nothing here decides who may do what (``cases.policies`` and the services do); it only arranges what a
visible task's case holds: form answers with their labels (ID numbers masked), materials with the licence
data fetched for them, the notice builder's rows, the drafted licence faces of the issuance panel, and
the errors of a refused action.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from tongban.cases import reasons, results
from tongban.cases.clocks import Light
from tongban.cases.constants import EventKind, TaskKind
from tongban.cases.models import Case, CaseMaterial, Task
from tongban.cases.presenters import masked_form
from tongban.cases.query import ClockView, timeline
from tongban.cases.services import issuance
from tongban.items.models import FormField
from tongban.licenses.constants import FORMAT_DISABILITY_CARD, FORMAT_RESIDENT_ID
from tongban.licenses.faces import FaceField, face_fields
from tongban.utils.errors import DomainError, ValidationFailed
from tongban.utils.masking import mask_id_number

CONFLICT_CODE = "task_already_completed"
_ID_FORMATS = (FORMAT_RESIDENT_ID, FORMAT_DISABILITY_CARD)
# Uploads a browser shows itself (cases.uploads allows PDF, JPEG, PNG and OFD).
_IMAGE_TYPES = ("image/jpeg", "image/png")
_PDF_TYPES = ("application/pdf",)


# --- errors -----------------------------------------------------------------------------------------
@dataclass
class Problem:
    """A refused action as the page shows it: the service's message and code, and each sub-error."""

    code: str
    message: str
    status: int
    errors: list[dict[str, str]] = field(default_factory=list)

    @property
    def is_conflict(self) -> bool:
        return self.code == CONFLICT_CODE

    @property
    def fields(self) -> dict[str, str]:
        """Field name → message, for highlighting inputs."""
        return {e["field"]: e["message"] for e in self.errors if e.get("field")}


def problem(exc: DomainError) -> Problem:
    subs = exc.errors if isinstance(exc, ValidationFailed) else []
    message = _("Please correct the problems below.") if subs else str(exc.message)
    return Problem(
        code=exc.code,
        message=message,
        status=exc.status,
        errors=[{"code": e.code, "message": str(e.message), "field": e.field or ""} for e in subs],
    )


# --- clock ------------------------------------------------------------------------------------------
def light_label(light: str) -> str:
    return str(Light(light).label) if light in Light.values else light


def clock_row(view: ClockView) -> dict[str, Any]:
    return {
        "light": view.light,
        "label": light_label(view.light),
        "due_on": view.due_on,
        "remaining": view.remaining,
    }


# --- form and materials -----------------------------------------------------------------------------
def form_rows(case: Case) -> list[dict[str, Any]]:
    """The answers in the order given, each with its field label; ID numbers and phones masked."""
    values = masked_form(case)
    labels = dict(FormField.objects.filter(key__in=list(values)).values_list("key", "label"))
    return [{"key": k, "title": labels.get(k, k), "value": v} for k, v in values.items()]


def _mask(f: FaceField | None, value: Any) -> Any:
    if f is not None and f.schema.get("format") in _ID_FORMATS and isinstance(value, str):
        return mask_id_number(value)
    return value


def fetched_rows(material: CaseMaterial) -> dict[str, Any] | None:
    """The licence data used instead of a paper copy: its identity, then the face fields with titles."""
    data = material.fetched or {}
    if not data:
        return None
    by_name = {f.name: f for f in face_fields(material.license_type)} if material.license_type else {}
    nested = data.get("fields")
    # Fetched from the library: its metadata plus ``fields``; verified from a QR code: the disclosed
    # fields only (flat), so no metadata is shown that the holder did not disclose.
    meta = data if isinstance(nested, dict) else {}
    values: Mapping[str, Any] = (
        nested if isinstance(nested, dict) else {k: v for k, v in data.items() if k != "identifier"}
    )
    ordered = [n for n in by_name if n in values] + [n for n in values if n not in by_name]
    return {
        "identifier": data.get("identifier") or "",
        "number": meta.get("number") or "",
        "issuer": meta.get("issuer") or "",
        "valid_from": meta.get("valid_from") or "",
        "valid_to": meta.get("valid_to") or "",
        "fields": [
            {
                "name": n,
                "title": by_name[n].title if n in by_name else n,
                "value": _mask(by_name.get(n), values[n]),
            }
            for n in ordered
        ],
    }


def viewer_kind(mime: str) -> str:
    if mime in _PDF_TYPES:
        return "pdf"
    if mime in _IMAGE_TYPES:
        return "image"
    return "other"


def material_rows(case: Case, task: Task, items: Mapping[str, str]) -> list[dict[str, Any]]:
    rows = []
    for m in case.materials.select_related("kind", "upload", "license_type"):
        upload = m.upload
        rows.append(
            {
                "id": m.pk,
                "code": m.kind.code,
                "name": m.name,
                "required": m.required,
                "status": m.status,
                "status_label": m.get_status_display(),
                "source": m.source,
                "source_label": m.get_source_display() if m.source else "",
                "note": m.exemption_note,
                "needed_by": [items.get(code, code) for code in m.needed_by],
                "needed_by_codes": list(m.needed_by),
                "upload": (
                    {
                        "name": upload.original_name,
                        "size": upload.size,
                        "sha256": upload.sha256,
                        "mime": upload.mime,
                        "kind": viewer_kind(upload.mime),
                        "url": reverse("cases_workbench:material_file", args=[task.pk, m.pk]),
                    }
                    if upload is not None
                    else None
                ),
                "fetched": fetched_rows(m),
            }
        )
    return rows


def history(case: Case) -> list[dict[str, Any]]:
    """The full timeline as staff see it (internal events marked)."""
    labels = dict(EventKind.choices)
    return [
        {
            "at": e.at,
            "kind": e.kind,
            "label": str(labels.get(e.kind, e.kind)),
            "department": e.department.name if e.department else "",
            "actor": e.actor_label,
            "message": e.message,
            "public": e.public,
        }
        for e in timeline(case, staff=True)
    ]


# --- decisions --------------------------------------------------------------------------------------
def reason_options(kind: str) -> list[dict[str, Any]]:
    return [
        {"code": r.code, "label": str(r.label), "basis": r.basis, "needs_text": r.needs_text}
        for r in reasons.reasons(kind)
    ]


def builder_rows(
    task: Task, materials: list[dict[str, Any]], fields: list[dict[str, Any]], posted: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """一次性告知 builder: one row per material and form field the notice may name.

    A review task names what its own item needs (materials it needs, fields it asks); acceptance
    names anything of the case. ``posted`` (a QueryDict or ``{}``) keeps what the clerk chose.
    """
    item_code = task.case_item.item_code if task.kind == TaskKind.REVIEW and task.case_item else ""
    item_fields: set[str] | None = None
    if item_code and task.case_item is not None:
        item_fields = set(task.case_item.item.form_fields.values_list("key", flat=True))
    chosen = set(posted.getlist("notice_target")) if hasattr(posted, "getlist") else set()
    rows = []
    for m in materials:
        if item_code and item_code not in m["needed_by_codes"]:
            continue
        rows.append(_builder_row(f"material:{m['code']}", m["name"], _("Material"), chosen, posted))
    for f in fields:
        if item_fields is not None and f["key"] not in item_fields:
            continue
        rows.append(_builder_row(f"field:{f['key']}", f["title"], _("Form field"), chosen, posted))
    for n, row in enumerate(rows):
        row["n"] = n
    return rows


def _builder_row(
    target: str, title: str, group: str, chosen: set[str], posted: Mapping[str, Any]
) -> dict[str, Any]:
    return {
        "target": target,
        "title": title,
        "group": group,
        "checked": target in chosen,
        "reason": posted.get(f"reason__{target}", "") if posted else "",
        "text": posted.get(f"text__{target}", "") if posted else "",
    }


# --- issuance ---------------------------------------------------------------------------------------
def _input_type(schema: Mapping[str, Any]) -> str:
    if schema.get("enum"):
        return "select"
    if schema.get("type") in ("number", "integer"):
        return "number"
    return "text"


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def issue_panels(case: Case, posted: Mapping[str, Any], failed: Problem | None) -> list[dict[str, Any]]:
    """Per approved item with a licence result: its drafted face as inputs (posted values win)."""
    drafts = issuance.draft_faces(case)
    items = {ci.item_code: ci for ci in case.items.select_related("item__result_license_type")}
    error_fields = failed.fields if failed else {}
    panels = []
    for n, (code, face) in enumerate(drafts.items()):
        ci = items[code]
        lt = ci.item.result_license_type
        assert lt is not None
        values = {name: _shown(v) for name, v in face.items()}
        fields = face_fields(lt)
        if posted:
            values = {f.name: str(posted.get(f"face__{code}__{f.name}", "")) for f in fields}
        missing = set(results.missing_fields(lt, values))
        panels.append(
            {
                "item_code": code,
                "item_name": ci.name,
                "license_type": lt.name,
                "missing_count": len(missing),
                "fields": [
                    {
                        "name": f.name,
                        "input_name": f"face__{code}__{f.name}",
                        "id": f"face-{n}-{i}",
                        "title": f.title,
                        "required": f.required,
                        "value": values.get(f.name, ""),
                        "missing": f.name in missing,
                        "error": error_fields.get(f.name, ""),
                        "input_type": _input_type(f.schema),
                        "options": [str(o) for o in f.schema.get("enum", [])],
                        "max_length": f.schema.get("maxLength") or "",
                    }
                    for i, f in enumerate(fields)
                ],
            }
        )
    return panels


def coerce_face(schema: Mapping[str, Any], raw: str) -> Any:
    """A typed-in value as the face field's JSON type; left as typed when it is not one (the licence
    library then names the problem)."""
    if schema.get("type") not in ("number", "integer"):
        return raw
    try:
        number = Decimal(raw)
    except InvalidOperation:
        return raw
    if not number.is_finite():
        return raw
    if number == number.to_integral_value():
        return int(number)
    return raw if schema.get("type") == "integer" else float(number)
