"""Who may see and change identity records. Registered with :mod:`tongban.utils.authz`."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from tongban.accounts.constants import RepresentationScope, StaffRole
from tongban.accounts.models import AccessToken, LegalPerson, NaturalPerson, Representation, StaffProfile
from tongban.accounts.principal import Principal
from tongban.utils import authz

# Staff roles that deal with applicants face to face and may look a citizen up.
_FRONT_DESK = {StaffRole.WINDOW_CLERK, StaffRole.REVIEWER, StaffRole.SECTION_CHIEF}
_OVERSIGHT = {StaffRole.SUPERVISOR, StaffRole.ADMINISTRATOR}


def _uid(principal: Principal) -> int:
    assert principal.user is not None
    return int(principal.user.pk)


def may_look_up_people(principal: Principal) -> bool:
    """Front-desk and oversight staff may open an applicant's record (every look-up is audited)."""
    return principal.is_superuser or bool(principal.roles & (_FRONT_DESK | _OVERSIGHT))


@authz.register
class NaturalPersonPolicy(authz.Policy):
    model = NaturalPerson
    scopes = {"view": "profile:read", "view_unmasked": "profile:read", "change": "profile:write"}

    def visible(self, principal: Principal, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if may_look_up_people(principal):
            return queryset
        return queryset.filter(user_id=_uid(principal))

    def allows(self, principal: Principal, action: str, obj: Any) -> bool:
        is_owner = obj.user_id == _uid(principal)
        if action in {"view_unmasked", "change"}:
            return is_owner  # nobody but the owner sees the full ID number or edits the profile
        return action == "view"

    def scope_for(self, principal: Principal, action: str, obj: Any) -> str | None:
        # Staff reading someone else's record do so as workbench work, not as "my profile".
        return self.scopes.get(action) if obj.user_id == _uid(principal) else "workbench"


@authz.register
class LegalPersonPolicy(authz.Policy):
    """Registry data of legal persons is public to staff; citizens see those they represent."""

    model = LegalPerson
    scopes = {"view": "profile:read", "manage_agents": "representations:write"}

    def visible(self, principal: Principal, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if principal.is_staff_member or principal.is_superuser:
            return queryset
        live = Representation.objects.active().filter(person_id=_uid(principal)).values("legal_person_id")
        return queryset.filter(pk__in=live)

    def allows(self, principal: Principal, action: str, obj: Any) -> bool:
        if action == "view":
            return True
        if action in {"act_for", "manage_agents"} and principal.is_natural_person:
            rep = Representation.objects.active().filter(person_id=_uid(principal), legal_person=obj).first()
            if rep is None:
                return False
            return action == "act_for" or rep.grants(RepresentationScope.MANAGE_AGENTS)
        return False


@authz.register
class RepresentationPolicy(authz.Policy):
    model = Representation
    scopes = {"view": "representations:read", "revoke": "representations:write"}

    def visible(self, principal: Principal, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if principal.is_superuser or principal.roles & _OVERSIGHT:
            return queryset
        if principal.is_staff_member:
            return queryset.none()
        uid = _uid(principal)
        managed = [
            r.legal_person_id
            for r in Representation.objects.active().filter(person_id=uid)
            if r.grants(RepresentationScope.MANAGE_AGENTS)
        ]
        return queryset.filter(Q(person_id=uid) | Q(legal_person_id__in=managed))

    def allows(self, principal: Principal, action: str, obj: Any) -> bool:
        if action == "view":
            return True
        if action == "revoke":
            if principal.is_superuser:
                return True
            uid = _uid(principal)
            if obj.person_id == uid:
                return (
                    obj.role != "legal_representative"
                )  # an agent may renounce; a legal rep changes by registry
            return any(
                r.grants(RepresentationScope.MANAGE_AGENTS)
                for r in Representation.objects.active().filter(
                    person_id=uid, legal_person_id=obj.legal_person_id
                )
            )
        return False


@authz.register
class AccessTokenPolicy(authz.Policy):
    model = AccessToken

    def visible(self, principal: Principal, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset.filter(user_id=_uid(principal))

    def allows(self, principal: Principal, action: str, obj: Any) -> bool:
        # Token management needs an interactive session: a token may not mint or revoke tokens.
        return action in {"view", "revoke"} and principal.token_scopes is None


@authz.register
class StaffProfilePolicy(authz.Policy):
    """Staff see colleagues in their own department; oversight roles see all staff."""

    model = StaffProfile

    def visible(self, principal: Principal, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if principal.is_superuser or principal.roles & _OVERSIGHT:
            return queryset
        if principal.staff is None:
            return queryset.none()
        return queryset.filter(department_id=principal.staff.department_id)

    def allows(self, principal: Principal, action: str, obj: Any) -> bool:
        return action == "view"
