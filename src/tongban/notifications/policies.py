from __future__ import annotations

from typing import Any

from django.db import models

from tongban.accounts.principal import Principal
from tongban.notifications.models import Notification
from tongban.utils import authz


@authz.register
class NotificationPolicy(authz.Policy):
    """A message is its recipient's alone."""

    model = Notification
    scopes = {"view": "profile:read", "mark_read": "profile:read"}

    def visible(self, principal: Principal, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        assert principal.user is not None
        return queryset.filter(recipient=principal.user)

    def allows(self, principal: Principal, action: str, obj: Any) -> bool:
        return action in {"view", "mark_read"}
