"""API shapes of licence error reports (纠错) and the error-rate statistics."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from tongban.licenses.schemas import DepartmentBrief, LicenseTypeBrief


class CorrectionItemIn(Schema):
    field: str = Field(description="A face field of the licence type, or `holder_name` / `valid_to`")
    proposed: str | None = Field(None, description="The correct value (a date as YYYY-MM-DD, or 长期)")
    note: str = Field("", description="Why, in a few words")


class CorrectionIn(Schema):
    items: list[CorrectionItemIn] = Field(description="What is wrong: one entry per field (at most 20)")
    evidence_note: str = Field("", description="Evidence in words (at most 2000 characters)")
    holder_code: str = Field(
        "",
        description="Window staff only: the applicant's ID number or credit code, as on the licence",
    )
    idempotency_key: str = Field(
        "",
        description="Optional (or the `Idempotency-Key` header): a retry with the same key returns the "
        "first report instead of a second one",
    )


class CorrectionActionIn(Schema):
    action: Literal["accept", "reject", "correct"]
    reason: str = Field("", description="Required to reject; a note to the reporter otherwise")
    values: dict[str, str] = Field(
        default_factory=dict, description="`correct` only: adjusted values of reported fields"
    )


class CorrectionItemOut(Schema):
    field: str
    title: str
    current: str = Field(description="What the licence says now (personal fields masked for window staff)")
    proposed: str
    applied: str | None = Field(None, description="The value the department applied")
    note: str = ""


class CorrectionEventOut(Schema):
    status: str
    label: str
    at: dt.datetime
    note: str = ""
    actor: str


class CorrectionSummaryOut(Schema):
    id: int
    reference: str = Field(description="JC + date + number, e.g. JC2025100900001")
    status: Literal["submitted", "accepted", "corrected", "rejected"]
    status_label: str
    license_id: int
    license_number: str
    license_type: LicenseTypeBrief
    department: DepartmentBrief
    reporter_kind: Literal["holder", "staff"]
    submitted_at: dt.datetime
    due_on: dt.date = Field(description="The department's deadline, in working days")
    overdue: bool
    deadline: Literal["green", "yellow", "red", "done"]
    new_version: int | None = None
    resolved_at: dt.datetime | None = None


class CorrectionPageOut(Schema):
    items: list[CorrectionSummaryOut]
    count: int


class CorrectionDetailOut(CorrectionSummaryOut):
    view: Literal["department", "reporter", "holder"] = Field(description="How you see this report")
    license_version: int = Field(description="The version reported")
    items: list[CorrectionItemOut]
    evidence_note: str
    evidence_file: bool
    evidence_sha256: str
    decision_reason: str
    reporter: str
    events: list[CorrectionEventOut]
    may_decide: bool = Field(description="You may accept, reject or correct it now")


class StatRowOut(Schema):
    key: str = Field(description="Licence type code or department slug")
    name: str
    licences: int
    submitted: int
    corrected: int
    rejected: int
    open: int
    overdue: int
    findings_open: int = Field(description="Open quality findings")
    findings_errors: int = Field(description="Open quality findings of severity error")
    error_rate: float | None = Field(description="Corrected reports ÷ licences; null without licences")


class LicenseStatsOut(Schema):
    by_type: list[StatRowOut]
    by_department: list[StatRowOut]
    totals: StatRowOut
    all_departments: bool
    since: dt.date | None
