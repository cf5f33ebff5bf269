"""``manage.py demo_totp <username>``: the current TOTP code of a demo staff account. Not in production."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.demo.loader import DemoRefused, demo_totp_device, seconds_remaining, totp_code


class Command(BaseCommand):
    help = "Print the current 6-digit TOTP code for a demo staff account (refused in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="a demo staff username, e.g. window_staff")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            device = demo_totp_device(options["username"])
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(totp_code(device))
        if options["verbosity"] > 1:
            self.stderr.write(f"valid for about {seconds_remaining(device)} more seconds")
