"""The pages: the applicant's parcels of a case (address form, tracking) and the staff attention list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

import pytest

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.cases.models import Case
from tongban.logistics.models import Shipment
from tongban.logistics.tests.conftest import address_for, carrier_pushes, minutes, ship

pytestmark = pytest.mark.django_db


def _url(case: Case) -> str:
    return f"/logistics/cases/{case.case_no}/"


def test_the_applicant_gives_an_address_and_follows_the_parcel(
    holder: Client, mail_case: Case, clock: Any
) -> None:
    page = holder.get(_url(mail_case))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="shipment-form"' in html and 'data-testid="no-shipments"' in html
    assert 'value="310101"' in html  # districts in force are offered
    assert 'value="310103"' not in html and 'value="310199"' not in html

    form = {"kind": "deliver_result", "key": "page-1", **address_for(postcode="2000")}
    refused = holder.post(_url(mail_case), form)
    assert refused.status_code == 400
    assert 'data-code="address_postcode_invalid"' in refused.content.decode()
    assert not Shipment.objects.exists()

    sent = holder.post(_url(mail_case), {**form, "postcode": "200001"})
    assert sent.status_code == 302
    assert holder.post(_url(mail_case), {**form, "postcode": "200001"}).status_code == 302  # double click
    shipment = Shipment.objects.get()
    clock.shift(minutes(30))
    carrier_pushes()
    html = holder.get(_url(mail_case)).content.decode()
    assert shipment.waybill_no in html and "139****9000" in html
    assert "13900139000" not in html and "测试路1号2号楼" not in html
    assert html.count('data-testid="tracking-event"') == 5
    assert 'data-testid="shipment-form"' not in html  # the case is closed: nothing left to post


def test_another_citizen_gets_404(mail_case: Case, other_citizen: User) -> None:
    stranger = Client()
    stranger.force_login(other_citizen)
    assert stranger.get(_url(mail_case)).status_code == 404
    assert stranger.post(_url(mail_case), {"kind": "deliver_result", **address_for()}).status_code == 404


def test_staff_see_and_settle_shipments_needing_attention(
    mail_case: Case,
    applicant: Principal,
    people: dict[str, User],
    staff_browser: Callable[[User], Client],
    holder: Client,
) -> None:
    shipment = ship(applicant, mail_case, phone="13000000014")  # the carrier is busy
    clerk = staff_browser(people["clerk"])
    assert 'data-testid="resolve-form"' not in clerk.get("/logistics/attention/").content.decode()
    Shipment.objects.filter(pk=shipment.pk).update(needs_attention=True, attention_reason="booking_failed")
    html = clerk.get("/logistics/attention/").content.decode()
    assert f'data-shipment="{shipment.uid}"' in html and 'data-reason="booking_failed"' in html
    assert "130****0014" in html and "13000000014" not in html
    settled = clerk.post("/logistics/attention/", {"shipment": str(shipment.uid), "action": "dismiss"})
    assert settled.status_code == 302
    shipment.refresh_from_db()
    assert not shipment.needs_attention
    assert holder.get("/logistics/attention/").status_code == 403
