"""What the applicant's pages show and read back: rows of the application form (from the JSON Schema of
``forms_schema``), rows of the materials, files taken from the request, and domain errors placed next to
the field or material they concern.

Names in the HTML form (the pages and the tests share them):

- ``f_<field key>``: an answer; ``s``: a chosen situation (情形); ``delivery_method``;
- ``m_<material kind>``: a file; ``u_<material kind>``: the id of a file uploaded earlier, kept across
  re-renders so nobody uploads twice; ``clear_<material kind>``: drop that file;
- ``consent``: material kinds the applicant lets us fetch from the licence library;
- ``idempotency_key``: made when the form is rendered, so a double click or a refreshed POST returns the
  case the first request created;
- ``action``: ``draft`` (保存草稿) or ``submit`` (提交申请).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.bundles.merge import MergedMaterial
from tongban.cases import forms_schema, prefill
from tongban.cases.models import Upload
from tongban.cases.services import files
from tongban.items.models import ServiceItem
from tongban.portal.catalog_views import is_english, localized
from tongban.utils.errors import DomainError, ValidationFailed

FIELD = "f_"
FILE = "m_"
UPLOADED = "u_"
CLEAR = "clear_"
CONSENT = "consent"
SITUATION = "s"
ACCEPT = ".pdf,.jpg,.jpeg,.png,.ofd"

SOURCE_LABELS = {
    prefill.IDENTITY: gettext_lazy("From your real-name record"),
    prefill.ENTERPRISE: gettext_lazy("From the enterprise register"),
}
# Codes about an answer even when a material kind has the same code as the field key.
_FIELD_CODES = ("form_", "supplement_field")
# (input type, inputmode, autocomplete) per field kind; numbers are text so full-width digits typed with
# a Chinese input method reach the server, which folds them.
_INPUTS: dict[str, tuple[str, str, str]] = {
    forms_schema.TEXT: ("text", "", ""),
    forms_schema.NUMBER: ("text", "decimal", ""),
    forms_schema.ID_NUMBER: ("text", "text", "off"),
    forms_schema.USCC: ("text", "text", "off"),
    forms_schema.PHONE: ("tel", "tel", "tel"),
    forms_schema.DATE: ("date", "", ""),
    forms_schema.EMAIL: ("email", "email", "email"),
}


def max_upload_mb() -> str:
    return f"{settings.TONGBAN_CASE_UPLOAD_MAX_BYTES / (1024 * 1024):.1f}".removesuffix(".0")


def field_id(key: str) -> str:
    return f"f-{key}"


def material_id(code: str) -> str:
    return f"m-{code}"


# --- errors -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    message: str
    code: str
    anchor: str = ""  # id of the input it concerns: the summary links to it


@dataclass
class Errors:
    """Domain errors sorted by where they are shown: next to a field, a material, or at the top."""

    fields: dict[str, list[Problem]] = field(default_factory=dict)
    materials: dict[str, list[Problem]] = field(default_factory=dict)
    general: list[Problem] = field(default_factory=list)
    all: list[Problem] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.all)

    def add(self, error: DomainError, *, fields: Collection[str], materials: Collection[str]) -> None:
        for e in (error.errors or [error]) if isinstance(error, ValidationFailed) else [error]:
            key = e.field or ""
            message = str(e.message)
            if key in materials and not e.code.startswith(_FIELD_CODES):
                problem = Problem(message, e.code, material_id(key))
                self.materials.setdefault(key, []).append(problem)
            elif key in fields:
                problem = Problem(message, e.code, field_id(key))
                self.fields.setdefault(key, []).append(problem)
            else:
                problem = Problem(message, e.code)
                self.general.append(problem)
            self.all.append(problem)


# --- form fields --------------------------------------------------------------------------------------
@dataclass
class FieldRow:
    key: str
    name: str
    id: str
    label: str
    kind: str
    widget: str  # "input" | "textarea" | "select"
    input_type: str
    inputmode: str
    autocomplete: str
    maxlength: int | None
    options: list[dict[str, Any]]
    value: str
    source: str  # where a prefilled value came from ("" once the applicant changed it)
    errors: list[Problem]


def as_text(value: Any) -> str:
    return "" if value is None else str(value)


def field_rows(
    schema: Mapping[str, Any],
    values: Mapping[str, str],
    errors: Errors,
    *,
    prefilled: Mapping[str, Any] | None = None,
    sources: Mapping[str, str] | None = None,
    keys: Iterable[str] | None = None,
) -> list[FieldRow]:
    """One row per property of ``schema`` (or only ``keys``, in that order), with the value to show."""
    props: Mapping[str, Any] = schema.get("properties") or {}
    english = is_english()
    rows = []
    for key in list(keys) if keys is not None else list(props):
        prop = props.get(key) or {"title": key, "x-kind": forms_schema.TEXT}
        kind = str(prop.get("x-kind") or forms_schema.TEXT)
        label = str((english and prop.get("x-label-en")) or prop.get("title") or key)
        value = values.get(key, "")
        source = ""
        if sources and prefilled and key in sources and value == as_text(prefilled.get(key)):
            source = str(SOURCE_LABELS.get(sources[key], ""))
        options = [
            {
                "value": o["value"],
                "label": (english and o.get("label_en")) or o["label"],
                "selected": o["value"] == value,
            }
            for o in prop.get("x-options") or []
        ]
        if kind == forms_schema.CHOICE and options:
            widget, input_type, inputmode, autocomplete = "select", "", "", ""
        elif kind == forms_schema.TEXTAREA:
            widget, input_type, inputmode, autocomplete = "textarea", "", "", ""
        else:
            widget = "input"
            input_type, inputmode, autocomplete = _INPUTS.get(kind, _INPUTS[forms_schema.TEXT])
        max_length = prop.get("maxLength")
        rows.append(
            FieldRow(
                key=key,
                name=FIELD + key,
                id=field_id(key),
                label=label,
                kind=kind,
                widget=widget,
                input_type=input_type,
                inputmode=inputmode,
                autocomplete=autocomplete,
                maxlength=max_length if isinstance(max_length, int) else None,
                options=options,
                value=value,
                source=source,
                errors=errors.fields.get(key, []),
            )
        )
    return rows


def answers_from(post: QueryDict, keys: Iterable[str]) -> dict[str, str]:
    """The answers posted for ``keys``, as typed (the services clean and check them)."""
    return {key: post.get(FIELD + key, "") for key in keys if FIELD + key in post}


def check_answers(
    schema: Mapping[str, Any], answers: Mapping[str, str], errors: Errors, *, draft: bool
) -> None:
    """Add the form's own errors (used when a refused file stops us before calling the services)."""
    check = forms_schema.partial_validate if draft else forms_schema.validate_form
    try:
        check(schema, answers)
    except ValidationFailed as exc:
        errors.add(exc, fields=list(schema.get("properties") or {}), materials=())


# --- materials ----------------------------------------------------------------------------------------
@dataclass
class MaterialRow:
    code: str
    id: str
    name: str
    needed_by: list[str]
    required: bool
    conditions: list[str]
    mode: str  # "consent" (fetched from the licence library), "exempt" (shared data), "upload"
    consent_text: str
    consented: bool
    note: str
    upload: Upload | None
    errors: list[Problem]


def material_rows(
    materials: Sequence[MergedMaterial],
    items: Sequence[ServiceItem],
    *,
    uploads: Mapping[str, Upload],
    consents: Collection[str],
    errors: Errors,
) -> list[MaterialRow]:
    names = {i.code: localized(i) for i in items}
    rows = []
    for m in materials:
        code = m.kind.code
        basis = m.exemption.basis if m.exemption.exempt else ""
        licence_type = m.kind.license_type
        mode, consent_text, note = "upload", "", ""
        if basis == "e_license" and licence_type is not None:
            mode = "consent"
            consent_text = _(
                "We will fetch your %(name)s from the electronic licence library (no upload needed)."
            ) % {"name": localized(licence_type)}
        elif basis in ("shared_data", "city_issued"):
            mode, note = "exempt", m.exemption.reason
        rows.append(
            MaterialRow(
                code=code,
                id=material_id(code),
                name=localized(m.kind),
                needed_by=[names.get(c, c) for c in m.needed_by],
                required=m.required,
                conditions=list(dict.fromkeys(m.conditions)),  # two items may state the same one
                mode=mode,
                consent_text=consent_text,
                consented=code in consents,
                note=note,
                upload=uploads.get(code),
                errors=errors.materials.get(code, []),
            )
        )
    return rows


def take_uploads(
    request: HttpRequest, principal: Principal, codes: Sequence[str], errors: Errors
) -> dict[str, str]:
    """Material kind → upload id: files sent now (checked and stored) or kept from an earlier request.

    A refused file is reported on its material; an earlier file of that material stays attached.
    """
    kept: dict[str, str] = {}
    for code in codes:
        previous = "" if request.POST.get(CLEAR + code) else request.POST.get(UPLOADED + code, "").strip()
        sent = request.FILES.get(FILE + code)
        if sent is None:
            if previous:
                kept[code] = previous
            continue
        try:
            stored = files.store_upload(
                principal, name=sent.name or "", data=sent.read(), declared_type=sent.content_type or ""
            )
        except DomainError as exc:
            # ``check_upload`` names the field "file"; here the file belongs to this material.
            errors.add(
                DomainError(exc.code, exc.message, field=code, **exc.params), fields=(), materials=codes
            )
            if previous:
                kept[code] = previous
        else:
            kept[code] = str(stored.uid)
    return kept


def uploads_of(user: User | None, ids: Mapping[str, str]) -> dict[str, Upload]:
    """The applicant's own uploads among ``ids`` (material kind → upload id); others are dropped."""
    wanted: dict[str, uuid.UUID] = {}
    for code, raw in ids.items():
        try:
            wanted[code] = uuid.UUID(str(raw))
        except ValueError:
            continue
    if user is None or not wanted:
        return {}
    found = {u.uid: u for u in Upload.objects.filter(owner=user, uid__in=list(wanted.values()))}
    return {code: found[uid] for code, uid in wanted.items() if uid in found}
