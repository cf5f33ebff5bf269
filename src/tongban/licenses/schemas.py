"""API shapes of the licence library. Personal values leave only masked unless the holder asks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class LicenseTypeBrief(Schema):
    code: str
    name: str
    name_en: str = ""


class DepartmentBrief(Schema):
    slug: str
    name: str
    uscc: str = ""


class FaceFieldOut(Schema):
    name: str
    title: str
    value: Any
    personal: bool = False


class LicenseSummaryOut(Schema):
    id: int
    identifier: str
    number: str
    type: LicenseTypeBrief
    issuer: DepartmentBrief
    holder_name: str
    issued_on: dt.date
    valid_from: dt.date
    valid_to: dt.date | None = Field(None, description="null: long-term (长期有效)")
    status: str
    status_label: str
    version: int

    @staticmethod
    def resolve_type(obj: Any) -> Any:
        return obj["type"] if isinstance(obj, dict) else obj.license_type

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return obj["status_label"] if isinstance(obj, dict) else str(obj.get_status_display())


class VersionOut(Schema):
    version: int
    identifier: str
    valid_from: dt.date
    valid_to: dt.date | None
    superseded_at: dt.datetime
    reason: str


class LicenseDetailOut(LicenseSummaryOut):
    holder_code: str = Field(description="Masked unless the holder asked for unmasked values")
    holder_code_type: str
    status_reason: str
    fields: list[FaceFieldOut]
    signed: bool
    signing_kid: str
    versions: list[VersionOut]


class PresentationIn(Schema):
    fields: list[str] = Field(min_length=1, max_length=60, description="Face field names to disclose")


class PresentationOut(Schema):
    token: str
    qr_svg: str
    expires_at: dt.datetime
    fields: list[str]


class VerifyIn(Schema):
    token: str = Field(min_length=1, max_length=20000)


class CheckOut(Schema):
    name: str
    ok: bool
    detail: str = ""


class DisclosedOut(Schema):
    name: str
    title: str
    value: Any


class VerifyOut(Schema):
    valid: bool
    code: str = Field(description="valid, or why not: expired_presentation, revoked, suspended, ...")
    license_identifier: str | None = None
    type_code: str | None = None
    type_name: str = ""
    issuer: str | None = None
    issuer_name: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    disclosed: list[DisclosedOut] = []
    checks: list[CheckOut] = []
    verified_before: int = 0


class StatusListOut(Schema):
    list_id: str
    token: str = Field(description="Compact JWS (typ tb-sl) signed by the platform key")


class StatusListIndexOut(Schema):
    lists: list[str]
    ttl: int


class AccessOut(Schema):
    id: int
    license_id: int
    license_type: str
    license_number: str
    kind: str
    kind_label: str
    department: str = ""
    staff: str = Field("", description="Masked name of the staff member")
    system: str = ""
    case_reference: str = ""
    purpose: str = ""
    fields: list[str]
    accessed_at: dt.datetime


class ConsentIn(Schema):
    case_reference: str = Field(min_length=1, max_length=40)
    license_types: list[str] = Field(min_length=1, max_length=30, description="Licence type codes")
    purpose: str = Field(min_length=1, max_length=200)
    departments: list[str] = Field(
        [], description="Department slugs; empty: any department handling the case"
    )
    expires_at: dt.datetime | None = None


class ConsentOut(Schema):
    id: int
    case_reference: str
    purpose: str
    license_types: list[LicenseTypeBrief]
    departments: list[DepartmentBrief]
    granted_at: dt.datetime
    expires_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    active: bool


class ReuseIn(Schema):
    holder_code: str = Field(min_length=1, max_length=18, description="ID number or USCC of the holder")
    license_types: list[str] = Field(min_length=1, max_length=30)
    case_reference: str = Field(min_length=1, max_length=40)
    purpose: str = Field(min_length=1, max_length=200)


class ReusedOut(Schema):
    license_id: int
    identifier: str
    license_type: str
    number: str
    holder_name: str
    issuer: str
    valid_from: dt.date
    valid_to: dt.date | None
    fields: dict[str, Any]
