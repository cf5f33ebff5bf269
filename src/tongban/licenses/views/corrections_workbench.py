"""Workbench pages of licence error reports and licence quality (issuing departments, window staff).

- the department's queue with deadline lights, one report with accept / reject / correct;
- a window clerk's report for an applicant in front of them (licence found by number + holder code);
- the quality-finding queue (open findings by severity, resolve or dismiss);
- error rates per licence type and department.

Every page is behind ``staff_required`` (signed in, second factor passed). Services decide who may do
what; a refused action re-renders the page with the reason.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongban.accounts.request import principal_for
from tongban.licenses import query
from tongban.licenses import query_corrections as cq
from tongban.licenses.constants import CorrectionStatus, Severity
from tongban.licenses.forms_corrections import (
    DecisionForm,
    FindingForm,
    ReportForm,
    StatsFilterForm,
    WindowLookupForm,
)
from tongban.licenses.models import License
from tongban.licenses.services import corrections, finding_actions
from tongban.licenses.validators_corrections import reportable_fields
from tongban.licenses.views.corrections import current_rows, detail_context, submit_from_form
from tongban.utils.errors import DomainError, Forbidden, NotFound, ValidationFailed
from tongban.workbench.access import staff_required

PER_PAGE = 30
LIGHT_ORDER = ("red", "yellow", "green", "done")


def _error_text(exc: DomainError) -> str:
    if isinstance(exc, ValidationFailed):
        return " ".join(f"{e.message}" for e in exc.errors)
    return f"{exc.message}"


def _bool(value: str | None) -> bool | None:
    return {"1": True, "true": True, "0": False, "false": False}.get((value or "").lower())


# --- the department's queue ----------------------------------------------------------------------------
@staff_required
@never_cache
@require_GET
def staff_corrections(request: HttpRequest) -> HttpResponse:
    p = principal_for(request)
    status = request.GET.get("status") or None
    if status not in CorrectionStatus.values:
        status = None
    overdue = _bool(request.GET.get("overdue"))
    mine = request.GET.get("mine") == "1"
    today = timezone.localdate()
    if mine:  # the reports this staff member made at a window, whichever department handles them
        qs = cq.mine(p).order_by("-submitted_at", "-id")
    else:
        qs = cq.department_queue(p, status=status, overdue=overdue, today=today)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    near_due = cq.near_due_limit(today)
    rows = [{"c": c, "deadline": cq.deadline(c, today=today, near_due=near_due)} for c in page]
    open_qs = cq.department_queue(p, today=today).filter(status__in=cq.OPEN_STATUSES)
    context = {
        "page": page,
        "rows": rows,
        "status": status or "",
        "overdue": overdue,
        "mine": mine,
        "statuses": CorrectionStatus.choices,
        "open_count": open_qs.count(),
        "overdue_count": open_qs.filter(due_on__lt=today).count(),
        "near_due_count": open_qs.filter(due_on__gte=today, due_on__lte=near_due).count(),
        "working_days": settings.TONGBAN_CORRECTION_WORKING_DAYS,
    }
    return render(request, "licenses/corrections/staff_queue.html", context)


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def staff_correction(request: HttpRequest, correction_id: int) -> HttpResponse:
    """One report with the decisions the staff member may take. POST ``action`` = accept|reject|correct."""
    p = principal_for(request)
    correction, view = cq.correction_for(p, correction_id)
    if view != cq.VIEW_DEPARTMENT and request.method == "POST":
        raise Forbidden("correction_role_required", _("Only the issuing department decides on a report."))
    form = DecisionForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        values = {
            item["field"]: request.POST.get(f"value__{item['field']}", "")
            for item in correction.items
            if f"value__{item['field']}" in request.POST
        }
        try:
            if action == "accept":
                corrections.accept(p, correction.pk, note=reason)
                done = _("Report %(reference)s accepted. Correct the licence next.")
            elif action == "reject":
                corrections.reject(p, correction.pk, reason=reason)
                done = _("Report %(reference)s rejected; the reporter is told why.")
            else:
                corrections.correct(p, correction.pk, values=values, note=reason)
                done = _("Licence corrected: a new version was issued and signed for report %(reference)s.")
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            error, status = _error_text(exc), exc.status
        else:
            messages.success(request, done % {"reference": correction.reference})
            return redirect("licenses:staff_correction", correction.pk)
        correction, view = cq.correction_for(p, correction_id)
    elif view == cq.VIEW_DEPARTMENT:
        query.log_staff_view(p, correction.license)
    context = detail_context(request, correction, view) | {
        "form": form,
        "error": error,
        "may_decide": correction.is_open and cq.may_decide(p, correction),
        "posted_reason": request.POST.get("reason", "") if request.method == "POST" else "",
    }
    context["value_rows"] = [
        {
            "field": row["field"],
            "title": row["title"],
            "value": request.POST.get(f"value__{row['field']}", row["proposed"]),
        }
        for row in context["items"]
    ]
    return render(request, "licenses/corrections/staff_detail.html", context, status=status)


# --- window staff report for an applicant --------------------------------------------------------------
@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def staff_correction_new(request: HttpRequest) -> HttpResponse:
    """Step ``lookup``: find the applicant's licence (number or identifier + their ID number or credit
    code; the look-up is logged for the holder). Step ``report``: the holder's report form for it. The
    holder code travels with the form and the service checks it again on submission."""
    p = principal_for(request)
    step = request.POST.get("step") if request.method == "POST" else None
    lookup = WindowLookupForm(request.POST if step else None)
    license: License | None = None
    form: ReportForm | None = None
    status = 200
    if step and lookup.is_valid():
        license = _window_license(p, lookup)
        if license is None:
            status = 404 if "reference" in lookup.errors else 400
        elif step == "report":
            form = ReportForm(request.POST, request.FILES, choices=reportable_fields(license))
            if form.is_valid():
                holder_code = lookup.cleaned_data["holder_code"]
                correction = submit_from_form(request, license, form, holder_code=holder_code)
                if correction is not None:
                    messages.success(
                        request,
                        _("Report %(reference)s was sent to %(department)s, due %(due)s.")
                        % {
                            "reference": correction.reference,
                            "department": correction.department.name,
                            "due": f"{correction.due_on:%Y-%m-%d}",
                        },
                    )
                    return redirect("licenses:staff_correction", correction.pk)
            status = 400
        else:
            query.log_staff_view(p, license)
            form = ReportForm(choices=reportable_fields(license))
    elif step:
        status = 400
    context = {
        "lookup": lookup,
        "license": license,
        "form": form,
        "rows": current_rows(license, form, unmask=False) if license and form else [],
        "working_days": settings.TONGBAN_CORRECTION_WORKING_DAYS,
    }
    return render(request, "licenses/corrections/staff_new.html", context, status=status)


def _window_license(p: Any, lookup: WindowLookupForm) -> License | None:
    try:
        return cq.license_at_window(
            p, reference=lookup.cleaned_data["reference"], holder_code=lookup.cleaned_data["holder_code"]
        )
    except NotFound as exc:
        lookup.add_error("reference", f"{exc.message}")
    except DomainError as exc:
        if isinstance(exc, Forbidden):
            raise
        lookup.add_error(exc.field if exc.field in lookup.fields else None, f"{exc.message}")
    return None


# --- quality findings ----------------------------------------------------------------------------------
@staff_required
@never_cache
@require_GET
def staff_findings(request: HttpRequest) -> HttpResponse:
    p = principal_for(request)
    severity = request.GET.get("severity") or None
    if severity not in Severity.values:
        severity = None
    page = Paginator(cq.findings_queue(p, severity=severity), PER_PAGE).get_page(request.GET.get("page"))
    counts = cq.findings_counts(p)
    context = {
        "page": page,
        "severity": severity or "",
        "severities": [
            {"value": value, "label": label, "count": counts.get(value, 0)}
            for value, label in Severity.choices
        ],
        "may_settle": bool(p.roles & cq.DECIDER_ROLES),
        "form": FindingForm(),
    }
    return render(request, "licenses/corrections/staff_findings.html", context)


@staff_required
@require_POST
def staff_finding_settle(request: HttpRequest, finding_id: int) -> HttpResponse:
    form = FindingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose resolved or not a problem."))
    else:
        try:
            finding_actions.settle_finding(
                principal_for(request),
                finding_id,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Finding closed."))
    return redirect("licenses:staff_findings")


# --- statistics ----------------------------------------------------------------------------------------
@staff_required
@never_cache
@require_GET
def staff_stats(request: HttpRequest) -> HttpResponse:
    form = StatsFilterForm(request.GET or None)
    since = form.cleaned_data["since"] if form.is_valid() else None
    stats = cq.license_stats(principal_for(request), since=since)
    return render(request, "licenses/corrections/staff_stats.html", {"form": form, "stats": stats})
