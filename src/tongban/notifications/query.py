from __future__ import annotations

from django.db.models import QuerySet

from tongban.accounts.principal import Principal
from tongban.notifications.constants import Channel
from tongban.notifications.models import Notification
from tongban.utils import authz


def inbox(principal: Principal) -> QuerySet[Notification]:
    return authz.visible(principal, Notification.objects.filter(channel=Channel.INBOX)).order_by(
        "-created_at"
    )


def unread_count(principal: Principal) -> int:
    return inbox(principal).filter(read_at__isnull=True).count()
