"""Who may see and do what with ratings and rectifications.

- A rater sees their own ratings and the rectifications of them, and confirms or rejects the answer.
- Staff of a department see the ratings counted for it and the rectifications it owes; they never learn
  an anonymous rater's identity, and of a named rater only the handler sees a masked phone number (for
  the call-back). Window clerks, reviewers and section chiefs do the work; section chiefs appeal.
- Supervisors (电子监察), administrators and superusers see everything, decide appeals and close
  escalated rectifications. Nobody else sees a rating, and staff never rate.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from tongban.accounts.constants import RepresentationScope, StaffRole
from tongban.accounts.principal import Principal
from tongban.cases.models import Case
from tongban.cases.policies import is_case_holder, is_oversight
from tongban.ratings.constants import Action, RectificationStatus
from tongban.ratings.models import Rating, Rectification
from tongban.utils import authz

DEPARTMENT_ROLES = frozenset({StaffRole.WINDOW_CLERK, StaffRole.REVIEWER, StaffRole.SECTION_CHIEF})
DEPARTMENT_ACTIONS = frozenset({Action.CLAIM, Action.CALLBACK, Action.CLASSIFY, Action.RESPOND})
RATER_ACTIONS = frozenset({Action.CONFIRM, Action.REOPEN})
SUPERVISOR_ACTIONS = frozenset({Action.DECIDE_APPEAL, Action.CLOSE})


def is_supervisor(principal: Principal) -> bool:
    return principal.is_staff_member and (principal.is_superuser or StaffRole.SUPERVISOR in principal.roles)


def sees_all(principal: Principal) -> bool:
    return principal.is_staff_member and is_oversight(principal)


def sees_identity(principal: Principal) -> bool:
    """Whether the rater's identity may be shown: supervisors only (the rater sees themself anyway)."""
    return sees_all(principal)


def is_department_worker(principal: Principal, department_id: int) -> bool:
    return (
        principal.is_staff_member
        and principal.department_id == department_id
        and bool(principal.roles & DEPARTMENT_ROLES)
    )


def may_rate(principal: Principal, case: Case) -> bool:
    """The applicant themself, or someone acting for the legal person who may apply for it."""
    return is_case_holder(principal, case, RepresentationScope.APPLY)


def _staff_scope(principal: Principal, scopes: dict[str, str], action: str) -> str | None:
    return "workbench" if principal.is_staff_member else scopes.get(action)


@authz.register
class RatingPolicy(authz.Policy):
    model = Rating
    scopes = {"view": "cases:read"}

    def visible(self, principal: Principal, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if principal.is_staff_member:
            if sees_all(principal):
                return queryset
            dept = principal.department_id
            if dept is None:
                return queryset.none()
            return queryset.filter(Q(department_id=dept) | Q(targets__department_id=dept)).distinct()
        assert principal.user is not None
        return queryset.filter(rater_id=principal.user.pk)

    def scope_for(self, principal: Principal, action: str, obj: Any) -> str | None:
        return _staff_scope(principal, self.scopes, action)

    def allows(self, principal: Principal, action: str, obj: Any) -> bool:
        return action == "view"


@authz.register
class RectificationPolicy(authz.Policy):
    model = Rectification
    scopes = {"view": "cases:read", Action.CONFIRM: "cases:write", Action.REOPEN: "cases:write"}

    def visible(self, principal: Principal, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if principal.is_staff_member:
            if sees_all(principal):
                return queryset
            dept = principal.department_id
            return queryset.filter(department_id=dept) if dept is not None else queryset.none()
        assert principal.user is not None
        return queryset.filter(rating__rater_id=principal.user.pk)

    def scope_for(self, principal: Principal, action: str, obj: Any) -> str | None:
        return _staff_scope(principal, self.scopes, action)

    def allows(self, principal: Principal, action: str, obj: Any) -> bool:
        if action == "view":
            return True
        if action in RATER_ACTIONS:
            return (
                not principal.is_staff_member
                and principal.user is not None
                and obj.rating.rater_id == principal.user.pk
            )
        if action in DEPARTMENT_ACTIONS:
            return is_department_worker(principal, obj.department_id)
        if action == Action.APPEAL:
            return (
                principal.is_staff_member
                and principal.department_id == obj.department_id
                and StaffRole.SECTION_CHIEF in principal.roles
            )
        if action in SUPERVISOR_ACTIONS:
            return is_supervisor(principal)
        return False


def is_handler(principal: Principal, rect: Rectification) -> bool:
    return principal.user is not None and rect.handler_id == principal.user.pk


def shows_contact(principal: Principal, rect: Rectification) -> bool:
    """The masked phone of a named rater: to the handler (for 回访) and supervisors, while open."""
    if rect.rating.anonymous and not sees_identity(principal):
        return False
    return sees_identity(principal) or (
        is_handler(principal, rect) and rect.status != RectificationStatus.CLOSED
    )
