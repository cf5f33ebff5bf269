"""Mirror the process's ready user tasks as work items, routed to a department and role by lane.

Lanes (docs/workflows.md): ``window`` and ``issuance`` go to the case's front desk (window clerks),
``department`` to the department of the task's item (reviewers), ``dept:<slug>`` to that department,
``applicant`` to nobody on staff (the applicant's supplement).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from tongban.accounts.constants import StaffRole
from tongban.cases import clocks
from tongban.cases.constants import EventKind, TaskKind, TaskStatus
from tongban.cases.models import Case, CaseItem, Task
from tongban.cases.services.common import event
from tongban.organizations.models import Department
from tongban.workflows import engine


def case_clock(case: Case) -> clocks.Clock:
    return clocks.Clock(
        started_on=case.accepted_on,
        limit=case.promised_limit,
        suspended_days=case.suspended_days,
        extended_days=case.extended_days,
        suspended_since=case.suspended_since,
    )


def legal_clock(case: Case) -> clocks.Clock:
    return clocks.Clock(
        started_on=case.accepted_on,
        limit=case.legal_limit,
        suspended_days=case.suspended_days,
        extended_days=case.extended_days,
        suspended_since=case.suspended_since,
    )


def item_clock(case: Case, case_item: CaseItem) -> clocks.Clock:
    return clocks.Clock(
        started_on=case.accepted_on,
        limit=case_item.promised_limit,
        suspended_days=case.suspended_days,
        extended_days=case.extended_days,
        suspended_since=case.suspended_since,
    )


def task_clock(task: Task) -> clocks.Clock:
    return clocks.Clock(started_on=task.started_on, limit=task.limit, suspended_days=task.suspended_days)


def refresh_due_dates(case: Case) -> None:
    """Recompute the cached due dates of the case and its items (after acceptance, suspension, extension)."""
    case.due_on = clocks.due_on(case_clock(case))
    case.legal_due_on = clocks.due_on(legal_clock(case))
    for ci in case.items.all():
        due = clocks.due_on(item_clock(case, ci))
        if due != ci.due_on:
            ci.due_on = due
            ci.save(update_fields=["due_on"])


def _route(case: Case, lane: str, case_item: CaseItem | None) -> tuple[Department | None, str]:
    if lane in ("window", "issuance"):
        return case.front_desk, StaffRole.WINDOW_CLERK
    if lane == "department":
        return (case_item.department if case_item else case.lead_department), StaffRole.REVIEWER
    if lane.startswith("dept:"):
        return Department.objects.filter(slug=lane[5:]).first(), StaffRole.REVIEWER
    return None, ""


def _limit_for(kind: str, case_item: CaseItem | None) -> int | None:
    if kind == TaskKind.ACCEPT:
        return int(settings.TONGBAN_CASE_ACCEPT_WORKING_DAYS)
    if kind == TaskKind.ISSUE:
        return int(settings.TONGBAN_CASE_ISSUE_WORKING_DAYS)
    if kind == TaskKind.SUPPLEMENT:
        return int(settings.TONGBAN_CASE_SUPPLEMENT_WORKING_DAYS)
    return case_item.promised_limit if case_item else None


def sync_tasks(
    case: Case,
    wf: engine.Workflow,
    *,
    now: dt.datetime | None = None,
    new_case: list[CaseItem] | None = None,
) -> list[Task]:
    """Create a Task for each newly ready user task; cancel open ones the process no longer offers.

    ``new_case``: the items of a case just created (it has no tasks yet: nothing to compare with).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    ready = wf.ready_user_tasks()
    ready_ids = {u.id for u in ready}
    known: set[str] = set()
    if new_case is None:
        live = {t.spiff_id: t for t in case.tasks.filter(status__in=[TaskStatus.OPEN, TaskStatus.WAITING])}
        for spiff_id, task in live.items():
            if spiff_id not in ready_ids:
                task.status = TaskStatus.CANCELLED
                task.completed_at = now
                task.save(update_fields=["status", "completed_at"])
        known = set(case.tasks.filter(spiff_id__in=ready_ids).values_list("spiff_id", flat=True))
    items = {ci.item_code: ci for ci in (new_case if new_case is not None else case.items.all())}
    only_item = next(iter(items.values())) if len(items) == 1 else None
    created = []
    for u in ready:
        if u.id in known:
            continue
        case_item = items.get(u.item_code) if u.item_code else None
        if case_item is None and u.kind == TaskKind.REVIEW:
            case_item = only_item
        department, role = _route(case, u.lane, case_item)
        if u.kind == TaskKind.REVIEW and case_item is not None and case.accepted_on is not None:
            started_on, limit = case.accepted_on, case_item.promised_limit
            suspended = case.suspended_days + case.extended_days
        else:
            started_on, limit, suspended = today, _limit_for(u.kind, case_item), 0
        task = Task(
            case=case,
            case_item=case_item,
            spiff_id=u.id,
            bpmn_id=u.bpmn_id,
            kind=u.kind,
            name=u.name[:120],
            lane=u.lane,
            department=department,
            role=role,
            started_on=started_on,
            limit=limit,
            suspended_days=suspended,
        )
        task.due_on = clocks.due_on(task_clock(task))
        task.save()
        event(
            case,
            EventKind.TASK_OPENED,
            department=department,
            task=task,
            message=task.name,
            data={"kind": task.kind, "due_on": task.due_on.isoformat() if task.due_on else None},
            at=now,
        )
        created.append(task)
    return created
