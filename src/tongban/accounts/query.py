"""Read-side selectors for identity."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from tongban.accounts.constants import StaffRole
from tongban.accounts.models import AccessToken, Representation, StaffProfile, User
from tongban.accounts.principal import Principal
from tongban.utils import authz

if TYPE_CHECKING:
    from tongban.organizations.models import Department


def staff_users(*roles: str, department: Any = None) -> QuerySet[User]:
    """Active staff accounts holding any of ``roles``; of ``department`` (a row or its id) when given."""
    qs = User.objects.filter(is_active=True, staff__roles__code__in=roles)
    if department is not None:
        qs = qs.filter(staff__department=department)
    return qs.distinct().order_by("pk")


def section_chiefs(department: Department | None) -> list[User]:
    """Active section chiefs (科室负责人) of the department, else of its parent department."""
    for dept in (department, department.parent if department is not None else None):
        if dept is not None:
            chiefs = list(staff_users(StaffRole.SECTION_CHIEF, department=dept))
            if chiefs:
                return chiefs
    return []


def representations_for(principal: Principal) -> QuerySet[Representation]:
    """Representations the principal may see: their own, and agents of legal persons they manage."""
    return authz.visible(principal, Representation.objects.select_related("legal_person", "person")).order_by(
        "-created_at"
    )


def my_representations(principal: Principal) -> QuerySet[Representation]:
    assert principal.user is not None
    return representations_for(principal).filter(person=principal.user)


def agents_of(principal: Principal) -> QuerySet[Representation]:
    """Agents of the legal person the principal currently acts for."""
    if principal.acting_for is None:
        return Representation.objects.none()
    return representations_for(principal).filter(legal_person=principal.acting_for)


def tokens_of(principal: Principal) -> QuerySet[AccessToken]:
    return authz.visible(principal, AccessToken.objects.select_related("acting_for")).order_by("-created_at")


def colleagues(principal: Principal) -> QuerySet[StaffProfile]:
    return authz.visible(principal, StaffProfile.objects.select_related("department", "window")).order_by(
        "employee_no"
    )
