from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest

from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate

from tongban.api.auth import principal
from tongban.notifications import query, services
from tongban.notifications.models import Notification
from tongban.notifications.schemas import NotificationOut
from tongban.utils import authz

router = Router(tags=["notifications"])


@router.get("/me/notifications", response=list[NotificationOut], summary="Your message centre, newest first")
@paginate(LimitOffsetPagination)
def list_notifications(request: HttpRequest) -> QuerySet[Notification]:
    p = principal(request)
    p.require_scope("profile:read")
    return query.inbox(p)


@router.post("/me/notifications/{note_id}/read", response=NotificationOut, summary="Mark a message as read")
def read_notification(request: HttpRequest, note_id: int) -> Notification:
    p = principal(request)
    note = authz.get_or_404(p, query.inbox(p), pk=note_id)
    authz.authorize(p, "mark_read", note)
    return services.mark_read(notification=note)
