"""Giving a rating: who may, when, once plus one follow-up, idempotency, what is recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

import pytest

from tongban.accounts import services as accounts
from tongban.accounts.constants import RepresentationRole, RepresentationScope
from tongban.accounts.models import LegalPerson, User
from tongban.accounts.principal import Principal
from tongban.cases.constants import CaseStatus
from tongban.cases.models import Case
from tongban.cases.tests.conftest import World, as_principal, complete, decide_all, open_task
from tongban.conftest import PERSONA_PASSWORD
from tongban.organizations.models import Department, Region, ServiceWindow
from tongban.ratings.models import Rating, Rectification
from tongban.ratings.tests.conftest import rate, staff
from tongban.utils.errors import Conflict, DomainError, Forbidden, ValidationFailed
from tongban.utils.identifiers import make_resident_id

pytestmark = pytest.mark.django_db


def test_a_good_rating_records_case_department_items_staff_and_opens_nothing(
    applicant: Principal, closed: Case, people: dict[str, User], department: Department
) -> None:
    rated = rate(applicant, closed, "satisfied", tags=["efficiency", "convenience"], comment="很快")
    r = rated.rating
    assert not rated.replay and r.sequence == 1 and r.is_current
    assert (
        r.rater == applicant.user and r.acting_for == applicant.acting_for and r.rater_kind == "legal_person"
    )
    assert r.department == department and r.mode == "online" and r.tags == ["efficiency", "convenience"]
    # The bundle is rated once and counted for each of its items (and their departments).
    assert {t.item_code for t in r.targets.all()} == set(closed.items.values_list("item_code", flat=True))
    assert r.item is not None and r.item.department == department
    # Who served at the window: the clerk who accepted the case.
    assert r.window_staff == people["clerk"]
    assert r.district == closed.front_desk.region
    assert not Rectification.objects.exists()


def test_one_rating_per_case_and_natural_replay(applicant: Principal, closed: Case) -> None:
    first = rate(applicant, closed, "basically_satisfied")
    again = rate(applicant, closed, "basically_satisfied")
    assert again.replay and again.rating.pk == first.rating.pk
    with pytest.raises(Conflict) as exc:
        rate(applicant, closed, "very_satisfied")
    assert exc.value.code == "rating_already_given"
    assert Rating.objects.count() == 1


def test_idempotency_key_replays_and_refuses_reuse(applicant: Principal, closed: Case) -> None:
    first = rate(applicant, closed, "satisfied", idempotency_key="k1")
    assert rate(applicant, closed, "satisfied", idempotency_key="k1").replay
    with pytest.raises(Conflict) as exc:
        rate(applicant, closed, "very_satisfied", idempotency_key="k1")
    assert exc.value.code == "idempotency_key_reused"
    assert Rating.objects.get().pk == first.rating.pk


def test_one_follow_up_may_change_the_level_and_becomes_current(applicant: Principal, closed: Case) -> None:
    with pytest.raises(Conflict) as exc:
        rate(applicant, closed, "satisfied", follow_up=True)
    assert exc.value.code == "rating_follow_up_without_first"
    first = rate(applicant, closed, "very_satisfied").rating
    follow = rate(applicant, closed, "dissatisfied", follow_up=True, comment="后来发现证照有误").rating
    first.refresh_from_db()
    assert follow.sequence == 2 and follow.is_current and not first.is_current
    assert first.level == "very_satisfied"  # both records kept
    assert Rectification.objects.get().rating == follow  # a bad follow-up opens a rectification
    with pytest.raises(Conflict) as exc:
        rate(applicant, closed, "satisfied", follow_up=True)
    assert exc.value.code == "rating_follow_up_given"


def test_follow_up_window(applicant: Principal, closed: Case, settings: Any) -> None:
    settings.TONGBAN_RATING_FOLLOW_UP_DAYS = 10
    rate(applicant, closed, "satisfied")
    later = timezone.now() + dt.timedelta(days=11)
    with pytest.raises(Conflict) as exc:
        rate(applicant, closed, "satisfied", follow_up=True, now=later)
    assert exc.value.code == "rating_follow_up_window_closed"


def test_staff_never_rate(closed: Case, people: dict[str, User]) -> None:
    for name in ("clerk", "samr_reviewer", "supervisor"):
        with pytest.raises(Forbidden) as exc:
            rate(staff(people, name), closed, "very_satisfied")
        assert exc.value.code == "rating_staff_forbidden"
    assert not Rating.objects.exists()


def test_only_the_applicant_or_an_agent_who_may_apply(
    closed: Case, enterprise: LegalPerson, other_citizen: User, citizen: User
) -> None:
    with pytest.raises(Forbidden) as exc:
        rate(as_principal(other_citizen), closed, "satisfied")
    assert exc.value.code == "rating_not_applicant"
    with pytest.raises(Forbidden):  # the representative, but not acting for the enterprise
        rate(as_principal(citizen), closed, "satisfied")
    for n, scopes, allowed in (
        (1, [RepresentationScope.VIEW_CASES], False),
        (2, [RepresentationScope.APPLY], True),
    ):
        agent = accounts.register_natural_person(
            username=f"agent{n}",
            password=PERSONA_PASSWORD,
            real_name="赵六",
            id_number=make_resident_id("310101", dt.date(1992, 2, n), 333),
            verified=True,
        )
        accounts.grant_representation(
            principal=None,
            person=agent,
            legal_person=enterprise,
            role=RepresentationRole.AGENT,
            scopes=scopes,
            expires_at=timezone.now() + dt.timedelta(days=30),
        )
        who = as_principal(agent, enterprise)
        if allowed:
            assert rate(who, closed, "satisfied").rating.rater == agent
        else:
            with pytest.raises(Forbidden):
                rate(who, closed, "satisfied")


def test_only_ended_cases_within_the_window(
    applicant: Principal,
    submitted: Case,
    people: dict[str, User],
    department: Department,
    swj: Department,
    settings: Any,
) -> None:
    with pytest.raises(Conflict) as exc:
        rate(applicant, submitted, "satisfied")
    assert exc.value.code == "rating_case_not_closed"
    closed = decide_all(submitted, people, department, swj)
    complete(people["clerk"], open_task(closed, "issue"), "issue")
    settings.TONGBAN_RATING_WINDOW_DAYS = 5
    with pytest.raises(Conflict) as exc:
        rate(applicant, closed, "satisfied", now=timezone.now() + dt.timedelta(days=6))
    assert exc.value.code == "rating_window_closed"
    assert rate(applicant, closed, "satisfied", now=timezone.now() + dt.timedelta(days=4)).rating.pk


def test_not_accepted_cases_when_configured(
    make_case: Callable[..., Case], catalogue: World, citizen: User, settings: Any
) -> None:
    case = make_case([catalogue.item_tax], status=CaseStatus.NOT_ACCEPTED)
    with pytest.raises(Conflict):
        rate(as_principal(citizen), case, "dissatisfied")
    settings.TONGBAN_RATING_CASE_STATUSES = ["closed", "not_accepted"]
    assert rate(as_principal(citizen), case, "dissatisfied").rating.level == "dissatisfied"


def test_input_rules(applicant: Principal, closed: Case) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"level": "great"}, "rating_level_invalid"),
        ({"level": "satisfied", "channel": "sms"}, "rating_channel_invalid"),
        ({"level": "satisfied", "tags": ["service_attitude"]}, "rating_tags_invalid"),  # a window tag online
        ({"level": "satisfied", "comment": "长" * 501}, "rating_comment_too_long"),
        ({"level": "very_dissatisfied", "comment": "  "}, "rating_bad_needs_reason"),
    ]
    for kw, code in cases:
        level = kw.pop("level")
        with pytest.raises(DomainError) as exc:
            rate(applicant, closed, level, **kw)
        assert exc.value.code == code, (kw, exc.value.code)
    with pytest.raises(ValidationFailed) as many:
        rate(applicant, closed, "great", channel="sms")
    assert {e.code for e in many.value.errors} == {"rating_level_invalid", "rating_channel_invalid"}
    # A bad rating with an indicator but no words is fine.
    assert rate(applicant, closed, "dissatisfied", tags=["efficiency"], comment="").rating.pk


def test_qr_rating_at_a_window_uses_window_indicators_and_its_district(
    applicant: Principal, closed: Case, front_desk: Department, region: Region
) -> None:
    district = Region.objects.create(code="310101", name="黄浦区", level="district", parent=region)
    window = ServiceWindow.objects.create(
        code="hp-1", name="综合受理窗口", department=front_desk, district=district, address="x", hours="9-17"
    )
    with pytest.raises(DomainError) as exc:
        rate(applicant, closed, "satisfied", channel="qr", window=window, tags=["efficiency"])
    assert exc.value.code == "rating_tags_invalid"
    r = rate(applicant, closed, "satisfied", channel="qr", window=window, tags=["service_attitude"]).rating
    assert r.mode == "window" and r.window == window and r.district == district
