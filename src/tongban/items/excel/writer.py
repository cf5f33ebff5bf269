"""Writing items to a 实施清单 workbook in the layout ``read_workbook`` reads back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from django.db import models
from django.db.models import QuerySet

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tongban.items.constants import ItemState
from tongban.items.excel.columns import SHEETS, Column, Sheet
from tongban.items.models import ServiceItem

GUIDE_SHEET = "填写说明"
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _header(ws: Worksheet, columns: Iterable[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.header)
        cell.font = _BOLD
        ws.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(column.header) * 3))
    ws.freeze_panes = "A2"


def _row(ws: Worksheet, number: int, columns: tuple[Column, ...], obj: Any) -> None:
    for index, column in enumerate(columns, start=1):
        value = _clean(column.render(obj))
        cell = ws.cell(row=number, column=index, value=value)
        if column.export_as_text:
            cell.number_format = "@"
        elif column.header == "金额（元）" and value is not None:
            cell.number_format = "0.00"
        if isinstance(value, str) and "\n" in value:
            cell.alignment = _WRAP


def items_for_export(state: str = ItemState.PUBLISHED) -> QuerySet[ServiceItem]:
    """The current versions in ``state``, with everything the workbook shows fetched up front."""
    return (
        ServiceItem.objects.filter(state=state)
        .select_related("department", "result_license_type")
        .prefetch_related("topics", "form_fields", "legal_bases", "materials__kind", "fees", "faqs")
        .order_by("code")
    )


def write_workbook(items: Iterable[ServiceItem], file: str | IO[bytes]) -> int:
    """Write ``items`` (one row each, plus their child rows) to ``file``; returns the number of items."""
    workbook = Workbook()
    sheets: dict[str, tuple[Sheet, Worksheet, list[int]]] = {}
    for index, sheet in enumerate(SHEETS):
        ws = workbook.active if index == 0 else workbook.create_sheet()
        assert ws is not None
        ws.title = sheet.name
        _header(ws, sheet.columns)
        sheets[sheet.children] = (sheet, ws, [2])
    count = 0
    for item in items:
        count += 1
        sheet, ws, next_row = sheets[""]
        _row(ws, next_row[0], sheet.columns, item)
        next_row[0] += 1
        for name, (sheet, ws, next_row) in sheets.items():
            if not name:
                continue
            for child in getattr(item, name).all():
                _row(ws, next_row[0], sheet.columns, _ChildRow(child, item.code))
                next_row[0] += 1
    _guide(workbook.create_sheet(GUIDE_SHEET))
    workbook.save(file)
    return count


class _ChildRow:
    """A child row as the columns see it: its own fields plus the item's ``code``."""

    def __init__(self, child: models.Model, code: str) -> None:
        self._child = child
        self.code = code

    def __getattr__(self, name: str) -> Any:
        return getattr(self._child, name)


def _guide(ws: Worksheet) -> None:
    """A sheet explaining every column (ignored on import)."""
    headers = ("工作表", "列名", "格式", "必填", "可选值")
    for index, header in enumerate(headers, start=1):
        ws.cell(row=1, column=index, value=header).font = _BOLD
    row = 2
    for sheet in SHEETS:
        for column in sheet.columns:
            required = "是" if column.required else ("可省略此列" if column.optional_column else "否")
            values = (sheet.name, column.header, column.fmt, required, column.allowed_values())
            for index, value in enumerate(values, start=1):
                ws.cell(row=row, column=index, value=value).alignment = _WRAP
            row += 1
    for letter, width in zip("ABCDE", (10, 18, 28, 12, 60), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
