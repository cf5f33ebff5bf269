"""``manage.py issue_token <username> [--scope S ...] [--days N] [--name NAME] [--acting-for USCC]``.

Prints the token once; only its SHA-256 digest is stored.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.accounts import services
from tongban.accounts.constants import API_SCOPES
from tongban.accounts.models import LegalPerson, User
from tongban.accounts.principal import Principal
from tongban.utils import context
from tongban.utils.errors import DomainError


class Command(BaseCommand):
    help = "Issue a personal access token for the API and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            choices=sorted(API_SCOPES),
            help="Scope to grant; repeat for several. Default: profile:read.",
        )
        parser.add_argument("--days", type=int, default=90, help="Lifetime in days (default 90).")
        parser.add_argument("--name", default="cli", help="A label to recognise the token by.")
        parser.add_argument(
            "--acting-for", dest="acting_for", help="USCC of a legal person the user represents."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {options['username']!r}.")
        acting_for = None
        if options["acting_for"]:
            acting_for = LegalPerson.objects.filter(uscc=options["acting_for"].upper()).first()
            if acting_for is None:
                raise CommandError(f"No legal person with USCC {options['acting_for']!r}.")
        token = context.bind(channel="cli")
        try:
            _row, text = services.issue_token(
                user=user,
                name=options["name"],
                scopes=options["scopes"] or ["profile:read"],
                days=options["days"],
                acting_for=acting_for,
                principal=Principal(user=user, channel="cli"),
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        finally:
            context.reset(token)
        self.stdout.write(text)
        self.stderr.write("Store this token now: it is not shown again.")
