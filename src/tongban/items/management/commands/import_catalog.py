"""``manage.py import_catalog FILE.xlsx [--dry-run] [--user USERNAME] [--note TEXT]``.

Checks every row of every sheet, then publishes all items (new codes as version 1, existing codes as
their next version) or, when anything is wrong, changes nothing and lists each problem with its sheet,
row, column and code. Exits non-zero on problems. Layout: docs/catalog-excel.md.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.items.excel import ImportRejected, RowError, apply, read_workbook
from tongban.utils import context


class Command(BaseCommand):
    help = "Import a 实施清单 workbook (xlsx): every item is published, or nothing changes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx workbook")
        parser.add_argument("--dry-run", action="store_true", help="only check the workbook")
        parser.add_argument("--user", help="the staff username the import is recorded under")
        parser.add_argument("--note", default="", help="what changed, stored on each new version")

    def handle(self, *args: Any, **options: Any) -> None:
        principal = None
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"No active user named {options['user']!r}.")
            principal = Principal(user=user, channel="cli")
        token = context.bind(channel="cli")
        try:
            parsed = read_workbook(options["file"])
            if isinstance(parsed, list):
                self._fail(parsed)
            if options["dry_run"]:
                self.stdout.write(
                    self.style.SUCCESS(f"{len(parsed)} item(s) checked: no problems. Nothing was changed.")
                )
                return
            try:
                summary = apply(parsed, principal, change_note=options["note"])
            except ImportRejected as rejected:
                self._fail(rejected.errors)
        finally:
            context.reset(token)
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.total} item(s) published: {len(summary.created)} new, "
                f"{len(summary.revised)} revised."
            )
        )
        for code in summary.created:
            self.stdout.write(f"  new      {code} v1")
        for code, version in summary.revised:
            self.stdout.write(f"  revised  {code} v{version}")

    def _fail(self, errors: list[RowError]) -> NoReturn:
        for error in errors:
            self.stderr.write(str(error))
        raise CommandError(f"{len(errors)} problem(s) found; nothing was imported.")
