"""Who may see and work on cases and tasks.

- An applicant sees their own cases; acting for a legal person, that legal person's cases (with the
  查看办件 scope; legal representatives hold every scope).
- Staff see cases their department handles (an item, a task, or the front desk) and work only on tasks
  of their own department that match one of their roles; section chiefs may also do reviewers' work.
- Supervisors (电子监察) and superusers see everything and work on nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from tongban.accounts.constants import RepresentationScope, StaffRole
from tongban.accounts.principal import Principal
from tongban.cases.models import Case, Task
from tongban.utils import authz

OVERSIGHT = {StaffRole.SUPERVISOR, StaffRole.ADMINISTRATOR}


def is_oversight(principal: Principal) -> bool:
    return principal.is_superuser or bool(principal.roles & OVERSIGHT)


def is_case_holder(principal: Principal, case: Case, scope: str) -> bool:
    """The applicant themself (not staff), or someone acting for the case's legal person with ``scope``
    (a ``RepresentationScope``; legal representatives hold every scope)."""
    if principal.is_staff_member or principal.user is None:
        return False
    if case.acting_for_id is not None:
        return (
            principal.acting_for is not None
            and principal.acting_for.pk == case.acting_for_id
            and principal.may_for_legal_person(scope)
        )
    return principal.acting_for is None and case.applicant_id == principal.user.pk


def may_work_on(principal: Principal, task: Task, *, view_only: bool = False) -> bool:
    if not principal.is_staff_member:
        return False
    if view_only and is_oversight(principal):
        return True
    dept = principal.department_id
    if dept is None or task.department_id != dept:
        return False
    if view_only:
        return True
    roles = principal.roles
    if task.role in roles:
        return True
    return task.role == StaffRole.REVIEWER and StaffRole.SECTION_CHIEF in roles


@authz.register
class CasePolicy(authz.Policy):
    model = Case
    scopes = {"view": "cases:read", "withdraw": "cases:write", "supplement": "cases:write"}

    def visible(self, principal: Principal, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if principal.is_staff_member:
            if is_oversight(principal):
                return queryset.exclude(case_no__isnull=True)
            dept = principal.department_id
            if dept is None:
                return queryset.none()
            return queryset.filter(
                Q(front_desk_id=dept) | Q(items__department_id=dept) | Q(tasks__department_id=dept),
                case_no__isnull=False,
            ).distinct()
        assert principal.user is not None
        if principal.acting_for is not None:
            if not principal.may_for_legal_person(RepresentationScope.VIEW_CASES):
                return queryset.none()
            return queryset.filter(acting_for_id=principal.acting_for.pk)
        return queryset.filter(applicant_id=principal.user.pk, acting_for__isnull=True)

    def scope_for(self, principal: Principal, action: str, obj: Any) -> str | None:
        return "workbench" if principal.is_staff_member else self.scopes.get(action)

    def allows(self, principal: Principal, action: str, obj: Any) -> bool:
        if action == "view":
            return True
        if principal.is_staff_member:
            if action == "deliver":
                return (
                    principal.department_id == obj.front_desk_id and StaffRole.WINDOW_CLERK in principal.roles
                )
            return False
        if action in {"withdraw", "supplement"}:
            if principal.acting_for is not None:
                return principal.may_for_legal_person(RepresentationScope.APPLY)
            return True
        return False


@authz.register
class TaskPolicy(authz.Policy):
    model = Task
    scopes = {"view": "workbench", "complete": "workbench"}

    def visible(self, principal: Principal, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if not principal.is_staff_member:
            return queryset.none()
        if is_oversight(principal):
            return queryset
        dept = principal.department_id
        return queryset.filter(department_id=dept) if dept is not None else queryset.none()

    def allows(self, principal: Principal, action: str, obj: Any) -> bool:
        if action == "view":
            return True
        return action == "complete" and may_work_on(principal, obj)
