"""``manage.py license_keys``: the licence signing keys of departments (docs/licenses-credentials.md).

    license_keys list                                          every key: kid, department, alg, status
    license_keys generate --department <slug> [--alg EdDSA|SM2]   a department's first key
    license_keys rotate --department <slug> [--alg EdDSA|SM2]     a new key; the old one is retired
    license_keys jwks                                          the published JWKS (/api/v1/trust/keys)

Production runs with ``TONGBAN_LICENSE_KEYS_AUTOCREATE=false``: create every issuing department's key
(and the platform operator's) with ``generate`` before the first licence is issued. Each generate and
rotate is recorded in the audit trail.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from tongban.licenses import signing
from tongban.licenses.credentials.encoding import ALGORITHMS, EDDSA
from tongban.licenses.credentials.errors import KeyStoreError
from tongban.licenses.credentials.keys import KeyRecord
from tongban.organizations.models import Department
from tongban.utils import context
from tongban.utils.errors import DomainError

ACTOR = "cli"
HINTS = {
    "active_key_exists": "the department already has a key: use `license_keys rotate`",
    "no_active_key": "the department has no key yet: use `license_keys generate`",
}


class Command(BaseCommand):
    help = "List, generate and rotate licence signing keys; print the published JWKS."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{list,generate,rotate,jwks}")
        sub.add_parser("list", help="Every key (active and retired), oldest first.")
        for name, text in (
            ("generate", "Create a department's first signing key."),
            ("rotate", "Create a new active key; earlier keys are retired but keep verifying."),
        ):
            action = sub.add_parser(name, help=text)
            action.add_argument("--department", required=True, help="Department slug, e.g. gaj.")
            action.add_argument(
                "--alg",
                choices=list(ALGORITHMS),
                default=None,
                help="EdDSA (Ed25519) or SM2. Default: EdDSA for generate, the current key's for rotate.",
            )
        sub.add_parser("jwks", help="Print the published JWKS document (JSON).")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list()
        elif action == "jwks":
            self._jwks()
        else:
            self._change(action, options["department"], options["alg"])

    def _list(self) -> None:
        try:
            records = signing.key_store().public_keys()
        except KeyStoreError as exc:
            raise CommandError(f"{exc.code}: {exc.detail}") from None
        names = dict(
            Department.objects.filter(uscc__in={r.department_code for r in records}).values_list(
                "uscc", "name"
            )
        )
        if not records:
            self.stdout.write(f"No keys in {signing.key_store().path}.")
            return
        self.stdout.write(f"{'kid':<34} {'alg':<6} {'status':<8} {'created':<20} department")
        for r in records:
            created = f"{r.created:%Y-%m-%d %H:%M:%S}" if r.created else "-"
            department = names.get(r.department_code, "(no such department)")
            self.stdout.write(
                f"{r.kid:<34} {r.alg:<6} {r.status:<8} {created:<20} {department} ({r.department_code})"
            )

    def _jwks(self) -> None:
        try:
            document = signing.published_keys()
        except (DomainError, KeyStoreError) as exc:
            raise CommandError(f"{exc.code}: {getattr(exc, 'message', None) or exc}") from None
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))

    def _change(self, action: str, slug: str, alg: str | None) -> None:
        department = Department.objects.filter(slug=slug).first()
        if department is None:
            raise CommandError(f"No department with the slug {slug!r}.")
        token = context.bind(channel="cli")
        try:
            with transaction.atomic():
                record: KeyRecord
                if action == "generate":
                    record = signing.generate_department_key(department, alg or EDDSA, actor_label=ACTOR)
                else:
                    record = signing.rotate_department_key(department, alg, actor_label=ACTOR)
        except KeyStoreError as exc:
            raise CommandError(f"{exc.code}: {HINTS.get(exc.code, exc.detail)}") from None
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        finally:
            context.reset(token)
        verb = "Generated" if action == "generate" else "Rotated to"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {record.kid} ({record.alg}) for {department.name} ({record.department_code})."
            )
        )
