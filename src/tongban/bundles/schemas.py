"""Schemas of the public bundle API (一件事): bundles, their merged guide and what they save."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from ninja import Field, Schema
from pydantic import field_validator

from tongban.items.constants import Audience, TopicKind
from tongban.items.schemas import (
    DepartmentRef,
    ExemptionOut,
    TimeLimitOut,
    TopicRef,
    audience_value,
    invalid,
)

# --- input ------------------------------------------------------------------------------------------


class BundleFilters(Schema):
    audience: str = Field(
        "",
        description="`natural` (individuals) or `legal` (businesses and organisations).",
        json_schema_extra={"enum": ["", *Audience.values]},
    )
    kind: str = Field(
        "",
        description="`life_event` or `business_event`.",
        json_schema_extra={"enum": ["", *TopicKind.values]},
    )
    topic: str = Field("", description="Topic code (life or business event).")

    @field_validator("audience")
    @classmethod
    def _known_audience(cls, value: str) -> str:
        return audience_value(value)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value and value not in TopicKind.values:
            raise invalid("unknown_bundle_kind", _('Unknown kind: use "life_event" or "business_event".'))
        return value


# --- output -----------------------------------------------------------------------------------------


class BundleOut(Schema):
    code: str
    name: str
    name_en: str
    summary: str
    kind: str
    audience: str
    topic: TopicRef | None
    lead_department: DepartmentRef
    published_at: datetime | None
    policy_basis: str


class SituationOut(Schema):
    code: str
    question: str
    question_en: str
    selected: bool = Field(description="Whether the request answered yes to this situation.")
    item_codes: list[str] = Field(description="The optional items a yes brings into the bundle.")


class BundleItemOut(Schema):
    code: str
    version: int
    name: str
    department: DepartmentRef
    optional: bool
    situation: str | None = Field(description="Code of the situation that brings the item in, if optional.")
    visits: int
    online_depth: int
    promised_time: TimeLimitOut


class MissingItemOut(Schema):
    code: str = Field(description="A bundle entry with no published item: shown, never silently dropped.")
    optional: bool
    situation: str | None


class MergedMaterialOut(Schema):
    kind_code: str
    kind_name: str
    needed_by: list[str] = Field(description="Codes of the items that ask for it.")
    required: bool = Field(description="Required unconditionally by at least one item.")
    conditions: list[str]
    exemption: ExemptionOut


class FormFieldOut(Schema):
    key: str
    label: str
    label_en: str
    kind: str


class BundleFeeOut(Schema):
    item_code: str
    name: str
    standard: str
    amount_cents: int | None = Field(description="Fixed amount in fen (分); null when charged by rate.")
    basis: str
    waivable: bool
    waiver_note: str


class BundleFeesOut(Schema):
    items: list[BundleFeeOut]
    fixed_total_cents: int = Field(description="Sum of the fixed fees; fees charged by rate are not summed.")
    fixed_total_yuan: float


class SavingsOut(Schema):
    """Applying item by item (before) against applying for the bundle once (after)."""

    materials_before: int
    materials_after: int = Field(description="Distinct material kinds still handed in.")
    materials_exempt: int = Field(description="Distinct material kinds government already holds.")
    fields_before: int
    fields_after: int
    visits_before: int
    visits_after: int
    departments_before: int
    departments_after: int
    days_before: int = Field(description="Sum of the promised times, in working days.")
    days_after: int = Field(description="The longest promised time, in working days (parallel review).")


class BundleDetailOut(BundleOut):
    situations: list[SituationOut]
    selected_situations: list[str]
    items: list[BundleItemOut]
    missing_items: list[MissingItemOut]
    materials: list[MergedMaterialOut]
    form_fields: list[FormFieldOut] = Field(description="Each field once, however many items ask for it.")
    fees: BundleFeesOut
    savings: SavingsOut
