"""What a case applies for: one published item, or a published bundle with the applicant's situations.

Both resolve to the same shape: the item versions, the merged materials (one per kind) and form fields
(each asked once), the lead department and the process key. Forms, submission and the API use it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from tongban.bundles.constants import BundleState
from tongban.bundles.merge import MergedMaterial, merge_fields, merge_materials, selected_items
from tongban.bundles.models import Bundle, BundleItem
from tongban.cases.constants import TargetKind
from tongban.items.constants import ItemState
from tongban.items.models import FormField, Material, ServiceItem
from tongban.items.timing import as_working_days
from tongban.organizations.models import Department
from tongban.utils.errors import DomainError, NotFound
from tongban.workflows import engine
from tongban.workflows.constants import DefinitionState
from tongban.workflows.models import ProcessDefinition


@dataclass
class Target:
    kind: str
    code: str
    name: str
    items: list[ServiceItem]
    bundle: Bundle | None
    situations: list[str]
    lead_department: Department
    materials: list[MergedMaterial]
    fields: list[FormField]
    process_key: str
    # engine.resolve(process_key), found with the target (the stamp covers published definitions)
    definition: tuple[str, str, list[str]] | None = None

    @property
    def promised_limit(self) -> int | None:
        """Working days promised for the whole case: the longest item (departments work in parallel)."""
        days = [as_working_days(i.promised_time_limit, i.promised_time_unit) for i in self.items]
        known = [d for d in days if d is not None]
        return max(known) if known else None

    @property
    def legal_limit(self) -> int | None:
        days = [as_working_days(i.legal_time_limit, i.legal_time_unit) for i in self.items]
        known = [d for d in days if d is not None]
        return max(known) if known else None

    @property
    def visits(self) -> int:
        return max((i.visits for i in self.items), default=0)

    @property
    def audience_legal(self) -> bool:
        return any(i.for_legal_persons for i in self.items)

    @property
    def audience_natural(self) -> bool:
        return any(i.for_natural_persons for i in self.items)


def _item_queryset():  # type: ignore[no-untyped-def]
    return (
        ServiceItem.objects.published()
        .select_related("department", "result_license_type")
        .prefetch_related(
            Prefetch(
                "materials",
                queryset=Material.objects.select_related(
                    "kind__license_type", "kind__data_resource__provider", "kind__issuing_department"
                ),
            ),
            "form_fields",
        )
    )


# Resolved targets, reused while the published catalogue is unchanged: resolving a bundle costs some
# fifteen queries, a quarter of a submission. The stamp below changes whenever an item version is
# published, superseded or retired, or a bundle or its entries change; the TTL bounds anything else
# (e.g. a licence type newly shared as e-licence, which changes an exemption).
CACHE_SECONDS = 300
_cache: dict[tuple[str, str, tuple[str, ...]], tuple[tuple[object, ...], float, Target]] = {}


def _stamp() -> tuple[object, ...]:
    """One query: how many item versions, bundles and entries are published, and when anything changed."""
    items, bundles, entries, processes = (
        m._meta.db_table for m in (ServiceItem, Bundle, BundleItem, ProcessDefinition)
    )
    # Table names come from the models, values are parameters.
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {items} WHERE state = %s), (SELECT MAX(updated_at) FROM {items}), "  # noqa: S608
        f"(SELECT MAX(id) FROM {items}), (SELECT COUNT(*) FROM {bundles} WHERE state = %s), "
        f"(SELECT MAX(published_at) FROM {bundles}), (SELECT COUNT(*) FROM {entries}), "
        f"(SELECT MAX(id) FROM {entries}), (SELECT COUNT(*) FROM {processes} WHERE state = %s), "
        f"(SELECT MAX(published_at) FROM {processes})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ItemState.PUBLISHED, BundleState.PUBLISHED, DefinitionState.PUBLISHED])
        return tuple(cursor.fetchone() or ())


def clear_cache() -> None:
    _cache.clear()


def resolve(kind: str, code: str, situations: Iterable[str] = ()) -> Target:
    """The target of an application (cached per catalogue state; treat the result as read-only)."""
    key = (kind, (code or "").strip(), tuple(sorted(set(situations))))
    stamp, now = _stamp(), time.monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[0] == stamp and now - hit[1] < CACHE_SECONDS:
        return hit[2]
    target = _resolve(kind, code, situations)
    target.definition = engine.resolve(target.process_key)
    if len(_cache) > 1000:
        _cache.clear()
    _cache[key] = (stamp, now, target)
    return target


def _resolve(kind: str, code: str, situations: Iterable[str] = ()) -> Target:
    code = (code or "").strip()
    if kind == TargetKind.ITEM:
        item = _item_queryset().filter(code=code).first()
        if item is None:
            raise NotFound("item_not_found", _("There is no published item with this code."))
        materials, _before = merge_materials([item])
        fields, _fields_before = merge_fields([item])
        return Target(
            kind=TargetKind.ITEM,
            code=item.code,
            name=item.name,
            items=[item],
            bundle=None,
            situations=[],
            lead_department=item.department,
            materials=materials,
            fields=fields,
            process_key=engine.process_key_for_item(item),
        )
    if kind == TargetKind.BUNDLE:
        bundle = (
            Bundle.objects.select_related("lead_department")
            .filter(code=code, state=BundleState.PUBLISHED)
            .first()
        )
        if bundle is None:
            raise NotFound("bundle_not_found", _("There is no published bundle with this code."))
        known = set(bundle.situations.values_list("code", flat=True))
        chosen = sorted(set(situations))
        unknown = [s for s in chosen if s not in known]
        if unknown:
            raise DomainError(
                "situation_unknown",
                _("This bundle has no situation %(codes)s.") % {"codes": ", ".join(unknown)},
                field="situations",
            )
        items, missing = selected_items(bundle, chosen)
        if missing:
            # An entry without a published version cannot be processed: refuse rather than drop it.
            raise DomainError(
                "bundle_item_unavailable",
                _("Part of this bundle is not available at the moment; please try again later."),
                codes=missing,
            )
        by_code = {i.code: i for i in _item_queryset().filter(code__in=[i.code for i in items])}
        items = [by_code[i.code] for i in items]
        materials, _before = merge_materials(items)
        fields, _fields_before = merge_fields(items)
        return Target(
            kind=TargetKind.BUNDLE,
            code=bundle.code,
            name=bundle.name,
            items=items,
            bundle=bundle,
            situations=chosen,
            lead_department=bundle.lead_department,
            materials=materials,
            fields=fields,
            process_key=engine.process_key_for_bundle(bundle),
        )
    raise DomainError("target_kind_invalid", _("Apply for an item or a bundle."), field="target_kind")
