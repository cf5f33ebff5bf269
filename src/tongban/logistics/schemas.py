"""API shapes of logistics. Addresses come in whole and go out masked."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema


class AddressIn(Schema):
    name: str = Field(description="Recipient (results) or sender (materials collected): the applicant side.")
    phone: str = Field(description="Mobile number or landline with area code.")
    region_code: str = Field(description="GB/T 2260 code of the district or county, e.g. `310101`.")
    detail: str = Field(description="Street, number, building and room.")
    postcode: str = Field(description="Six-digit postcode.")


class ShipmentIn(Schema):
    kind: Literal["deliver_result", "collect_materials"] = Field(
        description="`deliver_result`: post the results to the applicant (the case chose 邮寄); "
        "`collect_materials`: a courier collects the paper materials from the applicant."
    )
    address: AddressIn


class AddressOut(Schema):
    name: str
    phone: str
    region_code: str
    region_name: str
    detail: str
    postcode: str


class TrackingEventOut(Schema):
    code: str
    label: str
    at: dt.datetime
    location: str
    description: str


class ShipmentOut(Schema):
    id: str
    case_no: str
    kind: str
    kind_label: str
    carrier: str
    carrier_label: str
    status: str = Field(
        description="created, booked, picked_up, in_transit, out_for_delivery, delivered (signed for), "
        "returned, failed or cancelled."
    )
    status_label: str
    status_at: dt.datetime | None
    waybill_no: str
    address: AddressOut = Field(description="Masked.")
    attempts: int = Field(description="Failed pickups or deliveries of the current step.")
    needs_attention: bool
    attention_reason: str
    attention_label: str
    created_at: dt.datetime
    booked_at: dt.datetime | None
    delivered_at: dt.datetime | None
    events: list[TrackingEventOut]


class AttentionOut(ShipmentOut):
    attention_at: dt.datetime | None
    last_error: str
    staff_note: str


class ResolveIn(Schema):
    action: Literal["dismiss", "retry", "cancel"]
    note: str = Field("", max_length=300, description="What was done (e.g. called the applicant).")


class CancelIn(Schema):
    reason: str = Field("", max_length=300)


class CallbackOut(Schema):
    accepted: int = Field(description="New events applied or stored.")
    duplicates: int
    unknown: int = Field(description="Events for waybills we do not know (fetched again by polling).")
