"""``manage.py import_licenses <file>``: bulk import of licences from CSV or JSON Lines.

Row fields and checks: :mod:`tongban.licenses.services.imports`. Run it again on the same file after an
interruption and it continues after the last committed batch. Rejected rows are listed in
``<file>.errors.csv`` (line, code, field, message). Exit status 0 when the file was read to the end, even
with rejected rows; 1 when the import could not run (unknown issuer, bad header, file imported already).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from tongban.licenses.services import imports
from tongban.organizations.models import Department
from tongban.utils.errors import DomainError


class Progress:
    """One status line on stderr: rewritten in place on a terminal, every 10 seconds otherwise."""

    def __init__(self, stream: Any = sys.stderr) -> None:
        self.stream = stream
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self.start = self.last = time.monotonic()

    def __call__(self, done: int, total: int, rows: int) -> None:
        now = time.monotonic()
        if not self.tty and now - self.last < 10 and done < total:
            return
        self.last = now
        share = done / total if total else 1.0
        elapsed = max(now - self.start, 1e-6)
        rate = rows / elapsed
        eta = (elapsed / share - elapsed) if share > 0 else 0
        bar = "#" * int(share * 30)
        eta_text = f"{int(eta) // 60}:{int(eta) % 60:02d}"
        line = f"[{bar:<30}] {share:6.1%}  {rows:,} rows  {rate:,.0f}/s  ETA {eta_text}"
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "Import licences from a CSV or JSON Lines file (resumable; bad rows are reported, good rows land)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=imports.FORMATS, help="csv or jsonl (default: by suffix)")
        parser.add_argument("--issuer", help="Issuing department (slug or USCC) of rows without an issuer.")
        parser.add_argument("--sign", action="store_true", help="Sign each batch now (default: the worker).")
        parser.add_argument("--batch", type=int, default=imports.DEFAULT_BATCH, help="Rows per transaction.")
        parser.add_argument(
            "--workers",
            type=int,
            default=min(4, os.cpu_count() or 1) if (os.cpu_count() or 1) > 1 else 0,
            help="Processes checking rows while this one writes (0: check here; default: CPUs, at most 4).",
        )
        parser.add_argument("--max-batches", type=int, help="Stop after this many batches (resumable).")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1")
        issuer = None
        if options["issuer"]:
            key = options["issuer"].strip()
            issuer = Department.objects.filter(Q(slug=key) | Q(uscc=key.upper())).first()
            if issuer is None:
                raise CommandError(f"no department with slug or USCC {key!r}")
        progress = None if options["no_progress"] else Progress()
        started = time.monotonic()
        try:
            record = imports.import_file(
                path,
                fmt=options["format"],
                issuer=issuer,
                sign=options["sign"],
                batch=options["batch"],
                workers=max(0, options["workers"]),
                started_by=f"manage.py import_licenses ({os.environ.get('USER', '')})".replace(" ()", ""),
                progress=progress,
                max_batches=options["max_batches"],
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        finally:
            if progress is not None:
                progress.close()
        seconds = time.monotonic() - started
        self.stdout.write(
            f"import #{record.pk} {record.get_status_display()}: {record.rows_read:,} rows read, "
            f"{record.rows_imported:,} imported, {record.rows_rejected:,} rejected in {seconds:.1f} s"
        )
        if record.errors_file:
            self.stdout.write(f"rejected rows: {record.errors_file}")
        if record.status != record.Status.DONE:
            self.stdout.write("stopped early: run the same command again to continue.")
