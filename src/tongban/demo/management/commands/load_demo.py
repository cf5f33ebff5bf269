"""``manage.py load_demo``: load the demo data set (idempotent). Refused in production."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tongban.demo import data
from tongban.demo.loader import DemoRefused, LoadReport, load_demo


class Command(BaseCommand):
    help = (
        "Load demo regions, departments, windows, roles, fictional people and staff. "
        "Safe to run again: existing records are found, not duplicated. Refused in production."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_demo()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self._summary(report)
        self._accounts()

    def _summary(self, report: LoadReport) -> None:
        self.stdout.write(f"{'record':<24}{'created':>9}{'updated':>9}{'found':>9}{'skipped':>9}")
        for kind, created, updated, found, skipped in report.rows():
            self.stdout.write(f"{kind:<24}{created:>9}{updated:>9}{found:>9}{skipped:>9}")
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        created, updated = report.total("created"), report.total("updated")
        if created or updated:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {created} created, {updated} updated."))
        else:
            self.stdout.write(self.style.SUCCESS("Demo data already present: nothing to do."))

    def _accounts(self) -> None:
        reviewers = ", ".join(f"reviewer_{d.slug}" for d in data.CITY_DEPARTMENTS)
        rows = [
            ("URL", data.DEMO_URL),
            ("password (all)", data.DEMO_PASSWORD),
            ("citizens", ", ".join(c.username for c in data.CITIZENS)),
            ("staff", ", ".join(s.username for s in data.STAFF if not s.username.startswith("reviewer_"))),
            ("reviewers", reviewers),
            ("staff TOTP code", "python manage.py demo_totp <username>   e.g. demo_totp window_staff"),
            ("TOTP secret", f"{data.DEMO_TOTP_KEY_BASE32} (base32, for an authenticator app)"),
            ("details", "docs/demo-accounts.md"),
        ]
        self.stdout.write("")
        for label, value in rows:
            self.stdout.write(f"  {label:<17}{value}")
