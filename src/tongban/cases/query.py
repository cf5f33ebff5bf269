"""Read side of cases: what a principal may list and open, with lights and remaining working days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tongban.accounts.principal import Principal
from tongban.cases import clocks
from tongban.cases.constants import CaseStatus, TaskStatus
from tongban.cases.models import Case, CaseEvent, Task
from tongban.cases.services.routing import case_clock, task_clock
from tongban.utils import authz


def my_cases(principal: Principal) -> QuerySet[Case]:
    return (
        authz.visible(principal, Case.objects.exclude(status=CaseStatus.DRAFT))
        .select_related("lead_department")
        .order_by("-submitted_at")
    )


def my_drafts(principal: Principal) -> QuerySet[Case]:
    if principal.user is None or principal.is_staff_member:
        return Case.objects.none()
    qs = Case.objects.filter(status=CaseStatus.DRAFT, applicant=principal.user)
    if principal.acting_for is not None:
        return qs.filter(acting_for=principal.acting_for)
    return qs.filter(acting_for__isnull=True).order_by("-updated_at")


def case_for(principal: Principal, case_no: str) -> Case:
    return authz.get_or_404(
        principal,
        Case.objects.select_related("lead_department", "front_desk", "acting_for", "registered_by"),
        case_no=(case_no or "").strip().upper(),
    )


def timeline(case: Case, *, staff: bool) -> QuerySet[CaseEvent]:
    qs = case.events.select_related("department", "actor__staff").order_by("at", "pk")
    return qs if staff else qs.filter(public=True)


@dataclass(frozen=True)
class ClockView:
    light: str
    due_on: dt.date | None
    remaining: int | None
    elapsed: int


def case_clock_view(case: Case, today: dt.date | None = None) -> ClockView:
    today = today or timezone.localdate()
    clock = case_clock(case)
    if case.status in (CaseStatus.CLOSED, CaseStatus.WITHDRAWN, CaseStatus.NOT_ACCEPTED, CaseStatus.LAPSED):
        return ClockView(clocks.Light.NONE, case.due_on, None, case.elapsed_days or 0)
    return ClockView(
        clocks.light(clock, today),
        clocks.due_on(clock, today=today),
        clocks.remaining(clock, today),
        clocks.elapsed(clock, today),
    )


def task_clock_view(task: Task, today: dt.date | None = None) -> ClockView:
    today = today or timezone.localdate()
    if task.status != TaskStatus.OPEN:
        suspended = task.status == TaskStatus.WAITING
        return ClockView(clocks.Light.SUSPENDED if suspended else clocks.Light.NONE, task.due_on, None, 0)
    clock = task_clock(task)
    return ClockView(
        clocks.light(clock, today), task.due_on, clocks.remaining(clock, today), clocks.elapsed(clock, today)
    )


def tasks_for(
    principal: Principal,
    *,
    status: str = TaskStatus.OPEN,
    kind: str = "",
    light: str = "",
    q: str = "",
    today: dt.date | None = None,
) -> list[Task]:
    """The inbox: tasks of the principal's department (oversight: all), filtered; lights computed."""
    today = today or timezone.localdate()
    qs = authz.visible(principal, Task.objects.select_related("case", "department", "case_item"))
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        term = q.strip()
        qs = qs.filter(
            Q(case__case_no__startswith=term) | Q(case__target_name__icontains=term) | Q(name__icontains=term)
        )
    tasks = list(qs.exclude(lane="applicant").order_by("due_on", "pk")[:500])
    if light:
        tasks = [t for t in tasks if task_clock_view(t, today).light == light]
    return tasks


def counts_by_light(tasks: list[Task], today: dt.date | None = None) -> dict[str, Any]:
    out: dict[str, int] = {}
    for t in tasks:
        key = task_clock_view(t, today).light
        out[key] = out.get(key, 0) + 1
    return out
