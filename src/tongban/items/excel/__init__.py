"""Excel (xlsx) import and export of the 实施清单 (implementation list). Layout: docs/catalog-excel.md.

- ``read_workbook(file)`` → ``ParsedCatalog`` or the list of ``RowError`` (nothing is changed);
- ``apply(parsed, principal)`` → ``ImportSummary``: creates or revises and publishes every item in one
  transaction, or raises ``ImportRejected`` having changed nothing;
- ``write_workbook(items, file)`` writes items in the same layout (an export reads back unchanged).

Commands (``import_catalog``, ``export_catalog``) and the admin are thin wrappers around these.
"""

from tongban.items.excel.importer import apply
from tongban.items.excel.reader import read_workbook
from tongban.items.excel.records import (
    ImportRejected,
    ImportSummary,
    ParsedCatalog,
    ParsedChild,
    ParsedItem,
    RowError,
)
from tongban.items.excel.writer import items_for_export, write_workbook

__all__ = [
    "ImportRejected",
    "ImportSummary",
    "ParsedCatalog",
    "ParsedChild",
    "ParsedItem",
    "RowError",
    "apply",
    "items_for_export",
    "read_workbook",
    "write_workbook",
]
