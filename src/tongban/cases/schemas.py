"""API shapes of cases. Personal data leaves only masked (ID numbers) and only to those who may see it."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema


class MaterialIn(Schema):
    kind: str = Field(description="Material kind code (e.g. `premises_proof`).")
    upload: str = Field("", description="Id of an upload made with `POST /cases/uploads`.")
    presentation: str = Field(
        "", description="Window only: a licence presentation token scanned from a QR code."
    )


class CaseIn(Schema):
    target_kind: Literal["item", "bundle"]
    target_code: str = Field(description="实施编码 of an item, or a bundle code (e.g. `open-restaurant`).")
    situations: list[str] = Field(default_factory=list, description="Bundle situations (情形) that apply.")
    form: dict[str, Any] = Field(default_factory=dict)
    materials: list[MaterialIn] = Field(default_factory=list)
    consents: list[str] = Field(
        default_factory=list,
        description="Material kinds (or licence type codes) the platform may fetch from the licence library.",
    )
    delivery_method: Literal["electronic", "pickup", "mail"] = "electronic"


class WalkInIn(CaseIn):
    id_number: str = Field(description="The walk-in applicant's resident ID number.")
    uscc: str = Field("", description="When they apply for a business: its unified social credit code.")


class UploadOut(Schema):
    id: str
    name: str
    size: int
    sha256: str
    mime: str


class ItemOut(Schema):
    item_code: str
    name: str
    department: str
    status: str
    due_on: dt.date | None
    decision_reason: str
    decision_text: str
    result_license: str | None = Field(None, description="Identifier of the issued licence (in the wallet).")


class MaterialOut(Schema):
    kind: str
    name: str
    needed_by: list[str]
    required: bool
    status: str
    source: str
    exemption_note: str
    file_name: str | None
    sha256: str | None
    license_identifier: str | None


class EventOut(Schema):
    at: dt.datetime
    kind: str
    label: str
    department: str | None
    actor: str
    message: str


class NoticeEntryOut(Schema):
    target: str
    reason: str
    text: str


class NoticeOut(Schema):
    stage: str
    department: str
    due_on: dt.date
    entries: list[NoticeEntryOut]


class ClockOut(Schema):
    light: str
    due_on: dt.date | None
    remaining_working_days: int | None
    elapsed_working_days: int


class FiguresOut(Schema):
    visits_required: int
    materials_submitted: int
    materials_exempted: int
    elapsed_working_days: int | None
    promised_working_days: int | None


class CaseOut(Schema):
    case_no: str
    status: str
    status_label: str
    target_kind: str
    target_code: str
    target_name: str
    applicant: str
    channel: str
    submitted_at: dt.datetime | None
    clock: ClockOut
    legal_due_on: dt.date | None


class CaseDetailOut(CaseOut):
    items: list[ItemOut]
    materials: list[MaterialOut]
    timeline: list[EventOut]
    notice: NoticeOut | None
    figures: FiguresOut
    pre_review: str
    pre_review_reason: str
    may_withdraw: bool


class SupplementIn(Schema):
    form: dict[str, Any] = Field(default_factory=dict, description="Only the corrected fields.")
    materials: list[MaterialIn] = Field(default_factory=list)
    note: str = ""


class WithdrawIn(Schema):
    reason: str = ""


class NoticeEntryIn(Schema):
    target: str = Field(description="`material:<kind code>` or `field:<form key>`.")
    reason: str = Field(description="Reason code (GET /workbench/reasons).")
    text: str = ""


class CompleteIn(Schema):
    decision: Literal[
        "accepted", "notice", "not_accepted", "approve", "reject", "supplement", "comment", "issue"
    ]
    comment: str = ""
    reason: str = Field("", description="Legal reason code, required to refuse or not accept.")
    reason_text: str = ""
    notice: list[NoticeEntryIn] = Field(default_factory=list)
    faces: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Issuance: licence face fields per item code, overriding the draft."
    )


class TaskOut(Schema):
    id: int
    case_no: str
    target_name: str
    kind: str
    name: str
    department: str | None
    role: str
    status: str
    item: str | None
    started_on: dt.date
    clock: ClockOut
    escalated: bool


class TaskDetailOut(TaskOut):
    form: dict[str, Any]
    case: CaseDetailOut
    draft_faces: dict[str, dict[str, Any]]


class ExtensionIn(Schema):
    days: int
    reason: str


class ReasonOut(Schema):
    kind: str
    code: str
    label: str
    basis: str
