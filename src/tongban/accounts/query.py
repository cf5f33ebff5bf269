"""Read-side selectors for identity."""

from __future__ import annotations

from django.db.models import QuerySet

from tongban.accounts.models import AccessToken, Representation, StaffProfile
from tongban.accounts.principal import Principal
from tongban.utils import authz


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
