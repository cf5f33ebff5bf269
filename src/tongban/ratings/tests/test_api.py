"""The ratings API: rating a case, the rectification list and actions, identity protection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

import pytest

from tongban.accounts.models import LegalPerson, User
from tongban.cases.models import Case
from tongban.notifications.models import Notification
from tongban.ratings.models import Invitation, Rating, Rectification
from tongban.ratings.services import invitations

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def holder(citizen: User, enterprise: LegalPerson, closed: Case) -> Client:
    client = Client(headers={"X-Acting-For": enterprise.uscc})
    client.force_login(citizen)
    return client


def _rate(client: Client, case: Case, key: str = "", **body: Any) -> Any:
    body.setdefault("level", "dissatisfied")
    body.setdefault("comment", "窗口态度差")
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(f"/api/v1/cases/{case.case_no}/ratings", body, content_type=JSON, headers=headers)


def _act(client: Client, rect_id: int, **body: Any) -> Any:
    return client.post(f"/api/v1/rectifications/{rect_id}/actions", body, content_type=JSON)


def test_rate_replay_and_conflict(holder: Client, closed: Case) -> None:
    first = _rate(holder, closed, key="r-1", level="very_dissatisfied", tags=["efficiency"])
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["rating"]["level"] == "very_dissatisfied"
    assert body["rating"]["codes"] == {"gbt39046": 5, "provincial": 1, "channel": 1}
    assert body["rating"]["rater"]["name"] == "张三"  # the rater sees themself
    assert body["rectification"]["status"] == "open" and body["rectification"]["callback"] is None
    again = _rate(holder, closed, key="r-1", level="very_dissatisfied", tags=["efficiency"])
    assert again.status_code == 200 and again.json()["rating"]["id"] == body["rating"]["id"]
    other = _rate(holder, closed, key="r-2", level="satisfied")
    assert other.status_code == 409 and other.json()["code"] == "rating_already_given"
    invalid = _rate(holder, closed, key="r-3", level="great", follow_up=True)
    assert invalid.status_code == 400 and invalid.json()["code"] == "rating_level_invalid"
    listed = holder.get(f"/api/v1/cases/{closed.case_no}/ratings")
    assert [r["sequence"] for r in listed.json()] == [1]


def test_staff_get_a_stable_403_and_strangers_a_404(
    closed: Case, people: dict[str, User], staff_browser: Callable[[User], Client], other_citizen: User
) -> None:
    for name in ("clerk", "samr_reviewer"):
        denied = _rate(staff_browser(people[name]), closed)
        assert denied.status_code == 403 and denied.json()["code"] == "rating_staff_forbidden"
    stranger = Client()
    stranger.force_login(other_citizen)
    assert _rate(stranger, closed).status_code == 404
    assert not Rating.objects.exists()


def test_department_sees_only_its_own_and_never_an_anonymous_rater(
    holder: Client, closed: Case, people: dict[str, User], staff_browser: Callable[[User], Client]
) -> None:
    _rate(holder, closed, anonymous=True)
    rect = Rectification.objects.get()
    samr, swj = staff_browser(people["samr_reviewer"]), staff_browser(people["swj_reviewer"])
    [row] = samr.get("/api/v1/rectifications").json()
    assert row["id"] == rect.pk and row["rating"]["case_no"] is None and row["rating"]["rater"] is None
    assert row["rating"]["rated_at"] is None and row["rating"]["comment"] == "窗口态度差"
    assert row["rating"]["window_staff"] == "测试clerk"
    assert swj.get("/api/v1/rectifications").json() == []
    assert swj.get(f"/api/v1/rectifications/{rect.pk}").status_code == 404
    assert _act(swj, rect.pk, action="claim").status_code == 404
    claimed = _act(samr, rect.pk, action="claim").json()
    assert claimed["handler"] == "测试samr_reviewer" and claimed["contact"] is None  # anonymous: no phone
    audit = staff_browser(people["supervisor"]).get(f"/api/v1/rectifications/{rect.pk}").json()
    assert audit["rating"]["case_no"] == closed.case_no and audit["rating"]["rater"]["name"] == "张三"
    assert audit["contact"] == "138****8000"
    assert "张三" not in samr.get(f"/api/v1/rectifications/{rect.pk}").content.decode()
    # Nor can the department find the anonymous rating through the case it handled.
    assert samr.get(f"/api/v1/cases/{closed.case_no}/ratings").json() == []
    assert len(staff_browser(people["supervisor"]).get(f"/api/v1/cases/{closed.case_no}/ratings").json()) == 1


def test_named_rating_shows_the_masked_phone_to_the_handler_only(
    holder: Client, closed: Case, people: dict[str, User], staff_browser: Callable[[User], Client]
) -> None:
    _rate(holder, closed)
    rect = Rectification.objects.get()
    handler, chief = staff_browser(people["samr_reviewer"]), staff_browser(people["samr_chief"])
    before = handler.get(f"/api/v1/rectifications/{rect.pk}").json()
    assert before["rating"]["case_no"] == closed.case_no and before["rating"]["rater"] is None
    assert before["contact"] is None
    assert _act(handler, rect.pk, action="claim").json()["contact"] == "138****8000"
    assert chief.get(f"/api/v1/rectifications/{rect.pk}").json()["contact"] is None
    assert "13800138000" not in handler.get(f"/api/v1/rectifications/{rect.pk}").content.decode()


def test_the_whole_rectification_through_the_api(
    holder: Client, closed: Case, people: dict[str, User], staff_browser: Callable[[User], Client]
) -> None:
    _rate(holder, closed)
    rect_id = Rectification.objects.get().pk
    worker = staff_browser(people["samr_reviewer"])
    missing = _act(worker, rect_id, action="callback", notes="已联系")
    assert missing.status_code == 400 and missing.json()["code"] == "rectification_flag_required"
    steps = [
        {"action": "callback", "reached": True, "notes": "已电话回访"},
        {"action": "classify", "classification": "explanation"},
        {"action": "respond", "text": "该材料为法定要求，已向您说明依据。"},
    ]
    for step in steps:
        response = _act(worker, rect_id, **step)
        assert response.status_code == 200, response.content
    assert response.json()["status"] == "responded"
    denied = _act(worker, rect_id, action="confirm")
    assert denied.status_code == 403
    mine = holder.get("/api/v1/rectifications?view=all").json()
    assert [r["response"] for r in mine] == ["该材料为法定要求，已向您说明依据。"]
    assert mine[0]["callback"] is None and all(s["action"] != "callback" for s in mine[0]["steps"])
    done = _act(holder, rect_id, action="confirm")
    assert done.status_code == 200 and done.json()["status"] == "closed"
    wrong = _act(worker, rect_id, action="respond", text="again")
    assert wrong.status_code == 409 and wrong.json()["code"] == "rectification_wrong_status"


def test_invitations_are_sent_once_per_closed_case(closed: Case, citizen: User, settings: Any) -> None:
    assert invitations.send_due() == 1
    assert invitations.send_due() == 0
    assert Invitation.objects.get().case == closed
    note = Notification.objects.get(template="ratings.invitation", channel="inbox")
    assert note.recipient == citizen and note.params["case_no"] == closed.case_no
    assert note.params["url"].endswith(f"/ratings/cases/{closed.case_no}/")
