"""``manage.py export_catalog --output FILE.xlsx [--state published|draft]``: the 实施清单 as a workbook.

The layout is the one ``import_catalog`` reads (docs/catalog-excel.md), so an export imports back
unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongban.items.constants import ItemState
from tongban.items.excel import items_for_export, write_workbook


class Command(BaseCommand):
    help = "Export the current published (or draft) versions of the catalogue to an xlsx workbook."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, help="the .xlsx file to write")
        parser.add_argument(
            "--state",
            choices=[ItemState.PUBLISHED, ItemState.DRAFT],
            default=ItemState.PUBLISHED,
            help="which versions to export (default: published)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = write_workbook(items_for_export(options["state"]), options["output"])
        self.stdout.write(self.style.SUCCESS(f"{count} item(s) written to {options['output']}."))
