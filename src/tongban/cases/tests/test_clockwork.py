"""Legal clocks on real cases: deadlines across a Chinese holiday with 调休, suspension, extension and
its cap, overdue escalation (a system action, audited), and the 补正 lapse timer fired by the worker."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

import pytest
import time_machine

from tongban.accounts.models import User
from tongban.accounts.principal import Principal
from tongban.audits.models import AuditEvent
from tongban.cases.constants import CaseStatus, TaskStatus
from tongban.cases.models import Case
from tongban.cases.services import clockwork, flow
from tongban.cases.services.flow import Completion, NoticeEntry
from tongban.cases.services.submission import MaterialInput
from tongban.cases.services.supplements import supplement
from tongban.cases.tests.conftest import as_principal, open_task
from tongban.notifications.models import Notification
from tongban.organizations.models import Department
from tongban.utils.errors import DomainError, Forbidden

TZ = timezone.get_default_timezone()


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=TZ)


def _complete(user: User, case: Case, kind: str, decision: str, when: dt.datetime, **kw: Any) -> None:
    task = case.tasks.filter(status="open", kind=kind).first()
    assert task is not None
    flow.complete_task(as_principal(user), task.pk, Completion(decision=decision, **kw), now=when)


def test_deadline_skips_national_day_and_counts_the_make_up_saturday(
    submitted: Case, people: dict[str, User]
) -> None:
    # Accepted on Wed 30 Sep 2026. Oct 1–7 are holidays, Sat Oct 10 is a make-up working day (调休):
    # day 1 = Thu Oct 8, 2 = Fri Oct 9, 3 = Sat Oct 10, 4 = Mon Oct 12, 5 = Tue Oct 13.
    _complete(people["clerk"], submitted, "accept", "accepted", at("2026-09-30"))
    submitted.refresh_from_db()
    assert submitted.accepted_on == dt.date(2026, 9, 30)
    assert submitted.promised_limit == 5
    assert submitted.due_on == dt.date(2026, 10, 13)
    # the 1-day item (企业设立登记) is due on the first working day after the holiday
    company = submitted.items.get(promised_limit=1)
    assert company.due_on == dt.date(2026, 10, 8)
    review = submitted.tasks.filter(kind="review", case_item=company).get()
    assert review.due_on == dt.date(2026, 10, 8)


def test_supplement_during_review_suspends_the_clock(
    submitted: Case,
    people: dict[str, User],
    applicant: Principal,
    swj: Department,
    upload: Callable[..., Any],
) -> None:
    _complete(people["clerk"], submitted, "accept", "accepted", at("2026-11-02"))  # Monday
    submitted.refresh_from_db()
    assert submitted.due_on == dt.date(2026, 11, 9)
    task = open_task(submitted, "review", swj)
    flow.complete_task(
        as_principal(people["swj_reviewer"]),
        task.pk,
        Completion(
            decision="supplement", notice=[NoticeEntry("material:premises_proof", "material_expired")]
        ),
        now=at("2026-11-03"),
    )
    submitted.refresh_from_db()
    task.refresh_from_db()
    assert submitted.status == CaseStatus.NOTICE and submitted.suspended_since == dt.date(2026, 11, 3)
    assert task.status == TaskStatus.WAITING
    # decisions wait for the supplement
    other = submitted.tasks.filter(kind="review", status="open").exclude(pk=task.pk).first()
    assert other is not None
    # the applicant answers three working days later (Fri Nov 6)
    supplement(
        applicant,
        submitted,
        materials=[MaterialInput("premises_proof", str(upload().uid))],
        now=at("2026-11-06"),
    )
    submitted.refresh_from_db()
    task.refresh_from_db()
    assert submitted.status == CaseStatus.IN_REVIEW and submitted.suspended_since is None
    assert submitted.suspended_days == 3  # Nov 4, 5, 6
    assert submitted.due_on == dt.date(2026, 11, 12)  # Nov 9 + 3 working days
    assert task.status == TaskStatus.OPEN and task.due_on == dt.date(2026, 11, 12)


def test_extension_with_reason_within_the_cap(
    submitted: Case, people: dict[str, User], department: Department
) -> None:
    _complete(people["clerk"], submitted, "accept", "accepted", at("2026-11-02"))
    submitted.refresh_from_db()
    chief, reviewer = as_principal(people["samr_chief"]), as_principal(people["samr_reviewer"])
    with pytest.raises(Forbidden):
        flow.extend(reviewer, submitted, days=3, reason="需要现场核查")
    with pytest.raises(DomainError) as exc:
        flow.extend(chief, submitted, days=3, reason="")
    assert exc.value.code == "extension_reason_required"
    flow.extend(chief, submitted, days=3, reason="需要现场核查")
    submitted.refresh_from_db()
    assert submitted.extended_days == 3 and submitted.due_on == dt.date(2026, 11, 12)
    assert submitted.extensions.get().reason == "需要现场核查"
    with pytest.raises(DomainError) as exc:
        flow.extend(chief, submitted, days=8, reason="再延期")
    assert exc.value.code == "extension_over_cap"


def test_overdue_tasks_escalate_once_to_the_section_chief(
    submitted: Case, people: dict[str, User], department: Department
) -> None:
    _complete(people["clerk"], submitted, "accept", "accepted", at("2026-11-02"))
    company_review = submitted.tasks.get(kind="review", case_item__promised_limit=1)
    assert company_review.due_on == dt.date(2026, 11, 3)
    assert clockwork.escalate_overdue(dt.date(2026, 11, 3)) == 0  # due today: not overdue yet
    assert clockwork.escalate_overdue(dt.date(2026, 11, 4)) == 1
    assert clockwork.escalate_overdue(dt.date(2026, 11, 5)) == 0  # once only
    company_review.refresh_from_db()
    assert company_review.escalated_at is not None
    note = Notification.objects.get(recipient=people["samr_chief"], template="case.task_overdue")
    assert note.params["case_no"] == submitted.case_no
    ev = AuditEvent.objects.get(event="case.task_escalated")
    assert ev.actor_label == "system" and ev.summary["department"] == department.slug
    assert submitted.events.filter(kind="escalated", public=False).count() == 1


def test_notice_not_answered_in_time_lapses_by_the_worker(
    submitted: Case, people: dict[str, User], citizen: User
) -> None:
    _complete(
        people["clerk"],
        submitted,
        "accept",
        "notice",
        at("2026-11-02"),
        notice=[NoticeEntry("field:business_address", "form_error", "门牌号")],
    )
    submitted.refresh_from_db()
    assert submitted.next_timer_at is not None
    due = submitted.next_timer_at
    with time_machine.travel(due - dt.timedelta(minutes=1), tick=False):
        assert clockwork.fire_timers() == []
    with time_machine.travel(due + dt.timedelta(minutes=1), tick=False):  # the process engine's clock too
        assert clockwork.fire_timers() == [submitted.case_no]
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.LAPSED
    assert not submitted.tasks.filter(status="open").exists()
    assert Notification.objects.filter(recipient=citizen, template="case.lapsed").exists()
