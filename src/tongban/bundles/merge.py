"""The merged guide of a bundle and what it saves against applying item by item.

Every figure is computed from the items' published data:
- materials: before = every material of every item; after = distinct material kinds, minus those
  government already holds (两个免于提交);
- form fields: before = the sum of each item's fields; after = each field asked once;
- visits: before = the sum; after = the most any single item needs (one acceptance for all);
- departments: before = the departments you would deal with; after = one (the lead department);
- promised time: before = the sum of promised times; after = the longest, since departments review in
  parallel.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tongban.bundles.models import Bundle
from tongban.items.constants import Requirement
from tongban.items.exemptions import Exemption, material_exemption
from tongban.items.models import FeeItem, FormField, MaterialKind, ServiceItem
from tongban.items.timing import as_working_days


@dataclass
class MergedMaterial:
    kind: MaterialKind
    name: str
    needed_by: list[str]  # item codes
    required: bool  # required by at least one item unconditionally
    conditions: list[str]
    exemption: Exemption


@dataclass
class Savings:
    materials_before: int
    materials_after: int
    materials_exempt: int
    fields_before: int
    fields_after: int
    visits_before: int
    visits_after: int
    departments_before: int
    departments_after: int
    days_before: int
    days_after: int


@dataclass
class MergedGuide:
    bundle: Bundle
    items: list[ServiceItem]
    missing_codes: list[str]  # bundle entries with no published item (shown, never silently dropped)
    situations: set[str]
    materials: list[MergedMaterial] = field(default_factory=list)
    form_fields: list[FormField] = field(default_factory=list)
    fees: list[tuple[ServiceItem, FeeItem]] = field(default_factory=list)
    savings: Savings | None = None


def selected_items(bundle: Bundle, situations: Iterable[str] = ()) -> tuple[list[ServiceItem], list[str]]:
    chosen = set(situations)
    entries = [
        e for e in bundle.entries.select_related("situation") if not e.situation or e.situation.code in chosen
    ]
    codes = [e.item_code for e in entries]
    published = {
        i.code: i
        for i in ServiceItem.objects.published()
        .filter(code__in=codes)
        .select_related("department")
        .prefetch_related(
            "materials__kind__license_type",
            "materials__kind__data_resource__provider",
            "materials__kind__issuing_department",
            "form_fields",
            "fees",
        )
    }
    return [published[c] for c in codes if c in published], [c for c in codes if c not in published]


def merge_materials(items: Iterable[ServiceItem]) -> tuple[list[MergedMaterial], int]:
    """Materials of several items, one per kind, and how many item materials that replaced."""
    by_kind: dict[int, MergedMaterial] = {}
    materials_before = 0
    for item in items:
        for m in item.materials.all():
            materials_before += 1
            merged = by_kind.get(m.kind_id)
            exemption = material_exemption(m)
            if merged is None:
                merged = by_kind[m.kind_id] = MergedMaterial(
                    kind=m.kind,
                    name=m.kind.name,
                    needed_by=[],
                    required=False,
                    conditions=[],
                    exemption=exemption,
                )
            elif not exemption.exempt:
                merged.exemption = exemption  # one item insisting on the paper makes it needed
            merged.needed_by.append(item.code)
            if m.requirement == Requirement.REQUIRED:
                merged.required = True
            elif m.condition:
                merged.conditions.append(m.condition)
    return sorted(by_kind.values(), key=lambda x: (x.exemption.exempt, x.kind.code)), materials_before


def merge_fields(items: Iterable[ServiceItem]) -> tuple[list[FormField], int]:
    """Form fields of several items, each asked once, and how many item fields that replaced."""
    fields: dict[int, FormField] = {}
    fields_before = 0
    for item in items:
        item_fields = sorted(item.form_fields.all(), key=lambda f: f.pk)
        fields_before += len(item_fields)
        for f in item_fields:
            fields.setdefault(f.pk, f)
    return list(fields.values()), fields_before  # first-asked order: the first item's questions first


def merge(bundle: Bundle, situations: Iterable[str] = ()) -> MergedGuide:
    chosen = set(situations)
    items, missing = selected_items(bundle, chosen)
    guide = MergedGuide(bundle=bundle, items=items, missing_codes=missing, situations=chosen)
    guide.materials, materials_before = merge_materials(items)
    guide.form_fields, fields_before = merge_fields(items)
    guide.fees = [(item, fee) for item in items for fee in item.fees.all()]
    days = [as_working_days(i.promised_time_limit, i.promised_time_unit) or 0 for i in items]
    exempt = sum(1 for m in guide.materials if m.exemption.exempt)
    guide.savings = Savings(
        materials_before=materials_before,
        materials_after=len(guide.materials) - exempt,
        materials_exempt=exempt,
        fields_before=fields_before,
        fields_after=len(guide.form_fields),
        visits_before=sum(i.visits for i in items),
        visits_after=max((i.visits for i in items), default=0),
        departments_before=len({i.department_id for i in items}),
        departments_after=1 if items else 0,
        days_before=sum(days),
        days_after=max(days, default=0),
    )
    return guide


def fee_total_cents(guide: MergedGuide) -> int:
    """Sum of the fixed fees (fees charged by rate are listed, not summed)."""
    return sum(fee.amount_cents or 0 for _item, fee in guide.fees)


__all__ = [
    "MergedGuide",
    "MergedMaterial",
    "Savings",
    "fee_total_cents",
    "merge",
    "merge_fields",
    "merge_materials",
    "selected_items",
]
