"""``manage.py escalate_corrections``: run the overdue escalation of licence error reports now (cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongban.licenses.services.corrections import escalate_overdue


class Command(BaseCommand):
    help = "Tell section chiefs about licence error reports past their due date (each report once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue the task for the worker instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from tongban.licenses.tasks_corrections import escalate_overdue_corrections

            escalate_overdue_corrections.enqueue()
            self.stdout.write("Escalation queued.")
            return
        count = escalate_overdue()
        self.stdout.write(f"{count} overdue report(s) escalated.")
