"""Licence error reports (纠错) API: report, follow, decide; error-rate statistics for departments.

Reporting takes JSON; an evidence file is added afterwards with ``POST /corrections/{id}/evidence``
(multipart, one PDF/JPG/PNG of at most 5 MB, while the report waits to be accepted). See
docs/licenses-corrections.md for the flow, the statuses and the error codes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from ninja import File, Router, Status
from ninja.files import UploadedFile

from tongban.accounts.principal import Principal
from tongban.api.auth import principal
from tongban.licenses import query
from tongban.licenses import query_corrections as cq
from tongban.licenses.models import Correction
from tongban.licenses.schemas_corrections import (
    CorrectionActionIn,
    CorrectionDetailOut,
    CorrectionIn,
    CorrectionPageOut,
    LicenseStatsOut,
)
from tongban.licenses.services import corrections

router = Router(tags=["licence corrections"])
MAX_PAGE = 100


def summary(correction: Correction, *, today: dt.date, near_due: dt.date) -> dict[str, Any]:
    license = correction.license
    return {
        "id": correction.pk,
        "reference": correction.reference,
        "status": correction.status,
        "status_label": str(correction.get_status_display()),
        "license_id": correction.license_id,
        "license_number": license.number,
        "license_type": license.license_type,
        "department": correction.department,
        "reporter_kind": correction.reporter_kind,
        "submitted_at": correction.submitted_at,
        "due_on": correction.due_on,
        "overdue": cq.is_overdue(correction, today),
        "deadline": cq.deadline(correction, today=today, near_due=near_due).light,
        "new_version": correction.new_version,
        "resolved_at": correction.resolved_at,
    }


def detail(p: Principal, correction: Correction, view: str) -> dict[str, Any]:
    today = timezone.localdate()
    department = view == cq.VIEW_DEPARTMENT
    return summary(correction, today=today, near_due=cq.near_due_limit(today)) | {
        "view": view,
        "license_version": correction.license_version,
        "items": cq.item_rows(correction, reveal_current=cq.reveal_current(correction, view)),
        "evidence_note": correction.evidence_note,
        "evidence_file": bool(correction.evidence_file),
        "evidence_sha256": correction.evidence_sha256,
        "decision_reason": correction.decision_reason,
        "reporter": cq.reporter_label(correction, for_department=department),
        "events": cq.timeline(correction, for_department=department),
        "may_decide": correction.is_open and cq.may_decide(p, correction),
    }


def _page(qs: Any, limit: int, offset: int) -> dict[str, Any]:
    limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
    today = timezone.localdate()
    near_due = cq.near_due_limit(today)
    rows = [summary(c, today=today, near_due=near_due) for c in qs[offset : offset + limit]]
    return {"items": rows, "count": qs.count()}


@router.post(
    "/licenses/{license_id}/corrections",
    response={200: CorrectionDetailOut, 201: CorrectionDetailOut},
    summary="Report an error in a licence (证照纠错)",
)
def submit_correction(request: HttpRequest, license_id: int, body: CorrectionIn) -> Status:
    """The holder reports from the wallet (scope ``licenses:write``); window staff report for an
    applicant in front of them (scope ``workbench``, with ``holder_code``). The report goes to the
    issuing department, due in ``TONGBAN_CORRECTION_WORKING_DAYS`` working days. 201 for a new report,
    200 when the idempotency key repeats an earlier one."""
    p = principal(request)
    key = body.idempotency_key or request.headers.get("Idempotency-Key", "")
    correction, created = corrections.submit(
        p,
        license_id,
        items=[item.dict() for item in body.items],
        evidence_note=body.evidence_note,
        holder_code=body.holder_code,
        idempotency_key=key,
    )
    found, view = cq.correction_for(p, correction.pk)
    return Status(201 if created else 200, detail(p, found, view))


@router.post(
    "/corrections/{correction_id}/evidence",
    response=CorrectionDetailOut,
    summary="Attach the evidence file to your report",
)
def add_evidence(request: HttpRequest, correction_id: int, file: File[UploadedFile]) -> dict[str, Any]:
    """Multipart form with one ``file``: PDF, JPG or PNG, at most 5 MB; programs and PDFs with scripts
    are refused. Only the reporter, only while the report waits to be accepted, only once."""
    p = principal(request)
    corrections.attach_evidence(p, correction_id, file)
    found, view = cq.correction_for(p, correction_id)
    return detail(p, found, view)


@router.get("/corrections/{correction_id}", response=CorrectionDetailOut, summary="One licence error report")
def correction_detail(request: HttpRequest, correction_id: int) -> dict[str, Any]:
    """For its reporter, the licence's holder and staff of the issuing department (their look is logged
    in the holder's 谁用了我的证照); anyone else gets 404."""
    p = principal(request)
    correction, view = cq.correction_for(p, correction_id)
    if view == cq.VIEW_DEPARTMENT:
        query.log_staff_view(p, correction.license)
    return detail(p, correction, view)


@router.get(
    "/me/license-corrections",
    response=CorrectionPageOut,
    summary="Your licence error reports and their status",
)
def my_corrections(request: HttpRequest, limit: int = 20, offset: int = 0) -> dict[str, Any]:
    """Reports you made and reports on your licences (or the enterprise's you act for), newest first.
    For staff: the reports you made at a window."""
    return _page(cq.mine(principal(request)).order_by("-submitted_at", "-id"), limit, offset)


@router.get(
    "/staff/license-corrections",
    response=CorrectionPageOut,
    summary="Your department's licence error reports (纠错工单)",
)
def staff_corrections(
    request: HttpRequest,
    status: str | None = None,
    overdue: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Reports routed to your department or its branches: open ones first, the most urgent on top.
    ``deadline`` is ``yellow`` within one working day of ``due_on`` and ``red`` after it."""
    qs = cq.department_queue(principal(request), status=status, overdue=overdue)
    return _page(qs, limit, offset)


@router.post(
    "/corrections/{correction_id}/actions",
    response=CorrectionDetailOut,
    summary="Accept, reject or correct a licence error report",
)
def correction_action(request: HttpRequest, correction_id: int, body: CorrectionActionIn) -> dict[str, Any]:
    """Reviewers and section chiefs of the issuing department (or its parent). ``accept``: submitted →
    accepted. ``reject`` (``reason`` required): submitted/accepted → rejected. ``correct``: accepted →
    corrected, issuing and signing a new version with the reported values (``values`` may adjust them);
    the old version is superseded and its credential revoked. 409 when someone else acted first."""
    p = principal(request)
    if body.action == "accept":
        corrections.accept(p, correction_id, note=body.reason)
    elif body.action == "reject":
        corrections.reject(p, correction_id, reason=body.reason)
    else:
        corrections.correct(p, correction_id, values=body.values, note=body.reason)
    correction, view = cq.correction_for(p, correction_id)
    return detail(p, correction, view)


@router.get(
    "/staff/license-stats",
    response=LicenseStatsOut,
    summary="Licence error rates per licence type and issuing department",
)
def license_stats(request: HttpRequest, since: dt.date | None = None) -> dict[str, Any]:
    """Your departments (supervisors: all). Licences as they stand; reports submitted since ``since``
    (all when absent); open quality findings; ``error_rate`` = corrected reports ÷ licences."""
    stats = cq.license_stats(principal(request), since=since)

    def row(r: cq.StatRow) -> dict[str, Any]:
        return dataclasses.asdict(r) | {"error_rate": r.error_rate}

    return {
        "by_type": [row(r) for r in stats.by_type],
        "by_department": [row(r) for r in stats.by_department],
        "totals": row(stats.totals),
        "all_departments": stats.all_departments,
        "since": stats.since,
    }
