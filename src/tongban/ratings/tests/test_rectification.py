"""Bad rating → rectification → closure; reopening and escalation; overdue escalation; appeals; who may
do what."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

import pytest

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.audits.models import AuditEvent
from tongban.calendars.query import add_working_days
from tongban.cases.models import Case
from tongban.notifications.models import Notification
from tongban.ratings.models import Rating, Rectification
from tongban.ratings.services import rectification as svc
from tongban.ratings.tests.conftest import rate, staff
from tongban.utils.errors import Conflict, DomainError, Forbidden, NotFound

pytestmark = pytest.mark.django_db


@pytest.fixture
def rect(applicant: Principal, closed: Case) -> Rectification:
    rate(applicant, closed, "very_dissatisfied", tags=["efficiency"], comment="材料被退回三次")
    return Rectification.objects.get()


def act(who: Principal, rect: Rectification, action: str, **kw: Any) -> Rectification:
    return svc.act(who, rect, action, **kw)


def templates_for(user: User) -> set[str]:
    return set(Notification.objects.filter(recipient=user).values_list("template", flat=True))


def handle(people: dict[str, User], rect: Rectification) -> Rectification:
    worker = staff(people, "samr_reviewer")
    act(worker, rect, "callback", reached=True, notes="已电话联系，核实情况属实")
    act(worker, rect, "classify", classification="immediate")
    return act(worker, rect, "respond", text="已优化材料审核流程，向您致歉。")


def test_a_bad_rating_opens_a_rectification_for_the_lead_department(
    rect: Rectification, people: dict[str, User], closed: Case
) -> None:
    assert rect.department == closed.lead_department and rect.status == "open"
    assert rect.due_on == add_working_days(timezone.localdate(), 15)
    assert "ratings.bad_rating" in templates_for(people["samr_chief"])
    assert "ratings.bad_rating" not in templates_for(people["swj_reviewer"])
    assert AuditEvent.objects.filter(event="ratings.rectification_opened").exists()


def test_deadline_is_configurable(applicant: Principal, closed: Case, settings: Any) -> None:
    settings.TONGBAN_RECTIFICATION_WORKING_DAYS = 5
    rate(applicant, closed, "dissatisfied")
    assert Rectification.objects.get().due_on == add_working_days(timezone.localdate(), 5)


def test_call_back_classify_respond_confirm_closes_on_time(
    rect: Rectification, people: dict[str, User], applicant: Principal
) -> None:
    worker = staff(people, "samr_reviewer")
    with pytest.raises(Conflict) as exc:  # classify before the call-back
        act(worker, rect, "classify", classification="immediate")
    assert exc.value.code == "rectification_wrong_status"
    with pytest.raises(DomainError) as missing:
        act(worker, rect, "callback", reached=True, notes=" ")
    assert missing.value.code == "rectification_text_required"
    done = act(worker, rect, "callback", reached=False, notes="未接通")
    assert done.status == "verified" and done.handler == people["samr_reviewer"]
    act(worker, rect, "callback", reached=True, notes="已联系，情况属实")
    with pytest.raises(DomainError) as bad:
        act(worker, rect, "classify", classification="ignore")
    assert bad.value.code == "rectification_classification_invalid"
    assert act(worker, rect, "classify", classification="scheduled").status == "rectifying"
    answered = act(worker, rect, "respond", text="已整改：材料清单已更新。")
    assert answered.status == "responded"
    assert "ratings.response" in templates_for(applicant.user)  # type: ignore[arg-type]
    closed = act(applicant, rect, "confirm")
    assert closed.status == "closed" and closed.outcome == "confirmed" and closed.on_time is True
    assert [s.action for s in closed.steps.all()] == [
        "opened",
        "callback",
        "callback",
        "classify",
        "respond",
        "confirm",
    ]
    with pytest.raises(Conflict):
        act(applicant, rect, "reopen")


def test_not_satisfied_goes_back_once_then_escalates(
    rect: Rectification, people: dict[str, User], applicant: Principal
) -> None:
    handle(people, rect)
    again = act(applicant, rect, "reopen", note="问题没有解决")
    assert again.status == "rectifying" and again.reopen_count == 1 and again.rater_satisfied is False
    assert "ratings.reopened" in templates_for(people["samr_reviewer"])
    act(staff(people, "samr_reviewer"), rect, "respond", text="再次核查并已更正。")
    escalated = act(applicant, rect, "reopen", note="仍不满意")
    assert escalated.status == "escalated" and escalated.escalation_reason == "rater_unsatisfied"
    assert "ratings.escalated" in templates_for(people["supervisor"])
    assert "ratings.escalated" in templates_for(people["samr_chief"])
    with pytest.raises(Forbidden):
        act(staff(people, "samr_chief"), rect, "close", note="x")
    done = act(staff(people, "supervisor"), rect, "close", note="督办后已解决")
    assert done.status == "closed" and done.outcome == "supervised"


def test_overdue_rectifications_escalate_once(rect: Rectification, people: dict[str, User]) -> None:
    assert svc.escalate_overdue() == 0
    later = timezone.make_aware(dt.datetime.combine(rect.due_on + dt.timedelta(days=1), dt.time(10)))
    assert svc.escalate_overdue(now=later) == 1
    assert svc.escalate_overdue(now=later) == 0
    rect.refresh_from_db()
    assert rect.escalated_at == later and rect.escalation_reason == "overdue" and rect.status == "open"
    assert "ratings.escalated" in templates_for(people["samr_chief"])
    assert "ratings.escalated" in templates_for(people["supervisor"])
    assert (
        AuditEvent.objects.filter(event="ratings.rectification_escalated", actor_label="ratings").count() == 1
    )


def test_answered_rectifications_are_not_overdue_and_expire_unconfirmed(
    rect: Rectification, people: dict[str, User], settings: Any
) -> None:
    handle(people, rect)
    later = timezone.make_aware(dt.datetime.combine(rect.due_on + dt.timedelta(days=30), dt.time(10)))
    assert svc.escalate_overdue(now=later) == 0
    settings.TONGBAN_RECTIFICATION_CONFIRM_DAYS = 7
    assert svc.expire_unconfirmed(now=timezone.now() + dt.timedelta(days=6)) == 0
    assert svc.expire_unconfirmed(now=timezone.now() + dt.timedelta(days=8)) == 1
    rect.refresh_from_db()
    assert rect.status == "closed" and rect.outcome == "unconfirmed" and rect.on_time is True


def test_late_answer_is_not_on_time(
    rect: Rectification, people: dict[str, User], applicant: Principal
) -> None:
    Rectification.objects.filter(pk=rect.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    handle(people, rect)
    assert act(applicant, rect, "confirm").on_time is False


def test_appeal_upheld_excludes_the_rating(rect: Rectification, people: dict[str, User]) -> None:
    with pytest.raises(Forbidden):  # reviewers do not appeal; section chiefs do
        act(staff(people, "samr_reviewer"), rect, "appeal", reason="恶意差评")
    appealed = act(staff(people, "samr_chief"), rect, "appeal", reason="评价人误评：所述问题属于其他部门")
    assert appealed.status == "appealed" and appealed.appeal_status == "pending"
    assert "ratings.appeal_submitted" in templates_for(people["supervisor"])
    with pytest.raises(Forbidden):
        act(staff(people, "samr_chief"), rect, "decide_appeal", upheld=True, reason="x")
    decided = act(staff(people, "supervisor"), rect, "decide_appeal", upheld=True, reason="经核实属误评")
    assert decided.status == "closed" and decided.outcome == "appeal_upheld" and decided.on_time is None
    rating = Rating.objects.get(pk=rect.rating_id)
    assert rating.excluded and rating.excluded_reason == "经核实属误评" and rating.excluded_at is not None


def test_appeal_rejected_returns_to_where_it_was_and_only_once(
    rect: Rectification, people: dict[str, User]
) -> None:
    chief = staff(people, "samr_chief")
    act(chief, rect, "callback", reached=True, notes="已核实")
    act(chief, rect, "appeal", reason="恶意差评")
    back = act(staff(people, "supervisor"), rect, "decide_appeal", upheld=False, reason="证据不足")
    assert back.status == "verified" and back.appeal_status == "rejected"
    assert not Rating.objects.get(pk=rect.rating_id).excluded
    with pytest.raises(Conflict) as exc:
        act(chief, rect, "appeal", reason="再申诉")
    assert exc.value.code == "rectification_appeal_once"


def test_a_department_sees_and_works_only_on_its_own(
    rect: Rectification, people: dict[str, User], other_citizen: User
) -> None:
    from tongban.cases.tests.conftest import as_principal

    with pytest.raises(NotFound):
        act(staff(people, "swj_reviewer"), rect, "callback", reached=True, notes="x")
    with pytest.raises(NotFound):
        act(as_principal(other_citizen), rect, "confirm")
    with pytest.raises(Forbidden):  # supervisors oversee; they do not do the department's work
        act(staff(people, "supervisor"), rect, "callback", reached=True, notes="x")
    with pytest.raises(DomainError) as exc:
        act(staff(people, "samr_reviewer"), rect, "dance")
    assert exc.value.code == "rectification_action_unknown"


def test_a_second_bad_rating_while_one_is_open_does_not_open_another(
    rect: Rectification, applicant: Principal, closed: Case
) -> None:
    rate(applicant, closed, "very_dissatisfied", follow_up=True)
    assert Rectification.objects.count() == 1


def test_a_department_without_a_section_chief_hears_through_its_workers(
    make_case: Any, catalogue: Any, citizen: User, people: dict[str, User]
) -> None:
    from tongban.cases.tests.conftest import as_principal

    case = make_case([catalogue.item_drainage])
    rate(as_principal(citizen), case, "dissatisfied")
    assert Rectification.objects.get(case=case).department == catalogue.item_drainage.department
    assert "ratings.bad_rating" in templates_for(people["swj_reviewer"])
    assert "ratings.bad_rating" not in templates_for(people["samr_chief"])
