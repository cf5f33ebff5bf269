"""Bulk import of licences from department systems: CSV or JSON Lines, checked row by row, stored in
batches, resumable. ``manage.py import_licenses`` runs it; figures in docs/licenses-scale.md.

One row is one licence (version 1 unless its identifier says otherwise). Fields (CSV header names, or
the keys of one JSON object per line):

``type``          licence type code (证照类型代码), required
``identifier``    电子证照标识, optional: checked (check character, type, issuer) when given, else built
                  (serial: :func:`import_serial`)
``number``        licence number as printed; optional (built like an issued licence's when empty)
``issuer``        issuing department, slug or USCC; optional with ``--issuer``
``holder_kind``   ``natural_person`` / ``legal_person``; optional, must match the type when given
``holder_code``   ID number or USCC (check digit verified); ``holder_name`` required
``issued_on``     YYYY-MM-DD, required; ``valid_from`` defaults to it
``valid_to``      YYYY-MM-DD, or empty / 长期 for long-term validity (when the type allows it)
``face``          the face fields (照面信息), a JSON object. In CSV a ``face`` column holding the object,
                  or one ``face_<name>`` column per field (empty cells are absent fields), or both
                  (``face_<name>`` cells win).

The checks are those of ``issuing.issue_license`` (holder check digit, the type's validity rule, face
fields with the licence metadata filled in, against the type's schema compiled once per type, the
issuer's right to issue the type), plus duplicates: an identifier or (type, number) already in the
library or earlier in the batch. Good rows are inserted with one ``executemany`` per batch (face and
holder code encrypted, ``holder_hash`` computed, status-list slots allocated for the batch), unsigned
unless ``sign``: the ``sign_pending_licenses`` task signs them afterwards.

Each batch commits together with its checkpoint in :class:`LicenseImport` (byte offset and line of the
next row, counters, size of the errors file), which is found again by the file's SHA-256: run again on
the same file, a killed import continues after its last committed batch and never inserts a row twice.
Rejected rows go to ``<file>.errors.csv`` (line, code, field, message; never a value of the row), the
first 200 also to ``LicenseImport.errors``.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import hashlib
import json
import multiprocessing
import os
import re
import secrets
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any, NamedTuple, cast

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import structlog

from tongban.audits import services as audit
from tongban.licenses.constants import (
    LONG_TERM_TEXT,
    HolderCodeType,
    HolderKind,
    LicenseSource,
    LicenseStatus,
    VersionReason,
)
from tongban.licenses.credentials.presentation import issue_credential
from tongban.licenses.holders import check_holder_code, holder_hash
from tongban.licenses.identifiers import (
    ALNUM,
    MAX_LENGTH,
    ROOT,
    SERIAL_MAX,
    build_identifier,
    parse_identifier,
)
from tongban.licenses.models import License, LicenseImport, LicenseType, LicenseVersion, StatusListRecord
from tongban.licenses.services import statuslists
from tongban.licenses.services.issuing import _face_with_metadata, default_number, resolve_dates
from tongban.licenses.services.quality import CURRENT, CodeMemo, FaceChecker
from tongban.licenses.signing import signing_key
from tongban.organizations.models import Department
from tongban.utils import crypto
from tongban.utils.crypto import EncryptedTextField
from tongban.utils.errors import Conflict, DomainError
from tongban.utils.identifiers import normalize_resident_id, normalize_uscc

log = structlog.get_logger(__name__)

FORMATS = ("csv", "jsonl")
FIELDS = frozenset(
    {"type", "identifier", "number", "issuer", "holder_kind", "holder_code", "holder_name"}
    | {"issued_on", "valid_from", "valid_to", "face"}
)
FACE_PREFIX = "face_"
DEFAULT_BATCH = 50_000  # rows per transaction; ~100 MB in memory per batch in flight
KEPT_ERRORS = 200
# Status lists opened by imports hold 2^20 slots (128 KiB per bitstring; ~96 lists per 100 million
# licences). An even bit length also spares the slot permutation its cycle walking (half the cost).
LIST_SIZE = 1 << 20
WORKER_NICENESS = 10
_SERIAL_EPOCH = 1_577_836_800  # 2020-01-01T00:00:00Z
SQLITE_BULK_PRAGMAS = {"cache_size": -262_144, "wal_autocheckpoint": 65_536}  # KiB; pages
_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # fullmatch; ASCII digits only
_SERIAL_RE = re.compile(rf"[0-9A-Z]{{1,{SERIAL_MAX}}}")
_VERSION_RE = re.compile(r"[0-9]{3}")
Progress = Callable[[int, int, int], None]  # (bytes done, bytes in the file, rows read)


@dataclass(frozen=True)
class RowError:
    line: int
    code: str
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "code": self.code, "field": self.field, "message": self.message}


def _error(line: int, exc: DomainError, prefix: str = "") -> RowError:
    field = f"{prefix}.{exc.field}" if prefix and exc.field else prefix or exc.field or ""
    return RowError(line, exc.code, field, str(exc.message))


# --- GB/T 36904 check characters, continued from a cached prefix ------------------------------------
_STEP = {ch: [(2 * ((p + v) % 36 or 36)) % 37 for p in range(37)] for v, ch in enumerate(ALNUM)}


def _mod_state(p: int, text: str) -> int:
    """ISO 7064 MOD 37,36 running state after ``text`` (as identifiers.mod37_36_check: 36 at the start)."""
    for ch in text:
        p = _STEP[ch][p]
    return p


def _check_char(state: int) -> str:
    return ALNUM[(37 - state) % 36]


def import_serial(now: float | None = None) -> str:
    """流水号 of an imported licence: the time in seconds since 2020 in six base-36 characters, then 12
    random hexadecimal capitals (18 characters; the identifier then has the 80 its column takes).

    Issued licences get 16 random characters (``issuing.new_serial``). Imported ones start with the time,
    so that a batch's identifiers are neighbours in the unique index: at ten million licences a random
    key costs every row a page of the index written anew, and the import runs half as fast (see
    docs/licenses-scale.md). The serial says when a licence was imported, nothing else."""
    seconds = int((time.time() if now is None else now) - _SERIAL_EPOCH)
    prefix = ""
    for _position in range(6):
        seconds, digit = divmod(seconds, 36)
        prefix = ALNUM[digit] + prefix
    return prefix + secrets.token_hex(6).upper()


# --- checking one row ---------------------------------------------------------------------------------
class Catalog:
    """Licence types, departments and compiled face checkers, loaded once (no query per row)."""

    def __init__(self, *, today: dt.date) -> None:
        self.today = today
        self.memo = CodeMemo(today)
        self.types = {t.code: t for t in LicenseType.objects.all()}
        self.checkers = {code: FaceChecker(t, today=today, memo=self.memo) for code, t in self.types.items()}
        self.departments: dict[str, Department] = {}
        for department in Department.objects.all():
            self.departments[department.slug] = department
            if department.uscc:
                self.departments[department.uscc] = department
        self._prefixes: dict[tuple[str, str], tuple[str, int] | DomainError] = {}

    def department(self, key: str) -> Department | None:
        return self.departments.get(key) or self.departments.get(key.upper())

    def prefix(self, license_type: LicenseType, issuer: Department) -> tuple[str, int]:
        """``"<root>.<type>.<issuer>."`` and the check state after it. Raises when ``issuer`` may not
        issue the type (as ``issuing._may_issue``) or GB/T 36904 does not take the codes."""
        key = (license_type.code, issuer.slug)
        if key not in self._prefixes:
            try:
                if license_type.issuing_department_id not in (issuer.pk, issuer.parent_id):
                    message = _("%(department)s does not issue %(type)s.")
                    names = {"department": issuer.name, "type": license_type.name}
                    raise DomainError("license_issuer_not_allowed", message % names, field="issuer")
                if not issuer.uscc:
                    message = _("The issuing department has no credit code.")
                    raise DomainError("issuer_without_code", message, field="issuer")
                build_identifier(license_type.code, issuer.uscc, "0", 1)  # the codes' own checks
                text = f"{ROOT}.{license_type.code}.{issuer.uscc}."
                self._prefixes[key] = (text, _mod_state(36, license_type.code + issuer.uscc))
            except DomainError as exc:
                self._prefixes[key] = exc
        found = self._prefixes[key]
        if isinstance(found, DomainError):
            raise DomainError(found.code, found.message, field=found.field)
        return found


class Prepared(NamedTuple):
    """A row ready to insert: the values of ``_ROW_COLUMNS``, and what the duplicate checks need."""

    line: int
    identifier_given: bool
    type_id: int
    number: str
    values: tuple[Any, ...]

    @property
    def identifier(self) -> str:
        return str(self.values[1])


_ROW_COLUMNS = (
    "license_type", "identifier", "number", "version", "issuer", "holder_kind", "holder_code_type",
    "holder_name", "holder_code", "holder_hash", "issued_on", "valid_from", "valid_to", "face", "status",
    "status_reason",
)  # fmt: skip
_BATCH_COLUMNS = ("status_changed_at", "created_at", "updated_at", "status_list", "status_index")
# The same for every imported row: written into the statement rather than bound row by row.
_FIXED_COLUMNS = {
    "credential": "''", "disclosures": "''", "signing_kid": "''", "signed_at": "NULL", "scanned_at": "NULL",
    "source": f"'{LicenseSource.IMPORTED.value}'", "version_reason": f"'{VersionReason.ISSUED.value}'",
}  # fmt: skip


def _iso(day: dt.date | None) -> str | None:
    """SQLite's ``adapt_datefield_value`` (``str(day)``), without the method call."""
    return None if day is None else day.isoformat()


def _text(row: Mapping[str, Any], name: str) -> str:
    value = row.get(name)
    return "" if value is None else str(value).strip()


class RowChecker:
    """Turns one row (strings; ``face`` a dict) into a :class:`Prepared` row, or into its errors."""

    def __init__(self, catalog: Catalog, *, default_issuer: Department | None) -> None:
        self.catalog, self.default_issuer, self.today = catalog, default_issuer, catalog.today
        self._ring = crypto.keyring()
        fields = [cast(EncryptedTextField, License._meta.get_field(n)) for n in ("face", "holder_code")]
        self._contexts = [f._context() for f in fields]
        self._json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
        self._adapt_date: Callable[[dt.date | None], Any] = (
            _iso if connection.vendor == "sqlite" else connection.ops.adapt_datefield_value
        )

    def check(self, line: int, row: Mapping[str, Any]) -> Prepared | list[RowError]:
        try:
            return self._check(line, row)
        except DomainError as exc:
            return [_error(line, exc)]
        except (TypeError, ValueError, KeyError) as exc:  # a value of a shape no check expected
            log.warning("license_import_row_failed", line=line, error=type(exc).__name__)
            return [RowError(line, "row_invalid", "", str(_("The row could not be read.")))]

    def _day(self, value: Any, name: str) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, str) and _DAY_RE.fullmatch(value := value.strip()):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise DomainError("date_invalid", _("A date is written as YYYY-MM-DD."), field=name)

    def _identifier(
        self, raw: str, license_type: LicenseType, issuer: Department
    ) -> tuple[str, int, str, bool]:
        """(identifier, version, serial, whether it was given)."""
        text, state = self.catalog.prefix(license_type, issuer)
        if not raw:
            serial = import_serial()
            return f"{text}{serial}.001.{_check_char(_mod_state(state, serial + '001'))}", 1, serial, False
        value = raw.upper()
        if value.startswith(text) and len(value) <= MAX_LENGTH:  # the usual case, without parsing it all
            serial, version, check = (value[len(text) :].split(".") + ["", ""])[:3]
            if (
                value.count(".") == text.count(".") + 2
                and _SERIAL_RE.fullmatch(serial)
                and _VERSION_RE.fullmatch(version)
                and check == _check_char(_mod_state(state, serial + version))
                and version != "000"
            ):
                return value, int(version), serial, True
        try:
            parsed = parse_identifier(value)  # raises the precise license_id_* error
        except ValueError:  # a character the check cannot take (e.g. a full-width digit)
            message = _("The licence identifier uses characters other than digits and capital letters.")
            raise DomainError("license_id_format", message, field="identifier") from None
        if parsed.type_code != license_type.code:
            message = _("The identifier names another licence type.")
            raise DomainError("license_id_type_mismatch", message, field="identifier")
        if parsed.issuer_kind == "uscc" and parsed.issuer_code != issuer.uscc:
            message = _("The identifier names another issuer.")
            raise DomainError("license_id_issuer_mismatch", message, field="identifier")
        if parsed.version == 0:
            message = _("The version number is a whole number from 1 to 999.")
            raise DomainError("license_id_version", message, field="identifier")
        return parsed.value, parsed.version, parsed.serial, True

    def _holder(self, kind: str, raw: str) -> tuple[str, str]:
        memo = self.catalog.memo
        if kind == HolderKind.NATURAL_PERSON:
            code = normalize_resident_id(raw)
            if memo.resident_id(code) is not None:
                return HolderCodeType.RESIDENT_ID.value, code
        else:
            code = normalize_uscc(raw)
            if memo.uscc_ok(code):
                return HolderCodeType.USCC.value, code
        return check_holder_code(kind, raw)  # raises holder_code_invalid

    def _check(self, line: int, row: Mapping[str, Any]) -> Prepared | list[RowError]:
        license_type = self.catalog.types.get(_text(row, "type"))
        if license_type is None:
            raise DomainError("license_type_unknown", _("No licence type has this code."), field="type")
        key = _text(row, "issuer")
        issuer = self.catalog.department(key) if key else self.default_issuer
        if issuer is None:
            raise DomainError("issuer_unknown", _("Give a known issuing department."), field="issuer")
        kind = _text(row, "holder_kind") or license_type.holder_kind
        if kind != license_type.holder_kind:
            message = _("This licence type is held by another kind of holder.")
            raise DomainError("holder_kind_mismatch", message, field="holder_kind")
        code_type, code = self._holder(kind, str(row.get("holder_code") or ""))
        name = _text(row, "holder_name")
        if not name or len(name) > 200:
            raise DomainError("holder_name_required", _("Give the holder's name."), field="holder_name")
        issued_on = self._day(row.get("issued_on"), "issued_on")
        if issued_on is None:
            raise DomainError("issued_on_required", _("Give the date of issue."), field="issued_on")
        end = _text(row, "valid_to")
        dates = resolve_dates(
            license_type,
            issued_on=issued_on,
            valid_from=self._day(row.get("valid_from"), "valid_from"),
            valid_to=LONG_TERM_TEXT if end in ("", LONG_TERM_TEXT) else self._day(end, "valid_to"),
            today=self.today,
        )
        identifier, version, serial, given = self._identifier(_text(row, "identifier"), license_type, issuer)
        number = _text(row, "number") or default_number(dates.issued_on, serial[-12:])
        if len(number) > 64:
            message = _("A licence number has at most 64 characters.")
            raise DomainError("number_too_long", message, field="number")
        face = row.get("face")
        if not isinstance(face, dict):
            raise DomainError("face_invalid", _("The face fields must be a JSON object."), field="face")
        metadata = {"issued_on": dates.issued_on, "valid_from": dates.valid_from}
        face = _face_with_metadata(license_type, face, number=number, dates=metadata, valid_to=dates.valid_to)
        problems = self.catalog.checkers[license_type.code].problems(face, normalized=True)
        if problems:
            return [_error(line, e, "face") for e in problems]
        expired = dates.valid_to is not None and dates.valid_to < self.today
        adapt, ring = self._adapt_date, self._ring
        values = (
            license_type.pk, identifier, number, version, issuer.pk, kind, code_type, name,
            crypto.encrypt(code, context=self._contexts[1], ring=ring), holder_hash(code_type, code),
            adapt(dates.issued_on), adapt(dates.valid_from), adapt(dates.valid_to),
            crypto.encrypt(self._json(face), context=self._contexts[0], ring=ring),
            LicenseStatus.EXPIRED if expired else LicenseStatus.VALID, "validity ended" if expired else "",
        )  # fmt: skip
        return Prepared(line, given, license_type.pk, number, values)


# --- reading ------------------------------------------------------------------------------------------
@dataclass
class Cursor:
    offset: int = 0  # byte offset of the next unread row
    line: int = 1  # its line number


Record = tuple[int, "bytes | list[str] | RowError"]  # (line, a JSON line or CSV cells, or why not)


def csv_header(f: IO[bytes]) -> tuple[list[str], int]:
    """Column names and the offset after the header row. Unknown columns are refused at once."""
    f.seek(0)
    raw = f.readline()
    columns = [c.strip() for c in next(csv.reader([raw.decode("utf-8-sig", "replace")]), [])]
    unknown = [c for c in columns if c not in FIELDS and not c.startswith(FACE_PREFIX)]
    if unknown or "type" not in columns:
        message = _("Unknown or missing columns: %(columns)s.") % {"columns": ", ".join(unknown) or "type"}
        raise DomainError("import_columns", message, field="header")
    return columns, len(raw)


def read_batches(f: IO[bytes], fmt: str, cursor: Cursor, size: int) -> Iterator[tuple[list[Record], int]]:
    """Batches of ``size`` rows from ``cursor`` on, unparsed, and how many rows each holds. ``cursor``
    moves past a batch before it is yielded. Blank lines are skipped. A CSV row may span lines (quoted
    line breaks), so CSV is read row by row; JSON Lines in bulk."""
    f.seek(cursor.offset)
    if fmt == "jsonl":
        while chunk := list(islice(f, size)):
            numbered = zip(range(cursor.line, cursor.line + len(chunk)), chunk, strict=True)
            records: list[Record] = [r for r in numbered if r[1].strip()]
            cursor.offset, cursor.line = cursor.offset + sum(map(len, chunk)), cursor.line + len(chunk)
            yield records, len(records)
        return
    at = Cursor(cursor.offset, cursor.line)

    def decoded() -> Iterator[str]:
        for raw in f:
            at.offset, at.line = at.offset + len(raw), at.line + 1
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                yield "\x00\n"  # reported as a malformed row; the offsets stay byte-exact

    reader, batch = csv.reader(decoded()), list[Record]()
    while True:
        line = at.line
        try:
            cells: list[str] | RowError = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            cells = RowError(line, "row_format", "", str(exc))
        if cells:
            batch.append((line, cells))
        if len(batch) >= size:
            cursor.offset, cursor.line = at.offset, at.line
            yield batch, len(batch)
            batch = []
    cursor.offset, cursor.line = at.offset, at.line
    if batch:
        yield batch, len(batch)


def _malformed(line: int, message: Any, field: str = "") -> RowError:
    return RowError(line, "face_invalid" if field == "face" else "row_format", field, str(message))


def parse_record(
    line: int, payload: bytes | list[str], columns: list[str] | None
) -> dict[str, Any] | RowError:
    """A row as a dict (``face`` a dict) from a JSON line or from CSV cells."""
    if isinstance(payload, bytes):
        try:
            row = json.loads(payload.decode("utf-8"))  # UnicodeDecodeError is a ValueError
        except ValueError:
            row = None
        if not isinstance(row, dict):
            return _malformed(line, _("The line is not a JSON object."))
        unknown = sorted(set(row) - FIELDS)
        return RowError(line, "row_unknown_field", unknown[0], str(_("Unknown field."))) if unknown else row
    assert columns is not None
    if len(payload) != len(columns) or any("\x00" in cell for cell in payload):
        return _malformed(line, _("The row does not have the header's columns."))
    row, face = {}, {}
    for name, value in zip(columns, payload, strict=True):
        if not name.startswith(FACE_PREFIX):
            row[name] = value
        elif value != "":
            face[name[len(FACE_PREFIX) :]] = value
    if row.get("face"):
        try:
            loaded = json.loads(row["face"])
        except ValueError:
            loaded = None
        if not isinstance(loaded, dict):
            return _malformed(line, _("The face fields must be a JSON object."), "face")
        face = loaded | face
    row["face"] = face
    return row


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# --- checking, here or in forked workers ----------------------------------------------------------------
Checked = list["Prepared | RowError"]
_WORKER: tuple[RowChecker, list[str] | None] | None = None  # set before forking the workers


def check_records(checker: RowChecker, columns: list[str] | None, records: list[Record]) -> Checked:
    out: Checked = []
    for line, payload in records:
        row = payload if isinstance(payload, RowError) else parse_record(line, payload, columns)
        result = row if isinstance(row, RowError) else checker.check(line, row)
        out.extend(result) if isinstance(result, list) else out.append(result)
    return out


def _ready(checked: Checked) -> Callable[[], Checked]:
    return lambda: checked


def _check_in_worker(records: list[Record]) -> Checked:
    assert _WORKER is not None
    return check_records(_WORKER[0], _WORKER[1], records)


@contextmanager
def _checking(
    checker: RowChecker, columns: list[str] | None, workers: int
) -> Iterator[Callable[[list[Record]], Callable[[], Checked]]]:
    """``submit(records)`` returns a function that gives the checked batch: checked by forked workers
    (``workers`` > 0; in slices, so that they share every batch; this process reads and writes
    meanwhile), or here, at once."""
    global _WORKER
    if workers <= 0 or "fork" not in multiprocessing.get_all_start_methods():
        yield lambda records: _ready(check_records(checker, columns, records))
        return
    _WORKER = (checker, columns)
    # Workers never touch the database. They run at a lower priority: the writing process is the
    # bottleneck, and on few cores it must not wait for the CPU behind its own workers.
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=os.nice, initargs=(WORKER_NICENESS,))

    def submit(records: list[Record]) -> Callable[[], Checked]:
        step = max(500, len(records) // (4 * workers) + 1)
        slices = pool.map_async(
            _check_in_worker, [records[i : i + step] for i in range(0, len(records), step)]
        )
        return lambda: [row for part in slices.get() for row in part]

    try:
        yield submit
    finally:
        pool.terminate()
        _WORKER = None


# --- storing ----------------------------------------------------------------------------------------
def _insert_sql() -> str:
    quote = connection.ops.quote_name
    bound = [
        str(cast(Field[Any, Any], License._meta.get_field(n)).column)
        for n in (*_ROW_COLUMNS, *_BATCH_COLUMNS)
    ]
    columns = ", ".join(quote(c) for c in [*bound, *_FIXED_COLUMNS])
    values = ", ".join(["%s"] * len(bound) + list(_FIXED_COLUMNS.values()))
    return f"INSERT INTO {quote(License._meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608


def _existing(column: str, values: list[str], *, type_id: int | None = None) -> set[str]:
    """Which of ``values`` the library holds (identifiers: archived versions too). Raw SQL: the ORM's
    work per parameter would cost more than the index look-ups."""
    quote = connection.ops.quote_name
    tables = [License._meta.db_table] + ([LicenseVersion._meta.db_table] if column == "identifier" else [])
    found: set[str] = set()
    with connection.cursor() as cur:
        for start in range(0, len(values), 2000):
            chunk: list[Any] = values[start : start + 2000]
            where = f"{quote(column)} IN ({', '.join(['%s'] * len(chunk))})"
            if type_id is not None:
                where, chunk = f"{where} AND {quote('license_type_id')} = %s", [*chunk, type_id]
            for table in tables:
                cur.execute(f"SELECT {quote(column)} FROM {quote(table)} WHERE {where}", chunk)  # noqa: S608
                found.update(row[0] for row in cur.fetchall())
    return found


def _duplicates(rows: list[Prepared], *, every: bool) -> tuple[list[Prepared], list[RowError]]:
    """Split off rows whose identifier or (type, number) is in the library or earlier in the batch.
    Built identifiers (random 64-bit serials) are looked up only with ``every``: the unique index catches
    the rare collision, and the batch is then checked again with ``every``."""
    taken = _existing("identifier", [r.identifier for r in rows if every or r.identifier_given])
    by_type: dict[int, list[str]] = {}
    for r in rows:
        by_type.setdefault(r.type_id, []).append(r.number)
    numbers = {(t, n) for t, ns in by_type.items() for n in _existing("number", ns, type_id=t)}
    good, bad = [], []
    for r in rows:
        if r.identifier in taken and not r.identifier_given:  # rebuild it with another serial
            parts = parse_identifier(r.identifier)
            identifier = build_identifier(parts.type_code, parts.issuer_code, import_serial(), 1)
            r = r._replace(values=(r.values[0], identifier, *r.values[2:]))
        if r.identifier in taken:
            message = str(_("A licence with this identifier exists."))
            bad.append(RowError(r.line, "license_identifier_duplicate", "identifier", message))
        elif (r.type_id, r.number) in numbers:
            message = str(_("A licence of this type with this number exists."))
            bad.append(RowError(r.line, "license_number_duplicate", "number", message))
        else:
            good.append(r)
            taken.add(r.identifier)
            numbers.add((r.type_id, r.number))
    return good, bad


class Importer:
    """Commits the checked batches of one file, in order; see :func:`import_file`."""

    def __init__(
        self, record: LicenseImport, *, errors_path: Path, sign: bool, progress: Progress | None
    ) -> None:
        self.record, self.errors_path, self.sign, self.progress = record, errors_path, sign, progress
        self.sql = _insert_sql()
        self.signed = 0

    def _write_errors(self, errors: list[RowError]) -> int:
        """Append to the errors file; returns its size (a resumed import cuts it back to the checkpoint)."""
        if errors:
            new = self.errors_path.stat().st_size == 0
            with self.errors_path.open("a", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                if new:
                    writer.writerow(["line", "code", "field", "message"])
                writer.writerows([e.line, e.code, e.field, e.message] for e in errors)
        return self.errors_path.stat().st_size

    def commit(self, checked: Checked, read: int, cursor: Cursor, total: int) -> None:
        rows = [r for r in checked if isinstance(r, Prepared)]
        errors = [r for r in checked if isinstance(r, RowError)]
        try:
            good = self._commit(rows, errors, read, cursor, every=False)
        except IntegrityError:  # a built identifier collided, or someone stored a licence meanwhile
            good = self._commit(rows, errors, read, cursor, every=True)
        if self.sign and good:
            ids = License.objects.filter(identifier__in=[r.identifier for r in good]).values_list(
                "id", flat=True
            )
            self.signed += sign_licenses(list(ids))
        if self.progress is not None:
            self.progress(cursor.offset, total, self.record.rows_read)

    def _commit(
        self, rows: list[Prepared], errors: list[RowError], read: int, cursor: Cursor, *, every: bool
    ) -> list[Prepared]:
        """Insert one batch and move the checkpoint, in one transaction; returns the rows inserted."""
        record = self.record
        with transaction.atomic():
            good, duplicates = _duplicates(rows, every=every)
            stamp = connection.ops.adapt_datetimefield_value(timezone.now())
            slots = statuslists.allocate(len(good), size=LIST_SIZE) if good else []
            params = [
                (*r.values, stamp, stamp, stamp, slot.pk, index)
                for r, (slot, index) in zip(good, slots, strict=True)
            ]
            with connection.cursor() as cur:
                cur.executemany(self.sql, params)
            errors = sorted([*errors, *duplicates], key=lambda e: e.line)
            errors_size = self._write_errors(errors)
            kept = record.errors + [e.as_dict() for e in errors[: max(0, KEPT_ERRORS - len(record.errors))]]
            changed = LicenseImport.objects.filter(pk=record.pk, rows_read=record.rows_read).update(
                rows_read=record.rows_read + read,
                rows_imported=record.rows_imported + len(good),
                rows_rejected=record.rows_rejected + len({e.line for e in errors}),
                checkpoint={"offset": cursor.offset, "line": cursor.line, "errors_size": errors_size},
                errors=kept,
                errors_file=str(self.errors_path) if errors_size else "",
            )
            if not changed:  # the checkpoint moved under us
                raise Conflict("import_running", _("Another process is importing this file."))
        record.refresh_from_db()
        return good


def _find_or_start(
    path: Path, sha: str, fmt: str, issuer: Department | None, started_by: str
) -> LicenseImport:
    imports = LicenseImport.objects.filter(source_sha256=sha)
    if imports.filter(status=LicenseImport.Status.DONE).exists():
        raise Conflict("import_already_done", _("This file has been imported already."))
    record = imports.order_by("-started_at").first()
    if record is None:
        return LicenseImport.objects.create(
            source_name=str(path)[-300:],
            source_sha256=sha,
            format=fmt,
            issuer=issuer,
            started_by=started_by[:150],
        )
    if record.format != fmt:
        raise Conflict("import_format_changed", _("This file is being imported in the other format."))
    LicenseImport.objects.filter(pk=record.pk).update(status=LicenseImport.Status.RUNNING, finished_at=None)
    record.refresh_from_db()
    return record


def errors_path_for(path: Path) -> Path:
    """``<file>.errors.csv`` next to the input, or under ``var/imports/`` when that is not writable."""
    beside = path.with_name(path.name + ".errors.csv")
    try:
        beside.touch(exist_ok=True)
        return beside
    except OSError:
        folder = Path(settings.BASE_DIR) / "var" / "imports"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / beside.name).touch(exist_ok=True)
        return folder / beside.name


@contextmanager
def _bulk_mode() -> Iterator[None]:
    """While importing: no cyclic garbage collection (rows make no cycles; the collector's passes over
    millions of young tuples cost ~8 %; forked workers inherit this) and, on SQLite, a 256 MiB page cache
    (the indexes are written at random) and fewer WAL checkpoints (a page that many batches change is
    copied back once)."""
    enabled = gc.isenabled()
    gc.disable()
    pragmas = SQLITE_BULK_PRAGMAS if connection.vendor == "sqlite" else {}
    before = {}
    with connection.cursor() as cur:
        for name, value in pragmas.items():
            cur.execute(f"PRAGMA {name}")
            before[name] = int(cur.fetchone()[0])
            cur.execute(f"PRAGMA {name} = {value}")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            for name, value in before.items():
                cur.execute(f"PRAGMA {name} = {value}")
        if enabled:
            gc.enable()


def import_file(
    path: str | Path,
    *,
    fmt: str | None = None,
    issuer: Department | None = None,
    sign: bool = False,
    batch: int = DEFAULT_BATCH,
    workers: int = 0,
    started_by: str = "",
    progress: Progress | None = None,
    max_batches: int | None = None,
    today: dt.date | None = None,
) -> LicenseImport:
    """Import ``path``, or resume its interrupted import; returns its :class:`LicenseImport`.

    ``fmt`` defaults from the suffix (``.csv``, else JSON Lines). ``workers`` > 0 checks rows in that
    many forked processes while this one writes (batches still commit in file order). ``max_batches``
    stops after that many committed batches and leaves the import resumable (time-boxed runs; tests).
    """
    path = Path(path)
    fmt = fmt or ("csv" if path.suffix.lower() == ".csv" else "jsonl")
    if fmt not in FORMATS:
        raise DomainError("import_format", _("The format is csv or jsonl."), field="format")
    record = _find_or_start(path, file_sha256(path), fmt, issuer, started_by)
    errors_path = errors_path_for(path)
    checkpoint = record.checkpoint or {}
    with errors_path.open("r+b") as out:  # drop what a killed run wrote after its last commit
        out.truncate(int(checkpoint.get("errors_size", 0)))
    checker = RowChecker(Catalog(today=today or timezone.localdate()), default_issuer=issuer)
    importer = Importer(record, errors_path=errors_path, sign=sign, progress=progress)
    total, committed = path.stat().st_size, 0
    with path.open("rb") as f, _bulk_mode():
        columns, cursor = None, Cursor(int(checkpoint.get("offset", 0)), int(checkpoint.get("line", 1)))
        if fmt == "csv":
            columns, header_end = csv_header(f)
            if cursor.offset < header_end:
                cursor = Cursor(header_end, 2)
        with _checking(checker, columns, workers) as submit:
            pending: deque[tuple[Callable[[], Checked], Cursor, int]] = deque()

            def drain(keep: int) -> bool:  # commit in file order until ``keep`` batches are in flight
                nonlocal committed
                while len(pending) > keep:
                    checked, at, read = pending.popleft()
                    importer.commit(checked(), read, at, total)
                    committed += 1
                    if max_batches is not None and committed >= max_batches:
                        return False
                return True

            for records, read in read_batches(f, fmt, cursor, batch):
                pending.append((submit(records), Cursor(cursor.offset, cursor.line), read))
                if not drain(max(workers, 0)):
                    return importer.record
            if not pending and not importer.record.rows_read:  # an empty file: one empty checkpoint
                pending.append((submit([]), Cursor(cursor.offset, cursor.line), 0))
            if not drain(0):
                return importer.record
    return _finish(importer)


def _finish(importer: Importer) -> LicenseImport:
    record = importer.record
    LicenseImport.objects.filter(pk=record.pk).update(
        status=LicenseImport.Status.DONE, finished_at=timezone.now()
    )
    record.refresh_from_db()
    summary = {"format": record.format, "imported": record.rows_imported, "rejected": record.rows_rejected}
    audit.record("license.imported", obj=record, summary=summary | {"signed": importer.signed})
    log.info("license_import_done", id=record.pk, **summary)
    return record


# --- signing what was imported unsigned ----------------------------------------------------------------
SIGN_CURSOR = "tb:licenses:sign-cursor"


def sign_licenses(ids: list[int], *, now: dt.datetime | None = None) -> int:
    """Sign the unsigned current licences among ``ids``, in one transaction (a key per issuer, read
    once); one without a status-list slot gets one. As ``issuing.sign``, for many licences at once."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            License.objects.select_for_update()
            .filter(id__in=ids, credential="", status__in=CURRENT)
            .select_related("license_type", "issuer")
            .defer("disclosures")
            .order_by("id")
        )
        missing = [r for r in rows if r.status_list_id is None]
        for lic, (slot, index) in zip(
            missing, statuslists.allocate(len(missing)) if missing else [], strict=True
        ):
            lic.status_list_id, lic.status_index = slot.pk, index
        lists = StatusListRecord.objects.filter(id__in={r.status_list_id for r in rows}).only("id", "list_id")
        slots = {record.pk: record for record in lists}
        keys: dict[str, Any] = {}
        disclosures = License._meta.get_field("disclosures")
        stamp = connection.ops.adapt_datetimefield_value(now)
        params = []
        for lic in rows:
            if lic.issuer.uscc not in keys:
                keys[lic.issuer.uscc] = signing_key(lic.issuer.uscc, now=now)
            key = keys[lic.issuer.uscc]
            assert lic.status_list_id is not None and lic.status_index is not None
            issued = issue_credential(
                key=key,
                license_identifier=lic.identifier,
                type_code=lic.license_type.code,
                holder_kind=lic.holder_kind,
                fields=lic.face,
                valid_from=lic.valid_from,
                valid_to=lic.valid_to,
                status=statuslists.status_refs(slots[lic.status_list_id], lic.status_index),
                now=now,
            )
            sealed = disclosures.get_prep_value(list(issued.disclosures))
            params.append(
                (issued.token, sealed, key.kid, stamp, stamp, lic.status_list_id, lic.status_index, lic.pk)
            )
        quote = connection.ops.quote_name
        names = (
            "credential",
            "disclosures",
            "signing_kid",
            "signed_at",
            "updated_at",
            "status_list_id",
            "status_index",
        )
        sets = ", ".join(f"{quote(n)} = %s" for n in names)
        with connection.cursor() as cur:
            cur.executemany(f"UPDATE {quote(License._meta.db_table)} SET {sets} WHERE id = %s", params)  # noqa: S608
    return len(rows)


def sign_pending(*, batch: int = 500, limit: int = 20_000, now: dt.datetime | None = None) -> int:
    """Sign unsigned current licences (bulk imports) in id order, ``batch`` per transaction and at most
    ``limit`` per call; returns how many were signed.

    No index finds unsigned rows, so the walk keeps its place in the cache (``SIGN_CURSOR``, the last id
    done): imports append ids, so the next call starts where this one stopped, and a lost cursor costs one
    walk from the start. A signing failure (no key) stops the walk before the failing batch.
    """
    last = int(cache.get(SIGN_CURSOR, 0))
    todo = License.objects.filter(credential="", status__in=CURRENT).order_by("id")
    done = 0
    while done < limit and (ids := list(todo.filter(id__gt=last).values_list("id", flat=True)[:batch])):
        done += sign_licenses(ids, now=now)
        last = ids[-1]
        cache.set(SIGN_CURSOR, last, None)
    if done:
        audit.record("license.signed_pending", summary={"signed": done})
        log.info("license_sign_pending", signed=done)
    return done
