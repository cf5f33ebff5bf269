from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from tongban.accounts.constants import StaffRole
from tongban.accounts.principal import Principal
from tongban.audits.models import AuditEvent
from tongban.utils import authz

_OVERSIGHT = {StaffRole.SUPERVISOR, StaffRole.ADMINISTRATOR}


@authz.register
class AuditEventPolicy(authz.Policy):
    """Owners see events about their data and their own actions; supervisors see everything."""

    model = AuditEvent
    scopes = {"view": "audit:read"}

    def visible(self, principal: Principal, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        if principal.is_superuser or principal.roles & _OVERSIGHT:
            return queryset
        assert principal.user is not None
        return queryset.filter(Q(subject_user_id=principal.user.pk) | Q(actor_id=principal.user.pk))

    def allows(self, principal: Principal, action: str, obj: Any) -> bool:
        return action == "view"
