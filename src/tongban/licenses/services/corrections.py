"""Licence error reports (证照纠错): made by the holder or at a window, settled by the issuing department.

Statuses: ``submitted`` → ``accepted`` → ``corrected`` (a new version is issued and signed, the old one
superseded) or ``rejected`` (with a reason; from ``submitted`` or ``accepted``). Each transition writes a
:class:`CorrectionEvent` (the timeline the reporter sees), an audit event and, after commit, a
notification to the reporter. The department has ``TONGBAN_CORRECTION_WORKING_DAYS`` working days
(``tongban.calendars``); :func:`escalate_overdue` tells its section chiefs once when that passes.

Who may do what (see docs/licenses-corrections.md):

- report as holder: the signed-in holder of the licence (or someone acting for the enterprise holding
  it with the licences authorisation); token scope ``licenses:write``;
- report at a window: staff with a reporting role (``REPORTER_ROLES``) and the ``workbench`` scope, for
  an applicant in front of them, proven by the holder's ID number or credit code;
- accept, reject, correct: staff of the issuing department or of its parent with a deciding role
  (``DECIDER_ROLES``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.accounts.constants import StaffRole
from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.accounts.query import section_chiefs
from tongban.audits import services as audit
from tongban.calendars.query import add_working_days
from tongban.licenses import query_corrections as cq
from tongban.licenses.constants import (
    CorrectionStatus,
    HolderKind,
    LicenseStatus,
    ReporterKind,
    VersionReason,
)
from tongban.licenses.holders import check_holder_code, holder_for, holder_hash
from tongban.licenses.models import Correction, CorrectionEvent, License
from tongban.licenses.services import issuing
from tongban.licenses.validators_corrections import (
    HOLDER_NAME,
    MAX_EVIDENCE_NOTE_LENGTH,
    CheckedEvidence,
    check_evidence,
    clean_items,
    current_value,
    proposed_changes,
)
from tongban.notifications.services import notify
from tongban.utils.errors import Conflict, DomainError, Forbidden, NotFound

REPORTER_ROLES = frozenset({StaffRole.WINDOW_CLERK, StaffRole.REVIEWER, StaffRole.SECTION_CHIEF})
DECIDER_ROLES = cq.DECIDER_ROLES
REFERENCE_PREFIX = "JC"
MAX_REASON_LENGTH = 1000
MAX_IDEMPOTENCY_KEY = 80
CORRECTABLE = (LicenseStatus.VALID, LicenseStatus.SUSPENDED)
EVIDENCE_DIR = "corrections"
NAME_FIELD = "name"  # the face field of a person's licence that prints the holder's name


# --- submitting -----------------------------------------------------------------------------------------
def _license_to_report(principal: Principal, license_id: int, holder_code: str) -> tuple[License, str]:
    """The licence the principal may report on, and as whom (holder or window staff); 404 otherwise."""
    if principal.is_staff_member:
        principal.require_scope("workbench")
        if not principal.roles & REPORTER_ROLES:
            raise Forbidden(
                "correction_role_required", _("Your role cannot report licence errors for applicants.")
            )
        if not holder_code.strip():
            raise DomainError(
                "holder_code_required",
                _("Enter the applicant's ID number or credit code, as on the licence."),
                field="holder_code",
            )
        license = License.objects.select_related("license_type", "issuer").filter(pk=license_id).first()
        if license is not None:
            code_type, code = check_holder_code(license.holder_kind, holder_code)
            if holder_hash(code_type, code) == license.holder_hash:
                return license, ReporterKind.STAFF
        raise NotFound("license_not_found", _("No licence of this applicant has this number."))
    if not principal.is_natural_person:
        raise Forbidden("holder_only", _("Only the holder or window staff can report a licence error."))
    holder = holder_for(principal, scope="licenses:write")
    license = (
        License.objects.select_related("license_type", "issuer")
        .filter(pk=license_id, holder_hash=holder.hash)
        .first()
    )
    if license is None:
        raise NotFound("license_not_found", _("No such licence in your wallet."))
    return license, ReporterKind.HOLDER


def _next_reference(day: dt.date) -> str:
    """``JC`` + yyyymmdd + a five-digit number counting the day's reports."""
    prefix = f"{REFERENCE_PREFIX}{day:%Y%m%d}"
    last = (
        Correction.objects.filter(reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{number:05d}"


def _existing(user: User, key: str) -> Correction | None:
    if not key:
        return None
    return Correction.objects.filter(reporter=user, idempotency_key=key).first()


def submit(
    principal: Principal,
    license_id: int,
    *,
    items: Any,
    evidence_note: str = "",
    evidence: Any = None,
    holder_code: str = "",
    idempotency_key: str = "",
    now: dt.datetime | None = None,
) -> tuple[Correction, bool]:
    """Report that a licence is wrong. Returns the correction and whether it was created just now.

    ``items``: ``[{"field", "proposed", "note"}]`` (see ``validators_corrections.clean_items``).
    ``evidence``: an uploaded file (``name``, ``content_type``, ``size``, file-like), optional.
    ``holder_code``: for window staff, the applicant's ID number or credit code.
    ``idempotency_key``: the same key from the same reporter returns the first correction unchanged.
    """
    now = now or timezone.now()
    if not principal.is_authenticated or principal.user is None:
        raise Forbidden("holder_only", _("Sign in to report a licence error."))
    user = principal.user
    key = (idempotency_key or "").strip()
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise DomainError(
            "idempotency_key_too_long",
            _("An idempotency key has at most %(max)s characters.") % {"max": MAX_IDEMPOTENCY_KEY},
            field="idempotency_key",
        )
    license, reporter_kind = _license_to_report(principal, license_id, holder_code or "")
    first = _existing(user, key)
    if first is not None:
        if first.license_id != license.pk:
            raise Conflict("idempotency_key_reused", _("This idempotency key was used for another report."))
        return first, False
    if license.status not in CORRECTABLE:
        raise Conflict(
            "license_not_correctable",
            _("A %(status)s licence cannot be corrected.") % {"status": license.get_status_display()},
        )
    today = timezone.localdate(now)
    cleaned = clean_items(license, items, today=today)
    note = (evidence_note or "").strip()
    if len(note) > MAX_EVIDENCE_NOTE_LENGTH:
        raise DomainError(
            "evidence_note_too_long",
            _("The evidence note has at most %(max)s characters.") % {"max": MAX_EVIDENCE_NOTE_LENGTH},
            field="evidence_note",
        )
    checked = _checked(evidence) if evidence is not None else None
    due_on = add_working_days(today, settings.TONGBAN_CORRECTION_WORKING_DAYS)
    stored = _store_evidence(evidence, checked) if evidence is not None and checked else ""
    try:
        for attempt in range(5):
            try:
                with transaction.atomic():
                    correction = Correction.objects.create(
                        reference=_next_reference(today),
                        license=license,
                        license_version=license.version,
                        department=license.issuer,
                        reporter=user,
                        reporter_kind=reporter_kind,
                        channel=principal.channel[:20],
                        items=cleaned,
                        evidence_note=note,
                        evidence_file=stored,
                        evidence_sha256=checked.sha256 if checked else "",
                        submitted_at=now,
                        due_on=due_on,
                        idempotency_key=key,
                    )
                    _transition_record(correction, CorrectionStatus.SUBMITTED, principal, now=now)
                return correction, True
            except IntegrityError:
                first = _existing(user, key)
                if first is not None:  # the same request, sent twice at once
                    _forget_file(stored)
                    return first, False
                if attempt == 4:
                    raise
    except BaseException:
        _forget_file(stored)
        raise
    raise AssertionError("unreachable")


def _checked(upload: Any) -> CheckedEvidence:
    return check_evidence(
        upload,
        name=getattr(upload, "name", "") or "",
        content_type=getattr(upload, "content_type", "") or "",
        size=getattr(upload, "size", None),
    )


def _store_evidence(upload: Any, checked: CheckedEvidence, *, day: dt.date | None = None) -> str:
    """Store under a random name (the uploaded name may hold personal data); returns the stored name.
    Evidence is never served as a static file, only through the permission-checked download view."""
    day = day or timezone.localdate()
    upload.seek(0)
    name = f"{EVIDENCE_DIR}/{day:%Y/%m}/{uuid.uuid4().hex}{checked.extension}"
    return default_storage.save(name, File(upload))


def _forget_file(name: str) -> None:
    if name and default_storage.exists(name):
        default_storage.delete(name)


def attach_evidence(
    principal: Principal, correction_id: int, upload: Any, *, now: dt.datetime | None = None
) -> Correction:
    """Add the evidence file to one's own report while it is still waiting (once)."""
    now = now or timezone.now()
    checked = _checked(upload)
    stored = _store_evidence(upload, checked, day=timezone.localdate(now))
    try:
        with transaction.atomic():
            correction = Correction.objects.select_for_update().filter(pk=correction_id).first()
            if correction is None or principal.user is None or correction.reporter_id != principal.user.pk:
                raise NotFound("correction_not_found", _("No such licence error report."))
            if correction.reporter_kind == ReporterKind.HOLDER:
                principal.require_scope("licenses:write")
            if correction.status != CorrectionStatus.SUBMITTED:
                raise Conflict(
                    "correction_state_conflict",
                    _("Evidence can be added only while the report waits to be accepted."),
                    status=correction.status,
                )
            if correction.evidence_file:
                raise Conflict("evidence_already_attached", _("This report already has an evidence file."))
            correction.evidence_file = stored
            correction.evidence_sha256 = checked.sha256
            correction.save(update_fields=["evidence_file", "evidence_sha256"])
            audit.record(
                "license.correction_evidence_added",
                principal=principal,
                obj=correction,
                summary={"reference": correction.reference, "kind": checked.kind, "bytes": checked.size},
            )
    except BaseException:
        _forget_file(stored)
        raise
    return correction


# --- department decisions -------------------------------------------------------------------------------
def _locked(principal: Principal, correction_id: int) -> Correction:
    """The correction, locked, if the principal handles its department's reports; 404 or 403 otherwise."""
    correction = (
        Correction.objects.select_for_update(of=("self",))
        .select_related("license__license_type", "license__issuer", "department", "reporter")
        .filter(pk=correction_id)
        .first()
    )
    if correction is None:
        raise NotFound("correction_not_found", _("No such licence error report."))
    if not cq.handles(principal, correction) and not cq.visible(principal).filter(pk=correction.pk).exists():
        raise NotFound("correction_not_found", _("No such licence error report."))
    if not cq.may_decide(principal, correction):
        raise Forbidden(
            "correction_role_required",
            _("Only a reviewer or section chief of the issuing department can decide on a report."),
        )
    return correction


def _state_conflict(correction: Correction) -> Conflict:
    return Conflict(
        "correction_state_conflict",
        _("This report is already %(status)s.") % {"status": correction.get_status_display()},
        status=correction.status,
    )


def accept(
    principal: Principal, correction_id: int, *, note: str = "", now: dt.datetime | None = None
) -> Correction:
    """``submitted`` → ``accepted``: the department agrees something is wrong and will correct it."""
    now = now or timezone.now()
    with transaction.atomic():
        correction = _locked(principal, correction_id)
        if correction.status != CorrectionStatus.SUBMITTED:
            raise _state_conflict(correction)
        correction.status = CorrectionStatus.ACCEPTED
        correction.handler = principal.user
        correction.accepted_at = now
        correction.save(update_fields=["status", "handler", "accepted_at"])
        _transition_record(correction, CorrectionStatus.ACCEPTED, principal, note=_note(note), now=now)
    return correction


def reject(
    principal: Principal, correction_id: int, *, reason: str, now: dt.datetime | None = None
) -> Correction:
    """``submitted``/``accepted`` → ``rejected``, with the reason the reporter is told."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "correction_reason_required", _("Give the reason for not correcting."), field="reason"
        )
    if len(reason) > MAX_REASON_LENGTH:
        raise DomainError(
            "correction_reason_too_long",
            _("A reason has at most %(max)s characters.") % {"max": MAX_REASON_LENGTH},
            field="reason",
        )
    with transaction.atomic():
        correction = _locked(principal, correction_id)
        if not correction.is_open:
            raise _state_conflict(correction)
        correction.status = CorrectionStatus.REJECTED
        correction.decision_reason = reason
        correction.handler = principal.user
        correction.resolved_at = now
        correction.save(update_fields=["status", "decision_reason", "handler", "resolved_at"])
        _transition_record(correction, CorrectionStatus.REJECTED, principal, note=reason, now=now)
    return correction


def correct(
    principal: Principal,
    correction_id: int,
    *,
    values: dict[str, Any] | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Correction:
    """``accepted`` → ``corrected``: issue and sign a new version with the reported values.

    ``values`` may adjust the value of reported fields (``{field: value}``); fields not reported cannot
    be changed here. A field whose final value equals the licence's current one is left out; if nothing
    is left the call is refused (reject the report instead). The old version is archived with a link to
    this report, and its credential is revoked through the status list.
    """
    now = now or timezone.now()
    values = values or {}
    if not isinstance(values, dict):
        raise DomainError("correction_values_invalid", _("Values are given per field."), field="values")
    with transaction.atomic():
        correction = _locked(principal, correction_id)
        if correction.status == CorrectionStatus.SUBMITTED:
            raise Conflict("correction_not_accepted", _("Accept the report before correcting the licence."))
        if correction.status != CorrectionStatus.ACCEPTED:
            raise _state_conflict(correction)
        license = correction.license
        reported = {item["field"] for item in correction.items}
        unknown = sorted(set(values) - reported)
        if unknown:
            raise DomainError(
                "correction_field_not_reported",
                _("Only reported fields can be changed here: %(fields)s.") % {"fields": ", ".join(unknown)},
                field="values",
            )
        items = []
        for item in correction.items:
            applied = str(values.get(item["field"], item["proposed"]) or "").strip()
            if not applied:
                raise DomainError(
                    "correction_value_empty",
                    _("Give the value for %(field)s.") % {"field": item["field"]},
                    field=f"values.{item['field']}",
                )
            items.append({**item, "applied": applied})
        to_apply = [
            {"field": i["field"], "proposed": i["applied"]}
            for i in items
            if i["applied"] != current_value(license, i["field"])
        ]
        if not to_apply:
            raise DomainError(
                "correction_nothing_to_change",
                _("The licence already has these values; reject the report instead."),
                field="values",
            )
        try:
            changes = proposed_changes(license, to_apply)
        except ValueError:
            raise DomainError(
                "correction_value_invalid", _("A value is not a number where one is needed."), field="values"
            ) from None
        updated = issuing.new_version(
            license,
            changes=_with_mirrored_name(license, changes),
            reason=f"纠错 {correction.reference}",
            version_reason=VersionReason.CORRECTION,
            principal=principal,
            correction=correction,
            now=now,
        )
        correction.items = items
        correction.new_version = updated.version
        correction.status = CorrectionStatus.CORRECTED
        correction.handler = principal.user
        correction.resolved_at = now
        correction.save(update_fields=["items", "new_version", "status", "handler", "resolved_at"])
        correction.license = updated
        _transition_record(correction, CorrectionStatus.CORRECTED, principal, note=_note(note), now=now)
    return correction


def _with_mirrored_name(license: License, changes: dict[str, Any]) -> dict[str, Any]:
    """A person's licence prints the holder's name in its ``name`` face field: correcting one corrects
    the other, so the licence's holder name and its face never disagree."""
    if (
        license.holder_kind != HolderKind.NATURAL_PERSON
        or license.face.get(NAME_FIELD) != license.holder_name
    ):
        return changes
    out = dict(changes)
    if NAME_FIELD in out and HOLDER_NAME not in out:
        out[HOLDER_NAME] = out[NAME_FIELD]
    elif HOLDER_NAME in out and NAME_FIELD not in out:
        out[NAME_FIELD] = out[HOLDER_NAME]
    return out


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_REASON_LENGTH:
        raise DomainError(
            "correction_note_too_long",
            _("A note has at most %(max)s characters.") % {"max": MAX_REASON_LENGTH},
            field="note",
        )
    return note


# --- timeline, audit, notifications ----------------------------------------------------------------------
def _transition_record(
    correction: Correction, status: str, principal: Principal, *, note: str = "", now: dt.datetime
) -> None:
    """The timeline entry, the audit event and (after commit) the reporter's notification."""
    CorrectionEvent.objects.create(
        correction=correction, status=status, actor=principal.user, note=note, at=now
    )
    summary: dict[str, Any] = {
        "reference": correction.reference,
        "license": correction.license_id,
        "department": correction.department.slug,
        "status": status,
    }
    if status == CorrectionStatus.SUBMITTED:
        summary |= {
            "fields": sorted(item["field"] for item in correction.items),
            "reporter_kind": correction.reporter_kind,
            "due_on": correction.due_on.isoformat(),
            "evidence_file": bool(correction.evidence_file),
        }
    if status == CorrectionStatus.CORRECTED:
        summary["new_version"] = correction.new_version
    audit.record(f"license.correction_{status}", principal=principal, obj=correction, summary=summary)
    _notify_on_commit(correction.reporter, correction, f"license.correction_{status}", key=status)


def _params(correction: Correction) -> dict[str, Any]:
    return {
        "reference": correction.reference,
        "license_type": correction.license.license_type.name,
        "department": correction.department.name,
        "due_on": correction.due_on.isoformat(),
        "version": correction.new_version or "",
        "reason": correction.decision_reason,
    }


def _notify_on_commit(recipient: User, correction: Correction, template: str, *, key: str) -> None:
    params = _params(correction)
    notify_key = f"license.correction:{correction.pk}:{key}:{recipient.pk}"
    transaction.on_commit(
        lambda: notify(recipient=recipient, template=template, params=params, key=notify_key)
    )


# --- overdue reports ------------------------------------------------------------------------------------
def escalate_overdue(*, now: dt.datetime | None = None) -> int:
    """Tell the section chiefs about each open report past its due date, once per report.

    Sets ``overdue_notified_at`` and records ``license.correction_overdue`` by the system. Returns the
    number of reports escalated. Safe to run repeatedly and concurrently.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = Correction.objects.filter(
        status__in=cq.OPEN_STATUSES, due_on__lt=today, overdue_notified_at__isnull=True
    ).values_list("pk", flat=True)
    escalated = 0
    for pk in list(due):
        with transaction.atomic():
            correction = (
                Correction.objects.select_for_update(of=("self",))
                .select_related("license__license_type", "department__parent")
                .filter(pk=pk, overdue_notified_at__isnull=True)
                .first()
            )
            if correction is None or not correction.is_open:
                continue
            correction.overdue_notified_at = now
            correction.save(update_fields=["overdue_notified_at"])
            chiefs = section_chiefs(correction.department)
            audit.record(
                "license.correction_overdue",
                obj=correction,
                actor_label="system",
                summary={
                    "reference": correction.reference,
                    "department": correction.department.slug,
                    "due_on": correction.due_on.isoformat(),
                    "notified": len(chiefs),
                },
            )
            for chief in chiefs:
                _notify_on_commit(chief, correction, "license.correction_overdue", key="overdue")
            escalated += 1
    return escalated
