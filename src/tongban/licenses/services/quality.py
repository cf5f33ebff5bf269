"""Data quality of the licence library: the checks, the incremental scan, and the findings queue.

The scan (task ``scan_licenses``, hourly) visits licences whose ``scanned_at`` is empty (every change
empties it; bulk imports arrive with it empty), in id order and in batches, checks each one and keeps
one open :class:`QualityFinding` per licence and check, in the issuing department's queue:

==============  ========  =========================================================================
check           severity  what
==============  ========  =========================================================================
``holder_code`` error     the holder code's check digit (GB 11643 / GB 32100), and its kind
``dates``       error     issue date <= valid from < valid to (no end: 长期); issue date not ahead
``face_schema`` error     the face fields against the type's JSON Schema (:func:`faces.validate_face`)
``identifier``  error     the 电子证照标识 parses (check character …) and names the licence's type
                          and version
``holder_name`` warning   the holder name differs from the identity record: the real-name verified
                          ``NaturalPerson`` with the same ID number, the ``LegalPerson`` with the
                          same USCC; not checked when the holder has no record here
``duplicate``   warning   another licence of the same type has the same number; or, for types a
                          holder has only one of (``LicenseType.one_per_holder``), another current
                          (valid or suspended) licence of the same holder overlaps in validity.
                          The finding goes on the later licence (higher id) of each pair.
``expiring``    info      a valid licence ends within ``TONGBAN_LICENSE_EXPIRY_WARNING_DAYS``
==============  ========  =========================================================================

A rescan updates the open finding (``last_seen``, severity, detail) or resolves it when the problem is
gone. A finding staff dismissed stays dismissed until the licence changes again. Because expiry is a
matter of time, not of change, every scan also sweeps the expiry window by date (index on ``valid_to``).
Details name checks, codes and field names, never a personal value.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import structlog

from tongban.accounts.models import LegalPerson, NaturalPerson
from tongban.accounts.principal import Principal
from tongban.accounts.services import id_number_hash
from tongban.audits import services as audit
from tongban.licenses.constants import (
    FORMAT_DATE,
    FORMAT_DATE_OR_LONG_TERM,
    FORMAT_DISABILITY_CARD,
    FORMAT_RESIDENT_ID,
    FORMAT_USCC,
    HOLDER_CODE_TYPE_FOR_KIND,
    LONG_TERM_TEXT,
    SEX_VALUES,
    FindingCheck,
    FindingStatus,
    HolderKind,
    LicenseStatus,
    Severity,
)
from tongban.licenses.faces import normalize_face, validate_face_data
from tongban.licenses.holders import check_holder_code
from tongban.licenses.identifiers import parse_identifier
from tongban.licenses.models import License, LicenseType, QualityFinding, QualityScanRun
from tongban.utils.errors import Conflict, DomainError, NotFound
from tongban.utils.identifiers import USCC_CHARSET, ResidentId, validate_resident_id, validate_uscc

log = structlog.get_logger(__name__)

SCAN_LOCK = "tb:licenses:quality-scan"
SCAN_LOCK_SECONDS = 3 * 3600
CURRENT = (LicenseStatus.VALID, LicenseStatus.SUSPENDED)
SEVERITY = {
    FindingCheck.HOLDER_CODE: Severity.ERROR,
    FindingCheck.DATES: Severity.ERROR,
    FindingCheck.FACE_SCHEMA: Severity.ERROR,
    FindingCheck.IDENTIFIER: Severity.ERROR,
    FindingCheck.HOLDER_NAME: Severity.WARNING,
    FindingCheck.DUPLICATE: Severity.WARNING,
    FindingCheck.EXPIRING: Severity.INFO,
}


# --- face fields: a compiled fast path in front of the JSON Schema validator --------------------------
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DISABILITY_RE = re.compile(r"^\d{17}[\dX][1-7][1-4]$")
_PROP_KEYS = frozenset(
    {"title", "description", "examples", "type", "maxLength", "minLength", "pattern", "format", "enum"}
    | {"const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
)
_TOP_KEYS = frozenset(
    {"$schema", "$id", "title", "description", "type", "properties", "required", "additionalProperties"}
    | {"x-date-order", "x-id-match", "x-not-future"}
)
_BOUNDS = {
    "minimum": operator.ge,
    "maximum": operator.le,
    "exclusiveMinimum": operator.gt,
    "exclusiveMaximum": operator.lt,
}


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str) or not _DATE_RE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


_ID_FAST = re.compile(r"[0-9]{17}[0-9X]")
_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # GB 11643 (as tongban.utils.identifiers)
_USCC_FAST = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_CHARSET)}
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]  # GB 32100


class CodeMemo:
    """Check digits of ID numbers and USCCs, computed fast and remembered for a while (a licence's
    holder code usually comes back in its face). Only well-formed codes take the fast path; anything
    else gets the verdict of :mod:`tongban.utils.identifiers` itself."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.ids: dict[str, ResidentId | None] = {}
        self.usccs: dict[str, bool] = {}

    def _fast_id(self, value: str) -> ResidentId | None:
        if not _ID_FAST.fullmatch(value):
            return None
        total = sum(map(operator.mul, map(int, value[:17]), _ID_WEIGHTS))
        try:
            birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
        except ValueError:
            return None
        if "10X98765432"[total % 11] != value[17] or birth > self.today or birth.year < 1880:
            return None
        return ResidentId(value, value[:6], birth, "M" if int(value[16]) % 2 else "F")

    def resident_id(self, value: str) -> ResidentId | None:
        if value not in self.ids:
            if len(self.ids) > 4096:
                self.ids.clear()
            found = self._fast_id(value)
            if found is None:
                try:
                    found = validate_resident_id(value, today=self.today)
                except DomainError:
                    found = None
            self.ids[value] = found
        return self.ids[value]

    def uscc_ok(self, value: str) -> bool:
        if value not in self.usccs:
            if len(self.usccs) > 4096:
                self.usccs.clear()
            ok = (
                bool(_USCC_FAST.fullmatch(value))
                and USCC_CHARSET[
                    (
                        31
                        - sum(map(operator.mul, map(_USCC_VALUE.__getitem__, value[:17]), _USCC_WEIGHTS)) % 31
                    )
                    % 31
                ]
                == value[17]
            )
            if not ok:
                try:
                    validate_uscc(value)
                    ok = True
                except DomainError:
                    ok = False
            self.usccs[value] = ok
        return self.usccs[value]


@dataclass(frozen=True, slots=True)
class _Prop:
    kind: str | None
    max_len: int | None
    min_len: int | None
    search: Callable[[str], Any] | None
    choices: frozenset[str] | None
    fmt: Callable[[str], bool] | None
    bounds: tuple[tuple[Callable[[Any, Any], bool], Any], ...]


class FaceChecker:
    """Face validation of one licence type, compiled once and reused for many licences.

    :meth:`problems` gives exactly :func:`faces.validate_face`'s answer. As most faces are valid, a
    compiled check of the schema subset the types use (``type``, ``maxLength``, ``pattern``, ``enum``,
    ``format`` with the project's formats, ``required``, ``additionalProperties`` and the ``x-*``
    cross-field rules) runs first. It only ever *accepts*: a face it does not accept, and any schema with
    keywords it does not know (``allOf`` …), goes to the JSON Schema validator, which writes the messages.
    """

    def __init__(self, license_type: LicenseType, *, today: dt.date, memo: CodeMemo | None = None) -> None:
        schema: dict[str, Any] = license_type.face_schema or {}
        self.schema, self.today = schema, today
        self.order = list(license_type.face_field_order or [])
        self.memo = memo or CodeMemo(today)
        self._today_text = today.isoformat()
        self.props: dict[str, _Prop] | None = None
        if schema.get("type") == "object" and set(schema) <= _TOP_KEYS:
            props = {name: self._compile(p) for name, p in (schema.get("properties") or {}).items()}
            if schema.get("additionalProperties", True) in (True, False):
                self.props = {k: v for k, v in props.items() if v is not None}
                self.props = self.props if len(self.props) == len(props) else None
        self._required = frozenset(schema.get("required", ()))
        self.closed = schema.get("additionalProperties") is False
        self.date_order = [tuple(p) for p in schema.get("x-date-order", [])]
        self.id_match = [dict(r) for r in schema.get("x-id-match", [])]
        self.not_future = list(schema.get("x-not-future", []))

    def _compile(self, prop: Any) -> _Prop | None:
        if not isinstance(prop, dict) or not set(prop) <= _PROP_KEYS:
            return None
        choices = prop["enum"] if "enum" in prop else [prop["const"]] if "const" in prop else None
        if prop.get("type") not in (None, "string", "integer", "number", "boolean") or not (
            choices is None or (isinstance(choices, list) and all(isinstance(c, str) for c in choices))
        ):
            return None
        formats: dict[str, Callable[[str], bool]] = {
            FORMAT_DATE: lambda v: _date(v) is not None,
            FORMAT_DATE_OR_LONG_TERM: lambda v: v == LONG_TERM_TEXT or _date(v) is not None,
            FORMAT_RESIDENT_ID: lambda v: self.memo.resident_id(v) is not None,
            FORMAT_DISABILITY_CARD: lambda v: (
                self.memo.resident_id(v[:18]) is not None and bool(_DISABILITY_RE.match(v))
            ),
            FORMAT_USCC: self.memo.uscc_ok,
        }
        return _Prop(
            kind=prop.get("type"),
            max_len=prop.get("maxLength"),
            min_len=prop.get("minLength"),
            search=re.compile(prop["pattern"]).search if "pattern" in prop else None,
            choices=frozenset(choices) if choices is not None else None,
            fmt=formats.get(prop.get("format", "")),  # other formats are not checked by faces either
            bounds=tuple((_BOUNDS[k], prop[k]) for k in _BOUNDS if k in prop),
        )

    def problems(self, face: Any, *, normalized: bool = False) -> list[DomainError]:
        """The problems of ``face`` (``normalized``: already passed through ``faces.normalize_face``)."""
        if isinstance(face, Mapping) and self.props is not None:
            data = face if normalized else normalize_face(face)
            if self._accepts(data) and self._cross_ok(data):
                return []
        elif isinstance(face, Mapping) and not self.schema:
            return []
        return validate_face_data(self.schema, face, today=self.today, order=self.order)

    @staticmethod
    def _other_ok(p: _Prop, value: Any) -> bool:
        """A value that is not a string: type, enum and bounds (string keywords do not apply)."""
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if p.kind == "string" or p.choices is not None or (p.kind == "number" and not number):
            return False
        if p.kind == "integer" and not (number and (isinstance(value, int) or value.is_integer())):
            return False
        if p.kind == "boolean" and not isinstance(value, bool):
            return False
        return not number or all(test(value, bound) for test, bound in p.bounds)

    def _accepts(self, data: Mapping[str, Any]) -> bool:
        props = self.props
        assert props is not None
        keys = data.keys()
        if not self._required <= keys or (self.closed and not keys <= props.keys()):
            return False
        for name, value in data.items():
            p = props.get(name)
            if p is None:
                continue
            if isinstance(value, str):
                if (
                    p.kind not in (None, "string")
                    or (p.max_len is not None and len(value) > p.max_len)
                    or (p.min_len is not None and len(value) < p.min_len)
                    or (p.search is not None and p.search(value) is None)
                    or (p.choices is not None and value not in p.choices)
                    or (p.fmt is not None and not p.fmt(value))
                ):
                    return False
            elif not self._other_ok(p, value):
                return False
        return True

    def _cross_ok(self, data: Mapping[str, Any]) -> bool:
        for earlier, later in self.date_order:
            if earlier in data and later in data:
                start, end = _date(data[earlier]), _date(data[later])
                if start and end and end < start:
                    return False
        for rule in self.id_match:
            number = data.get(rule.get("id", ""))
            person = self.memo.resident_id(number[:18]) if isinstance(number, str) else None
            if person is None:
                continue
            birth, sex = data.get(rule.get("birth_date", "")), data.get(rule.get("sex", ""))
            if (birth is not None and _date(birth) not in (None, person.birth_date)) or (
                sex is not None and SEX_VALUES.get(sex, person.sex) != person.sex
            ):
                return False
        for name in self.not_future:
            value = data.get(name)
            if isinstance(value, str) and value > self._today_text and _date(value) is not None:
                return False
        return True


# --- the checks of one licence -----------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    rule: str
    detail: str

    @property
    def severity(self) -> str:
        return SEVERITY[FindingCheck(self.rule)]


def _codes(errors: Iterable[DomainError]) -> str:
    return ", ".join(f"{e.code}{f' ({e.field})' if e.field else ''}" for e in errors)[:300]


def holder_code_problem(holder_kind: str, code_type: str, code: str) -> Problem | None:
    try:
        _type, _code = check_holder_code(holder_kind, code)
    except (DomainError, KeyError) as exc:
        reason = exc.params.get("reason", exc.code) if isinstance(exc, DomainError) else "holder_kind"
        return Problem(FindingCheck.HOLDER_CODE, f"holder_code_invalid: {reason}")
    if HOLDER_CODE_TYPE_FOR_KIND[holder_kind] != code_type:
        return Problem(FindingCheck.HOLDER_CODE, f"holder code type {code_type} for {holder_kind}")
    return None


def dates_problem(
    issued_on: dt.date, valid_from: dt.date, valid_to: dt.date | None, *, today: dt.date
) -> Problem | None:
    if issued_on > today:
        return Problem(FindingCheck.DATES, "issue_date_in_future")
    if valid_from < issued_on:
        return Problem(FindingCheck.DATES, "valid_from_before_issue")
    if valid_to is not None and valid_to <= valid_from:
        return Problem(FindingCheck.DATES, "validity_end_before_start")
    return None


def identifier_problem(identifier: str, *, type_code: str, version: int) -> Problem | None:
    try:
        parts = parse_identifier(identifier)
    except DomainError as exc:
        return Problem(FindingCheck.IDENTIFIER, exc.code)
    except ValueError:  # characters the check character cannot take
        return Problem(FindingCheck.IDENTIFIER, "license_id_format")
    if parts.type_code != type_code:
        return Problem(FindingCheck.IDENTIFIER, "license_id_type_mismatch")
    if parts.version != version:
        return Problem(FindingCheck.IDENTIFIER, "license_id_version_mismatch")
    return None


def normalize_name(name: str) -> str:
    """Names compare after NFKC (full-width brackets and letters), without spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))


@dataclass
class _Scan:
    today: dt.date
    horizon: dt.date
    now: dt.datetime
    checkers: dict[int, FaceChecker] = field(default_factory=dict)
    types: dict[int, LicenseType] = field(default_factory=dict)

    def checker(self, license_type: LicenseType) -> FaceChecker:
        if license_type.pk not in self.checkers:
            self.checkers[license_type.pk] = FaceChecker(license_type, today=self.today)
        return self.checkers[license_type.pk]

    def attach_types(self, licenses: Iterable[License]) -> None:
        """Each licence's type from a cache: a join would parse the type's JSON schema for every row."""
        for lic in licenses:
            if lic.license_type_id not in self.types:
                self.types.update((t.pk, t) for t in LicenseType.objects.all())
            lic.license_type = self.types[lic.license_type_id]


def check_license(lic: License, ctx: _Scan) -> list[Problem]:
    """The checks that need only the licence itself (holder name and duplicates need the batch)."""
    found = [
        holder_code_problem(lic.holder_kind, lic.holder_code_type, lic.holder_code),
        dates_problem(lic.issued_on, lic.valid_from, lic.valid_to, today=ctx.today),
        identifier_problem(lic.identifier, type_code=lic.license_type.code, version=lic.version),
    ]
    errors = ctx.checker(lic.license_type).problems(lic.face)
    if errors:
        found.append(Problem(FindingCheck.FACE_SCHEMA, _codes(errors)))
    if (
        lic.status == LicenseStatus.VALID
        and lic.valid_to is not None
        and ctx.today <= lic.valid_to <= ctx.horizon
    ):
        found.append(Problem(FindingCheck.EXPIRING, f"expires on {lic.valid_to.isoformat()}"))
    return [p for p in found if p is not None]


def _holder_name_problems(licenses: list[License]) -> dict[int, Problem]:
    people: dict[str, list[License]] = defaultdict(list)
    bodies: dict[str, list[License]] = defaultdict(list)
    for lic in licenses:
        if lic.holder_kind == HolderKind.NATURAL_PERSON:
            people[id_number_hash(lic.holder_code)].append(lic)
        else:
            bodies[lic.holder_code].append(lic)
    names: list[tuple[list[License], str]] = []
    for key, name in NaturalPerson.objects.filter(
        id_number_hash__in=list(people), verified_at__isnull=False
    ).values_list("id_number_hash", "real_name"):
        names.append((people[key], name))
    for key, name in LegalPerson.objects.filter(uscc__in=list(bodies)).values_list("uscc", "name"):
        names.append((bodies[key], name))
    out = {}
    for group, name in names:
        for lic in group:
            if normalize_name(lic.holder_name) != normalize_name(name):
                out[lic.pk] = Problem(
                    FindingCheck.HOLDER_NAME, "holder name differs from the identity record"
                )
    return out


def _overlap(a: License, b: License) -> bool:
    far = dt.date.max
    return a.valid_from <= (b.valid_to or far) and b.valid_from <= (a.valid_to or far)


def _duplicate_problems(licenses: list[License]) -> dict[int, Problem]:
    out: dict[int, Problem] = {}
    by_type: dict[int, list[License]] = defaultdict(list)
    for lic in licenses:
        by_type[lic.license_type_id].append(lic)
    for type_id, group in by_type.items():
        numbers: dict[str, list[int]] = defaultdict(list)
        rows = License.objects.filter(license_type_id=type_id, number__in={lic.number for lic in group})
        for pk, number in rows.values_list("id", "number"):
            numbers[number].append(pk)
        for lic in group:
            earlier = [pk for pk in numbers[lic.number] if pk < lic.pk]
            if earlier:
                out[lic.pk] = Problem(
                    FindingCheck.DUPLICATE, f"same type and number as licence #{min(earlier)}"
                )
        if not group[0].license_type.one_per_holder:
            continue
        current = [lic for lic in group if lic.status in CURRENT and lic.pk not in out]
        holders: dict[str, list[License]] = defaultdict(list)
        # by holder_hash alone: with the type too, SQLite may walk the type's index instead
        others = License.objects.filter(holder_hash__in={lic.holder_hash for lic in current}).only(
            "id", "holder_hash", "license_type_id", "status", "valid_from", "valid_to"
        )
        for other in others:
            if other.license_type_id == type_id and other.status in CURRENT:
                holders[other.holder_hash].append(other)
        for lic in current:
            clash = [o.pk for o in holders[lic.holder_hash] if o.pk < lic.pk and _overlap(lic, o)]
            if clash:
                detail = f"overlaps licence #{min(clash)} of the same holder (one per holder)"
                out[lic.pk] = Problem(FindingCheck.DUPLICATE, detail)
    return out


# --- reconciling findings -----------------------------------------------------------------------------
@dataclass
class _Counts:
    scanned: int = 0
    opened: int = 0
    resolved: int = 0


def _reconcile(
    licenses: Mapping[int, License],
    problems: dict[tuple[int, str], Problem],
    now: dt.datetime,
    counts: _Counts,
    *,
    rules: Iterable[str] | None = None,
) -> None:
    """Make the open findings of ``licenses`` (limited to ``rules``) equal to ``problems``."""
    existing = QualityFinding.objects.filter(
        license_id__in=list(licenses), status__in=[FindingStatus.OPEN, FindingStatus.DISMISSED]
    )
    if rules is not None:
        existing = existing.filter(rule__in=list(rules))
    open_ones: dict[tuple[int, str], QualityFinding] = {}
    dismissed: dict[tuple[int, str], dt.datetime] = {}
    for finding in existing.only("id", "license_id", "rule", "status", "severity", "detail", "resolved_at"):
        key = (finding.license_id, finding.rule)
        if finding.status == FindingStatus.OPEN:
            open_ones[key] = finding
        elif finding.resolved_at is not None:
            dismissed[key] = max(finding.resolved_at, dismissed.get(key, finding.resolved_at))
    create: list[QualityFinding] = []
    update: list[QualityFinding] = []
    for key, problem in problems.items():
        current = open_ones.pop(key, None)
        lic = licenses[key[0]]
        if current is not None:
            current.severity, current.detail, current.last_seen = problem.severity, problem.detail, now
            update.append(current)
        elif key not in dismissed or dismissed[key] < lic.updated_at:
            create.append(
                QualityFinding(
                    license_id=lic.pk,
                    department_id=lic.issuer_id,
                    license_type_id=lic.license_type_id,
                    rule=problem.rule,
                    severity=problem.severity,
                    detail=problem.detail[:300],
                    first_seen=now,
                    last_seen=now,
                )
            )
    resolve = [f.pk for f in open_ones.values()]
    QualityFinding.objects.bulk_create(create)
    QualityFinding.objects.bulk_update(update, ["severity", "detail", "last_seen"])
    if resolve:
        QualityFinding.objects.filter(pk__in=resolve, status=FindingStatus.OPEN).update(
            status=FindingStatus.RESOLVED, resolved_at=now, resolution_note="no longer found by the scan"
        )
    counts.opened += len(create)
    counts.resolved += len(resolve)


def _scan_batch(ids: list[int], ctx: _Scan, counts: _Counts) -> None:
    loaded_at = timezone.now()
    batch = list(License.objects.filter(id__in=ids).defer("credential", "disclosures"))
    ctx.attach_types(batch)
    licenses = {lic.pk: lic for lic in batch}
    problems: dict[tuple[int, str], Problem] = {}
    for lic in batch:
        for problem in check_license(lic, ctx):
            problems[(lic.pk, problem.rule)] = problem
    valid_codes = [lic for lic in batch if (lic.pk, FindingCheck.HOLDER_CODE) not in problems]
    for extra in (_holder_name_problems(valid_codes), _duplicate_problems(batch)):
        for pk, problem in extra.items():
            problems[(pk, problem.rule)] = problem
    with transaction.atomic():
        _reconcile(licenses, problems, ctx.now, counts)
        # a licence changed while it was checked stays unscanned: the next run sees the new version
        License.objects.filter(id__in=ids).exclude(updated_at__gt=loaded_at).update(scanned_at=ctx.now)
    counts.scanned += len(batch)


def _sweep_expiring(ctx: _Scan, counts: _Counts, batch: int) -> None:
    """Open ``expiring`` findings that time brought into the window; resolve those it took out."""
    stale = QualityFinding.objects.filter(rule=FindingCheck.EXPIRING, status=FindingStatus.OPEN).exclude(
        license__status=LicenseStatus.VALID, license__valid_to__range=(ctx.today, ctx.horizon)
    )
    while ids := list(stale.values_list("id", flat=True)[:batch]):
        counts.resolved += QualityFinding.objects.filter(pk__in=ids).update(
            status=FindingStatus.RESOLVED, resolved_at=ctx.now, resolution_note="no longer about to expire"
        )
    flagged = QualityFinding.objects.filter(
        license=OuterRef("pk"), rule=FindingCheck.EXPIRING, status=FindingStatus.OPEN
    )
    due = License.objects.filter(~Exists(flagged), status=LicenseStatus.VALID).order_by("id")
    day, last = ctx.today, 0
    while day <= ctx.horizon:  # day by day: each query is an equality on the valid_to index
        ids = list(due.filter(valid_to=day, id__gt=last).values_list("id", flat=True)[:batch])
        if not ids:
            day, last = day + dt.timedelta(days=1), 0
            continue
        last = ids[-1]
        rows = License.objects.filter(id__in=ids).only(
            "id", "issuer_id", "license_type_id", "valid_to", "updated_at", "status"
        )
        licenses = {lic.pk: lic for lic in rows}
        problems = {
            (pk, FindingCheck.EXPIRING.value): Problem(
                FindingCheck.EXPIRING,
                f"expires on {lic.valid_to.isoformat()}",  # type: ignore[union-attr]
            )
            for pk, lic in licenses.items()
        }
        with transaction.atomic():
            _reconcile(licenses, problems, ctx.now, counts, rules=[FindingCheck.EXPIRING])


def scan(
    *, full: bool = False, batch: int = 1000, limit: int | None = None, now: dt.datetime | None = None
) -> QualityScanRun | None:
    """Scan the licences that changed since their last scan (``full``: every licence), then sweep the
    expiry window. At most ``limit`` licences per run (the next run carries on). Returns the run, or
    ``None`` when another scan holds the lock."""
    now = now or timezone.now()
    if not cache.add(SCAN_LOCK, now.isoformat(), timeout=SCAN_LOCK_SECONDS):
        log.info("license_scan_skipped", reason="another scan is running")
        return None
    try:
        today = timezone.localdate(now)
        ctx = _Scan(
            today=today,
            horizon=today + dt.timedelta(days=settings.TONGBAN_LICENSE_EXPIRY_WARNING_DAYS),
            now=now,
        )
        run = QualityScanRun.objects.create(started_at=now, full=full)
        counts = _Counts()
        todo = License.objects.all() if full else License.objects.filter(scanned_at__isnull=True)
        last = 0
        while limit is None or counts.scanned < limit:
            size = batch if limit is None else min(batch, limit - counts.scanned)
            ids = list(todo.filter(id__gt=last).order_by("id").values_list("id", flat=True)[:size])
            if not ids:
                break
            _scan_batch(ids, ctx, counts)
            last = ids[-1]
        _sweep_expiring(ctx, counts, batch)
        run.scanned, run.opened, run.resolved = counts.scanned, counts.opened, counts.resolved
        run.finished_at = timezone.now()
        run.save(update_fields=["scanned", "opened", "resolved", "finished_at"])
        log.info(
            "license_scan_done", full=full, scanned=run.scanned, opened=run.opened, resolved=run.resolved
        )
        return run
    finally:
        cache.delete(SCAN_LOCK)


# --- staff actions on findings ------------------------------------------------------------------------
def close_finding(
    finding_id: int, *, principal: Principal, department_ids: Iterable[int], note: str, dismiss: bool = True
) -> QualityFinding:
    """Dismiss (not a problem) or resolve (fixed outside the library) an open finding of one of
    ``department_ids``. A dismissed finding is not reopened until the licence changes."""
    with transaction.atomic():
        finding = (
            QualityFinding.objects.select_for_update()
            .filter(pk=finding_id, department_id__in=list(department_ids))
            .first()
        )
        if finding is None:
            raise NotFound("finding_not_found", _("No such finding in your department's queue."))
        if finding.status != FindingStatus.OPEN:
            raise Conflict("finding_not_open", _("This finding is already closed."))
        finding.status = FindingStatus.DISMISSED if dismiss else FindingStatus.RESOLVED
        finding.resolved_at = timezone.now()
        finding.resolved_by = principal.user
        finding.resolution_note = (note or "").strip()[:300]
        finding.save(update_fields=["status", "resolved_at", "resolved_by", "resolution_note"])
        audit.record(
            "license.finding_closed",
            principal=principal,
            obj=finding,
            summary={"rule": finding.rule, "status": finding.status, "license": finding.license_id},
        )
    return finding
