"""What reading a workbook produces: parsed items ready to apply, or the problems, one per cell."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tongban.items.models import FormField, ServiceItem, Topic


@dataclass(frozen=True)
class RowError:
    """A problem in the workbook. ``row`` is the Excel row number (the header is row 1); None for a
    missing sheet. ``column`` is the header, or a sheet name for rows missing from that sheet."""

    sheet: str
    row: int | None
    column: str
    code: str
    message: str
    value: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "message": self.message,
            "value": self.value,
        }

    def __str__(self) -> str:
        where = self.sheet if self.row is None else f"{self.sheet}!{self.row}"
        column = f" [{self.column}]" if self.column else ""
        return f"{where}{column} {self.code}: {self.message}"


@dataclass
class ParsedChild:
    row: int
    values: dict[str, Any]


@dataclass
class ParsedItem:
    row: int  # on the 事项 sheet
    code: str
    # Model field → value, only for the columns present in the sheet (an absent optional column keeps
    # the previous version's value on a revision).
    fields: dict[str, Any]
    topics: list[Topic] | None = None  # None: the column is absent
    form_fields: list[FormField] | None = None
    legal_bases: list[ParsedChild] = field(default_factory=list)
    materials: list[ParsedChild] = field(default_factory=list)
    fees: list[ParsedChild] = field(default_factory=list)
    faqs: list[ParsedChild] = field(default_factory=list)
    published: ServiceItem | None = None  # the current published version, when the code exists

    @property
    def is_new(self) -> bool:
        return self.published is None


@dataclass
class ParsedCatalog:
    items: list[ParsedItem]

    def __len__(self) -> int:
        return len(self.items)


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)  # codes published as version 1
    revised: list[tuple[str, int]] = field(default_factory=list)  # (code, new version)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return len(self.created) + len(self.revised)


class ImportRejected(Exception):  # noqa: N818 (the import's outcome, carrying the report)
    """Nothing was applied; ``errors`` says why, per row."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s) in the workbook")
        self.errors = errors
