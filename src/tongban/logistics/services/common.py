"""Shared steps of logistics services: attention flags, applicant messages, audit events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.functional import Promise

import structlog

from tongban.accounts.principal import Principal
from tongban.audits import services as audit
from tongban.cases.constants import EventKind as CaseEventKind
from tongban.cases.services.common import event as case_event
from tongban.logistics.models import Shipment
from tongban.notifications.constants import Channel
from tongban.notifications.services import notify

log = structlog.get_logger(__name__)
SYSTEM = "system"


def audit_shipment(event_name: str, shipment: Shipment, principal: Principal | None, **summary: Any) -> None:
    """The summary holds codes and the waybill number, never the address."""
    audit.record(
        event_name,
        principal=principal,
        obj=shipment,
        actor_label=None if principal is not None else SYSTEM,
        summary={
            "case": shipment.case.case_no,
            "kind": shipment.kind,
            "carrier": shipment.carrier,
            "waybill": shipment.waybill_no,
            "status": shipment.status,
            **summary,
        },
    )


def flag(shipment: Shipment, reason: str, now: dt.datetime, **detail: Any) -> None:
    """Ask staff to step in (the shipment shows on their "needs attention" list); saved by the caller."""
    if shipment.needs_attention and shipment.attention_reason == reason:
        return
    shipment.needs_attention, shipment.attention_reason, shipment.attention_at = True, reason, now
    log.warning("shipment_needs_attention", shipment=str(shipment.uid), reason=reason, **detail)
    audit_shipment("shipment.attention", shipment, None, reason=reason, **detail)


def on_timeline(
    shipment: Shipment, code: str, label: str | Promise, *, at: dt.datetime, location: str = ""
) -> None:
    """A step of the parcel on the case's timeline (carrier, waybill, what happened, where; never the
    address or the carrier's free text, which can name people)."""
    from tongban.logistics.carriers.registry import UnknownCarrier, registry

    try:
        name = str(registry.get(shipment.carrier).label) or shipment.carrier
    except UnknownCarrier:
        name = shipment.carrier
    parts = [f"{name} {shipment.waybill_no}".strip(), str(label)]
    if location:
        parts.append(location[:60])
    case_event(
        shipment.case,
        CaseEventKind.PARCEL,
        message=" · ".join(parts),
        data={"waybill": shipment.waybill_no, "code": code, "kind": shipment.kind},
        at=at,
    )


def notify_applicant(shipment: Shipment, template: str, key: str, **params: Any) -> None:
    """A message to the case's applicant; ``key`` makes it happen once per shipment."""
    case = shipment.case
    notify(
        recipient=case.applicant,
        template=template,
        params={
            "case_no": case.case_no,
            "target": case.target_name,
            "waybill": shipment.waybill_no,
            **params,
        },
        key=f"shipment:{shipment.uid}:{key}",
        channels=(Channel.INBOX, Channel.SMS, Channel.EMAIL),
    )
