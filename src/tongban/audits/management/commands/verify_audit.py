"""``manage.py verify_audit``: check the whole hash chain and report the first broken link."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tongban.audits.chain import find_first_break
from tongban.audits.models import AuditChainHead, AuditEvent


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exits non-zero at the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        head = AuditChainHead.objects.filter(id=1).first()
        events = AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
        broken = find_first_break(events, head_seq=head.seq if head else None)
        total = AuditEvent.objects.count()
        if broken:
            raise CommandError(f"audit chain broken at event #{broken.seq}: {broken.reason} ({total} events)")
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {total} events verified"))
