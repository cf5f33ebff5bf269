"""Applying a parsed 实施清单: all items or none, each through the catalogue services.

A new code becomes a draft (``create_draft``); an existing one gets the next revision
(``start_revision``) with the workbook's fields and child rows in place of the copied ones. Every
draft is then published, which runs the publish rules once more. Any problem rolls the whole import
back and is reported against the workbook row it came from.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tongban.accounts.principal import Principal
from tongban.audits.services import record
from tongban.items import services
from tongban.items.constants import ItemState, Requirement
from tongban.items.excel.columns import (
    CODE_HEADER,
    ITEMS_SHEET,
    MATERIALS_SHEET,
    RULE_FIELD_COLUMNS,
)
from tongban.items.excel.records import (
    ImportRejected,
    ImportSummary,
    ParsedCatalog,
    ParsedChild,
    ParsedItem,
    RowError,
)
from tongban.items.models import FAQ, FeeItem, LegalBasis, Material, ServiceItem
from tongban.utils.errors import Conflict, DomainError, ValidationFailed

CHILDREN: dict[str, Any] = {
    "legal_bases": LegalBasis,
    "materials": Material,
    "fees": FeeItem,
    "faqs": FAQ,
}
# Material attributes the workbook does not carry (files) or may leave out (备注): a revision keeps
# them from the previous version's material of the same kind.
_MATERIAL_CARRY_OVER = ("notes", "blank_form", "sample")


def apply(
    parsed: ParsedCatalog,
    principal: Principal | None,
    *,
    change_note: str = "",
    dry_run: bool = False,
) -> ImportSummary:
    """Create or revise and publish every item, in one transaction; raise ``ImportRejected`` (having
    changed nothing) when any item fails. ``dry_run`` does the same work and then rolls it back."""
    summary = ImportSummary(dry_run=dry_run)
    errors: list[RowError] = []
    with transaction.atomic():
        for item in parsed.items:
            errors.extend(_apply_item(item, principal, change_note, summary))
        if not errors and not dry_run:
            record(
                "catalog.imported",
                principal=principal,
                summary={
                    "created": summary.created,
                    "revised": [f"{code}@{version}" for code, version in summary.revised],
                },
            )
        if errors or dry_run:
            transaction.set_rollback(True)
    if errors:
        raise ImportRejected(errors)
    return summary


def _apply_item(
    parsed: ParsedItem, principal: Principal | None, change_note: str, summary: ImportSummary
) -> list[RowError]:
    try:
        with transaction.atomic():
            draft = _create(parsed, principal) if parsed.is_new else _revise(parsed, principal)
            services.publish(item=draft, principal=principal, change_note=change_note)
    except ValidationFailed as failed:
        return _rule_errors(parsed, failed.errors)
    except DomainError as refused:
        return [
            RowError(ITEMS_SHEET, parsed.row, CODE_HEADER, refused.code, str(refused.message), parsed.code)
        ]
    if parsed.is_new:
        summary.created.append(parsed.code)
    else:
        summary.revised.append((parsed.code, draft.version))
    return []


def _child_rows(parsed: ParsedItem, name: str) -> list[dict[str, Any]]:
    rows: list[ParsedChild] = getattr(parsed, name)
    return [dict(child.values) for child in rows]


def _create(parsed: ParsedItem, principal: Principal | None) -> ServiceItem:
    return services.create_draft(
        principal=principal,
        fields=parsed.fields,
        legal_bases=_child_rows(parsed, "legal_bases"),
        materials=_child_rows(parsed, "materials"),
        fees=_child_rows(parsed, "fees"),
        faqs=_child_rows(parsed, "faqs"),
        topics=parsed.topics or (),
        form_fields=parsed.form_fields or (),
    )


def _revise(parsed: ParsedItem, principal: Principal | None) -> ServiceItem:
    if ServiceItem.objects.filter(code=parsed.code, state=ItemState.DRAFT).exists():
        # start_revision would hand back someone's draft in progress: never overwrite it.
        raise Conflict(
            "item_draft_exists",
            _("A draft of this item is being edited: publish or delete it before importing."),
        )
    draft = services.start_revision(code=parsed.code, principal=principal)
    for name, value in parsed.fields.items():
        setattr(draft, name, value)
    draft.save()
    if parsed.topics is not None:
        draft.topics.set(parsed.topics)
    if parsed.form_fields is not None:
        draft.form_fields.set(parsed.form_fields)
    for name, model in CHILDREN.items():
        rows = _child_rows(parsed, name)
        previous = model.objects.filter(item=draft)
        if model is Material:
            _carry_over(list(previous.select_related("kind")), rows)
        previous.delete()
        model.objects.bulk_create([model(item=draft, order=i, **row) for i, row in enumerate(rows)])
    return draft


def _carry_over(previous: list[Any], rows: list[dict[str, Any]]) -> None:
    """Give each new material row the files (and left-out notes) of the previous material of the same
    kind: the n-th row of a kind takes from the n-th previous material of that kind."""
    by_kind: dict[int, list[Material]] = defaultdict(list)
    for material in previous:
        by_kind[material.kind_id].append(material)
    for row in rows:
        candidates = by_kind.get(row["kind"].pk)
        if not candidates:
            continue
        source = candidates.pop(0)
        for name in _MATERIAL_CARRY_OVER:
            if name not in row:
                row[name] = getattr(source, name)


def _rule_errors(parsed: ParsedItem, problems: list[DomainError]) -> list[RowError]:
    """Publish-rule problems, placed on the workbook: the 事项 row's column, or the material's row."""
    unclear = iter(
        child
        for child in parsed.materials
        if child.values.get("requirement") == Requirement.CONDITIONAL
        and not str(child.values.get("condition", "")).strip()
    )
    errors = []
    for problem in problems:
        child = next(unclear, None) if problem.code == "material_condition_required" else None
        if child is not None:
            errors.append(
                RowError(MATERIALS_SHEET, child.row, "情形说明", problem.code, str(problem.message))
            )
        else:
            column = RULE_FIELD_COLUMNS.get(problem.field or "", "")
            errors.append(RowError(ITEMS_SHEET, parsed.row, column, problem.code, str(problem.message)))
    return errors
