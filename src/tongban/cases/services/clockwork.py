"""What the worker does on its own: fire process timers (补正 lapse) and escalate overdue tasks (电子监察)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tongban.accounts.constants import StaffRole
from tongban.accounts.query import staff_users
from tongban.audits import services as audit
from tongban.cases.constants import FINAL, CaseStatus, EventKind, ItemStatus, TaskKind, TaskStatus
from tongban.cases.models import Case, Task
from tongban.cases.services.common import SYSTEM, audit_case, event, notify_applicant, save_workflow
from tongban.cases.services.routing import sync_tasks
from tongban.notifications.services import notify
from tongban.workflows import engine


def fire_timers(now: dt.datetime | None = None, *, limit: int = 500) -> list[str]:
    """Advance every case whose process has a timer due; returns the case numbers that changed."""
    now = now or timezone.now()
    changed = []
    due = (
        Case.objects.filter(next_timer_at__lte=now)
        .exclude(status__in=FINAL)
        .order_by("next_timer_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in list(due):
        with transaction.atomic():
            case = Case.objects.select_for_update().get(pk=pk)
            if case.status in FINAL or case.next_timer_at is None or case.next_timer_at > now:
                continue  # handled meanwhile by another worker or an applicant's action
            wf = engine.load(case.workflow_state)
            moved = wf.refresh_timers()
            fields: list[str] = []
            if wf.is_completed and wf.end_event == "lapsed":
                case.status, case.closed_at = CaseStatus.LAPSED, now
                case.items.update(status=ItemStatus.CANCELLED)
                case.notices.filter(resolved_at__isnull=True).update(resolved_at=now)
                fields = ["status", "closed_at"]
            save_workflow(case, wf, *fields)
            if not moved:
                continue
            sync_tasks(case, wf, now=now)
            if case.status == CaseStatus.LAPSED:
                event(case, EventKind.LAPSED, at=now)
                audit_case("case.lapsed", case, None)
                notify_applicant(case, "case.lapsed", "lapsed")
            changed.append(case.case_no or "")
    return changed


def escalate_overdue(today: dt.date | None = None, *, limit: int = 1000) -> int:
    """Escalate each overdue staff task once to its department's section chiefs (a system action, audited)."""
    now = timezone.now()
    today = today or timezone.localdate(now)
    overdue = (
        Task.objects.filter(
            status=TaskStatus.OPEN,
            escalated_at__isnull=True,
            due_on__lt=today,
            kind__in=[TaskKind.ACCEPT, TaskKind.REVIEW, TaskKind.ISSUE],
        )
        .exclude(case__status__in=FINAL)
        .select_related("case", "department")
        .order_by("due_on")[:limit]
    )
    count = 0
    for task in overdue:
        with transaction.atomic():
            if not Task.objects.filter(pk=task.pk, escalated_at__isnull=True).update(escalated_at=now):
                continue
            chiefs = (
                list(staff_users(StaffRole.SECTION_CHIEF, department=task.department_id))
                if task.department_id
                else []
            )
            for chief in chiefs:
                notify(
                    recipient=chief,
                    template="case.task_overdue",
                    params={
                        "case_no": task.case.case_no,
                        "due_on": task.due_on.isoformat() if task.due_on else "",
                    },
                    key=f"case:{task.case.case_no}:overdue:{task.pk}:{chief.pk}",
                )
            event(
                task.case,
                EventKind.ESCALATED,
                department=task.department,
                task=task,
                data={"due_on": task.due_on.isoformat() if task.due_on else None, "notified": len(chiefs)},
                public=False,
                at=now,
            )
            audit.record(
                "case.task_escalated",
                obj=task,
                actor_label=SYSTEM,
                summary={
                    "case": task.case.case_no,
                    "task": task.pk,
                    "department": task.department.slug if task.department else "",
                    "due_on": task.due_on.isoformat() if task.due_on else None,
                    "notified": len(chiefs),
                },
            )
            count += 1
    return count
