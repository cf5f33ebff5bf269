"""Input and output schemas of the ratings API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field


class RateIn(Schema):
    level: str = Field(
        description="very_satisfied | satisfied | basically_satisfied | dissatisfied | very_dissatisfied"
    )
    channel: str = Field("pc", description="pc | mobile | qr | hall_tablet")
    tags: list[str] = Field(
        default_factory=list, description="Indicators of the service's kind (online or window)"
    )
    comment: str = ""
    anonymous: bool = Field(False, description="Hide your identity from the department")
    follow_up: bool = Field(False, description="The one follow-up (追评) after the first rating")
    window: str = Field("", description="Service window code, for ratings through the window's QR code")


class RatingCodesOut(Schema):
    gbt39046: int = Field(description="GB/T 39046 A.8: 1 = 非常满意 … 5 = 非常不满意")
    provincial: int = Field(description="Provincial interface: 1 = 非常不满意 … 5 = 非常满意")
    channel: int


class RaterOut(Schema):
    name: str
    kind: str
    acting_for: str | None


class RatingOut(Schema):
    id: int
    case_no: str | None = Field(description="Hidden from the department for anonymous ratings")
    sequence: int
    is_current: bool
    level: str
    level_label: str
    codes: RatingCodesOut
    channel: str
    channel_label: str
    mode: str
    tags: list[str]
    tag_labels: list[str]
    comment: str
    anonymous: bool
    department: str
    department_name: str
    item_code: str | None
    item_name: str
    rated_at: dt.datetime | None
    rated_on: dt.date
    excluded: bool
    excluded_reason: str
    rater: RaterOut | None = Field(description="Only to the rater and supervisors")
    window_staff: str | None


class StepOut(Schema):
    action: str
    label: str
    at: dt.datetime
    note: str
    data: dict[str, Any]


class RectificationOut(Schema):
    id: int
    reference: str
    status: str
    status_label: str
    department: str
    department_name: str
    due_on: dt.date
    overdue: bool
    classification: str
    classification_label: str
    response: str
    responded_at: dt.datetime | None
    reopen_count: int
    rater_satisfied: bool | None
    outcome: str
    outcome_label: str
    on_time: bool | None
    closed_at: dt.datetime | None
    rating: RatingOut
    callback: dict[str, Any] | None = Field(description="Staff only")
    escalation: dict[str, Any] | None = Field(description="Staff only")
    appeal: dict[str, Any] | None = Field(description="Staff only")
    handler: str | None
    contact: str | None = Field(description="Masked phone: the handler of a named rating and supervisors")
    steps: list[StepOut]


class RatedOut(Schema):
    rating: RatingOut
    rectification: RectificationOut | None


class ActionIn(Schema):
    action: str = Field(
        description=(
            "claim | callback | classify | respond | confirm | reopen | appeal | decide_appeal | close"
        )
    )
    reached: bool | None = Field(None, description="callback: was the rater reached")
    notes: str = Field("", description="callback: what the call found")
    called_at: dt.datetime | None = Field(None, description="callback: when (default now)")
    classification: str = Field("", description="classify: immediate | scheduled | explanation")
    text: str = Field("", description="respond: the answer shown to the rater")
    reason: str = Field("", description="appeal, decide_appeal: reasons")
    upheld: bool | None = Field(None, description="decide_appeal")
    note: str = Field("", description="classify, confirm, reopen, close: a remark")


class FigureOut(Schema):
    scope: str
    key: str
    label: str
    period: str
    ratings: int
    good: int
    bad: int
    rectified: int
    closed_on_time: int
    good_rate: float | None
    rectification_rate: float | None
    on_time_rate: float | None
    computed_at: dt.datetime


class StatsOut(Schema):
    period: str
    periods: list[str]
    figures: list[FigureOut]
