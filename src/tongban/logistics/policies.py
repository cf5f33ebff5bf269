"""Who may see and act on shipments: exactly those who may see the case, through the case's policy.

- The applicant (and agents with 查看办件 for a legal person) see their case's shipments; they may ask
  for one (agents need 申请办理) and cancel one before pickup.
- Staff who see the case see its shipments; the front desk's window clerks (who hand results over, the
  case policy's ``deliver``) also ask for, cancel and settle shipments that need attention.
- Supervisors and superusers see everything and act on nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from tongban.accounts.constants import RepresentationScope
from tongban.accounts.principal import Principal
from tongban.cases.models import Case
from tongban.logistics.models import Shipment
from tongban.utils import authz


def may_request(principal: Principal, case: Case) -> bool:
    """Whether ``principal`` may ask for (or cancel) a shipment of ``case`` they can see."""
    if principal.is_staff_member:
        return authz.can(principal, "deliver", case)
    if principal.acting_for is not None:
        return principal.may_for_legal_person(RepresentationScope.APPLY)
    return principal.is_authenticated


@authz.register
class ShipmentPolicy(authz.Policy):
    model = Shipment
    scopes = {"view": "cases:read", "cancel": "cases:write"}

    def visible(self, principal: Principal, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        cases = authz.visible(principal, Case.objects.all()).values("pk")
        return queryset.filter(case_id__in=cases)

    def scope_for(self, principal: Principal, action: str, obj: Any) -> str | None:
        return "workbench" if principal.is_staff_member else self.scopes.get(action)

    def allows(self, principal: Principal, action: str, obj: Any) -> bool:
        if action == "view":
            return True
        if action == "cancel":
            return may_request(principal, obj.case)
        if action == "resolve":
            return principal.is_staff_member and authz.can(principal, "deliver", obj.case)
        return False
