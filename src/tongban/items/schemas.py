"""Schemas of the public catalogue API: items, catalogue statistics and the catalogue graph."""

from __future__ import annotations

import re
from datetime import datetime

from django.utils.translation import gettext as _

from ninja import Field, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from tongban.items.constants import Audience, ItemType
from tongban.items.models import ServiceItem
from tongban.items.timing import as_working_days

_DISTRICT_CODE = re.compile(r"^\d{6}$")


def invalid(code: str, message: str) -> PydanticCustomError:
    """A validation error whose ``code`` in the 422 response is ``code`` (a stable, public code)."""
    return PydanticCustomError(code, message)  # no context: the message is used as it is


def audience_value(value: str) -> str:
    """Shared by item and bundle filters: "" (any), ``natural`` or ``legal``."""
    if value and value not in Audience.values:
        raise invalid("unknown_audience", _('Unknown audience: use "natural" or "legal".'))
    return value


# --- input ------------------------------------------------------------------------------------------


class ItemFilters(Schema):
    """Query filters of ``GET /items``; every filter narrows the list further."""

    q: str = Field("", description="Words that must all appear in the name, keywords or summary, or a code.")
    department: str = Field("", description="Department slug, as in `/organizations/departments`.")
    type: str = Field(
        "",
        description="Item type: national 2-digit code of GB/T 39046 (`01` licensing … `20` public service).",
        json_schema_extra={"enum": ["", *ItemType.values]},
    )
    audience: str = Field(
        "",
        description="`natural` (individuals) or `legal` (businesses and organisations).",
        json_schema_extra={"enum": ["", *Audience.values]},
    )
    district: str = Field("", description="6-digit GB/T 2260 district code: items handled there.")
    online: bool | None = Field(None, description="`true`: fully online (全程网办, no visit); `false`: not.")
    topic: str = Field("", description="Topic code (life or business event).")

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value and value not in ItemType.values:
            raise invalid(
                "unknown_item_type", _("Unknown item type: use a national 2-digit code of GB/T 39046.")
            )
        return value

    @field_validator("audience")
    @classmethod
    def _known_audience(cls, value: str) -> str:
        return audience_value(value)

    @field_validator("district")
    @classmethod
    def _district_code(cls, value: str) -> str:
        if value and not _DISTRICT_CODE.match(value):
            raise invalid("invalid_district_code", _("A district code has 6 digits."))
        return value


# --- shared pieces ----------------------------------------------------------------------------------


class DepartmentRef(Schema):
    slug: str
    name: str


class TopicRef(Schema):
    code: str
    name: str


class LicenseTypeRef(Schema):
    code: str
    name: str


class TimeLimitOut(Schema):
    value: int | None
    unit: str = Field(description="`working_day`, `natural_day` or `month`.")
    working_days: int | None = Field(description="The limit in working days, for comparing and summing.")
    note: str = ""

    @classmethod
    def of(cls, value: int | None, unit: str, note: str = "") -> TimeLimitOut:
        return cls(value=value, unit=unit, working_days=as_working_days(value, unit), note=note)


class ExemptionOut(Schema):
    exempt: bool
    basis: str = Field(description="`city_issued`, `e_license`, `shared_data`, or empty when not exempt.")
    reason: str


# --- items ------------------------------------------------------------------------------------------


class ItemListOut(Schema):
    code: str = Field(description="Implementation code (实施编码).")
    basic_code: str = Field(description="Basic code (基本编码).")
    version: int
    name: str
    name_en: str
    department: DepartmentRef
    item_type: str
    for_natural_persons: bool
    for_legal_persons: bool
    online_depth: int = Field(description="1–4; 4 is fully online (全程网办).")
    visits: int
    case_kind: str
    promised_time: TimeLimitOut
    charges_fee: bool
    summary: str

    @staticmethod
    def resolve_promised_time(obj: ServiceItem) -> TimeLimitOut:
        return TimeLimitOut.of(obj.promised_time_limit, obj.promised_time_unit, obj.promised_time_note)


class LegalBasisOut(Schema):
    law: str
    article: str
    excerpt: str


class MaterialOut(Schema):
    kind_code: str
    kind_name: str
    name: str = Field(description="The name this item gives the material.")
    form: str = Field(description="`original`, `copy` or `electronic`.")
    original_count: int
    copy_count: int
    requirement: str = Field(description="`required` or `conditional`.")
    condition: str
    must_submit_reason: str
    notes: str
    blank_form: str = Field(description="URL of the blank form, or empty.")
    sample: str = Field(description="URL of a filled-in sample, or empty.")
    exemption: ExemptionOut


class FeeOut(Schema):
    name: str
    standard: str
    amount_cents: int | None = Field(description="Fixed amount in fen (分); null when charged by rate.")
    basis: str
    waivable: bool
    waiver_note: str


class FaqOut(Schema):
    question: str
    answer: str


class ResultOut(Schema):
    name: str
    kind: str
    license_type: LicenseTypeRef | None


class PhonesOut(Schema):
    consultation: str
    supervision: str


class WindowRef(Schema):
    code: str
    name: str


class LocationOut(Schema):
    district_code: str
    district_name: str
    window: WindowRef | None
    address: str
    hours: str
    phone: str
    notes: str


class VersionOut(Schema):
    version: int
    state: str
    published_at: datetime | None
    change_note: str


class ItemDetailOut(Schema):
    code: str = Field(description="Implementation code (实施编码).")
    basic_code: str = Field(description="Basic code (基本编码).")
    version: int
    state: str = Field(description="`published`, or `superseded` / `retired` for an older version.")
    change_note: str
    published_at: datetime | None
    name: str
    name_en: str
    summary: str
    keywords: str
    item_type: str
    local_type_code: str
    department: DepartmentRef
    exercise_level: str
    for_natural_persons: bool
    for_legal_persons: bool
    case_kind: str
    legal_time: TimeLimitOut
    promised_time: TimeLimitOut
    visits: int
    online_depth: int
    onsite_reason: str
    acceptance_conditions: str
    procedure: list[str] = Field(description="The steps, in order.")
    handling_scope: str
    channels: list[str]
    supports_appointment: bool
    supports_online_payment: bool
    supports_delivery: bool
    charges_fee: bool
    result: ResultOut
    phones: PhonesOut
    legal_bases: list[LegalBasisOut]
    materials: list[MaterialOut]
    fees: list[FeeOut]
    faqs: list[FaqOut]
    topics: list[TopicRef]
    locations: list[LocationOut] = Field(description="Where the item is handled, per district (无差别受理).")
    versions: list[VersionOut] = Field(description="Every published version of the item, newest first.")


# --- statistics -------------------------------------------------------------------------------------


class StatsOut(Schema):
    items: int
    fully_online: int
    at_most_one_visit: int
    materials: int
    materials_exempt: int
    fully_online_share: float
    at_most_one_visit_share: float
    materials_exempt_share: float


class DepartmentStatsOut(StatsOut):
    department: DepartmentRef


class CatalogStatsOut(StatsOut):
    departments: list[DepartmentStatsOut]


# --- graph ------------------------------------------------------------------------------------------


class ItemRef(Schema):
    code: str
    name: str
    department: DepartmentRef


class MaterialKindOut(Schema):
    code: str
    name: str
    source: str
    license_type: LicenseTypeRef | None
    issuing_department: DepartmentRef | None
    exemption: ExemptionOut = Field(description="The kind's exemption today, before item-specific reasons.")


class MaterialUseOut(Schema):
    item: ItemRef
    name: str
    requirement: str
    condition: str
    exemption: ExemptionOut


class MaterialItemsOut(Schema):
    kind: MaterialKindOut
    items: list[MaterialUseOut]
    submissions: int = Field(description="Uses in which applicants still hand the material in.")


class LicenseTypeOut(Schema):
    code: str
    name: str
    issuing_department: DepartmentRef
    available_electronically: bool


class SharedUseOut(Schema):
    item: ItemRef
    requirement: str
    condition: str
    becomes_exempt: bool = Field(description="False when the item records a legal reason to hand it in.")


class KindIfSharedOut(Schema):
    code: str
    name: str
    source: str
    items: list[SharedUseOut]
    submissions_saved: int


class IfSharedOut(Schema):
    license_type: LicenseTypeOut
    already_shared: bool
    material_kinds: list[KindIfSharedOut] = Field(
        description="Material kinds of this licence type that are not exempt today."
    )
    submissions_saved: int = Field(description="Material submissions that would disappear catalogue-wide.")
    items_affected: list[str] = Field(description="Codes of the items that would lose a material.")
    issuing_items: list[ItemRef] = Field(description="Published items that issue licences of this type.")


class DeptLicenseTypeOut(Schema):
    code: str
    name: str
    available_electronically: bool


class DeptMaterialKindOut(Schema):
    code: str
    name: str
    source: str
    exempt: bool


class ConsumerOut(Schema):
    department: DepartmentRef
    items: int
    submissions: int
    material_kinds: list[str]


class DepartmentGraphOut(Schema):
    department: DepartmentRef
    items: list[ItemRef]
    license_types: list[DeptLicenseTypeOut]
    material_kinds: list[DeptMaterialKindOut]
    consumers: list[ConsumerOut] = Field(
        description="Departments whose items ask for the licences or materials this department issues."
    )


class NodeOut(Schema):
    id: str
    type: str = Field(description="`item`, `material`, `license` or `department`.")
    label: str


class EdgeOut(Schema):
    source: str
    target: str
    relation: str = Field(description="`needs`, `is`, `issued_by`, `handled_by` or `issues`.")


class GraphOut(Schema):
    center: str
    nodes: list[NodeOut]
    edges: list[EdgeOut]
