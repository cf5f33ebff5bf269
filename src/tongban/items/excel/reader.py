"""Reading a 实施清单 workbook: every cell of every sheet is checked and every problem reported.

``read_workbook`` leaves nothing behind. It checks types, code tables, references (departments,
material kinds, licence types, topics, form fields), duplicate codes and child rows of unknown items,
then the publish rules (``items.validators.check_publishable``) on the would-be items: those are built
and published inside a transaction that is always rolled back, so the rules are the real ones.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from tongban.items.constants import LOCAL_TYPE_ALIASES, ItemState
from tongban.items.excel import tables
from tongban.items.excel.columns import (
    CODE_HEADER,
    ITEMS_SHEET,
    SHEETS,
    CellProblem,
    Column,
    References,
    Sheet,
    cell_text,
)
from tongban.items.excel.importer import apply
from tongban.items.excel.records import ImportRejected, ParsedCatalog, ParsedChild, ParsedItem, RowError
from tongban.items.models import ServiceItem

MAX_ROWS = 20000  # per sheet; a real 实施清单 of a city has a few thousand items

Columns = list[tuple[int, Column]]


def read_workbook(file: str | IO[bytes], *, check_rules: bool = True) -> ParsedCatalog | list[RowError]:
    """The parsed catalogue, or every problem found (sheet, row, column, code, message)."""
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    # Whatever a damaged or foreign file makes openpyxl raise (SyntaxError covers XML ParseError).
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        TypeError,
        EOFError,
        SyntaxError,
    ):
        return [
            RowError(
                "",
                None,
                "",
                "workbook_unreadable",
                _("The file is not a readable Excel workbook (.xlsx)."),
            )
        ]
    try:
        reader = _Reader(References())
        parsed = reader.read(workbook)
    finally:
        workbook.close()
    errors = reader.errors
    if parsed is not None and check_rules and parsed.items:
        try:
            apply(parsed, None, dry_run=True)
        except ImportRejected as rejected:
            errors.extend(rejected.errors)
    if errors:
        order = {sheet.name: i for i, sheet in enumerate(SHEETS)}
        return sorted(errors, key=lambda e: (order.get(e.sheet, -1), e.row or 0))
    assert parsed is not None
    return parsed


def _display(raw: Any) -> str:
    return "" if raw is None else str(raw)[:100]


class _Reader:
    def __init__(self, refs: References) -> None:
        self.refs = refs
        self.errors: list[RowError] = []
        self.items: dict[str, ParsedItem] = {}
        self.rows_of_code: dict[str, int] = {}  # every code on the 事项 sheet, even on a bad row
        self.bad_codes: set[str] = set()

    def error(
        self, sheet: str, row: int | None, column: str, code: str, message: str, raw: Any = None
    ) -> None:
        self.errors.append(RowError(sheet, row, column, code, message, _display(raw)))

    # --- structure ---

    def read(self, workbook: Any) -> ParsedCatalog | None:
        """The items whose rows are all good (``None`` when the workbook's structure is wrong)."""
        by_title = {tables.normalise(ws.title): ws for ws in workbook.worksheets}
        layout: list[tuple[Sheet, Columns, Iterator[tuple[Any, ...]]]] = []
        for sheet in SHEETS:
            ws = by_title.get(tables.normalise(sheet.name))
            if ws is None:
                self.error(
                    sheet.name,
                    None,
                    "",
                    "sheet_missing",
                    _("The sheet “%(sheet)s” is missing.") % {"sheet": sheet.name},
                )
                continue
            rows = ws.iter_rows(values_only=True)
            columns = self._header(sheet, next(rows, ()))
            layout.append((sheet, columns, rows))
        if self.errors:
            return None  # the rows cannot be read reliably until the layout is right
        for sheet, columns, rows in layout:
            self._rows(sheet, columns, rows)
        self._check_existing()
        return ParsedCatalog(items=[i for code, i in self.items.items() if code not in self.bad_codes])

    def _header(self, sheet: Sheet, header: tuple[Any, ...]) -> Columns:
        columns: Columns = []
        seen: set[str] = set()
        for index, raw in enumerate(header):
            try:
                text = cell_text(raw)
            except CellProblem:
                text = str(raw)
            if not text:
                continue
            column = sheet.by_header.get(tables.normalise(text))
            if column is None:
                self.error(
                    sheet.name,
                    1,
                    text,
                    "unknown_column",
                    _("Unknown column “%(column)s”.") % {"column": text},
                )
            elif column.header in seen:
                self.error(
                    sheet.name,
                    1,
                    column.header,
                    "duplicate_column",
                    _("The column “%(column)s” appears twice.") % {"column": column.header},
                )
            else:
                seen.add(column.header)
                columns.append((index, column))
        for column in sheet.columns:
            if column.header not in seen and not column.optional_column:
                self.error(
                    sheet.name,
                    1,
                    column.header,
                    "column_missing",
                    _("The column “%(column)s” is missing.") % {"column": column.header},
                )
        return columns

    # --- rows ---

    def _rows(self, sheet: Sheet, columns: Columns, rows: Iterator[tuple[Any, ...]]) -> None:
        for number, values in enumerate(rows, start=2):
            if number > MAX_ROWS + 1:
                self.error(
                    sheet.name,
                    number,
                    "",
                    "too_many_rows",
                    _("The sheet has more than %(max)d rows.") % {"max": MAX_ROWS},
                )
                return
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            parsed: dict[str, Any] = {}
            ok = True
            for index, column in columns:
                raw = values[index] if index < len(values) else None
                try:
                    parsed[column.field] = column.parse(raw, self.refs)
                except CellProblem as problem:
                    self.error(sheet.name, number, column.header, problem.code, problem.message, raw)
                    ok = False
            if sheet.children:
                self._child_row(sheet, number, parsed, ok)
            else:
                self._item_row(number, parsed, ok, dict(columns_raw(columns, values)))

    def _item_row(self, number: int, parsed: dict[str, Any], ok: bool, raw: dict[str, Any]) -> None:
        code = parsed.get("code")
        if not code:
            return  # already reported: the code is required
        if code in self.rows_of_code:
            self.error(
                ITEMS_SHEET,
                number,
                CODE_HEADER,
                "duplicate_code",
                _("The implementation code appears more than once (first in row %(row)d).")
                % {"row": self.rows_of_code[code]},
                code,
            )
            self.bad_codes.add(code)
            return
        self.rows_of_code[code] = number
        if not ok:
            self.bad_codes.add(code)
        fields = dict(parsed)
        national, alias = fields.pop("item_type", ("", ""))
        fields["item_type"] = national
        local = fields.get("local_type_code") or alias
        if fields.get("local_type_code"):
            canonical = tables.local_alias(local)
            if canonical and national and LOCAL_TYPE_ALIASES[canonical] != national:
                self.error(
                    ITEMS_SHEET,
                    number,
                    "地方事项类型代码",
                    "local_type_mismatch",
                    _("The local type code %(local)s stands for %(expected)s, not %(given)s.")
                    % {
                        "local": canonical,
                        "expected": tables.ITEM_TYPE.label(LOCAL_TYPE_ALIASES[canonical]),
                        "given": tables.ITEM_TYPE.label(national),
                    },
                    raw.get("地方事项类型代码"),
                )
                self.bad_codes.add(code)
            local = canonical or local
        fields["local_type_code"] = local
        if "audience" in fields:
            audience = fields.pop("audience")
            fields["for_natural_persons"] = tables.NATURAL in audience
            fields["for_legal_persons"] = tables.LEGAL in audience
        item = ParsedItem(row=number, code=code, fields=fields)
        item.topics = fields.pop("topics", None)
        item.form_fields = fields.pop("form_fields", None)
        self.items[code] = item

    def _child_row(self, sheet: Sheet, number: int, parsed: dict[str, Any], ok: bool) -> None:
        code = parsed.pop("code", None)
        if not code:
            return
        if code not in self.rows_of_code:
            self.error(
                sheet.name,
                number,
                CODE_HEADER,
                "item_unknown",
                _("No row of the sheet “%(sheet)s” has this implementation code.") % {"sheet": ITEMS_SHEET},
                code,
            )
            return
        if not ok:
            self.bad_codes.add(code)
        item = self.items.get(code)
        if item is not None:
            getattr(item, sheet.children).append(ParsedChild(row=number, values=parsed))

    def _check_existing(self) -> None:
        """Existing codes are revised; a code with a draft in progress or only retired is refused."""
        versions: dict[str, list[tuple[int, str]]] = {}
        for code, version, state in ServiceItem.objects.filter(code__in=list(self.items)).values_list(
            "code", "version", "state"
        ):
            versions.setdefault(code, []).append((version, state))
        published = {
            i.code: i
            for i in ServiceItem.objects.published()
            .filter(code__in=list(versions))
            .select_related("department")
        }
        for code, rows in versions.items():
            item = self.items[code]
            draft = next((v for v, s in rows if s == ItemState.DRAFT), None)
            if draft is not None:
                self.error(
                    ITEMS_SHEET,
                    item.row,
                    CODE_HEADER,
                    "item_draft_exists",
                    _(
                        "A draft of this item (version %(version)d) is being edited: publish or delete it "
                        "before importing."
                    )
                    % {"version": draft},
                    code,
                )
                self.bad_codes.add(code)
            elif code in published:
                item.published = published[code]
            else:
                self.error(
                    ITEMS_SHEET,
                    item.row,
                    CODE_HEADER,
                    "item_retired",
                    _("This item was retired; it cannot be imported again."),
                    code,
                )
                self.bad_codes.add(code)


def columns_raw(columns: Columns, values: tuple[Any, ...]) -> Iterator[tuple[str, Any]]:
    for index, column in columns:
        yield column.header, values[index] if index < len(values) else None
