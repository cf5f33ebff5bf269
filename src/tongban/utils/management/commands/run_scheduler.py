"""``manage.py run_scheduler``: enqueue the periodic jobs of ``tongban.utils.schedule`` when they are due.

Runs next to the task worker (``bin/run.py`` starts it with ``make run``); one is enough, and a second one
does no harm (see the module docstring of ``tongban.utils.schedule``). ``--once`` checks once and exits
(for cron or a test), ``--list`` shows the jobs and when they run next. SIGTERM or Ctrl-C stops it
between two ticks.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

import structlog

from tongban.utils import schedule
from tongban.utils.models import ScheduledJob

log = structlog.get_logger(__name__)


class Command(BaseCommand):
    help = "Enqueue periodic tasks when they are due (runs until stopped)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tick", type=float, default=15.0, help="Seconds between two checks (15).")
        parser.add_argument("--once", action="store_true", help="Check once, enqueue what is due, exit.")
        parser.add_argument("--list", action="store_true", help="List the jobs and their next run, exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self._list()
            return
        if options["once"]:
            for name in schedule.run_due():
                self.stdout.write(f"enqueued {name}")
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: stop.set())
        names = [job.name for job in schedule.jobs()]
        self.stdout.write(f"scheduler: {len(names)} jobs ({', '.join(names)}), every {options['tick']:g} s")
        self.stdout.flush()
        while not stop.is_set():
            close_old_connections()
            try:
                schedule.run_due()
            except Exception:  # a locked or restarting database: log it, try again next tick
                log.exception("scheduler_tick_failed")
            stop.wait(options["tick"])
        close_old_connections()
        self.stdout.write("scheduler: stopped")

    def _list(self) -> None:
        states = {s.name: s for s in ScheduledJob.objects.all()}
        now = timezone.now()
        for job in schedule.jobs():
            state = states.get(job.name)
            when = (
                "at the next tick"
                if state is None or state.next_run_at <= now
                else f"{state.next_run_at:%Y-%m-%d %H:%M:%S%z}"
            )
            runs = f"{state.runs} runs, {state.skipped} skipped" if state else "never run"
            self.stdout.write(
                f"{job.name:<32} every {job.interval}  next {when}  ({runs})  {job.task.module_path}"
            )
