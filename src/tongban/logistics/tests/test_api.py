"""The logistics API: asking for a shipment once (Idempotency-Key), following it, who may see and do
what, and the staff list of shipments needing attention."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

import pytest

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.audits.models import AuditEvent
from tongban.cases.models import Case
from tongban.cases.services.submission import Application, submit
from tongban.logistics.models import Shipment
from tongban.logistics.tests.conftest import address_for, ship

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _ask(
    client: Client, case: Case, key: str = "ship-1", kind: str = "deliver_result", **address: str
) -> Any:
    body = {"kind": kind, "address": address_for(**address)}
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(f"/api/v1/cases/{case.case_no}/shipments", body, content_type=JSON, headers=headers)


def test_asking_twice_with_one_key_gives_one_shipment(holder: Client, mail_case: Case) -> None:
    first = _ask(holder, mail_case)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["status"] == "booked" and body["waybill_no"].startswith("EA")
    assert body["address"] == {
        "name": "张*",
        "phone": "139****9000",
        "region_code": "310101",
        "region_name": "黄浦区",
        "detail": "测试路1号2****",
        "postcode": "200001",
    }
    again = _ask(holder, mail_case)
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Shipment.objects.count() == 1
    other_address = _ask(holder, mail_case, detail="另一条路8号")
    assert other_address.status_code == 409 and other_address.json()["code"] == "idempotency_key_reused"
    second = _ask(holder, mail_case, key="ship-2")
    assert second.status_code == 409 and second.json()["code"] == "shipment_already_open"

    got = holder.get(f"/api/v1/shipments/{body['id']}")
    assert got.status_code == 200 and got.json()["waybill_no"] == body["waybill_no"]
    listed = holder.get(f"/api/v1/cases/{mail_case.case_no}/shipments")
    assert [s["id"] for s in listed.json()] == [body["id"]]


def test_address_problems_come_back_together_with_their_codes(holder: Client, mail_case: Case) -> None:
    response = _ask(holder, mail_case, phone="12", region_code="310103", postcode="abc")
    assert response.status_code == 422
    errors = {e["field"]: e["code"] for e in response.json()["errors"]}
    assert errors == {
        "address.phone": "address_phone_invalid",
        "address.region_code": "address_region_retired",
        "address.postcode": "address_postcode_invalid",
    }
    assert not Shipment.objects.exists()


def test_results_go_by_post_only_when_the_applicant_chose_it(
    holder: Client,
    applicant: Principal,
    restaurant_app: Callable[..., Application],
    districts: Any,
    clock: Any,
    people: Any,
) -> None:
    electronic = submit(applicant, restaurant_app(), idempotency_key="e-1")
    response = _ask(holder, electronic)
    assert response.status_code == 400 and response.json()["code"] == "delivery_not_by_post"
    collect = _ask(holder, electronic, kind="collect_materials")
    assert collect.status_code == 201 and collect.json()["kind"] == "collect_materials"


def test_another_citizen_sees_nothing(
    mail_case: Case, applicant: Principal, other_citizen: User, clock: Any
) -> None:
    shipment = ship(applicant, mail_case)
    stranger = Client()
    stranger.force_login(other_citizen)
    assert stranger.get(f"/api/v1/shipments/{shipment.uid}").status_code == 404
    assert stranger.get(f"/api/v1/cases/{mail_case.case_no}/shipments").status_code == 404
    assert _ask(stranger, mail_case).status_code == 404
    assert stranger.post(f"/api/v1/shipments/{shipment.uid}/cancel", {}, content_type=JSON).status_code == 404
    assert stranger.get("/api/v1/shipments/not-a-uuid").status_code == 404
    assert Client().get(f"/api/v1/shipments/{shipment.uid}").status_code == 401
    assert stranger.get("/api/v1/logistics/attention").json()["code"] == "staff_only"


def test_the_front_desk_clerk_may_ask_and_settle_a_reviewer_may_only_look(
    mail_case: Case,
    applicant: Principal,
    people: dict[str, User],
    staff_browser: Callable[[User], Client],
    clock: Any,
) -> None:
    clerk, reviewer = staff_browser(people["clerk"]), staff_browser(people["samr_reviewer"])
    refused = _ask(reviewer, mail_case)
    assert refused.status_code == 403
    asked = _ask(clerk, mail_case, phone="13000000016")  # the carrier refuses this one for good
    assert asked.status_code == 201 and asked.json()["needs_attention"]
    shipment_id = asked.json()["id"]

    for client in (clerk, reviewer):
        listed = client.get("/api/v1/logistics/attention")
        assert [(s["id"], s["attention_reason"]) for s in listed.json()] == [(shipment_id, "booking_failed")]
    url = f"/api/v1/logistics/attention/{shipment_id}/resolve"
    body = {"action": "dismiss", "note": "applicant will collect at the window"}
    assert reviewer.post(url, body, content_type=JSON).status_code == 403
    settled = clerk.post(url, body, content_type=JSON)
    assert settled.status_code == 200, settled.content
    assert not settled.json()["needs_attention"]
    assert settled.json()["staff_note"] == "applicant will collect at the window"
    assert clerk.get("/api/v1/logistics/attention").json() == []
    resolved = AuditEvent.objects.get(event="shipment.resolved")
    assert resolved.summary["reason"] == "booking_failed"
    assert "window" not in str(resolved.summary)  # the note stays out of the audit trail
