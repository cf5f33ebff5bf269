from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class LegalPersonRef(Schema):
    uscc: str
    name: str
    kind: str


class ActingFor(Schema):
    uscc: str
    name: str
    role: str
    scopes: list[str]


class MeOut(Schema):
    username: str
    kind: str
    display_name: str
    real_name: str | None = None
    id_number_masked: str | None = None
    id_number: str | None = Field(
        default=None, description="Full ID number; only ever returned to its owner."
    )
    mobile_masked: str | None = None
    verified: bool = False
    department: str | None = None
    roles: list[str] = []
    acting_for: ActingFor | None = None


class MePatch(Schema):
    mobile: str = Field(..., description="Mainland mobile number, 11 digits.")


class RepresentationOut(Schema):
    id: int
    legal_person: LegalPersonRef
    person_display_name: str
    role: str
    scopes: list[str]
    valid_from: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    active: bool


class AgentIn(Schema):
    id_number: str = Field(..., description="Resident ID number of the person to authorise.")
    real_name: str = Field(..., description="Their name, which must match the account.")
    scopes: list[str]
    expires_at: datetime


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    acting_for: str | None
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class PersonLookupIn(Schema):
    id_number: str
    purpose: str = Field(..., min_length=2, max_length=100, description="Why the record is opened (logged).")


class PersonOut(Schema):
    real_name: str
    id_number_masked: str
    mobile_masked: str
    verified: bool


class StaffOut(Schema):
    username: str
    real_name: str
    employee_no: str
    department: str
    window: str | None
    district: str | None
    roles: list[str]
