"""Who may see and do what with fee orders, refunds, receipts and reconciliation mismatches.

- The payer sees the orders of the cases they see (``CasePolicy``) and may pay and close them; acting
  for a legal person that needs the 缴费 scope (``RepresentationScope.PAY``; legal representatives hold
  every scope).
- Staff see the orders with a line of their department (or of cases at their front desk); they change
  (waive, assess) only their own department's fees and refund only their own department's line.
- Finance staff (role ``finance``) see and refund every order, record bank transfers, and are the only
  ones who see and resolve reconciliation mismatches. Window clerks of the case's front desk may record a
  bank transfer too (the payer brings the slip to the counter).
- Supervisors, administrators and superusers see everything and change nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from tongban.accounts.constants import RepresentationScope, StaffRole
from tongban.accounts.principal import Principal
from tongban.cases.models import Case
from tongban.cases.policies import is_case_holder, is_oversight
from tongban.payments.constants import FINANCE_ROLE
from tongban.payments.models import FeeOrder, Mismatch, OrderLine, Receipt, Refund
from tongban.utils import authz


def is_finance(principal: Principal) -> bool:
    return principal.is_staff_member and FINANCE_ROLE in principal.roles


def sees_all(principal: Principal) -> bool:
    return is_oversight(principal) or is_finance(principal)


def may_pay(principal: Principal, case: Case) -> bool:
    """The applicant themself, or someone acting for the legal person with the pay scope."""
    return is_case_holder(principal, case, RepresentationScope.PAY)


def may_adjust(principal: Principal, line: OrderLine) -> bool:
    """Waive or assess a fee: staff of the department that charges it."""
    dept = principal.department_id
    return principal.is_staff_member and dept is not None and dept == line.department_id


def _visible_cases(principal: Principal) -> models.QuerySet[Any]:
    return authz.visible(principal, Case.objects.all()).values("pk")


class _StaffScoped(authz.Policy):
    def scope_for(self, principal: Principal, action: str, obj: Any) -> str | None:
        return "workbench" if principal.is_staff_member else self.scopes.get(action)


@authz.register
class FeeOrderPolicy(_StaffScoped):
    model = FeeOrder
    scopes = {"view": "cases:read", "pay": "cases:write", "close": "cases:write"}

    def visible(self, principal: Principal, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if principal.is_staff_member:
            if sees_all(principal):
                return queryset
            dept = principal.department_id
            if dept is None:
                return queryset.none()
            return queryset.filter(Q(lines__department_id=dept) | Q(case__front_desk_id=dept)).distinct()
        return queryset.filter(case__in=_visible_cases(principal))

    def allows(self, principal: Principal, action: str, obj: Any) -> bool:
        if action == "view":
            return True
        if action == "close":
            return is_finance(principal) or may_pay(principal, obj.case)
        if not principal.is_staff_member:
            return action == "pay" and may_pay(principal, obj.case)
        if action == "refund":
            dept = principal.department_id
            return is_finance(principal) or obj.lines.filter(department_id=dept).exists()
        if action == "record_transfer":
            return is_finance(principal) or (
                StaffRole.WINDOW_CLERK in principal.roles
                and principal.department_id == obj.case.front_desk_id
            )
        return False


@authz.register
class RefundPolicy(_StaffScoped):
    model = Refund
    scopes = {"view": "cases:read"}

    def visible(self, principal: Principal, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if principal.is_staff_member:
            if sees_all(principal):
                return queryset
            dept = principal.department_id
            if dept is None:
                return queryset.none()
            return queryset.filter(
                Q(order__lines__department_id=dept) | Q(order__case__front_desk_id=dept)
            ).distinct()
        return queryset.filter(order__case__in=_visible_cases(principal))

    def allows(self, principal: Principal, action: str, obj: Any) -> bool:
        return action == "view"


@authz.register
class ReceiptPolicy(_StaffScoped):
    model = Receipt
    scopes = {"view": "cases:read"}

    def visible(self, principal: Principal, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        orders = authz.visible(principal, FeeOrder.objects.all()).values("pk")
        return queryset.filter(order__in=orders)

    def allows(self, principal: Principal, action: str, obj: Any) -> bool:
        return action == "view"


@authz.register
class MismatchPolicy(authz.Policy):
    model = Mismatch
    scopes = {"view": "workbench", "resolve": "workbench"}

    def visible(self, principal: Principal, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset if principal.is_staff_member and sees_all(principal) else queryset.none()

    def allows(self, principal: Principal, action: str, obj: Any) -> bool:
        return action == "view" or (action == "resolve" and is_finance(principal))
