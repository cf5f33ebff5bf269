"""One version of an item as its guide shows it: the live published rows, or a frozen version rebuilt
from its publication snapshot (cases pin the version they started under)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.items import graph, query
from tongban.items.constants import ItemState, MaterialSource
from tongban.items.models import FAQ, FeeItem, LegalBasis, Material, MaterialKind, ServiceItem, Topic
from tongban.licenses.models import LicenseType
from tongban.organizations.models import Department
from tongban.utils.errors import NotFound


@dataclass
class VersionView:
    """Everything the guide of one version shows, whether read from rows or from the snapshot."""

    item: ServiceItem
    department_slug: str
    department_name: str
    result_license_type: LicenseType | None
    legal_bases: list[LegalBasis]
    materials: list[Material]
    fees: list[FeeItem]
    faqs: list[FAQ]
    topics: list[Topic]


def published_version(code: str) -> VersionView:
    item = query.guide_item(code)
    if item is None:
        raise NotFound("item_not_found", _("There is no published item with this code."))
    return VersionView(
        item=item,
        department_slug=item.department.slug,
        department_name=item.department.name,
        result_license_type=item.result_license_type,
        legal_bases=list(item.legal_bases.all()),
        materials=list(item.materials.all()),
        fees=list(item.fees.all()),
        faqs=list(item.faqs.all()),
        topics=list(item.topics.all()),
    )


M = TypeVar("M", bound=models.Model)


def _rebuild(model: type[M], row: dict[str, Any]) -> M:
    """An unsaved instance from a snapshot row (``snapshots._row``: field names, raw column values)."""
    obj = model()
    for f in model._meta.concrete_fields:
        if f.name in row:
            setattr(obj, f.attname, f.to_python(row[f.name]))
    return obj


def frozen_version(code: str, version: int) -> VersionView:
    """A version exactly as published, from its snapshot (cases pin the version they started under).
    Exemptions are decided as of today, from the snapshot's materials and today's material kinds."""
    row = (
        ServiceItem.objects.filter(code=code, version=version)
        .exclude(state=ItemState.DRAFT)
        .only("pk", "code", "version", "state", "snapshot")
        .first()
    )
    if row is None or not row.snapshot:
        if not ServiceItem.objects.filter(code=code).exclude(state=ItemState.DRAFT).exists():
            raise NotFound("item_not_found", _("There is no published item with this code."))
        raise NotFound("item_version_not_found", _("This item has no published version with this number."))
    snap = row.snapshot
    item = _rebuild(ServiceItem, snap)
    item.pk, item.state = row.pk, row.state
    department = Department.objects.filter(pk=item.department_id).first()
    license_type = (
        LicenseType.objects.filter(pk=item.result_license_type_id).first()
        if item.result_license_type_id
        else None
    )
    kinds = graph.kinds().in_bulk([m["kind"] for m in snap.get("materials", [])])
    materials = []
    for m_row in snap.get("materials", []):
        material = _rebuild(Material, m_row)
        kind = kinds.get(material.kind_id)
        if kind is None:  # cannot happen (PROTECT), but a frozen record must still render
            kind = MaterialKind(code=m_row["kind_code"], source=MaterialSource.APPLICANT)
        kind = copy.copy(kind)  # detached: the name is the one this version showed
        kind.name = m_row.get("kind_name", kind.name)
        material.kind = kind
        materials.append(material)
    return VersionView(
        item=item,
        department_slug=department.slug if department else "",
        department_name=snap.get("department_name", ""),
        result_license_type=license_type,
        legal_bases=[_rebuild(LegalBasis, r) for r in snap.get("legal_bases", [])],
        materials=materials,
        fees=[_rebuild(FeeItem, r) for r in snap.get("fees", [])],
        faqs=[_rebuild(FAQ, r) for r in snap.get("faqs", [])],
        topics=list(Topic.objects.filter(code__in=snap.get("topics", []))),
    )
