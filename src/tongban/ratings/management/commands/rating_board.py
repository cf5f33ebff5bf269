"""``manage.py rating_board``: rebuild the public rating board now (the scheduler does it every 10 min)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongban.ratings.services import board


class Command(BaseCommand):
    help = "Rebuild the public rating board (好差评 figures per department, service and district)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue the task for the worker instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from tongban.ratings.tasks import recompute_board

            recompute_board.enqueue()
            self.stdout.write("Board rebuild queued.")
            return
        self.stdout.write(f"{board.recompute()} board figure(s) written.")
