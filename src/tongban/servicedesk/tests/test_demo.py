"""The demo loader's tickets and FAQ answers (on the restaurant world: only 食品经营许可 exists)."""

from __future__ import annotations

from django.utils import timezone

import pytest

from tongban.accounts import services as accounts
from tongban.accounts.constants import StaffRole
from tongban.accounts.models import Role, User
from tongban.conftest import PERSONA_PASSWORD
from tongban.demo.loader import LoadReport
from tongban.organizations.models import Department
from tongban.servicedesk.demo import load_demo_tickets
from tongban.servicedesk.models import KnowledgeEntry, Ticket
from tongban.utils.identifiers import make_resident_id

pytestmark = pytest.mark.django_db


def test_demo_tickets_load_once(
    staff: dict[str, User], front_desk: Department, staff_roles: dict[str, Role]
) -> None:
    for n, (name, real) in enumerate((("citizen_b", "李示例"), ("biz_owner", "王示例")), start=1):
        accounts.register_natural_person(
            username=name,
            password=PERSONA_PASSWORD,
            real_name=real,
            id_number=make_resident_id("310101", timezone.localdate().replace(year=1980), 700 + n),
        )
    report = LoadReport()
    load_demo_tickets(report)
    assert report.counts["service desk FAQ answers"]["created"] == 3
    assert report.counts["service desk FAQ answers"]["skipped"] == 1  # 机动车驾驶证换证 is not in this world
    assert report.counts["service desk tickets"] == {"created": 2, "updated": 0, "found": 0, "skipped": 2}
    answered = Ticket.objects.get(idempotency_key="demo-sd-2")
    assert answered.status == "answered" and answered.replies.count() == 1
    assert Ticket.objects.get(idempotency_key="demo-sd-3").status == "new"
    again = LoadReport()
    load_demo_tickets(again)
    assert again.counts["service desk tickets"]["found"] == 2 and Ticket.objects.count() == 2
    assert KnowledgeEntry.objects.filter(published=True).count() == 3
    assert StaffRole.SERVICE_DESK in staff_roles
