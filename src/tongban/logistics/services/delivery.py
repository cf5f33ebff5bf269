"""Signed for (签收): the posted results reached the applicant, so the case is delivered and closed.

The case ends in the same state as when the window hands results over (``cases.services.issuance.
mark_delivered``): status closed, ``delivered_at``, ``closed_at`` and ``rating_invited_at`` set, the
working days used frozen, "delivered" and "closed" on the timeline, the applicant told. The time is the
carrier's signing time (never later than now), not the time the message reached us.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.cases import clocks
from tongban.cases.constants import CaseStatus, EventKind
from tongban.cases.models import Case
from tongban.cases.services.common import audit_case, event, notify_applicant, save_case
from tongban.cases.services.routing import case_clock
from tongban.logistics.models import Shipment


def deliver_case(case: Case, *, at: dt.datetime, shipment: Shipment) -> bool:
    """Close ``case`` as delivered by ``shipment``; False (nothing changed) unless it awaited delivery.

    Call inside the transaction that records the signed-for event.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.ISSUED:
        return False
    case.status = CaseStatus.CLOSED
    case.delivered_at = case.closed_at = case.rating_invited_at = at
    case.elapsed_days = clocks.elapsed(case_clock(case), timezone.localdate(at)) if case.accepted_on else 0
    event(
        case,
        EventKind.DELIVERED,
        message=_("Signed for: waybill %(waybill)s") % {"waybill": shipment.waybill_no},
        data={"carrier": shipment.carrier, "waybill": shipment.waybill_no, "shipment": str(shipment.uid)},
        at=at,
    )
    event(case, EventKind.CLOSED, data={"elapsed_days": case.elapsed_days}, at=at)
    save_case(case, "status", "delivered_at", "closed_at", "elapsed_days", "rating_invited_at")
    audit_case("case.delivered", case, None, waybill=shipment.waybill_no, carrier=shipment.carrier)
    notify_applicant(case, "case.closed", "closed")
    return True
