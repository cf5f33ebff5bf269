"""Checks of a licence error report (纠错): the fields reported, the values proposed, the evidence file.

Every problem carries a stable code (see docs/licenses-corrections.md); problems with the items are
collected and raised together as :class:`ValidationFailed` (422), one error per item and reason, with
``field`` = ``items.<n>.<key>``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.licenses.constants import LONG_TERM, LONG_TERM_TEXT, HolderKind
from tongban.licenses.faces import face_fields, normalize_face, validate_face
from tongban.licenses.models import License
from tongban.utils.errors import DomainError, ValidationFailed

MAX_ITEMS = 20
MAX_VALUE_LENGTH = 500
MAX_NOTE_LENGTH = 300
MAX_EVIDENCE_NOTE_LENGTH = 2000
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024

# Licence metadata a report may name besides the face fields.
HOLDER_NAME = "holder_name"
VALID_TO = "valid_to"
META_TITLES = {HOLDER_NAME: _("Holder name"), VALID_TO: _("Valid to")}

# Accepted evidence: extension → (kind, content types a browser may send, leading bytes).
EVIDENCE_KINDS: dict[str, tuple[str, tuple[str, ...], tuple[bytes, ...]]] = {
    ".pdf": ("pdf", ("application/pdf",), (b"%PDF-",)),
    ".png": ("png", ("image/png",), (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("jpg", ("image/jpeg", "image/pjpeg"), (b"\xff\xd8\xff",)),
    ".jpeg": ("jpg", ("image/jpeg", "image/pjpeg"), (b"\xff\xd8\xff",)),
}
EXECUTABLE_EXTENSIONS = frozenset(
    {".exe", ".com", ".bat", ".cmd", ".msi", ".dll", ".scr", ".pif", ".ps1", ".vbs", ".js", ".jse", ".wsf"}
    | {".hta", ".jar", ".apk", ".sh", ".bin", ".elf", ".app", ".dmg", ".run", ".py", ".pl"}
)
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe")
# PDF features that run or carry other content: a piece of evidence needs none of them.
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia)(?![A-Za-z0-9])")
GENERIC_CONTENT_TYPES = ("", "application/octet-stream")


@dataclass(frozen=True)
class FieldChoice:
    name: str
    title: str
    personal: bool
    schema: dict[str, Any]


def reportable_fields(license: License) -> list[FieldChoice]:
    """Fields a report may name: the type's face fields, plus the holder name and the end of validity."""
    out = [FieldChoice(f.name, f.title, f.personal, f.schema) for f in face_fields(license.license_type)]
    known = {f.name for f in out}
    person = license.holder_kind == HolderKind.NATURAL_PERSON  # a person's name is personal data
    out += [
        FieldChoice(name, str(title), person and name == HOLDER_NAME, {})
        for name, title in META_TITLES.items()
        if name not in known
    ]
    return out


def current_value(license: License, name: str) -> str:
    """The licence's value of a reportable field, as text ("" when empty)."""
    if name == HOLDER_NAME and name not in license.face:
        return license.holder_name
    if name == VALID_TO and name not in license.face:
        return license.valid_to.isoformat() if license.valid_to else LONG_TERM_TEXT
    value = license.face.get(name)
    return "" if value is None else str(value)


def _same(name: str, proposed: str, current: str) -> bool:
    if name == VALID_TO and proposed in (LONG_TERM, LONG_TERM_TEXT):
        proposed = LONG_TERM_TEXT
    return proposed == current.strip()


def coerce(choice: FieldChoice, text: str) -> Any:
    """The proposed text as the face field's JSON type (numbers stay numbers in the signed face)."""
    kind = choice.schema.get("type")
    if kind == "integer":
        return int(text)
    if kind == "number":
        number = float(text)
        return int(number) if number.is_integer() else number
    return text


def _item_error(index: int, key: str, code: str, message: Any, **params: Any) -> DomainError:
    return DomainError(code, message, field=f"items.{index}.{key}", **params)


def _meta_problem(name: str, value: str, license: License) -> str | None:
    if name == HOLDER_NAME:
        return None if len(value) <= 200 else "max_length"
    if value in (LONG_TERM, LONG_TERM_TEXT):
        return None if license.license_type.long_term_allowed else "long_term_not_allowed"
    try:
        end = dt.date.fromisoformat(value)
    except ValueError:
        return "date"
    return None if end > license.valid_from else "before_start"


def clean_items(license: License, raw: Any, *, today: dt.date | None = None) -> list[dict[str, str]]:
    """The report's items, checked: ``[{"field", "proposed", "note"}]`` with stripped text.

    Refuses unknown fields, a field named twice, empty or over-long values, values equal to what the
    licence says already, and face values the licence type's schema would not accept.
    """
    today = today or timezone.localdate()
    if not isinstance(raw, list) or not raw:
        raise DomainError("correction_items_required", _("Say which field is wrong."), field="items")
    if len(raw) > MAX_ITEMS:
        raise DomainError(
            "correction_too_many_items",
            _("Report at most %(max)s fields at once.") % {"max": MAX_ITEMS},
            field="items",
        )
    choices = {c.name: c for c in reportable_fields(license)}
    errors: list[DomainError] = []
    items: list[dict[str, str]] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        if not isinstance(entry, Mapping):
            errors.append(_item_error(i, "field", "correction_item_invalid", _("Each item names a field.")))
            continue
        name = str(entry.get("field") or "").strip()
        proposed = entry.get("proposed")
        proposed = "" if proposed is None else str(proposed).strip()
        note = str(entry.get("note") or "").strip()
        if name not in choices:
            errors.append(
                _item_error(
                    i,
                    "field",
                    "correction_field_unknown",
                    _("The licence has no field “%(name)s”.") % {"name": name[:60]},
                )
            )
            continue
        if name in seen:
            errors.append(
                _item_error(i, "field", "correction_field_duplicate", _("Name each field only once."))
            )
            continue
        seen.add(name)
        title = choices[name].title
        if not proposed:
            errors.append(
                _item_error(
                    i,
                    "proposed",
                    "correction_value_empty",
                    _("Give the correct value of %(field)s.") % {"field": title},
                )
            )
            continue
        if len(proposed) > MAX_VALUE_LENGTH:
            errors.append(
                _item_error(
                    i,
                    "proposed",
                    "correction_value_too_long",
                    _("A value has at most %(max)s characters.") % {"max": MAX_VALUE_LENGTH},
                )
            )
            continue
        if _same(name, proposed, current_value(license, name)):
            errors.append(
                _item_error(
                    i,
                    "proposed",
                    "correction_value_unchanged",
                    _("The licence already says this for %(field)s.") % {"field": title},
                )
            )
            continue
        if len(note) > MAX_NOTE_LENGTH:
            errors.append(
                _item_error(
                    i,
                    "note",
                    "correction_note_too_long",
                    _("A note has at most %(max)s characters.") % {"max": MAX_NOTE_LENGTH},
                )
            )
            continue
        items.append({"field": name, "proposed": proposed, "note": note})
    errors += _value_errors(license, items, choices, today)
    if errors:
        raise ValidationFailed(errors)
    return items


def proposed_changes(license: License, items: list[dict[str, str]]) -> dict[str, Any]:
    """``{field: value}`` ready for ``issuing.new_version`` (face values in their JSON type)."""
    choices = {c.name: c for c in reportable_fields(license)}
    return {item["field"]: coerce(choices[item["field"]], item["proposed"]) for item in items}


def _value_errors(
    license: License, items: list[dict[str, str]], choices: dict[str, FieldChoice], today: dt.date
) -> list[DomainError]:
    """Proposed values the licence type would refuse (only the reported fields are judged)."""
    errors: list[DomainError] = []
    face = dict(license.face)
    face_names: dict[str, int] = {}
    for i, item in enumerate(items):
        name = item["field"]
        choice = choices[name]
        if not choice.schema:  # licence metadata, not a face field
            reason = _meta_problem(name, item["proposed"], license)
            if reason:
                errors.append(_invalid(i, choice.title, reason))
            continue
        try:
            face[name] = coerce(choice, item["proposed"])
        except ValueError:
            errors.append(_invalid(i, choice.title, "type"))
            continue
        face_names[name] = i
    if face_names:
        for problem in validate_face(license.license_type, normalize_face(face), today=today):
            if problem.field in face_names:
                reason = problem.params.get("reason", problem.code)
                errors.append(_invalid(face_names[problem.field], choices[problem.field].title, reason))
    return errors


def _invalid(index: int, title: str, reason: str) -> DomainError:
    return _item_error(
        index,
        "proposed",
        "correction_value_invalid",
        _("This value is not valid for %(field)s.") % {"field": title},
        reason=reason,
    )


# --- evidence -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckedEvidence:
    kind: str  # pdf, png, jpg
    extension: str
    size: int
    sha256: str


def check_evidence(
    upload: IO[bytes], *, name: str, content_type: str = "", size: int | None = None
) -> CheckedEvidence:
    """Accept a PDF, PNG or JPEG of at most ``MAX_EVIDENCE_BYTES``; refuse executables and active PDFs.

    The file's own bytes decide, not its name: the extension, the declared content type and the leading
    bytes must agree. Returns the kind, size and SHA-256 (the stream is left at its start).
    """
    extension = PurePath(name or "").suffix.lower()
    content_type = (content_type or "").split(";")[0].strip().lower()
    upload.seek(0)
    data = upload.read(MAX_EVIDENCE_BYTES + 1)
    upload.seek(0)
    size = len(data) if size is None else size
    if size > MAX_EVIDENCE_BYTES or len(data) > MAX_EVIDENCE_BYTES:
        raise DomainError(
            "evidence_too_large",
            _("The evidence file may be at most %(mb)s MB.") % {"mb": MAX_EVIDENCE_BYTES // (1024 * 1024)},
            field="evidence_file",
        )
    if not data:
        raise DomainError("evidence_empty", _("The evidence file is empty."), field="evidence_file")
    if extension in EXECUTABLE_EXTENSIONS or data.startswith(EXECUTABLE_MAGIC):
        raise DomainError(
            "evidence_executable", _("Programs cannot be attached as evidence."), field="evidence_file"
        )
    spec = EVIDENCE_KINDS.get(extension)
    if spec is None:
        raise DomainError(
            "evidence_type_not_allowed",
            _("Attach a PDF, JPG or PNG file."),
            field="evidence_file",
        )
    kind, content_types, magic = spec
    if content_type not in content_types and content_type not in GENERIC_CONTENT_TYPES:
        raise DomainError(
            "evidence_type_mismatch",
            _("The file's type does not match its name."),
            field="evidence_file",
        )
    if not data.startswith(magic):
        raise DomainError(
            "evidence_type_mismatch",
            _("The file's content does not match its name."),
            field="evidence_file",
        )
    if kind == "pdf" and PDF_ACTIVE.search(data):
        raise DomainError(
            "evidence_active_content",
            _("The PDF contains scripts or attachments; save it as a plain PDF or a picture."),
            field="evidence_file",
        )
    return CheckedEvidence(
        kind=kind,
        extension=".jpg" if kind == "jpg" else extension,
        size=size,
        sha256=hashlib.sha256(data).hexdigest(),
    )
