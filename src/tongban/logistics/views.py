"""Pages of logistics: a case's parcels for its applicant (tracking, and the address form for posting
results or having materials collected), and the staff list of shipments needing attention.

Cases and shipments the principal may not see are a 404, as in the cases pages.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tongban.accounts.principal import Principal
from tongban.accounts.request import principal_for
from tongban.cases import query as case_query
from tongban.cases.constants import DeliveryMethod
from tongban.cases.models import Case
from tongban.logistics import presenters, query
from tongban.logistics.constants import OPEN, AttentionReason, ShipmentKind
from tongban.logistics.models import Shipment
from tongban.logistics.policies import may_request
from tongban.logistics.postal import FIELDS, districts
from tongban.logistics.services import shipments
from tongban.utils import authz
from tongban.utils.errors import DomainError, Forbidden, NotFound, ValidationFailed
from tongban.workbench.access import staff_required


def _offers(principal: Principal, case: Case) -> list[dict[str, str]]:
    """The kinds of shipment the principal may ask for now (none while one of the kind is open)."""
    if not may_request(principal, case):
        return []
    open_kinds = set(Shipment.objects.filter(case=case, status__in=OPEN).values_list("kind", flat=True))
    out = []
    if (
        case.delivery_method == DeliveryMethod.MAIL
        and case.status in shipments.RESULT_STATUSES
        and ShipmentKind.DELIVER_RESULT not in open_kinds
    ):
        out.append({"value": ShipmentKind.DELIVER_RESULT, "label": str(ShipmentKind.DELIVER_RESULT.label)})
    if case.status in shipments.COLLECT_STATUSES and ShipmentKind.COLLECT_MATERIALS not in open_kinds:
        out.append(
            {"value": ShipmentKind.COLLECT_MATERIALS, "label": str(ShipmentKind.COLLECT_MATERIALS.label)}
        )
    return out


def _render(
    request: HttpRequest,
    principal: Principal,
    case: Case,
    *,
    values: dict[str, str] | None = None,
    errors: list[DomainError] | None = None,
    status: int = 200,
) -> HttpResponse:
    offers = _offers(principal, case)
    errors = errors or []
    context: dict[str, Any] = {
        "case": case,
        "shipments": [presenters.shipment_out(s) for s in query.shipments_of(case)],
        "offers": offers,
        "districts": districts() if offers else [],
        "values": values or {"kind": offers[0]["value"] if offers else ""},
        "errors": [{"code": e.code, "message": str(e.message), "field": e.field or ""} for e in errors],
        "field_errors": {(e.field or "").removeprefix("address."): str(e.message) for e in errors},
        "key": request.POST.get("key") or uuid.uuid4().hex,
    }
    return render(request, "logistics/tracking.html", context, status=status)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def tracking(request: HttpRequest, case_no: str) -> HttpResponse:
    p = principal_for(request)
    case = case_query.case_for(p, case_no)
    authz.authorize(p, "view", case)
    if request.method == "GET":
        return _render(request, p, case)
    values = {name: request.POST.get(name, "").strip() for name in ("kind", *FIELDS)}
    try:
        shipments.create_shipment(
            p,
            case,
            kind=values["kind"],
            address={name: values[name] for name in FIELDS},
            idempotency_key=request.POST.get("key", ""),
        )
    except ValidationFailed as exc:
        return _render(request, p, case, values=values, errors=exc.errors, status=400)
    except DomainError as exc:
        if isinstance(exc, NotFound | Forbidden):
            raise
        return _render(request, p, case, values=values, errors=[exc], status=exc.status)
    messages.success(request, _("Thank you: we arrange the courier and show the parcel's way here."))
    return redirect("logistics:tracking", case_no=case.case_no)


@staff_required
@never_cache
@require_http_methods(["GET", "POST"])
def attention(request: HttpRequest) -> HttpResponse:
    p = principal_for(request)
    if request.method == "POST":
        shipment = query.shipment_for(p, request.POST.get("shipment", ""))
        try:
            shipments.resolve_attention(
                p, shipment, action=request.POST.get("action", ""), note=request.POST.get("note", "")
            )
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, f"{exc.message} [{exc.code}]")
        else:
            messages.success(
                request, _("Shipment %(waybill)s settled.") % {"waybill": shipment.waybill_no or "—"}
            )
        return redirect("logistics:attention")
    rows: list[Shipment] = list(query.needing_attention(p).prefetch_related("events")[:500])
    context = {
        "rows": [
            {
                **presenters.shipment_out(s, events=False),
                "attention_at": s.attention_at,
                "last_error": s.last_error,
                "may_resolve": authz.can(p, "resolve", s),
            }
            for s in rows
        ],
        "reasons": AttentionReason.choices,
    }
    return render(request, "logistics/attention.html", context)
