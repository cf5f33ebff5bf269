"""``manage.py bundle_process CODE [--write]``: the generated BPMN of a one-thing bundle.

Prints ``generate.bundle_bpmn`` for the bundle; ``--write`` stores it as
``workflows/definitions/bundle_<CODE>.bpmn`` (a shipped file, committed; see docs/workflows.md). Run it
after changing the bundle's items or the generator, on a database with the demo catalogue loaded.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.bundles.models import Bundle
from tongban.workflows import library
from tongban.workflows.generate import bundle_bpmn


class Command(BaseCommand):
    help = "Print (or write to workflows/definitions/) the generated BPMN process of a bundle."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the bundle code, e.g. open-restaurant")
        parser.add_argument("--write", action="store_true", help="write definitions/bundle_<code>.bpmn")

    def handle(self, *args: Any, **options: Any) -> None:
        bundle = Bundle.objects.filter(code=options["code"]).first()
        if bundle is None:
            raise CommandError(f"No bundle {options['code']!r}.")
        text = bundle_bpmn(bundle)
        if not options["write"]:
            self.stdout.write(text, ending="")
            return
        path = library.DEFINITIONS_DIR / f"bundle_{bundle.code}.bpmn"
        path.write_text(text, encoding="utf-8")
        library.forget_cached_files()
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}."))
