"""Licence error reports (纠错) for holders: the report form from the wallet, the list of their reports
and one report with its timeline; plus the evidence download shared with the department's staff.

Workbench pages (the department's queue, decisions, findings, statistics, window reports) are in
``corrections_workbench``. The services do the work; these views read forms, call them and render.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from tongban.accounts.request import principal_for
from tongban.licenses import query_corrections as cq
from tongban.licenses.faces import mask_face
from tongban.licenses.forms_corrections import ReportForm
from tongban.licenses.models import Correction, License
from tongban.licenses.services import corrections
from tongban.licenses.services.presentations import holder_license
from tongban.licenses.validators_corrections import current_value, reportable_fields
from tongban.licenses.views.wallet import wallet_page
from tongban.utils.errors import DomainError, Forbidden, NotFound
from tongban.utils.masking import mask_name

PER_PAGE = 20
EVIDENCE_CONTENT_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg"}


def current_rows(license: License, form: ReportForm, *, unmask: bool) -> list[dict[str, Any]]:
    """The form's rows with the licence's current value (personal values masked unless ``unmask``)."""
    masked = mask_face(license.license_type, license.face)
    rows = []
    for row in form.rows():
        choice = row["choice"]
        current = current_value(license, choice.name)
        if choice.personal and not unmask:
            current = str(masked[choice.name]) if choice.name in masked else mask_name(current)
        rows.append(row | {"current": current})
    return rows


def submit_from_form(
    request: HttpRequest, license: License, form: ReportForm, *, holder_code: str = ""
) -> Correction | None:
    """Submit a valid form through the service; on a refusal, put the errors on the form (None)."""
    items = form.items()
    if not items:
        form.add_error(None, _("Enter the correct value of at least one field."))
        return None
    try:
        correction, _created = corrections.submit(
            principal_for(request),
            license.pk,
            items=items,
            evidence_note=form.cleaned_data.get("evidence_note") or "",
            evidence=form.cleaned_data.get("evidence_file"),
            holder_code=holder_code,
            idempotency_key=form.cleaned_data.get("idempotency_key") or "",
        )
    except DomainError as exc:
        if isinstance(exc, NotFound | Forbidden):
            raise
        form.add_service_error(exc, items)
        return None
    return correction


@wallet_page()
@require_http_methods(["GET", "POST"])
def correction_new(request: HttpRequest, license_id: int) -> HttpResponse:
    """The holder reports what is wrong on one licence of their wallet."""
    license = holder_license(principal_for(request), license_id, scope="licenses:write")
    choices = reportable_fields(license)
    form = ReportForm(request.POST or None, request.FILES or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        correction = submit_from_form(request, license, form)
        if correction is not None:
            messages.success(
                request,
                _("Report %(reference)s was sent to %(department)s. They answer by %(due)s.")
                % {
                    "reference": correction.reference,
                    "department": correction.department.name,
                    "due": f"{correction.due_on:%Y-%m-%d}",
                },
            )
            return redirect("licenses:correction_detail", correction.pk)
    unmask = request.GET.get("unmask") == "1"
    context = {
        "license": license,
        "form": form,
        "rows": current_rows(license, form, unmask=unmask),
        "unmask": unmask,
        "working_days": settings.TONGBAN_CORRECTION_WORKING_DAYS,
    }
    status = 400 if form.errors else 200
    return render(request, "licenses/corrections/new.html", context, status=status)


@wallet_page(status=200)
@require_GET
def my_corrections(request: HttpRequest) -> HttpResponse:
    """The holder's reports and reports on their licences, newest first, with their status."""
    p = principal_for(request)
    if p.is_staff_member:
        return redirect("licenses:staff_corrections")
    qs = cq.mine(p).order_by("-submitted_at", "-id")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    near_due = cq.near_due_limit(today)
    rows = [{"c": c, "deadline": cq.deadline(c, today=today, near_due=near_due)} for c in page]
    return render(request, "licenses/corrections/mine.html", {"page": page, "rows": rows})


def detail_context(request: HttpRequest, correction: Correction, view: str) -> dict[str, Any]:
    """What both the holder's and the workbench's detail pages show."""
    today = timezone.localdate()
    department = view == cq.VIEW_DEPARTMENT
    return {
        "c": correction,
        "view": view,
        "deadline": cq.deadline(correction, today=today, near_due=cq.near_due_limit(today)),
        "items": cq.item_rows(correction, reveal_current=cq.reveal_current(correction, view)),
        "events": cq.timeline(correction, for_department=department),
        "reporter": cq.reporter_label(correction, for_department=department),
    }


@wallet_page(status=200)
@require_GET
def correction_detail(request: HttpRequest, correction_id: int) -> HttpResponse:
    """One report as its reporter or the licence's holder sees it: what, status, timeline."""
    p = principal_for(request)
    correction, view = cq.correction_for(p, correction_id)
    if p.is_staff_member:
        return redirect("licenses:staff_correction", correction.pk)
    return render(request, "licenses/corrections/detail.html", detail_context(request, correction, view))


@login_required
@never_cache
@require_GET
def correction_evidence(request: HttpRequest, correction_id: int) -> HttpResponseBase:
    """The evidence file, as a download, for whoever may open the report (never served statically)."""
    correction, _view = cq.correction_for(principal_for(request), correction_id)
    name = correction.evidence_file.name
    if not name or not default_storage.exists(name):
        raise NotFound("evidence_not_found", _("This report has no evidence file."))
    extension = name[name.rfind(".") :].lower()
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=f"{correction.reference}{extension}",
        content_type=EVIDENCE_CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
