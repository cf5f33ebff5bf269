"""Reads of licence error reports: who sees which report, the department queue and its deadline lights,
the timeline, the quality-finding queue, and error-rate statistics per licence type and department."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.constants import StaffRole
from tongban.accounts.principal import Principal
from tongban.calendars.query import add_working_days
from tongban.licenses.constants import CorrectionStatus, FindingStatus, HolderKind, ReporterKind, Severity
from tongban.licenses.faces import mask_face
from tongban.licenses.holders import check_holder_code, holder_for, holder_hash
from tongban.licenses.models import Correction, License, LicenseType, QualityFinding
from tongban.licenses.query import staff_departments
from tongban.licenses.validators_corrections import current_value, reportable_fields
from tongban.organizations.models import Department
from tongban.utils.errors import DomainError, Forbidden, NotFound
from tongban.utils.masking import mask_name

OPEN_STATUSES = (CorrectionStatus.SUBMITTED, CorrectionStatus.ACCEPTED)
DECIDER_ROLES = frozenset({StaffRole.REVIEWER, StaffRole.SECTION_CHIEF})
# Roles that see every department's statistics (电子监察); others see their own departments.
OVERSIGHT_ROLES = frozenset({StaffRole.SUPERVISOR})
# A report due within this many working days shows a yellow light.
NEAR_DUE_WORKING_DAYS = 1

VIEW_DEPARTMENT = "department"
VIEW_REPORTER = "reporter"
VIEW_HOLDER = "holder"


# --- who sees what --------------------------------------------------------------------------------------
def department_ids(principal: Principal) -> list[int]:
    """Departments whose reports the principal handles: own and branches (needs the workbench scope)."""
    if not principal.is_staff_member or not principal.has_scope("workbench"):
        return []
    return staff_departments(principal)


def handles(principal: Principal, correction: Correction) -> bool:
    return correction.department_id in department_ids(principal)


def may_decide(principal: Principal, correction: Correction) -> bool:
    return handles(principal, correction) and bool(principal.roles & DECIDER_ROLES)


def _holder_hash_of(principal: Principal) -> str | None:
    try:
        return holder_for(principal).hash
    except Forbidden:
        return None


def visible(principal: Principal) -> QuerySet[Correction]:
    """Reports the principal may open: their own, their licences' (as holder), their departments'."""
    qs = Correction.objects.select_related("license__license_type", "department", "reporter")
    if not principal.is_authenticated or principal.user is None:
        return qs.none()
    user = principal.user
    if principal.is_staff_member:
        depts = department_ids(principal)
        return qs.filter(Q(reporter=user) | Q(department_id__in=depts))
    if principal.is_natural_person:
        principal.require_scope("licenses:read")
        cond = Q(reporter=user)
        hash_ = _holder_hash_of(principal)
        if hash_:
            cond |= Q(license__holder_hash=hash_)
        return qs.filter(cond)
    return qs.none()


def correction_for(principal: Principal, correction_id: int) -> tuple[Correction, str]:
    """One report the principal may open and how they see it (department, reporter, holder); else 404."""
    correction = visible(principal).filter(pk=correction_id).first()
    if correction is None:
        raise NotFound("correction_not_found", _("No such licence error report."))
    if handles(principal, correction):
        return correction, VIEW_DEPARTMENT
    if principal.user is not None and correction.reporter_id == principal.user.pk:
        return correction, VIEW_REPORTER
    return correction, VIEW_HOLDER


def mine(principal: Principal) -> QuerySet[Correction]:
    """A person's reports and reports on their licences; for staff, the reports they filed at a window."""
    if principal.is_staff_member and principal.user is not None:
        return visible(principal).filter(reporter=principal.user)
    return visible(principal)


def _require_staff(principal: Principal) -> list[int]:
    principal.require_scope("workbench")
    depts = department_ids(principal)
    if not depts:
        raise Forbidden("staff_only", _("Only department staff can see this."))
    return depts


def department_queue(
    principal: Principal,
    *,
    status: str | None = None,
    overdue: bool | None = None,
    today: dt.date | None = None,
) -> QuerySet[Correction]:
    """The departments' reports: open ones first, the most urgent on top."""
    depts = _require_staff(principal)
    today = today or timezone.localdate()
    qs = Correction.objects.select_related("license__license_type", "department").filter(
        department_id__in=depts
    )
    if status:
        if status not in CorrectionStatus.values:
            raise DomainError("status_unknown", _("Unknown status."), field="status")
        qs = qs.filter(status=status)
    late = Q(status__in=OPEN_STATUSES, due_on__lt=today)
    if overdue is True:
        qs = qs.filter(late)
    elif overdue is False:
        qs = qs.exclude(late)
    closed = Case(
        When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.annotate(closed=closed).order_by("closed", "due_on", "-submitted_at", "-id")


# --- deadlines ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Deadline:
    light: str  # green, yellow, red, done
    label: str


def near_due_limit(today: dt.date | None = None) -> dt.date:
    """Reports due on or before this day are near their deadline (yellow)."""
    return add_working_days(today or timezone.localdate(), NEAR_DUE_WORKING_DAYS)


def deadline(correction: Correction, *, today: dt.date, near_due: dt.date) -> Deadline:
    if not correction.is_open:
        return Deadline("done", str(_("Settled")))
    if correction.due_on < today:
        return Deadline("red", str(_("Overdue")))
    if correction.due_on <= near_due:
        return Deadline("yellow", str(_("Due soon")))
    return Deadline("green", str(_("On time")))


def is_overdue(correction: Correction, today: dt.date | None = None) -> bool:
    return correction.is_open and correction.due_on < (today or timezone.localdate())


# --- one report -----------------------------------------------------------------------------------------
def item_rows(correction: Correction, *, reveal_current: bool) -> list[dict[str, Any]]:
    """The reported fields with titles, the licence's current value and the proposed (applied) one.

    Current values of personal face fields are masked unless ``reveal_current`` (the holder, the
    department); the proposed value is the reporter's own input and always shown to those who see it.
    """
    license = correction.license
    choices = {c.name: c for c in reportable_fields(license)}
    shown = license.face if reveal_current else mask_face(license.license_type, license.face)
    rows = []
    for item in correction.items:
        name = item.get("field", "")
        choice = choices.get(name)
        current = current_value(license, name)
        if choice is not None and choice.personal and not reveal_current:
            current = str(shown[name]) if name in shown else mask_name(current)
        rows.append(
            {
                "field": name,
                "title": choice.title if choice else name,
                "current": current,
                "proposed": item.get("proposed", ""),
                "applied": item.get("applied"),
                "note": item.get("note", ""),
            }
        )
    return rows


def reveal_current(correction: Correction, view: str) -> bool:
    return view != VIEW_REPORTER or correction.reporter_kind == ReporterKind.HOLDER


def timeline(correction: Correction, *, for_department: bool) -> list[dict[str, Any]]:
    """Status changes in order. Citizens see the department's name, not the staff member's."""
    labels = dict(CorrectionStatus.choices)
    rows = []
    for event in correction.events.select_related("actor__staff").all():
        if event.actor_id == correction.reporter_id:
            actor = str(_("Reporter"))
        elif for_department and event.actor is not None:
            profile = getattr(event.actor, "staff", None)
            actor = profile.real_name if profile else event.actor.get_username()
        else:
            actor = correction.department.name
        rows.append(
            {
                "status": event.status,
                "label": str(labels.get(event.status, event.status)),
                "at": event.at,
                "note": event.note,
                "actor": actor,
            }
        )
    return rows


def reporter_label(correction: Correction, *, for_department: bool) -> str:
    if correction.reporter_kind == ReporterKind.STAFF:
        profile = getattr(correction.reporter, "staff", None)
        if for_department and profile is not None:
            return f"{profile.real_name} · {profile.department.name}"
        return str(_("Window staff"))
    person = getattr(correction.reporter, "person", None)
    name = person.real_name if person else correction.reporter.display_name
    return mask_name(name) if for_department else name


# --- window staff: find the applicant's licence --------------------------------------------------------
def _holder_hashes(code: str) -> list[str]:
    hashes = []
    for kind in (HolderKind.NATURAL_PERSON, HolderKind.LEGAL_PERSON):
        try:
            code_type, normalized = check_holder_code(kind, code)
        except DomainError:
            continue
        hashes.append(holder_hash(code_type, normalized))
    return hashes


def license_at_window(principal: Principal, *, reference: str, holder_code: str) -> License:
    """The licence with this identifier (current or earlier) or number, held by the applicant whose ID
    number or credit code is given; 404 when there is none (so a number alone reveals nothing)."""
    principal.require_scope("workbench")
    if not principal.is_staff_member:
        raise Forbidden("staff_only", _("Only staff can look up an applicant's licence."))
    reference = (reference or "").strip()
    hashes = _holder_hashes((holder_code or "").strip())
    if not hashes:
        raise DomainError(
            "holder_code_invalid",
            _("Enter a valid ID number or unified social credit code."),
            field="holder_code",
        )
    if not reference:
        raise DomainError(
            "license_reference_required", _("Enter the licence number or identifier."), field="reference"
        )
    found = (
        License.objects.select_related("license_type", "issuer")
        .filter(Q(identifier=reference) | Q(number=reference) | Q(versions__identifier=reference))
        .filter(holder_hash__in=hashes)
        .distinct()
        .order_by("-version", "-id")
        .first()
    )
    if found is None:
        raise NotFound("license_not_found", _("No licence of this applicant has this number."))
    return found


# --- quality findings -----------------------------------------------------------------------------------
_SEVERITY_RANK = Case(
    When(severity=Severity.ERROR, then=Value(0)),
    When(severity=Severity.WARNING, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def findings_queue(principal: Principal, *, severity: str | None = None) -> QuerySet[QualityFinding]:
    """Open findings of the departments' licences, errors first."""
    depts = _require_staff(principal)
    qs = QualityFinding.objects.select_related("license__license_type", "department").filter(
        department_id__in=depts, status=FindingStatus.OPEN
    )
    if severity:
        if severity not in Severity.values:
            raise DomainError("severity_unknown", _("Unknown severity."), field="severity")
        qs = qs.filter(severity=severity)
    return qs.annotate(rank=_SEVERITY_RANK).order_by("rank", "-last_seen", "-id")


def findings_counts(principal: Principal) -> dict[str, int]:
    depts = _require_staff(principal)
    rows = (
        QualityFinding.objects.filter(department_id__in=depts, status=FindingStatus.OPEN)
        .values("severity")
        .annotate(n=Count("id"))
    )
    counts = {value: 0 for value in Severity.values}
    counts.update({row["severity"]: row["n"] for row in rows})
    return counts


# --- statistics -----------------------------------------------------------------------------------------
@dataclass
class StatRow:
    key: str
    name: str
    licences: int = 0
    submitted: int = 0
    corrected: int = 0
    rejected: int = 0
    open: int = 0
    overdue: int = 0
    findings_open: int = 0
    findings_errors: int = 0

    @property
    def error_rate(self) -> float | None:
        """Corrected reports per licence (None without licences)."""
        return self.corrected / self.licences if self.licences else None

    @property
    def error_rate_percent(self) -> str:
        """The error rate as shown: ``0.25%``; "" without licences."""
        rate = self.error_rate
        return "" if rate is None else f"{rate * 100:.2f}%"

    def add(self, other: StatRow) -> None:
        for name in (
            "licences",
            "submitted",
            "corrected",
            "rejected",
            "open",
            "overdue",
            "findings_open",
            "findings_errors",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Stats:
    by_type: list[StatRow] = field(default_factory=list)
    by_department: list[StatRow] = field(default_factory=list)
    totals: StatRow = field(default_factory=lambda: StatRow("", ""))
    all_departments: bool = False
    since: dt.date | None = None


def stats_departments(principal: Principal) -> list[int] | None:
    """Departments whose statistics the principal sees; None for all (supervisors, superusers)."""
    principal.require_scope("workbench")
    if not principal.is_staff_member:
        raise Forbidden("staff_only", _("Only department staff can see this."))
    if principal.is_superuser or principal.roles & OVERSIGHT_ROLES:
        return None
    return _require_staff(principal)


def _correction_counts(qs: QuerySet[Correction], key: str, today: dt.date) -> dict[Any, dict[str, int]]:
    rows = qs.values(key).annotate(
        submitted=Count("id"),
        corrected=Count("id", filter=Q(status=CorrectionStatus.CORRECTED)),
        rejected=Count("id", filter=Q(status=CorrectionStatus.REJECTED)),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, due_on__lt=today)),
    )
    return {row.pop(key): row for row in rows}


def _finding_counts(qs: QuerySet[QualityFinding], key: str) -> dict[Any, dict[str, int]]:
    rows = qs.values(key).annotate(
        findings_open=Count("id"), findings_errors=Count("id", filter=Q(severity=Severity.ERROR))
    )
    return {row.pop(key): row for row in rows}


def license_stats(
    principal: Principal, *, since: dt.date | None = None, today: dt.date | None = None
) -> Stats:
    """Licences, reports (submitted, corrected, rejected, open, overdue), open quality findings and the
    error rate (corrected ÷ licences) per licence type and per issuing department.

    Licences are counted as they stand; ``since`` limits the reports to those submitted on or after it.
    """
    today = today or timezone.localdate()
    depts = stats_departments(principal)
    licences = License.objects.all()
    corrections = Correction.objects.all()
    findings = QualityFinding.objects.filter(status=FindingStatus.OPEN)
    if depts is not None:
        licences = licences.filter(issuer_id__in=depts)
        corrections = corrections.filter(department_id__in=depts)
        findings = findings.filter(department_id__in=depts)
    if since is not None:
        corrections = corrections.filter(submitted_at__date__gte=since)
    out = Stats(all_departments=depts is None, since=since)
    for key, lic_key, corr_key, find_key, model in (
        ("by_type", "license_type", "license__license_type", "license_type", LicenseType),
        ("by_department", "issuer", "department", "department", Department),
    ):
        lic_counts = {r[lic_key]: r["n"] for r in licences.values(lic_key).annotate(n=Count("id"))}
        corr_counts = _correction_counts(corrections, corr_key, today)
        find_counts = _finding_counts(findings, find_key)
        ids = set(lic_counts) | set(corr_counts) | set(find_counts)
        objects = model.objects.in_bulk(list(ids))
        rows = []
        for pk in ids:
            obj = objects.get(pk)
            code = getattr(obj, "code", None) or getattr(obj, "slug", "") if obj else str(pk)
            row = StatRow(str(code), obj.name if obj else str(pk), licences=lic_counts.get(pk, 0))
            for name, value in {**corr_counts.get(pk, {}), **find_counts.get(pk, {})}.items():
                setattr(row, name, value)
            rows.append(row)
        rows.sort(key=lambda r: (-(r.error_rate or 0), -r.submitted, r.key))
        setattr(out, key, rows)
    for row in out.by_type:
        out.totals.add(row)
    return out
