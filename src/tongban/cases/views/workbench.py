"""Workbench pages of cases (总操作台): the department's inbox, one task with its actions, the viewer.

Every page is behind ``staff_required`` (signed in, second factor passed). What a staff member sees comes
from ``cases.query`` and ``utils.authz`` (tasks of their own department; supervisors see all, read-only);
what they may do is decided by the services, whose refusals the page shows with message and code.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods

from tongban.accounts.constants import StaffRole
from tongban.accounts.principal import Principal
from tongban.accounts.request import principal_for
from tongban.audits import services as audit
from tongban.cases import presenters, query
from tongban.cases.constants import (
    FINAL,
    CaseStatus,
    DeliveryMethod,
    TaskKind,
    TaskStatus,
)
from tongban.cases.models import Case, CaseMaterial, Task
from tongban.cases.policies import is_oversight, may_work_on
from tongban.cases.views import workbench_actions as actions
from tongban.cases.views import workbench_panels as panels
from tongban.utils import authz
from tongban.utils.errors import DomainError, NotFound
from tongban.workbench.access import staff_required

# Inbox filters: which tasks ("in progress" = open or waiting for the applicant's supplement).
IN_PROGRESS = "active"
STATUS_FILTERS = (IN_PROGRESS, TaskStatus.COMPLETED)
KIND_FILTERS = (TaskKind.ACCEPT, TaskKind.REVIEW, TaskKind.ISSUE)
LIGHT_FILTERS = ("green", "yellow", "red", "suspended")
# The viewer's own policy: the file may be framed by our task page only and runs nothing.
MATERIAL_CSP = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'"
)


def _visible_task(p: Principal, task_id: int) -> Task:
    """The task if the principal may see it (own department; oversight: all), else 404."""
    qs = Task.objects.select_related(
        "case__lead_department", "case__front_desk", "case__acting_for", "department", "case_item__item"
    )
    task = authz.visible(p, qs).filter(pk=task_id).exclude(lane="applicant").first()
    if task is None:
        raise NotFound()
    return task


# --- inbox --------------------------------------------------------------------------------------------
@staff_required
@never_cache
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    p = principal_for(request)
    status = request.GET.get("status", IN_PROGRESS)
    status = status if status in STATUS_FILTERS else IN_PROGRESS
    kind = request.GET.get("kind", "")
    kind = kind if kind in KIND_FILTERS else ""
    light = request.GET.get("light", "")
    light = light if light in LIGHT_FILTERS else ""
    q = request.GET.get("q", "").strip()[:60]
    today = timezone.localdate()
    if status == IN_PROGRESS:
        tasks = [
            *query.tasks_for(p, status=TaskStatus.OPEN, kind=kind, q=q, today=today),
            *query.tasks_for(p, status=TaskStatus.WAITING, kind=kind, q=q, today=today),
        ]
    else:
        tasks = query.tasks_for(p, status=status, kind=kind, q=q, today=today)
    rows: list[dict[str, Any]] = [
        {"task": t, "clock": panels.clock_row(query.task_clock_view(t, today))} for t in tasks
    ]
    counts = query.counts_by_light(tasks, today)
    if light:
        rows = [r for r in rows if r["clock"]["light"] == light]
    rows.sort(key=lambda r: (r["clock"]["due_on"] or dt.date.max, r["task"].pk))
    context: dict[str, Any] = {
        "rows": rows,
        "status": status,
        "kind": kind,
        "light": light,
        "q": q,
        "kinds": [(k, TaskKind(k).label) for k in KIND_FILTERS],
        "statuses": [(IN_PROGRESS, _("In progress")), (TaskStatus.COMPLETED, _("Completed"))],
        "lights": [
            {"value": v, "label": panels.light_label(v), "count": counts.get(v, 0)} for v in LIGHT_FILTERS
        ],
        "total": len(tasks),
        "oversight": is_oversight(p),
        "staff": p.staff,
        "is_clerk": StaffRole.WINDOW_CLERK in p.roles,
        "pickups": _pickups(p) if StaffRole.WINDOW_CLERK in p.roles else [],
    }
    return render(request, "cases/workbench/inbox.html", context)


def _pickups(p: Principal) -> list[dict[str, Any]]:
    """Results of this front desk waiting to be collected at the window (自取), with their issue task."""
    staff = p.staff
    if staff is None:
        return []
    cases = query.my_cases(p).filter(
        status=CaseStatus.ISSUED, delivery_method=DeliveryMethod.PICKUP, front_desk_id=staff.department_id
    )
    out = []
    for case in cases[:50]:
        issue = case.tasks.filter(kind=TaskKind.ISSUE).order_by("-pk").first()
        out.append({"case": case, "task": issue})
    return out


# --- one task -----------------------------------------------------------------------------------------
@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def task_page(request: HttpRequest, task_id: int) -> HttpResponse:
    """The task with its case; ``POST action=…`` runs one action and comes back here."""
    p = principal_for(request)
    task = _visible_task(p, task_id)
    failed: panels.Problem | None = None
    if request.method == "POST":
        try:
            done = actions.perform(p, task, request.POST.get("action", ""), request.POST)
        except NotFound:
            raise
        except DomainError as exc:
            failed = panels.problem(exc)
            task = _visible_task(p, task_id)  # as it is now (someone else may have completed it)
        else:
            messages.success(request, done)
            return redirect("cases_workbench:task", task.pk)
    context = _task_context(request, p, task, failed)
    return render(request, "cases/workbench/task.html", context, status=failed.status if failed else 200)


def _task_context(
    request: HttpRequest, p: Principal, task: Task, failed: panels.Problem | None
) -> dict[str, Any]:
    case = task.case
    posted = request.POST if failed else {}
    today = timezone.localdate()
    items = list(case.items.select_related("department", "result_license", "item"))
    item_names = {ci.item_code: ci.name for ci in items}
    materials = panels.material_rows(case, task, item_names)
    fields = panels.form_rows(case)
    works = task.is_open and may_work_on(p, task)
    staff = p.staff
    handling = {ci.department_id for ci in items}
    view_id = request.GET.get("view", "")
    viewing = next((m for m in materials if str(m["id"]) == view_id and m["upload"]), None)
    context: dict[str, Any] = {
        "task": task,
        "case": case,
        "summary": presenters.case_summary(case, today),
        "clock": panels.clock_row(query.task_clock_view(task, today)),
        "items": items,
        "form_rows": fields,
        "materials": materials,
        "viewing": viewing,
        "history": panels.history(case),
        "notice": case.notices.filter(resolved_at__isnull=True).select_related("department").first(),
        "extensions": list(case.extensions.select_related("granted_by").order_by("granted_at")),
        "works": works,
        "read_only": not works,
        "oversight": is_oversight(p),
        "failed": failed,
        "posted": posted,
        "supplement_reasons": panels.reason_options("supplement"),
        "not_accepted_reasons": panels.reason_options("not_accepted"),
        "refused_reasons": panels.reason_options("refused"),
        "builder": panels.builder_rows(task, materials, fields, posted) if works else [],
        "issue_panels": (
            panels.issue_panels(case, posted, failed)
            if works and task.kind == TaskKind.ISSUE and case.status == CaseStatus.DECIDED
            else []
        ),
        "may_extend": (
            staff is not None
            and StaffRole.SECTION_CHIEF in p.roles
            and staff.department_id in handling
            and case.accepted_on is not None
            and case.status not in FINAL
        ),
        "may_deliver": (
            case.status == CaseStatus.ISSUED
            and case.delivery_method == DeliveryMethod.PICKUP
            and authz.can(p, "deliver", case)
        ),
    }
    return context


# --- material viewer ----------------------------------------------------------------------------------
@staff_required
@never_cache
@xframe_options_sameorigin
@require_GET
def material_file(request: HttpRequest, task_id: int, material_id: int) -> HttpResponseBase:
    """An uploaded material, streamed inline for staff who may see the task's case; every view audited."""
    p = principal_for(request)
    task = _visible_task(p, task_id)
    case: Case = task.case
    if not authz.can_see(p, case):
        raise NotFound()
    material = CaseMaterial.objects.select_related("upload", "kind").filter(pk=material_id, case=case).first()
    upload = material.upload if material is not None else None
    if material is None or upload is None or not default_storage.exists(upload.file.name):
        raise NotFound("material_file_not_found", _("This material has no file."))
    audit.record(
        "case.material_viewed",
        principal=p,
        obj=case,
        subject_user_id=case.applicant_id,
        summary={"case": case.case_no, "material": material.kind.code, "task": task.pk},
    )
    response = FileResponse(
        upload.file.open("rb"),
        as_attachment=False,
        filename=f"{case.case_no}-{material.kind.code}.{upload.file.name.rsplit('.', 1)[-1]}",
        content_type=upload.mime,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MATERIAL_CSP
    response["Referrer-Policy"] = "no-referrer"
    return response
