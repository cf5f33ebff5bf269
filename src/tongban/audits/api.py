from __future__ import annotations

from django.http import HttpRequest

from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate

from tongban.api.auth import principal
from tongban.audits import query
from tongban.audits.models import AuditEvent
from tongban.audits.schemas import AuditEventOut

router = Router(tags=["audit"])


@router.get("/events", response=list[AuditEventOut], summary="Audit events you may see, newest first")
@paginate(LimitOffsetPagination)
def list_events(request: HttpRequest, event: str = "") -> list[AuditEvent]:
    p = principal(request)
    p.require_scope("audit:read")
    qs = query.events_visible_to(p)
    return qs.filter(event=event) if event else qs  # type: ignore[return-value]


@router.get("/my-data-access", response=list[AuditEventOut], summary="Who accessed your personal data")
@paginate(LimitOffsetPagination)
def my_data_access(request: HttpRequest) -> list[AuditEvent]:
    p = principal(request)
    p.require_scope("audit:read")
    return query.access_to_my_data(p)  # type: ignore[return-value]
