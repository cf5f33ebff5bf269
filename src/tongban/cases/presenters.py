"""Plain dicts of cases and tasks for the API and the pages (one place decides what is shown to whom)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from tongban.accounts.principal import Principal
from tongban.cases.constants import WITHDRAWABLE, EventKind, ItemStatus
from tongban.cases.models import Case, Task
from tongban.cases.query import case_clock_view, task_clock_view, timeline
from tongban.cases.services.supplements import open_notice
from tongban.utils.masking import mask_id_number, mask_mobile

# Form kinds that are personal identifiers: masked whenever shown.
MASKED_KINDS = {"id_number": mask_id_number, "phone": mask_mobile}


def _clock(view: Any) -> dict[str, Any]:
    return {
        "light": view.light,
        "due_on": view.due_on,
        "remaining_working_days": view.remaining,
        "elapsed_working_days": view.elapsed,
    }


def case_summary(case: Case, today: dt.date | None = None) -> dict[str, Any]:
    return {
        "case_no": case.case_no or "",
        "status": case.status,
        "status_label": case.get_status_display(),
        "target_kind": case.target_kind,
        "target_code": case.target_code,
        "target_name": case.target_name,
        "applicant": case.holder_name,
        "channel": case.channel,
        "submitted_at": case.submitted_at,
        "clock": _clock(case_clock_view(case, today)),
        "legal_due_on": case.legal_due_on,
    }


def masked_form(case: Case) -> dict[str, Any]:
    from tongban.items.models import FormField

    kinds = dict(FormField.objects.filter(key__in=list(case.form)).values_list("key", "kind"))
    out = {}
    for key, value in case.form.items():
        mask = MASKED_KINDS.get(kinds.get(key, ""))
        out[key] = mask(str(value)) if mask and value else value
    return out


def _by_staff(event: Any) -> bool:
    return event.actor is not None and getattr(event.actor, "staff", None) is not None


def case_detail(case: Case, principal: Principal, today: dt.date | None = None) -> dict[str, Any]:
    staff = principal.is_staff_member
    # Applicants see who in the department acted only where the city chose so (the department always).
    shows_names = staff or bool(settings.TONGBAN_CASE_TIMELINE_STAFF_NAMES)
    notice = open_notice(case)
    items = list(case.items.select_related("department", "result_license"))
    events = list(timeline(case, staff=staff))
    labels = dict(EventKind.choices)
    return {
        **case_summary(case, today),
        "items": [
            {
                "item_code": ci.item_code,
                "name": ci.name,
                "department": ci.department.name,
                "status": ci.status,
                "due_on": ci.due_on,
                "decision_reason": ci.decision_reason,
                "decision_text": ci.decision_text,
                "result_license": ci.result_license.identifier if ci.result_license else None,
            }
            for ci in items
        ],
        "materials": [
            {
                "kind": m.kind.code,
                "name": m.name,
                "needed_by": m.needed_by,
                "required": m.required,
                "status": m.status,
                "source": m.source,
                "exemption_note": m.exemption_note,
                "file_name": m.upload.original_name if m.upload else None,
                "sha256": m.upload.sha256 if m.upload else None,
                "license_identifier": (m.fetched or {}).get("identifier") or None,
            }
            for m in case.materials.select_related("kind", "upload")
        ],
        "timeline": [
            {
                "at": e.at,
                "kind": e.kind,
                "label": str(labels.get(e.kind, e.kind)),
                "department": e.department.name if e.department else None,
                "actor": e.actor_label if shows_names or not _by_staff(e) else None,
                "message": e.message,
            }
            for e in events
        ],
        "notice": (
            {
                "stage": notice.stage,
                "department": notice.department.name,
                "due_on": notice.due_on,
                "entries": notice.entries,
            }
            if notice
            else None
        ),
        "figures": {
            "visits_required": case.visits_required,
            "materials_submitted": case.materials_submitted,
            "materials_exempted": case.materials_exempted,
            "elapsed_working_days": case.elapsed_days,
            "promised_working_days": case.promised_limit,
        },
        "pre_review": case.pre_review if staff else "",
        "pre_review_reason": case.pre_review_reason if staff else "",
        "may_withdraw": (
            not staff
            and case.status in WITHDRAWABLE
            and not any(ci.status in (ItemStatus.APPROVED, ItemStatus.REJECTED) for ci in items)
        ),
    }


def task_summary(task: Task, today: dt.date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    return {
        "id": task.pk,
        "case_no": task.case.case_no or "",
        "target_name": task.case.target_name,
        "kind": task.kind,
        "name": task.name,
        "department": task.department.name if task.department else None,
        "role": task.role,
        "status": task.status,
        "item": task.case_item.name if task.case_item else None,
        "started_on": task.started_on,
        "clock": _clock(task_clock_view(task, today)),
        "escalated": task.escalated_at is not None,
    }
