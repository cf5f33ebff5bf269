"""Signed for (签收): the posted results reached the applicant, so the case is delivered and closed.

The case is closed by ``cases.services.issuance.deliver_and_close``, as when the window hands results
over; the applicant is told. The time is the
carrier's signing time (never later than now), not the time the message reached us.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from tongban.cases.constants import CaseStatus
from tongban.cases.models import Case
from tongban.cases.services.common import audit_case, notify_applicant, save_case
from tongban.cases.services.issuance import CLOSING_FIELDS, deliver_and_close
from tongban.logistics.models import Shipment


def deliver_case(case: Case, *, at: dt.datetime, shipment: Shipment) -> bool:
    """Close ``case`` as delivered by ``shipment``; False (nothing changed) unless it awaited delivery.

    Call inside the transaction that records the signed-for event.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != CaseStatus.ISSUED:
        return False
    deliver_and_close(
        case,
        at,
        message=_("Signed for: waybill %(waybill)s") % {"waybill": shipment.waybill_no},
        data={"carrier": shipment.carrier, "waybill": shipment.waybill_no, "shipment": str(shipment.uid)},
    )
    save_case(case, *CLOSING_FIELDS)
    audit_case("case.delivered", case, None, waybill=shipment.waybill_no, carrier=shipment.carrier)
    notify_applicant(case, "case.closed", "closed")
    return True
