"""Base for commands that generate a committed file: print it, ``--output PATH``, or ``--check PATH``."""

from __future__ import annotations

import difflib
from itertools import islice
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

DIFF_LINES = 80


class GeneratedFileCommand(BaseCommand):
    what = "file"  # for messages, e.g. "schema"
    fix_hint = ""  # e.g. "run `make openapi` and commit the result"

    def render(self, **options: Any) -> str:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--output", metavar="PATH", help=f"Write the {self.what} to PATH.")
        target.add_argument(
            "--check", metavar="PATH", help=f"Exit non-zero if PATH differs from the generated {self.what}."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = self.render(**options)
        if options["check"]:
            path = Path(options["check"])
            current = path.read_text(encoding="utf-8") if path.exists() else ""
            if current != text:
                self._show_diff(path, current, text)
                raise CommandError(f"{path} is out of date; {self.fix_hint}.")
            self.stdout.write(f"{path} is up to date.")
        elif options["output"]:
            path = Path(options["output"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {path}.")
        else:
            self.stdout.write(text, ending="")

    def _show_diff(self, path: Path, current: str, generated: str) -> None:
        diff = difflib.unified_diff(
            current.splitlines(keepends=True),
            generated.splitlines(keepends=True),
            fromfile=f"{path} (committed)",
            tofile=f"generated {self.what}",
        )
        lines = list(islice(diff, DIFF_LINES + 1))
        self.stderr.write("".join(lines[:DIFF_LINES]), ending="")
        if len(lines) > DIFF_LINES:
            self.stderr.write(f"... (diff cut after {DIFF_LINES} lines)")
