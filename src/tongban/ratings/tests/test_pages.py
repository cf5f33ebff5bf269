"""The citizen, public and staff pages."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

import pytest

from tongban.accounts.models import LegalPerson, User
from tongban.cases.models import Case
from tongban.organizations.models import Department, Region, ServiceWindow
from tongban.ratings.models import Rating, Rectification
from tongban.ratings.services import board

pytestmark = pytest.mark.django_db


@pytest.fixture
def rater(citizen: User, enterprise: LegalPerson, closed: Case) -> Client:
    client = Client()
    client.force_login(citizen)
    session = client.session
    session["tb_acting_for"] = enterprise.pk
    session.save()
    return client


@pytest.fixture
def window(front_desk: Department, region: Region) -> ServiceWindow:
    return ServiceWindow.objects.create(
        code="hp-zh-1",
        name="综合受理窗口",
        department=front_desk,
        district=region,
        address="测试路1号",
        hours="9-17",
    )


def test_rate_follow_and_confirm_on_the_pages(
    rater: Client, closed: Case, people: dict[str, User], staff_browser: Callable[[User], Client]
) -> None:
    url = f"/ratings/cases/{closed.case_no}/"
    page = rater.get(url)
    assert page.status_code == 200 and 'data-testid="rate-form"' in page.content.decode()
    key = page.context["key"]
    refused = rater.post(url, {"action": "rate", "level": "dissatisfied", "key": key})
    assert refused.status_code == 400 and "rating_bad_needs_reason" in refused.content.decode()
    sent = rater.post(url, {"action": "rate", "level": "dissatisfied", "comment": "排队太久", "key": key})
    assert sent.status_code == 302
    assert (
        rater.post(
            url, {"action": "rate", "level": "dissatisfied", "comment": "排队太久", "key": key}
        ).status_code
        == 302
    )
    assert Rating.objects.count() == 1  # a double click rates once
    rect = Rectification.objects.get()

    worker = staff_browser(people["samr_reviewer"])
    detail = f"/workbench/ratings/{rect.pk}/"
    for form in (
        {"action": "callback", "reached": "true", "notes": "已回访"},
        {"action": "classify", "classification": "immediate"},
        {"action": "respond", "text": "已增加窗口人手。"},
    ):
        assert worker.post(detail, form).status_code == 302
    shown = worker.get(detail).content.decode()
    assert 'data-status="responded"' in shown and "已增加窗口人手。" in shown
    assert "立行立改" in shown  # the record says how the department classified it

    followed = rater.get(url).content.decode()
    assert "已增加窗口人手。" in followed and 'data-testid="confirm-form"' in followed
    assert rater.post(url, {"action": "confirm", "rectification": rect.pk}).status_code == 302
    rect.refresh_from_db()
    assert rect.status == "closed" and rect.outcome == "confirmed"
    mine = rater.get("/ratings/mine/").content.decode()
    assert closed.case_no in mine


def test_staff_cannot_open_the_rating_page(
    closed: Case, people: dict[str, User], staff_browser: Callable[[User], Client]
) -> None:
    response = staff_browser(people["clerk"]).get(f"/ratings/cases/{closed.case_no}/")
    assert response.status_code == 403


def test_workbench_inbox_is_per_department(
    rater: Client, closed: Case, people: dict[str, User], staff_browser: Callable[[User], Client]
) -> None:
    rater.post(
        f"/ratings/cases/{closed.case_no}/", {"action": "rate", "level": "very_dissatisfied", "comment": "差"}
    )
    rect = Rectification.objects.get()
    samr = staff_browser(people["samr_reviewer"]).get("/workbench/ratings/")
    assert samr.status_code == 200 and f'data-rect="{rect.pk}"' in samr.content.decode()
    swj = staff_browser(people["swj_reviewer"])
    assert f'data-rect="{rect.pk}"' not in swj.get("/workbench/ratings/").content.decode()
    assert swj.get(f"/workbench/ratings/{rect.pk}/").status_code == 404
    supervisor = staff_browser(people["supervisor"]).get("/workbench/ratings/?view=all")
    assert f'data-rect="{rect.pk}"' in supervisor.content.decode()


def test_public_board_page_needs_no_sign_in(rater: Client, closed: Case) -> None:
    rater.post(f"/ratings/cases/{closed.case_no}/", {"action": "rate", "level": "satisfied"})
    board.recompute()
    page = Client().get("/ratings/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="board-department"' in html
    assert "100.0%" in html and closed.case_no not in html and "张三" not in html


def test_window_qr_and_the_visit_page(
    window: ServiceWindow,
    rater: Client,
    closed: Case,
    people: dict[str, User],
    staff_browser: Callable[[User], Client],
) -> None:
    poster = staff_browser(people["clerk"]).get(f"/workbench/ratings/windows/{window.code}/qr/")
    html = poster.content.decode()
    assert (
        poster.status_code == 200
        and 'src="data:image/svg+xml' in html
        and f"/ratings/windows/{window.code}/" in html
    )
    assert (
        staff_browser(people["swj_reviewer"]).get(f"/workbench/ratings/windows/{window.code}/qr/").status_code
        == 404
    )
    anonymous = Client().get(f"/ratings/windows/{window.code}/").content.decode()
    assert 'data-testid="window-login"' in anonymous
    visit = rater.get(f"/ratings/windows/{window.code}/").content.decode()
    assert f"/ratings/cases/{closed.case_no}/?window={window.code}" in visit
    sent = rater.post(
        f"/ratings/cases/{closed.case_no}/?window={window.code}",
        {"action": "rate", "level": "very_satisfied", "tags": ["service_attitude"], "window": window.code},
    )
    assert sent.status_code == 302
    assert rater.get(f"/ratings/cases/{closed.case_no}/?window=nowhere").status_code == 404
    rating = Rating.objects.get()
    assert rating.channel == "qr" and rating.window == window and rating.mode == "window"
    assert closed.case_no not in rater.get(f"/ratings/windows/{window.code}/").content.decode()
