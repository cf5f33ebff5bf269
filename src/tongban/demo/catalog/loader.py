"""Load the seed catalogue (idempotent): reference tables upserted on their codes, items created once.

Items go through :func:`tongban.items.services.create_draft` and :func:`~tongban.items.services.publish`,
so each is a published version that passed ``check_publishable`` and left its audit events. An item
whose 实施编码 already exists (any version, any state) is never touched again: later versions belong to
the people editing the catalogue, not to the seed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from tongban.bundles.constants import BundleState
from tongban.bundles.models import Bundle, BundleItem, Situation
from tongban.demo.catalog import (
    bundles,
    cjrlh,
    data_resources,
    edu,
    fgw,
    fire,
    form_fields,
    gaj,
    ghzyj,
    gjj,
    lhsr,
    license_faces,
    license_types,
    locations,
    material_kinds,
    mzj,
    others,
    rsj,
    rsj_insurance,
    samr,
    samr_permits,
    sthj,
    swj,
    sww,
    tax,
    topics,
    transport,
    utilities,
    whlyj,
    wsjkw,
    ybj,
    zjw,
)
from tongban.demo.catalog.spec import BOTH, HOTLINE, Item
from tongban.items import services
from tongban.items.constants import CaseKind, ExerciseLevel, Requirement, ResultKind
from tongban.items.models import DataResource, FormField, ItemLocation, MaterialKind, ServiceItem, Topic
from tongban.licenses.models import LicenseType
from tongban.organizations.models import Department, ServiceWindow
from tongban.utils.errors import ValidationFailed

if TYPE_CHECKING:
    from tongban.demo.loader import LoadReport

# Same strings as tongban.demo.loader (not imported: that module imports this one).
CREATED, UPDATED, FOUND = "created", "updated", "found"

ITEM_MODULES: list[ModuleType] = [
    samr,
    samr_permits,
    wsjkw,
    gaj,
    rsj,
    rsj_insurance,
    ybj,
    gjj,
    mzj,
    cjrlh,
    edu,
    transport,
    fire,
    lhsr,
    swj,
    sthj,
    sww,
    tax,
    zjw,
    ghzyj,
    whlyj,
    fgw,
    others,
    utilities,
]

EXERCISE_LEVEL = ExerciseLevel.CITY  # "3": every seed item is exercised at city level

# Types a holder has at most one current licence of (the seed catalogue's national types).
ONE_PER_HOLDER_TYPES = frozenset(
    {"居民身份证", "营业执照", "普通护照", "机动车驾驶证", "上海市居住证", "社会保障卡", "残疾人证"}
)


@dataclass(frozen=True)
class PlacedItem:
    """An item spec with its department and 基本编码 resolved."""

    dept: str
    basic_code: str
    spec: Item

    def code(self, usccs: dict[str, str]) -> str:
        """实施编码 = 实施主体 USCC (18) + 行使层级 (1) + 基本编码 (12)."""
        return f"{usccs[self.dept]}{EXERCISE_LEVEL}{self.basic_code}"


def placed_items() -> list[PlacedItem]:
    return [
        PlacedItem(spec.dept or module.DEPT, f"{module.PREFIX}{spec.basic_suffix}", spec)
        for module in ITEM_MODULES
        for spec in module.ITEMS
    ]


def department_slugs() -> set[str]:
    slugs = {p.dept for p in placed_items()}
    slugs |= {lt.issuer for lt in license_types.LICENSE_TYPES}
    slugs |= {lt.definer for lt in license_types.LICENSE_TYPES if lt.definer not in license_types.DEFINERS}
    slugs |= {d.provider for d in data_resources.DATA_RESOURCES}
    slugs |= {k.issuer for k in material_kinds.MATERIAL_KINDS if k.issuer}
    slugs |= {b.lead for b in bundles.BUNDLES}
    return slugs


def _sync(
    report: LoadReport, label: str, model: type[models.Model], key: str, rows: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Create missing rows (keyed on ``key``) and bring changed ones up to date; one query to find them."""
    existing = {getattr(o, key): o for o in model._default_manager.filter(**{f"{key}__in": list(rows)})}
    out: dict[str, Any] = {}
    for k, values in rows.items():
        obj = existing.get(k)
        if obj is None:
            obj = model._default_manager.create(**{key: k}, **values)
            status = CREATED
        else:
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            for name in changed:
                setattr(obj, name, values[name])
            if changed:
                obj.save(update_fields=[n.removesuffix("_id") for n in changed])
            status = UPDATED if changed else FOUND
        report.add(label, status)
        out[k] = obj
    return out


# --- reference tables -----------------------------------------------------------------------------------
def _license_types(report: LoadReport, deps: dict[str, Department]) -> dict[str, LicenseType]:
    rows, keys = {}, {}
    for lt in license_types.LICENSE_TYPES:
        definer: Department | None = None  # national types: a ministry without a Department row
        if lt.definer in license_types.DEFINERS:
            definer_name, definer_code = license_types.DEFINERS[lt.definer]
        else:
            definer = deps[lt.definer]
            definer_name, definer_code = definer.name, definer.uscc
        code = f"{definer_code}{lt.seq:03d}"
        face = license_faces.FACES[lt.key]
        keys[lt.key] = code
        rows[code] = {
            "name": lt.name,
            "name_en": lt.name_en,
            "issuing_department_id": deps[lt.issuer].pk,
            "defining_department_id": definer.pk if definer else None,
            "defining_body_name": definer_name,
            "holder_kind": lt.holder,
            "available_electronically": lt.electronic,
            "legal_basis": lt.basis,
            "face_schema": face.schema(lt.name),
            "face_field_order": face.names,
            "personal_fields": face.personal,
            "validity_years": face.years,
            "validity_terms": list(face.terms),
            "long_term_allowed": face.long_term,
            "one_per_holder": lt.name in ONE_PER_HOLDER_TYPES,
            "validity_note": face.note,
        }
    by_code = _sync(report, "licence types", LicenseType, "code", rows)
    return {key: by_code[code] for key, code in keys.items()}


def _data_resources(report: LoadReport, deps: dict[str, Department]) -> dict[str, DataResource]:
    rows = {
        d.code: {"name": d.name, "name_en": d.name_en, "provider_id": deps[d.provider].pk, "shared": d.shared}
        for d in data_resources.DATA_RESOURCES
    }
    return _sync(report, "data resources", DataResource, "code", rows)


def _material_kinds(
    report: LoadReport,
    deps: dict[str, Department],
    licences: dict[str, LicenseType],
    resources: dict[str, DataResource],
) -> dict[str, MaterialKind]:
    rows = {
        k.code: {
            "name": k.name,
            "name_en": k.name_en,
            "source": k.source,
            "issuing_department_id": deps[k.issuer].pk if k.issuer else None,
            "license_type_id": licences[k.license].pk if k.license else None,
            "data_resource_id": resources[k.data].pk if k.data else None,
            "description": k.description,
        }
        for k in material_kinds.MATERIAL_KINDS
    }
    return _sync(report, "material kinds", MaterialKind, "code", rows)


def _topics(report: LoadReport) -> dict[str, Topic]:
    rows = {
        t.code: {
            "name": t.name,
            "name_en": t.name_en,
            "kind": t.kind,
            "audience": t.audience,
            "order": t.order,
        }
        for t in topics.TOPICS
    }
    return _sync(report, "topics", Topic, "code", rows)


def _form_fields(report: LoadReport) -> dict[str, FormField]:
    rows = {
        f.key: {"label": f.label, "label_en": f.label_en, "kind": f.kind, "options": f.option_rows()}
        for f in form_fields.FORM_FIELDS
    }
    return _sync(report, "form fields", FormField, "key", rows)


# --- items ------------------------------------------------------------------------------------------
@dataclass
class Tables:
    deps: dict[str, Department]
    licences: dict[str, LicenseType]
    kinds: dict[str, MaterialKind]
    topics: dict[str, Topic]
    fields: dict[str, FormField]


def item_fields(placed: PlacedItem, code: str, tables: Tables) -> dict[str, Any]:
    s = placed.spec
    promised = s.promised
    case_kind = s.case_kind or (CaseKind.PROMISED if promised else CaseKind.IMMEDIATE)
    license_type = tables.licences[s.license] if s.license else None
    return {
        "code": code,
        "basic_code": placed.basic_code,
        "name": s.name,
        "name_en": s.name_en,
        "summary": s.summary,
        "item_type": s.type,
        "department": tables.deps[placed.dept],
        "exercise_level": EXERCISE_LEVEL,
        "for_natural_persons": s.audience in ("natural", BOTH),
        "for_legal_persons": s.audience in ("legal", BOTH),
        "keywords": s.keywords,
        "case_kind": case_kind,
        "legal_time_limit": s.legal,
        "legal_time_unit": s.legal_unit,
        "legal_time_note": s.legal_note,
        "promised_time_limit": promised,
        "promised_time_unit": s.promised_unit,
        "promised_time_note": s.promised_note,
        "visits": s.visits,
        "online_depth": s.depth,
        "onsite_reason": s.onsite,
        "acceptance_conditions": s.conditions,
        "procedure": "\n".join(s.steps),
        "handling_scope": s.scope,
        "channels": list(s.channels),
        "supports_appointment": s.appointment,
        "supports_online_payment": bool(s.fees) and s.depth >= 3,
        "supports_delivery": "mail" in s.channels,
        "charges_fee": bool(s.fees),
        "result_name": s.result,
        "result_kind": s.result_kind or (ResultKind.LICENSE if license_type else ResultKind.DOCUMENT),
        "result_license_type": license_type,
        "consultation_phone": HOTLINE,
        "supervision_phone": HOTLINE,
    }


def _create_item(placed: PlacedItem, code: str, tables: Tables) -> ServiceItem:
    s = placed.spec
    item = services.create_draft(
        principal=None,
        fields=item_fields(placed, code, tables),
        legal_bases=[{"law": law, "article": article} for law, article in s.bases],
        materials=[
            {
                "kind": tables.kinds[mat.kind],
                "name": mat.name,
                "form": mat.form,
                "original_count": mat.originals,
                "copy_count": mat.copies,
                "requirement": Requirement.CONDITIONAL if mat.when else Requirement.REQUIRED,
                "condition": mat.when,
                "must_submit_reason": mat.must_submit,
                "notes": mat.notes,
            }
            for mat in s.materials
        ],
        fees=[
            {
                "name": fee.name,
                "standard": fee.standard,
                "amount_cents": fee.amount_cents,
                "basis": fee.basis,
                "waivable": fee.waivable,
                "waiver_note": fee.waiver_note,
            }
            for fee in s.fees
        ],
        faqs=[{"question": q, "answer": a} for q, a in s.faqs],
        topics=[tables.topics[t] for t in s.topics],
        form_fields=[tables.fields[f] for f in s.fields],
    )
    try:
        return services.publish(item=item, principal=None)
    except ValidationFailed as exc:  # a seed mistake: name the item, not just the rule
        raise ValueError(f"seed item {s.name!r} ({code}) cannot be published: {exc}") from exc


def _items(report: LoadReport, tables: Tables) -> dict[str, str]:
    """Create the items that do not exist yet; returns item name → 实施编码 for every seed item."""
    usccs = {slug: dep.uscc for slug, dep in tables.deps.items()}
    placed = [(p, p.code(usccs)) for p in placed_items()]
    existing = set(
        ServiceItem.objects.filter(code__in=[code for _p, code in placed]).values_list("code", flat=True)
    )
    for p, code in placed:
        if code in existing:
            report.add("catalogue items", FOUND)
            continue
        _create_item(p, code, tables)
        report.add("catalogue items", CREATED)
    return {p.spec.name: code for p, code in placed}


def _locations(report: LoadReport, codes: Iterable[str]) -> None:
    """One ItemLocation per item and current district: that district's 综合受理窗口 (bulk)."""
    windows = list(
        ServiceWindow.objects.filter(is_comprehensive=True, district__valid_to__isnull=True).order_by(
            "district__code"
        )
    )
    codes = list(codes)
    existing = {
        (loc.item_code, loc.district_id): loc for loc in ItemLocation.objects.filter(item_code__in=codes)
    }
    to_create, to_update = [], []
    for code in codes:
        for window in windows:
            values = locations.location_values(window)
            loc = existing.get((code, window.district_id))
            if loc is None:
                to_create.append(ItemLocation(item_code=code, district_id=window.district_id, **values))
                report.add("item locations", CREATED)
                continue
            changed = [name for name, value in values.items() if getattr(loc, name) != value]
            for name in changed:
                setattr(loc, name, values[name])
            if changed:
                to_update.append(loc)
            report.add("item locations", UPDATED if changed else FOUND)
    ItemLocation.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        ItemLocation.objects.bulk_update(to_update, list(locations.FIELDS), batch_size=500)


# --- bundles ----------------------------------------------------------------------------------------
def _bundles(report: LoadReport, tables: Tables, codes: dict[str, str]) -> None:
    rows = {
        b.code: {
            "name": b.name,
            "name_en": b.name_en,
            "summary": b.summary,
            "kind": b.kind,
            "audience": b.audience,
            "topic_id": tables.topics[b.topic].pk,
            "lead_department_id": tables.deps[b.lead].pk,
            "state": BundleState.PUBLISHED,
            "policy_basis": b.policy_basis,
        }
        for b in bundles.BUNDLES
    }
    saved = _sync(report, "bundles", Bundle, "code", rows)
    for spec in bundles.BUNDLES:
        bundle = saved[spec.code]
        if bundle.published_at is None:
            bundle.published_at = timezone.now()
            bundle.save(update_fields=["published_at"])
        situations = {s.code: s for s in Situation.objects.filter(bundle=bundle)}
        entries = {e.item_code: e for e in BundleItem.objects.filter(bundle=bundle)}
        for order, sit in enumerate(spec.situations):
            values = {"question": sit.question, "question_en": sit.question_en, "order": order}
            situations[sit.code] = _upsert_child(
                report,
                "bundle situations",
                Situation,
                situations.get(sit.code),
                {"bundle": bundle, "code": sit.code},
                values,
            )
        wanted = [(name, None) for name in spec.items] + [
            (name, sit.code) for sit in spec.situations for name in sit.items
        ]
        for order, (name, sit_code) in enumerate(wanted):
            code = codes[name]
            values = {"situation_id": situations[sit_code].pk if sit_code else None, "order": order}
            _upsert_child(
                report,
                "bundle entries",
                BundleItem,
                entries.get(code),
                {"bundle": bundle, "item_code": code},
                values,
            )


def _upsert_child(
    report: LoadReport,
    label: str,
    model: type[models.Model],
    obj: Any,
    identity: dict[str, Any],
    values: dict[str, Any],
) -> Any:
    if obj is None:
        obj = model._default_manager.create(**identity, **values)
        report.add(label, CREATED)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=[n.removesuffix("_id") for n in changed])
    report.add(label, UPDATED if changed else FOUND)
    return obj


def iter_required_departments(deps: dict[str, Department]) -> Iterator[str]:
    """Slugs the catalogue needs that are missing from the database."""
    return (slug for slug in sorted(department_slugs()) if slug not in deps)


def load_catalog(report: LoadReport) -> None:
    """Upsert the reference tables, create missing items, then locations and bundles."""
    deps = {d.slug: d for d in Department.objects.filter(slug__in=department_slugs())}
    missing = list(iter_required_departments(deps))
    if missing:
        raise ValueError(f"the seed catalogue needs departments that are not loaded: {', '.join(missing)}")
    licences = _license_types(report, deps)
    resources = _data_resources(report, deps)
    tables = Tables(
        deps=deps,
        licences=licences,
        kinds=_material_kinds(report, deps, licences, resources),
        topics=_topics(report),
        fields=_form_fields(report),
    )
    codes = _items(report, tables)
    _locations(report, codes.values())
    _bundles(report, tables, codes)
