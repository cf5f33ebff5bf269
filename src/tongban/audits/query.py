from __future__ import annotations

from django.db.models import QuerySet

from tongban.accounts.principal import Principal
from tongban.audits.models import AuditEvent
from tongban.utils import authz


def events_visible_to(principal: Principal) -> QuerySet[AuditEvent]:
    return authz.visible(principal, AuditEvent.objects.all()).order_by("-seq")


def access_to_my_data(principal: Principal) -> QuerySet[AuditEvent]:
    """Events where someone other than the owner touched the owner's personal data."""
    assert principal.user is not None
    return (
        AuditEvent.objects.filter(subject_user_id=principal.user.pk)
        .exclude(actor_id=principal.user.pk)
        .order_by("-seq")
    )
