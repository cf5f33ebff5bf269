"""API shapes of the service desk."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

KindName = Literal["consultation", "complaint", "suggestion", "praise"]


class TicketIn(Schema):
    kind: KindName
    subject: str = Field(max_length=200)
    body: str = Field(max_length=4000)
    category: str = Field(
        "",
        description="办事效率 `efficiency`, 服务态度 `attitude`, 材料要求 `materials`, "
        "`procedure`, 系统故障 `system`, 收费问题 `fees`, 其他 `other` (default).",
    )
    item: str = Field("", description="Implementation code (实施编码) of the service asked about.")
    case_no: str = Field("", description="A case of yours the request is about.")
    department: str = Field("", description="Staff only: the department's slug (else from item or case).")
    contact_by: Literal["", "inbox", "sms", "phone"] = Field("", description="How to answer (default inbox).")
    contact_name: str = Field("", max_length=50, description="Staff only: the caller's name.")
    contact_phone: str = Field(
        "", max_length=20, description="A call-back number (requesters: default the account's mobile)."
    )
    channel: Literal["", "phone", "window"] = Field("", description="Staff only: how the request came in.")
    resolved_by: str = Field(
        "",
        description="Consultations: `faq:<id>` or `kb:<id>` of the FAQ answer that "
        "settled the question (nothing is routed; recorded as self-served).",
    )


class ReplyIn(Schema):
    body: str = Field(max_length=4000)
    internal: bool = Field(False, description="Staff only: a note the requester never sees.")


class RateIn(Schema):
    satisfied: bool
    comment: str = Field("", max_length=500)


class ReasonIn(Schema):
    reason: str = Field(max_length=500)


class CloseIn(Schema):
    note: str = Field("", max_length=500)


class RouteIn(Schema):
    department: str = Field(description="The department's slug.")


class TransferIn(Schema):
    department: str = Field(description="The department's slug.")
    reason: str = Field(max_length=500, description="Shown to the requester.")


class PromoteIn(Schema):
    question: str = Field("", max_length=300, description="Default: the ticket's subject.")
    answer: str = Field("", max_length=4000, description="Default: the last answer.")
    publish: bool = True


class ContactOut(Schema):
    name: str = Field(description="Masked for staff.")
    phone: str = Field(description="Masked for staff.")
    by: str


class ReplyOut(Schema):
    id: int
    author_role: str
    author: str
    body: str
    internal: bool
    created_at: dt.datetime


class EventOut(Schema):
    action: str
    label: str
    from_department: str
    to_department: str
    note: str
    due_on: dt.date | None
    at: dt.datetime


class TicketSummaryOut(Schema):
    number: str
    kind: str
    category: str
    channel: str
    status: str
    status_label: str
    subject: str
    item: str | None
    item_name: str
    case_no: str | None
    department: str | None
    department_name: str
    due_on: dt.date | None
    overdue: bool
    created_at: dt.datetime
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None
    satisfaction: str | None
    reopen_count: int


class TicketOut(TicketSummaryOut):
    body: str
    rating_comment: str
    resolved_by: str | None
    contact: ContactOut
    replies: list[ReplyOut]
    events: list[EventOut]


class FaqOut(Schema):
    ref: str = Field(description="Send as `resolved_by` when this answered the question.")
    source: Literal["catalogue", "knowledge"]
    id: int
    question: str
    answer: str
    item: str | None
    item_name: str


class KnowledgeOut(Schema):
    id: int
    item: str | None = Field(alias="item_code")
    question: str
    answer: str
    published: bool
