"""The licence library in the admin: read-only pages with masked holders, status actions via services."""

from __future__ import annotations

from typing import Any

from django.test import Client

import pytest

from tongban.accounts.tests.factories import StaffProfileFactory
from tongban.audits.models import AuditEvent
from tongban.licenses.constants import LicenseStatus
from tongban.licenses.models import License

pytestmark = pytest.mark.django_db
URL = "/admin/licenses/license/"


@pytest.fixture
def admin_client(client: Client, settings: Any) -> Client:
    settings.TONGBAN_STAFF_REQUIRE_OTP = False
    admin = StaffProfileFactory(user__is_staff=True, user__is_superuser=True, roles=["administrator"])
    client.force_login(admin.user)
    return client


def test_pages_mask_the_holder_and_refuse_edits(admin_client: Client, id_card: License) -> None:
    listing = admin_client.get(URL).content.decode()
    assert id_card.number in listing and id_card.holder_code not in listing and "张*" in listing
    detail = admin_client.get(f"{URL}{id_card.pk}/change/").content.decode()
    assert id_card.holder_code not in detail and id_card.identifier in detail
    assert admin_client.get(f"{URL}add/").status_code == 403
    assert admin_client.post(f"{URL}{id_card.pk}/delete/", {"post": "yes"}).status_code == 403
    assert License.objects.filter(pk=id_card.pk).exists()


def test_suspend_action_goes_through_the_service(admin_client: Client, id_card: License) -> None:
    response = admin_client.post(URL, {"action": "make_suspended", "_selected_action": [id_card.pk]})
    assert response.status_code == 302
    id_card.refresh_from_db()
    assert id_card.status == LicenseStatus.SUSPENDED and id_card.status_reason
    assert AuditEvent.objects.filter(event="license.suspended").exists()
    # Suspending again is refused (not a valid transition), and nothing changes.
    admin_client.post(URL, {"action": "make_suspended", "_selected_action": [id_card.pk]})
    assert AuditEvent.objects.filter(event="license.suspended").count() == 1
