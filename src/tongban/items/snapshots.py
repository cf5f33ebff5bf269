"""Serialise an item version (with its children) to plain JSON, and diff two snapshots."""

from __future__ import annotations

from typing import Any

from django.db import models

from tongban.items.models import ServiceItem

_SKIP = {"id", "snapshot", "created_at", "updated_at", "published_by", "state"}


def _row(obj: models.Model, skip: set[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in skip:
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, models.fields.files.FieldFile):
            value = value.name or ""
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        data[field.name] = value
    return data


def snapshot(item: ServiceItem) -> dict[str, Any]:
    child_skip = {"id", "item"}
    return {
        **_row(item, _SKIP),
        "department_name": item.department.name,
        "topics": sorted(item.topics.values_list("code", flat=True)),
        "form_fields": sorted(item.form_fields.values_list("key", flat=True)),
        "legal_bases": [_row(x, child_skip) for x in item.legal_bases.all()],
        "materials": [
            {**_row(m, child_skip), "kind_code": m.kind.code, "kind_name": m.kind.name}
            for m in item.materials.select_related("kind")
        ],
        "fees": [_row(x, child_skip) for x in item.fees.all()],
        "faqs": [_row(x, child_skip) for x in item.faqs.all()],
    }


_VOLATILE = {"version", "published_at", "change_note"}


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """Fields that differ between two snapshots, for the change history."""
    changes = []
    for key in sorted(set(before) | set(after)):
        if key in _VOLATILE:
            continue
        if before.get(key) != after.get(key):
            changes.append({"field": key, "before": before.get(key), "after": after.get(key)})
    return changes
